"""Writing files so that nothing is ever half-written."""

from __future__ import annotations

import os
from pathlib import Path


def atomic_write(path: Path, text: str | bytes, *, durable: bool = True) -> None:
    """Write `text` (or bytes, as they are) to `path` so that a reader sees the old file or
    the new, never half.

    A temporary file in the same directory, flushed and synced, then renamed over the
    target: a crash or a full disk leaves the original untouched. `durable=False` skips
    the sync, for a file that may be lost (a cache: a sealed file that a crash left
    empty reads as empty): on a busy disk the sync alone can take longer than the run.
    """
    directory = path.parent
    try:
        fd, tmp = _create_beside(path)
    except OSError as error:  # no such folder, no permission, a full disk: the user's to fix
        from promptreg.core.errors import PromptregError

        raise PromptregError(
            f"cannot write {path}: {error.strerror or error}",
            hint=f"check that the folder {directory} exists and is writable",
        ) from None
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        tmp.chmod(_kept_mode(path))
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _kept_mode(path: Path) -> int:
    """The new file's permissions: a regular file's own, kept; else 0o644. The rename
    replaces a link itself, never its target, so the target's mode is not the file's
    to inherit: a committed link to /dev/zero (mode 0666) would make a world-writable
    cache file, a link to a private key a file others cannot read."""
    import stat

    try:
        info = path.lstat()
    except OSError:
        return 0o644
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else 0o644


_CREATE = (
    os.O_RDWR
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _create_beside(path: Path) -> tuple[int, Path]:
    """A new file `.NAME.RANDOM.tmp` in `path`'s folder, readable by its owner only, as
    tempfile.mkstemp makes one: created exclusively (never an existing file or a link
    planted under the name), with a fresh random name on a collision. Not tempfile
    itself: with shutil and random it costs a one-file lint 3 ms to import."""
    for _ in range(100):
        candidate = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(candidate, _CREATE, 0o600), candidate
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")
