"""A built bundle, opened for serving: read once, verified, then served from memory.

`open` reads the bundle (and its signature and the allowed-signers file), checks the
signature when there is one to check or one is required, checks the index against the
digest in the header, and imports everything serving will need. After it returns,
nothing touches the file system: no prompt file, no git, no module loaded on first use.
Each prompt version is parsed, checked against its hash and compiled on its first `get`
and kept, so a service that uses ten prompts of ten thousand pays for ten.

Everything in a bundle was verified when it was built (approvals, provenance, lint; see
promptreg.actions.build), so serving it needs no policy: the bundle is the evidence.
A Bundle is shared by any number of threads; the one thing that changes, the cache of
built prompts, is filled under a lock and its values never change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from promptreg.core.errors import PromptNotFoundError, UsageError
from promptreg.core.model import PromptSpec, build_spec
from promptreg.core.suggest import closest
from promptreg.render.prompt import Prompt, serving_encoding
from promptreg.render.sandbox import Sandbox
from promptreg.sdk import ranges
from promptreg.sdk.audit import Auditor
from promptreg.sdk.bundle_format import BundleError, Layout, decode, entry
from promptreg.sdk.signature import SignatureError, allowed_keys, verify

# typing costs ~15 ms to import and the SDK path needs it only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BundleError(
            f"cannot read {what} {path}: {exc.strerror or exc}",
            hint="check the path (PROMPTREG_BUNDLE, or the argument of Registry.open)",
        ) from None


_BUNDLE_FIELDS = ("content_hash", "commit", "approvals", "logging")
"""What an entry holds beside the prompt file's own fields."""


def _entry_check() -> Callable[[Any], bool]:
    """The prompt file schema's validity check, loaded when the bundle is opened (a get
    reads nothing from disk)."""
    from promptreg.core.schema import PROMPT_SCHEMA, fast_check, validator

    check = fast_check(PROMPT_SCHEMA)
    return check if check is not None else validator(PROMPT_SCHEMA).is_valid


def _servable(value: Mapping[str, Any], check: Callable[[Any], bool]) -> bool:
    """Whether an entry is what `promptreg build` writes: its prompt fields valid under
    the prompt file's schema (types, a tier of 1 to 3, no unknown keys), approved, with a
    list of approvals. Anyone can write an unsigned bundle whose hashes match, so the
    hashes alone do not say the entry is of the right shape."""
    prompt = {k: v for k, v in value.items() if k not in _BUNDLE_FIELDS}
    valid = check(prompt)
    approvals = value.get("approvals")
    return (
        valid
        and value.get("status") == "approved"
        and type(value.get("tier")) is int
        and value.get("logging") in ("none", "metadata", "full", None)
        and isinstance(value.get("commit"), str)
        and isinstance(approvals, list)
        and all(isinstance(item, dict) for item in approvals)
    )


MAX_REMEMBERED_REQUESTS = 4096
"""(id, version or range) answers kept for a warm get; beyond it they are forgotten."""


