"""The files under `.promptreg/cache/`: read once, written once, never trusted blindly.

Every cache (lint results, token counts, history summaries, eval answers) lives in the
working tree, and a working tree holds whatever a pull request put there: its folder's
`.gitignore` keeps it out of ordinary commits, but `git add -f` commits it anyway, and
a fresh clone would then start from the author's results. So a cache is never taken
on its content alone:

- Every file is sealed: its first line is an HMAC-SHA256 of the rest, made with a
  random key that lives outside the working tree (`promptreg/cache.key` under
  `$XDG_CACHE_HOME`, else `~/.cache`, created once with mode 0600). A file that was
  not written on this machine by this user (committed, copied, edited) fails the check
  and reads as empty. No key, no cache: caching is skipped, nothing breaks.
- Every file's fingerprint includes promptreg's version, so an entry computed by other
  code is not used; callers key entries by a digest of the input they describe.
- An entry of the wrong shape is a miss, never an error: callers check each one.

A file that is missing, corrupt, of another format, fingerprint or seal reads as empty;
a file that cannot be written is skipped, since a cache is never required.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import stat
from pathlib import Path
from typing import Any

from promptreg.core.about import VERSION
from promptreg.core.fs import atomic_write

IGNORE_ALL = "# Written by promptreg: a local cache, never committed.\n*\n"

KEY_BYTES = 32
_SEAL_CHARS = 64  # hex of an HMAC-SHA256


def key_path() -> Path | None:
    """Where this user's sealing key lives: outside any working tree, so nothing a
    repository contains can supply it. None when there is no home to keep it in."""
    xdg = os.environ.get("XDG_CACHE_HOME") or ""
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "promptreg" / "cache.key"
    try:
        home = Path.home()
    except RuntimeError:
        return None
    return home / ".cache" / "promptreg" / "cache.key"


@functools.cache
def _key_at(path: Path) -> bytes | None:
    """The key at `path`, made on first use. Memoised per path: the key of a path
    never changes once made, and each file read costs a system call or three."""
    existing = _read_key(path)
    if existing is not None:
        return existing
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(path, flags, 0o600)
    except FileExistsError:  # another process made it first (or a symlink is there)
        return _read_key(path)
    except OSError:
        return None
    with os.fdopen(fd, "wb") as handle:
        handle.write(os.urandom(KEY_BYTES))
    return _read_key(path)


def _read_key(path: Path) -> bytes | None:
    """The key, if `path` is a regular file of ours that nobody else may write."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022:
            return None
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return None
        data = handle.read(KEY_BYTES + 1)
    return data if len(data) == KEY_BYTES else None


def local_key() -> bytes | None:
    """This user's sealing key; None when none can be read or made (caching is off)."""
    path = key_path()
    return _key_at(path) if path is not None else None


def seal(purpose: str, data: bytes) -> str | None:
    """The HMAC of `data` for `purpose` (a file name, a row key), or None without a key.
    The purpose is part of the seal, so a sealed value cannot be moved elsewhere."""
    key = local_key()
    if key is None:
        return None
    return hmac.new(key, purpose.encode() + b"\0" + data, hashlib.sha256).hexdigest()


def is_sealed(purpose: str, data: bytes, tag: str) -> bool:
    expected = seal(purpose, data)
    return expected is not None and hmac.compare_digest(expected, tag)


def seal_text(purpose: str, body: str) -> str | None:
    """`body` with its seal as the first line; None without a key (do not write)."""
    tag = seal(purpose, body.encode("utf-8"))
    return None if tag is None else f"{tag}\n{body}"


def unseal_text(purpose: str, text: str) -> str | None:
    """The body of a sealed text, or None when the seal is missing or wrong."""
    tag, newline, body = text.partition("\n")
    if not newline or len(tag) != _SEAL_CHARS:
        return None
    return body if is_sealed(purpose, body.encode("utf-8"), tag) else None


def _stamp(fingerprint: str) -> str:
    return f"{VERSION}\0{fingerprint}"


MAX_CACHE_BYTES = 512 * 1024 * 1024
"""The most of one cache file read: a registry of 10,000 prompts writes a few MB."""


def read_cache_text(path: Path) -> str | None:
    """The text of a cache file, if it is a regular file of at most MAX_CACHE_BYTES.

    A working tree can hold a link where a cache file goes (git commits links): to
    `/dev/zero`, read to its end, it exhausted memory; to a FIFO, opening it waited
    forever. Cache files are only ever written as regular files, so a link, a device,
    a FIFO or a folder there is not one: a miss."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
            return None
        data = handle.read(MAX_CACHE_BYTES + 1)
    if len(data) > MAX_CACHE_BYTES:
        return None
    return data.decode("utf-8")


def read_entries(path: Path, format_version: int, fingerprint: str) -> dict[str, Any]:
    try:
        text = read_cache_text(path)
        if text is None:
            return {}
        body = unseal_text(path.name, text)
        if body is None:
            return {}
        stored = json.loads(body)
        if (
            isinstance(stored, dict)
            and stored.get("format") == format_version
            and stored.get("fingerprint") == _stamp(fingerprint)
        ):
            entries = stored.get("entries")
            if isinstance(entries, dict):
                return entries
    except (OSError, ValueError, RecursionError):
        pass
    return {}


def linked_cache_folder(path: Path) -> bool:
    """Whether a folder from the working tree's `.promptreg` down to `path` is a link.

    A pull request can commit `.promptreg/cache` (or `cache/lint`) as a link to a folder
    outside the working tree; writing through it would replace files of those names
    there. Folders above `.promptreg` are the machine's (a link there is fine)."""
    parts = path.parts
    if ".promptreg" not in parts[:-1]:
        return False
    top = len(parts) - 1 - parts[:-1][::-1].index(".promptreg") - 1
    return any(Path(*parts[: index + 1]).is_symlink() for index in range(top, len(parts) - 1))


def write_entries(
    path: Path, format_version: int, fingerprint: str, entries: dict[str, Any]
) -> bool:
    """Write atomically; False when the cache could not be written (and nothing broke)."""
    if linked_cache_folder(path):
        return False
    payload = {"format": format_version, "fingerprint": _stamp(fingerprint), "entries": entries}
    sealed = seal_text(path.name, json.dumps(payload, separators=(",", ":")))
    if sealed is None:
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            atomic_write(ignore, IGNORE_ALL)
        atomic_write(path, sealed, durable=False)  # a lost cache file is only a miss
    except OSError:
        return False
    return True
