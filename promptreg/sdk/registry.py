"""The SDK's front door: open a registry, list prompts, get approved ones.

`get` serves a prompt only when its status is approved and its approvals satisfy the
tier policy with hashes matching the current content; anything else raises
NotApprovedError naming the prompt and the reason. Loaded prompts are cached for the
Registry's lifetime, so a request path pays a dict lookup, not a YAML parse.

Production serves a bundle instead (promptreg.sdk.bundle): `open` takes an explicit
path, else $PROMPTREG_BUNDLE, else the nearest promptreg.yaml, which is development
mode and says so in its repr. `version` may be a range (promptreg.sdk.ranges), with the
same meaning for a bundle and for the working tree's git history.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from promptreg.core.errors import (
    InvalidPromptError,
    NotApprovedError,
    PromptNotFoundError,
    UsageError,
)
from promptreg.core.model import PromptSpec
from promptreg.render.prompt import Prompt, serving_encoding
from promptreg.sdk import ranges
from promptreg.sdk.audit import WORKING_TREE, Auditor

# The development mode's modules (promptreg.yaml, the YAML loader, the registry walker,
# the approval policy) load when a checkout is opened: a service opening a bundle never
# pays for them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.core.config import Settings
    from promptreg.core.loader import LoadResult
    from promptreg.git.history import Revision
    from promptreg.git.repo import Repository
    from promptreg.sdk.bundle import Bundle

BUNDLE_ENV = "PROMPTREG_BUNDLE"
SIGNERS_ENV = "PROMPTREG_ALLOWED_SIGNERS"


def matching(
    specs: Iterable[PromptSpec],
    *,
    tier: int | None = None,
    status: str | None = None,
    owner: str | None = None,
    tag: str | None = None,
) -> list[PromptSpec]:
    """The specs that match every given filter, in their order."""
    return [
        spec
        for spec in specs
        if (tier is None or spec.tier == tier)
        and (status is None or spec.status == status)
        and (owner is None or spec.owner == owner)
        and (tag is None or tag in spec.tags)
    ]


class Registry:
    """A registry checkout (promptreg.yaml plus the prompt files under its registry dir),
    or a bundle built from one (`bundle`, with `settings` None)."""

    def __init__(self, settings: Settings | None, *, bundle: Bundle | None = None) -> None:
        self._settings = settings
        self.bundle = bundle
        self._served: dict[str, tuple[Prompt, str | None]] = {}
        self._versions: dict[tuple[str, str], tuple[Prompt, str | None]] = {}
        options = settings.lint.options if settings is not None else {}
        self._auditor = Auditor(WORKING_TREE, options.get("allowed_email_domains") or ())

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        allowed_signers: str | Path | None = None,
        require_signature: bool | None = None,
    ) -> Registry:
        """Open `path`, else $PROMPTREG_BUNDLE, else the nearest promptreg.yaml.

        A directory or a .yaml file is a registry checkout (development mode); anything
        else is a bundle. `allowed_signers` (default $PROMPTREG_ALLOWED_SIGNERS) lists
        the keys that may sign bundles; with it, `require_signature` defaults to True,
        and a required signature also refuses development mode, which has none.
        """
        if path is None:
            path = os.environ.get(BUNDLE_ENV) or None
        if allowed_signers is None:
            allowed_signers = os.environ.get(SIGNERS_ENV) or None
        if require_signature is None:
            require_signature = allowed_signers is not None
        if path is not None and _is_bundle(Path(path)):
            from promptreg.sdk.bundle import Bundle  # the production path loads only this

            opened = Bundle.open(
                path, allowed_signers=allowed_signers, require_signature=require_signature
            )
            return cls(None, bundle=opened)
        if require_signature:
            raise UsageError(
                "a signed bundle is required, but "
                + (f"{path} is a registry checkout" if path else f"{BUNDLE_ENV} is not set")
                + ": development mode reads the working tree, which has no signature",
                hint=f"set {BUNDLE_ENV} to a bundle built by `promptreg build --sign KEY`",
            )
        from promptreg.core.config import CONFIG_NAME, find_config, load_config

        if path is None:
            config = find_config()
        else:
            config = Path(path)
            if config.is_dir():
                config = config / CONFIG_NAME
        return cls(load_config(config))

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            raise UsageError(
                f"{self!r} serves a bundle: it has no promptreg.yaml, files or git history",
                hint="open the registry checkout (development mode) to read its files",
            )
        return self._settings

    @property
    def root(self) -> Path:
        return self.settings.root

    @property
    def registry_dir(self) -> Path:
        return self.settings.registry_dir

    def __repr__(self) -> str:
        if self.bundle is not None:
            return repr(self.bundle)
        return f"<Registry development mode: working tree {self.settings.registry_dir}>"

    def paths(self) -> list[Path]:
        """Every prompt file, sorted."""
        from promptreg.core.tree import prompt_files

        return prompt_files(self.registry_dir)

    def path_of(self, prompt_id: str) -> Path:
        from promptreg.core.tree import path_for_id

        return path_for_id(self.registry_dir, prompt_id)

    def load(self, prompt_id: str) -> LoadResult:
        """Load one prompt file fresh (no cache), problems included."""
        from promptreg.core.tree import load_by_id

        return load_by_id(self.settings, prompt_id)

    def spec(self, prompt_id: str) -> PromptSpec:
        """The validated spec of a prompt, approved or not; InvalidPromptError if broken."""
        if self.bundle is not None:
            return self.bundle.spec(prompt_id)
        from promptreg.core.tree import spec_by_id

        return spec_by_id(self.settings, prompt_id)

    def specs(self) -> list[PromptSpec]:
        """Every prompt file that loads, sorted by id (list() filters this); for a
        bundle, the latest version of each prompt."""
        if self.bundle is not None:
            return self.bundle.specs()
        from promptreg.core.loader import load_prompt

        loaded = (load_prompt(path).spec for path in self.paths())
        return sorted((spec for spec in loaded if spec is not None), key=lambda s: s.id)

    def list(
        self,
        *,
        tier: int | None = None,
        status: str | None = None,
        owner: str | None = None,
        tag: str | None = None,
    ) -> list[PromptSpec]:
        """Specs of every valid prompt matching all the given filters, sorted by id.

        Files that do not load are skipped; `promptreg lint` reports them.
        """
        return matching(self.specs(), tier=tier, status=status, owner=owner, tag=tag)

    def get(
        self, prompt_id: str, *, version: str | None = None, allow_unapproved: bool = False
    ) -> Prompt:
        """The prompt, if it may be served; NotApprovedError naming the reason otherwise.

        `version` other than the working tree's is looked up in the first-parent history
        of the current branch and served only if that commit's file passes the same
        approval rules and, on tiers that verify approvals, its approvals hold against
        the history up to that commit; a version only a merged side branch ever had is
        refused. It may be a range ("^1.2", "~1.2.3", ">=1.2,<2"): the highest approved
        version it matches. A bundle holds approved versions only, so `allow_unapproved`
        changes nothing there.
        """
        if self.bundle is not None:
            return self.bundle.get(prompt_id, version)
        if version is not None and not ranges.is_exact(version):
            version = self._resolve_range(prompt_id, version)
        entry = self._served.get(prompt_id)
        if entry is None:
            if version is not None and not self.path_of(prompt_id).is_file():
                entry = self._committed(prompt_id, version)  # deleted now, kept in history
            else:
                from promptreg.governance.approval import serving_refusal

                spec = self.spec(prompt_id)
                entry = (self._audited(self._prompt(spec)), serving_refusal(spec, self.settings))
                self._served[prompt_id] = entry
        prompt, refusal = entry
        if version is not None and version != prompt.version:
            prompt, refusal = self._committed(prompt_id, version, prompt.version)
        if refusal is not None and not allow_unapproved:
            where = ("status",) if prompt.spec.status != "approved" else ("approvals",)
            raise NotApprovedError(
                prompt_id, refusal, location=prompt.spec.location(where, key=True)
            )
        return prompt

    def _committed(
        self, prompt_id: str, version: str, working: str | None = None
    ) -> tuple[Prompt, str | None]:
        """A version from git history, with its refusal as of its own commit; cached."""
        entry = self._versions.get((prompt_id, version))
        if entry is not None:
            return entry
        # Deferred: only a pinned older version needs git; the plain get() path never does.
        from promptreg.git.gitio import GitError
        from promptreg.git.history import committed_version
        from promptreg.git.repo import Repository

        side = False
        try:
            repo = Repository.find(self.settings.root)
            try:
                revision = committed_version(
                    self.settings, prompt_id, version, repo=repo, first_parent=True
                )
            except PromptNotFoundError:
                # Only a merged side branch has it, or nothing: the full walk tells which.
                revision = committed_version(self.settings, prompt_id, version, repo=repo)
                side = True
        except GitError as exc:
            now = f"is at version {working} in the working tree" if working else "has no file"
            raise PromptNotFoundError(
                f"{prompt_id!r} {now}, and version {version} would come from git history, "
                f"which cannot be read: {exc.message}",
                hint=exc.hint or "ask for the working tree's version, or for no version",
            ) from None
        except PromptNotFoundError as exc:
            if working is None:
                raise
            raise PromptNotFoundError(
                exc.message, hint=f"the working tree has {working}; {exc.hint}"
            ) from None
        if revision.spec is None:
            raise InvalidPromptError(
                revision.problems,
                hint=f"version {version} as committed in {revision.short} does not load",
            )
        refusal = _history_refusal(self.settings, repo, revision, side)
        if refusal is not None:
            refusal = f"{refusal} (version {version} as committed in {revision.short})"
        source = Auditor(f"commit {revision.commit}", self._auditor.allowed_email_domains)
        entry = (self._audited(self._prompt(revision.spec), source), refusal)
        self._versions[(prompt_id, version)] = entry
        return entry

    def _prompt(self, spec: PromptSpec) -> Prompt:
        """A servable Prompt: values are counted against `max_tokens` with the model's
        encoding, so the SDK refuses what `promptreg render` refuses."""
        return Prompt(spec, encoding=serving_encoding(spec, self.settings.models))

    def _audited(self, prompt: Prompt, auditor: Auditor | None = None) -> Prompt:
        """The prompt, writing an audit record per call (docs/sdk.md#audit-records)."""
        prompt.observer = auditor or self._auditor
        return prompt

    def _resolve_range(self, prompt_id: str, request: str) -> str:
        """The highest version matching `request` that get() would serve, among the
        working tree's and those committed with status approved."""
        candidates: list[str] = []
        if self.path_of(prompt_id).is_file():
            candidates.append(self.spec(prompt_id).version)
        from promptreg.git.gitio import GitError  # deferred: only a range needs history
        from promptreg.git.history import history

        with contextlib.suppress(GitError):  # outside a repository: the working tree only
            candidates += [
                r.version
                for r in history(self.settings, prompt_id)
                if r.version and r.status == "approved"
            ]
        for version in ranges.matching(request, dict.fromkeys(candidates)):
            try:
                self.get(prompt_id, version=version)
            except NotApprovedError:
                continue
            return version
        return ranges.resolve(prompt_id, request, [], "the working tree or its git history")

    def reload(self) -> None:
        """Forget cached prompts, so the next get() reads the files again."""
        self._served.clear()
        self._versions.clear()


def _is_bundle(path: Path) -> bool:
    """A directory or a YAML file is a checkout; anything else is taken for a bundle."""
    return not path.is_dir() and path.suffix not in (".yaml", ".yml")


def _history_refusal(
    settings: Settings, repo: Repository, revision: Revision, side_branch: bool
) -> str | None:
    """Why a committed state may not be served; None when it may.

    Only states of the current branch's first-parent history qualify: each was the
    branch's own state, where its checks ran, while a commit only on a merged side
    branch was never checked as the branch. On top of the approval rules of the file,
    tiers that verify approvals have them verified against the history up to that
    commit, as G011 to G014 would have at the time.
    """
    spec = revision.spec
    assert spec is not None
    if side_branch:
        return (
            "it was committed only on a side branch merged later, never on the first-parent "
            "history of the current branch, so no check of this branch saw it"
        )
    from promptreg.governance.approval import serving_refusal

    refusal = serving_refusal(spec, settings)
    if refusal is not None:
        return refusal
    from promptreg.governance.provenance import provenance_issues_at  # reads git history

    issues = provenance_issues_at(spec, settings, repo, revision.path, revision.commit)
    return f"its approvals do not hold against git history: {issues[0].message}" if issues else None