class Bundle:
    """The prompt versions of one bundle file, by id and version."""

    def __init__(self, raw: bytes, layout: Layout, name: str, signed_by: str | None) -> None:
        self._raw = raw
        self._layout = layout
        self.name = name
        self.signed_by = signed_by
        """The allowed-signers principals of the key that signed it; None if unchecked."""
        source = layout.header.get("source")
        self.source: Mapping[str, Any] = source if isinstance(source, dict) else {}
        self.digest: str = layout.header["digest"]
        self._rows = layout.rows
        self._built: dict[tuple[str, str], Prompt] = {}
        self._served: dict[tuple[str, str | None], Prompt] = {}
        self._lock = threading.Lock()
        self._sandbox = Sandbox()
        self._check = _entry_check()
        self._auditor = Auditor(self.digest)  # records name the bundle by its digest
        # Load now whatever a get, a render or an error message would load later.
        self._sandbox.compile("{% for x in y %}{{ x | upper }}{% endfor %}").render({"y": "a"})
        import difflib  # noqa: F401  (did-you-mean on error paths)

        import nodesemver  # noqa: F401  (version ranges)

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        allowed_signers: str | Path | None = None,
        require_signature: bool = False,
        signature: str | Path | None = None,
    ) -> Bundle:
        """Read and verify the bundle at `path`; BundleError (SignatureError for the
        signature) naming the file and the reason when it must not be served.

        The signature is `signature`, or FILE.sig beside the bundle. It is checked
        whenever `allowed_signers` is given; `require_signature` refuses a bundle
        without a good one.
        """
        path = Path(path)
        name = str(path)
        raw = _read(path, "bundle")
        sig_path = Path(signature) if signature is not None else Path(f"{path}.sig")
        signed_by = None
        if require_signature and allowed_signers is None:
            raise UsageError(
                "require_signature=True needs allowed_signers: the file that lists the "
                "keys allowed to sign bundles",
                hint="Registry.open(bundle, allowed_signers='allowed_signers', "
                "require_signature=True), or set PROMPTREG_ALLOWED_SIGNERS",
            )
        if allowed_signers is not None:
            signers_path = Path(allowed_signers)
            text = _read(signers_path, "allowed-signers file").decode("utf-8", "replace")
            signers = allowed_keys(text, str(signers_path))
            if sig_path.is_file():
                armored = _read(sig_path, "signature")
                signed_by = verify(raw, armored, signers, name, str(signers_path))
            elif require_signature:
                raise SignatureError(
                    f"{name} is not signed: there is no signature {sig_path} beside it, and "
                    "require_signature=True refuses an unsigned bundle",
                    hint="build it with `promptreg build -o FILE --sign KEY`, and deploy "
                    "FILE.sig with it",
                )
        return cls(raw, decode(raw, name), name, signed_by)

    def __repr__(self) -> str:
        signed = f"signed by {self.signed_by}" if self.signed_by else "signature not checked"
        commit = str(self.source.get("commit", ""))[:10]
        return f"<Registry bundle {self.name} ({commit}, {signed})>"

    # --- what is in it ------------------------------------------------------------------

    def ids(self) -> list[str]:
        return sorted(self._rows)

    def versions(self, prompt_id: str) -> list[str]:
        """Every version of the prompt in the bundle (all approved); PromptNotFoundError
        with a did-you-mean for an unknown id."""
        found = self._rows.get(prompt_id)
        if found is None:
            match = closest(prompt_id, self._rows)
            raise PromptNotFoundError(
                f"no prompt {prompt_id!r} in the bundle {self.name}",
                hint=f"did you mean {match!r}?"
                if match
                else "only approved prompts are bundled; `promptreg build` says what it left out",
            )
        return list(found)

    def resolve(self, prompt_id: str, version: str | None) -> str:
        return ranges.resolve(
            prompt_id, version, self.versions(prompt_id), f"the bundle {self.name}"
        )

    def get(self, prompt_id: str, version: str | None = None) -> Prompt:
        """The prompt version `version` (exact or a range; None: the latest) resolves to.

        A bundle never changes, so each request's answer is kept: a warm get is one
        dictionary lookup, whatever range it names.
        """
        asked = (prompt_id, version)
        prompt = self._served.get(asked)
        if prompt is not None:
            return prompt
        chosen = self.resolve(prompt_id, version)
        key = (prompt_id, chosen)
        with self._lock:  # held while compiling: each version is compiled once
            prompt = self._built.get(key)
            if prompt is None:
                spec = self._spec(prompt_id, chosen)
                prompt = Prompt(spec, self._sandbox, encoding=serving_encoding(spec))
                prompt.observer = self._auditor
                self._built[key] = prompt
            if len(self._served) >= MAX_REMEMBERED_REQUESTS:
                self._served.clear()  # ranges may come from callers' input: stay bounded
            self._served[asked] = prompt
        return prompt

    def spec(self, prompt_id: str, version: str | None = None) -> PromptSpec:
        return self.get(prompt_id, version).spec

    def specs(self) -> list[PromptSpec]:
        """The latest version of every prompt, sorted by id (parses each one)."""
        return [self.spec(prompt_id) for prompt_id in self.ids()]

    def _spec(self, prompt_id: str, version: str) -> PromptSpec:
        value = entry(self._raw, self._layout, prompt_id, version, self.name)
        try:
            servable = _servable(value, self._check)
            spec = build_spec(value) if servable else None
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError):
            servable, spec = False, None
        if not servable:
            raise BundleError(
                f"the entry of {prompt_id} {version} in {self.name} is not one `promptreg "
                "build` writes: a field is missing, unknown or of the wrong type",
                hint="rebuild the bundle with `promptreg build`",
            )
        if spec is None or spec.content_hash != value.get("content_hash"):
            raise BundleError(
                f"the entry of {prompt_id} {version} in {self.name} does not hold the "
                "content its approvals were given for",
                hint="rebuild the bundle with `promptreg build`",
            )
        return spec
