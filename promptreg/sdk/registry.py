"""The SDK's front door: open a registry, list prompts, get approved ones.

`get` serves a prompt only when its status is approved and its approvals satisfy the
tier policy with hashes matching the current content; anything else raises
NotApprovedError naming the prompt and the reason. Loaded prompts are cached for the
Registry's lifetime, so a request path pays a dict lookup, not a YAML parse.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from promptreg.core.config import CONFIG_NAME, Settings, find_config, load_config
from promptreg.core.errors import (
    InvalidPromptError,
    NotApprovedError,
    PromptNotFoundError,
)
from promptreg.core.loader import LoadResult, load_prompt
from promptreg.core.model import PromptSpec
from promptreg.core.tree import load_by_id, path_for_id, prompt_files, spec_by_id
from promptreg.governance.approval import serving_refusal
from promptreg.render.prompt import Prompt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.git.history import Revision
    from promptreg.git.repo import Repository


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
    """A registry checkout: promptreg.yaml plus the prompt files under its registry dir."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._served: dict[str, tuple[Prompt, str | None]] = {}
        self._versions: dict[tuple[str, str], tuple[Prompt, str | None]] = {}

    @classmethod
    def open(cls, path: str | Path | None = None) -> Registry:
        """Open the registry at `path` (a directory or a promptreg.yaml), or the nearest one."""
        if path is None:
            config = find_config()
        else:
            config = Path(path)
            if config.is_dir():
                config = config / CONFIG_NAME
        return cls(load_config(config))

    @property
    def root(self) -> Path:
        return self.settings.root

    @property
    def registry_dir(self) -> Path:
        return self.settings.registry_dir

    def __repr__(self) -> str:
        return f"<Registry {self.settings.registry_dir}>"

    def paths(self) -> list[Path]:
        """Every prompt file, sorted."""
        return prompt_files(self.registry_dir)

    def path_of(self, prompt_id: str) -> Path:
        return path_for_id(self.registry_dir, prompt_id)

    def load(self, prompt_id: str) -> LoadResult:
        """Load one prompt file fresh (no cache), problems included."""
        return load_by_id(self.settings, prompt_id)

    def spec(self, prompt_id: str) -> PromptSpec:
        """The validated spec of a prompt, approved or not; InvalidPromptError if broken."""
        return spec_by_id(self.settings, prompt_id)

    def specs(self) -> list[PromptSpec]:
        """Every prompt file that loads, sorted by id (list() filters this)."""
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
        refused.
        """
        entry = self._served.get(prompt_id)
        if entry is None:
            if version is not None and not self.path_of(prompt_id).is_file():
                entry = self._committed(prompt_id, version)  # deleted now, kept in history
            else:
                spec = self.spec(prompt_id)
                entry = (Prompt(spec), serving_refusal(spec, self.settings))
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
        entry = (Prompt(revision.spec), refusal)
        self._versions[(prompt_id, version)] = entry
        return entry

    def reload(self) -> None:
        """Forget cached prompts, so the next get() reads the files again."""
        self._served.clear()
        self._versions.clear()


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
    refusal = serving_refusal(spec, settings)
    if refusal is not None:
        return refusal
    from promptreg.governance.provenance import provenance_issues_at  # reads git history

    issues = provenance_issues_at(spec, settings, repo, revision.path, revision.commit)
    return f"its approvals do not hold against git history: {issues[0].message}" if issues else None
