"""The render memo: which response cache entry a case's request has, without rendering it.

A cached re-run spent about a quarter of its time rendering every case's request in the
sandbox only to digest it into the response cache's key. The memo remembers, for each
work item, the cache key its request had the last time it was rendered; a re-run looks
the answer up through the memo and renders only the items the memo does not know.

The memo's key is a digest of what the request is a function of (the proof is in
docs/evals.md, "The render memo"):

- the case's fingerprint: the prompt's content hash (id, version, model, variables,
  messages, output: every part of the file that rendering reads), the case hash (its
  variables), the model as the endpoint knows it, the request parameters (the API),
  the runner version and the repeat index;
- the endpoint's address (part of the cache key, not of the fingerprint);
- `renderer_identity()`: a digest of the source of the code that turns those into the
  request and the request into its cache key (promptreg's render package, the spec
  model, the hashing, the planner, the cache key recipe, this module), Jinja2's and
  MarkupSafe's version (their `__init__` modules, which carry it) and Python's version.

Where that code cannot be read, there is no memo: every request is rendered. Nor is
there one for a prompt whose messages may call Jinja2's `random` filter, the one part
of the sandbox whose output is not a function of those inputs: by name, or through
`map`, whose filter name a template can build or a case pass (`memoizable`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

from promptreg.core.model import PromptSpec

MEMO_VERSION = 1
"""Raised if what a memo key is made of changes."""

_PACKAGE = Path(__file__).resolve().parents[1]
_SOURCES = (
    "core/hashing.py",
    "core/model.py",
    "evals/cache.py",
    "evals/memo.py",
    "evals/plan.py",
)
_LIBRARIES = ("jinja2", "markupsafe")
_RANDOM = "random"


def renderer_identity(package: Path = _PACKAGE) -> str:
    """The digest of the rendering code's source (see the module's docstring); "" when
    some of it cannot be read, which turns the memo off."""
    try:
        files = sorted((package / "render").glob("*.py"))
    except OSError:
        return ""
    return source_digest("memo", [*files, *(package / name for name in _SOURCES)], _LIBRARIES)


def source_digest(purpose: str, files: list[Path], libraries: tuple[str, ...]) -> str:
    """A digest of `files` and of the `__init__` module of each library (which carries
    its version), with Python's version; "" when one cannot be read."""
    digest = hashlib.sha256(f"{purpose} {MEMO_VERSION} python {sys.version_info[:2]}\n".encode())
    try:
        for library in libraries:
            spec = importlib.util.find_spec(library)
            if spec is None or spec.origin is None:
                return ""
            files.append(Path(spec.origin))
        for path in files:
            data = path.read_bytes()
            digest.update(f"{path.name} {len(data)}\n".encode())
            digest.update(data)
    except (OSError, ValueError, ImportError):
        return ""
    return digest.hexdigest()


def memoizable(spec: PromptSpec) -> bool:
    """Whether rendering `spec` is a function of its content and a case's variables: not
    where a message may call Jinja2's `random` filter, which picks an item at random, by
    name or through `map` with a name built or passed in (a mere word `random` or a `map`
    of another filter costs the rendering, never a wrong answer)."""
    for message in spec.messages:
        if _RANDOM in message.content:
            return False
        if "map" in message.content:  # parsed (Jinja2 loaded) only for a possible map
            from promptreg.render.analysis import may_draw_at_random

            if may_draw_at_random(message.content):
                return False
    return True


def memo_key(renderer: str, base_url: str, fingerprint: str) -> str:
    """The memo's key of one work item. Only the address can hold arbitrary text, and it
    stands between two fields of fixed form, so no two inputs share a key's text."""
    text = f"{renderer}\n{base_url}\n{fingerprint}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
