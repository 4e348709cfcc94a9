"""`promptreg build`: the one place provenance is checked before production serves.

CI runs it on the base branch, where an attacker's pull request cannot reach. It
lints the registry as committed at HEAD with every provenance rule (G011-G014) and every
whole-registry rule (R) switched on whatever promptreg.yaml selects, and refuses, naming
the prompt and the reason, anything lint would refuse. Then it walks the first-parent
history of the branch and bundles, for each prompt, every version whose last state
there is approved, satisfies its tier now and whose approvals git backs up. A version
approved only on a merged side branch never went through the branch, so no check on the
branch saw it: the build is refused, naming it, rather than served a registry whose
history says something the branch never checked. The bundle's bytes depend on nothing
but the commit (promptreg.sdk.bundle_format), and `--sign` adds an SSH signature beside
it.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from promptreg.core.about import VERSION
from promptreg.core.config import Settings
from promptreg.core.errors import PromptregError, UsageError
from promptreg.core.fs import atomic_write
from promptreg.core.loader import PROMPT_SUFFIX, load_prompt
from promptreg.core.model import PromptSpec
from promptreg.core.versions import Version, parse_version
from promptreg.edit.layout import FIELD_ORDER
from promptreg.git.registry_log import (
    SUBMODULE_MODE,
    SYMLINK_MODE,
    State,
    branch,
    registry_states,
    tree,
    uncommitted,
)
from promptreg.git.repo import Repository
from promptreg.governance.approval import serving_refusal
from promptreg.governance.file_history import load_history
from promptreg.governance.provenance import allowed_signers_path
from promptreg.lint.catalogue import RULES
from promptreg.lint.finding import SEVERITY_RANK, Finding
from promptreg.lint.ruleset import Ruleset
from promptreg.lint.runner import Jobs
from promptreg.lint.select import Selection
from promptreg.lint.session import HISTORY_RULES, LintSession
from promptreg.render.tokens import TokenCounter
from promptreg.sdk.bundle_format import SIGNATURE_NAMESPACE, encode

FORCED_RULES = frozenset(code for code in RULES if code in HISTORY_RULES or code[0] == "R")
"""Rules a build runs and obeys at any severity, whatever promptreg.yaml selects."""

_SERVED_KEYS = FIELD_ORDER[: FIELD_ORDER.index("limitations") + 1]
"""The file's own keys a bundle entry carries, in the file's order: what `get` serves."""


class BuildError(PromptregError):
    """The registry cannot be built from as it is (no commit, uncommitted changes...)."""


@dataclass(frozen=True, slots=True)
class Note:
    prompt: str
    """A prompt id, with the version when one version is meant; or a path."""
    reason: str

    def __str__(self) -> str:
        return f"{self.prompt}: {self.reason}"


@dataclass
class BuildResult:
    data: bytes = b""
    refused: list[Note] = field(default_factory=list)
    """What lint refuses, and versions approved only on a merged side branch: the build
    fails, and nothing is written."""
    left_out: list[Note] = field(default_factory=list)
    """Versions in history that may not be served, and why; the build still succeeds."""
    prompts: int = 0
    versions: int = 0


def build_bundle(settings: Settings, *, jobs: Jobs = 1) -> BuildResult:
    """Verify the registry as committed at HEAD and bundle what may be served."""
    repo = Repository.find(settings.root)
    head = repo.head
    if not head:
        raise BuildError("the repository has no commits yet", hint="commit the registry first")
    if repo.shallow:
        raise BuildError(
            "this clone is shallow, so the history that approvals are verified against is missing",
            hint="fetch the full history (`git fetch --unshallow`, or `fetch-depth: 0` for "
            "actions/checkout)",
        )
    under = _relative(repo, settings.registry_dir)
    policy = [_relative(repo, settings.path)]
    signers = allowed_signers_path(settings)
    if signers.is_file() and repo.relative(signers) is not None:
        policy.append(_relative(repo, signers))
    changed = uncommitted(repo.root, [under, *policy])
    if changed:
        shown = ", ".join(changed[:5]) + (" …" if len(changed) > 5 else "")
        raise BuildError(
            f"uncommitted changes: {shown}; a bundle holds committed content only",
            hint="commit or stash them, then build again",
        )
    result = BuildResult()
    files = _prompt_files(repo, head, under, result)
    _lint(settings, repo, result, jobs)
    if result.refused:
        return result
    first_parent = registry_states(repo.root, under, first_parent=True)
    history = _History(settings, repo, result, first_parent, files)
    entries = []
    for relative in files:
        entries.extend(history.versions(relative, first_parent.get(relative, [])))
    history.side_branch_refusals(under, entries)
    if result.refused:
        return result
    # By id, and within one id highest version first (pre-releases below their release).
    entries.sort(key=lambda e: parse_version(e["version"]) or Version(0, 0, 0), reverse=True)
    entries.sort(key=lambda e: str(e["id"]))
    config = repo.blobs([f"{head}:{policy[0]}"]).get(f"{head}:{policy[0]}", b"")
    source = {
        "commit": head,
        "branch": branch(repo.root),
        "registry": under,
        "promptreg_version": VERSION,
        "policy_digest": f"sha256:{hashlib.sha256(config).hexdigest()}",
    }
    result.data = encode(source, entries)
    result.prompts = len({e["id"] for e in entries})
    result.versions = len(entries)
    return result


def _relative(repo: Repository, path: Path) -> str:
    relative = repo.relative(path)
    if relative is None:
        raise BuildError(
            f"{path} is outside the git repository at {repo.root}",
            hint="keep promptreg.yaml and the registry inside the repository",
        )
    return relative


def _prompt_files(repo: Repository, head: str, under: str, result: BuildResult) -> list[str]:
    """The prompt files committed at HEAD; symbolic links and submodules are refused."""
    files = []
    for entry in tree(repo.root, head, under):
        if entry.mode == SYMLINK_MODE or entry.mode == SUBMODULE_MODE:
            what = "a symbolic link" if entry.mode == SYMLINK_MODE else "a submodule"
            result.refused.append(
                Note(
                    entry.path,
                    f"is {what} in commit {head[:10]}; the registry holds prompt files "
                    "only, so what is reviewed is what is served",
                )
            )
        elif entry.path.endswith(PROMPT_SUFFIX):
            files.append(entry.path)
    return files


def _lint(settings: Settings, repo: Repository, result: BuildResult, jobs: Jobs) -> None:
    configured = Ruleset.build(settings).selection.enabled
    selection = Selection(configured | FORCED_RULES)
    session = LintSession(settings, selection, None, None, TokenCounter(None), repo)
    files = session.lint_paths([settings.registry_dir], jobs=jobs)
    findings = [*files.findings, *session.check_registry().findings]
    floor = SEVERITY_RANK.get(settings.lint.fail_on, SEVERITY_RANK["error"])
    for finding in sorted(set(findings)):
        if finding.code in FORCED_RULES or SEVERITY_RANK[finding.severity] >= floor:
            result.refused.append(Note(_prompt_of(settings, finding), _reason(settings, finding)))


def _prompt_of(settings: Settings, finding: Finding) -> str:
    from promptreg.core.tree import prompt_id_for

    return prompt_id_for(finding.path, settings.registry_dir) or _shown(settings, finding.path)


def _shown(settings: Settings, path: Path) -> str:
    try:
        return path.resolve().relative_to(settings.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _reason(settings: Settings, finding: Finding) -> str:
    place = f"{_shown(settings, finding.path)}:{finding.span.start.line}"
    return f"{finding.code} {finding.message} ({place})"


class _History:
    """What checking the older versions shares: one lint session for the provenance
    rules, whose repository keeps every file's history once read."""

    def __init__(
        self,
        settings: Settings,
        repo: Repository,
        result: BuildResult,
        line: dict[str, list[State]],
        files: list[str],
    ) -> None:
        self.settings = settings
        self.repo = repo
        self.result = result
        self.line = line
        # Every state of every file along the line, read with one `git cat-file`.
        self.contents = repo.blobs(s.blob for f in files for s in line.get(f, ()) if s.blob)
        self.session = LintSession(
            settings, Selection(HISTORY_RULES), None, None, TokenCounter(None), repo
        )
        self.seen: dict[str, set[str]] = {}
        """Every version each file had along the first-parent line, served or not."""

    def versions(self, relative: str, states: list[State]) -> list[dict[str, Any]]:
        """The entries of one prompt: the last first-parent state of each version, if it
        may be served. The state at HEAD passed lint already; older ones are checked here."""
        path = self.repo.root / relative
        contents = self.contents
        seen = self.seen.setdefault(relative, set())
        entries = []
        for number, state in enumerate(states):
            data = contents.get(state.blob)
            if data is None:
                if number == 0:
                    break  # deleted at HEAD: nothing of it is served
                continue
            spec = load_prompt(path, data).spec
            if spec is None or spec.version in seen:
                continue
            seen.add(spec.version)
            if number == 0 and spec.status == "deprecated":
                self.result.left_out.append(
                    Note(spec.id, "deprecated at HEAD: no version of it is served")
                )
                break
            reason = self.refusal(spec, path, data, head=number == 0)
            if reason is None:
                entries.append(_entry(self.settings, self.repo, spec, path, state.commit))
            elif number > 0 and spec.status == "approved":
                self.result.left_out.append(Note(f"{spec.id} {spec.version}", reason))
        return entries

    def refusal(self, spec: PromptSpec, path: Path, data: bytes, *, head: bool) -> str | None:
        refusal = serving_refusal(spec, self.settings)
        if refusal is not None or head:
            return refusal
        found = self.session.lint_file(path, data)
        if found:
            return f"{found[0].code} {found[0].message} (in its last first-parent state)"
        return None

    def side_branch_refusals(self, under: str, entries: list[dict[str, Any]]) -> None:
        """Refuse approved versions that exist only on merged side branches.

        Leaving them out quietly would let a merge carry an approval no check of the
        branch ever saw into the history a reviewer reads as the branch's; the fix is to
        land that approval on the first-parent line, where the checks run."""
        bundled = {(e["id"], e["version"]) for e in entries}
        every = registry_states(self.repo.root, under, first_parent=False)
        sides = {
            relative: [s for s in every.get(relative, []) if s.blob and s.blob not in on_line]
            for relative in self.seen
            for on_line in ({s.blob for s in self.line.get(relative, ())},)
        }
        contents = self.repo.blobs(s.blob for side in sides.values() for s in side)
        for relative, seen in self.seen.items():
            side = sides[relative]
            reported = set(seen)
            for state in side:
                data = contents.get(state.blob)
                spec = load_prompt(self.repo.root / relative, data).spec if data else None
                if spec is None or spec.status != "approved" or spec.version in reported:
                    continue
                if (spec.id, spec.version) in bundled:
                    continue
                reported.add(spec.version)
                self.result.refused.append(
                    Note(
                        f"{spec.id} {spec.version}",
                        f"approved only on a merged side branch (commit {state.commit[:10]}), "
                        "never on the first-parent history of the branch, where its checks "
                        "ran; land the approval on the first-parent line (commit that "
                        "version, approved, on the branch itself; merge approval branches "
                        "with --squash or --rebase), then build again",
                    )
                )


def _entry(
    settings: Settings, repo: Repository, spec: PromptSpec, path: Path, commit: str
) -> dict[str, Any]:
    data = spec.data
    entry: dict[str, Any] = {key: data[key] for key in _SERVED_KEYS if key in data}
    entry["logging"] = spec.logging or settings.tier(spec.tier).logging
    entry["content_hash"] = spec.content_hash
    entry["commit"] = commit
    history = load_history(path, repo) if spec.approvals else None
    verified = settings.tier(spec.tier).verify_approvals
    approvals = []
    for approval in spec.approvals:
        added = (
            history.approval_added(approval.reviewer, approval.content_hash) if history else None
        )
        approvals.append(
            {
                "reviewer": approval.reviewer,
                "group": approval.group,
                "date": approval.date,
                "content_hash": approval.content_hash,
                "commit": added.id if added else None,
                "verified": verified and added is not None,
            }
        )
    entry["approvals"] = approvals
    return entry


def sign(data: bytes, key: Path) -> bytes:
    """The armoured SSHSIG signature of `data` by `key`, made by `ssh-keygen -Y sign`."""
    try:
        process = subprocess.run(
            [
                "ssh-keygen",
                "-q",
                "-Y",
                "sign",
                "-f",
                str(key),
                "-n",
                SIGNATURE_NAMESPACE,
                "-O",
                "hashalg=sha256",
            ],
            input=data,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise UsageError(
            "ssh-keygen is not installed, so the bundle cannot be signed",
            hint="install OpenSSH's client tools where bundles are built",
        ) from None
    if process.returncode != 0:
        message = process.stderr.decode("utf-8", "replace").strip() or "no message"
        raise UsageError(
            f"ssh-keygen could not sign with {key}: {message}",
            hint="pass the private key (or the .pub of a key in ssh-agent) to --sign",
        )
    return process.stdout


def write_bundle(data: bytes, output: Path, signature: bytes | None) -> None:
    """The bundle, then its signature beside it (FILE.sig), each written atomically."""
    atomic_write(output, data)
    if signature is not None:
        atomic_write(Path(f"{output}.sig"), signature)


__all__ = ["BuildError", "BuildResult", "build_bundle", "sign", "write_bundle"]
