"""A lint session: one run's settings, selection, base revision, result cache and token
counts, owned by its caller. `promptreg lint`, `check`, `--fix`, approve, the TUI and
the bundle builder all lint through one, so they agree on what is reported and how.

    with LintSession.open(settings, base="HEAD") as session:
        result = session.lint_paths([settings.registry_dir])

The session decides the cache policy: whether to cache at all (`cache=`, and
`lint.cache: false` in promptreg.yaml), what a cached result depends on (the
configuration, the selection, the base commit and, for the rules that read approval
history, HEAD and the signers file) and where the token counts are kept. `close()`
(or leaving the `with` block) writes both back.

With a base, the policy comes from the base too (promptreg.governance.policy): the
settings a session is opened with are only where the work tree is, and what the change
proposes. When the change edits promptreg.yaml or the signers file, every file is also
linted under the proposed policy and findings under either count: the base's policy
keeps the change from relaxing its own rules, the proposed one shows what the change
breaks once merged (a reviewer removed: every prompt that loses its approvals).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType

from promptreg.core.config import CONFIG_NAME, Settings
from promptreg.lint.cache import LintCache
from promptreg.lint.finding import Finding
from promptreg.lint.quick import Memo, write_memo
from promptreg.lint.rules import evals, provenance
from promptreg.lint.ruleset import Ruleset
from promptreg.lint.runner import Jobs, Linter, LintResult, find_repository
from promptreg.lint.select import Selection
from promptreg.lint.templates import TemplateStore

TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.git.baseline import Baseline
    from promptreg.git.repo import Repository
    from promptreg.governance.policy import BasePolicy
    from promptreg.lint.fix import FixOutcome
    from promptreg.render.tokens import TokenCounter

HISTORY_RULES = frozenset(rule.code for rule in provenance.RULES)
"""Rules whose findings depend on git history beyond the file (who committed an
approval): committing changes them without changing the file's bytes."""


class LintSession:
    def __init__(
        self,
        settings: Settings,
        selection: Selection,
        base: Baseline | None,
        cache: LintCache | None,
        tokens: TokenCounter,
        git: Repository | None = None,
        proposed: Linter | None = None,
        memo: tuple[str, Memo] | None = None,
        templates: TemplateStore | None = None,
        located: bool = False,
    ) -> None:
        self.settings = settings
        """The policy the run applies: the base's with `--base`, else the work tree's."""
        self.base = base
        self.cache = cache
        self.tokens = tokens
        self.git = git
        self.templates = templates
        self.linter = Linter(settings, selection, base, tokens, git, templates, located=located)
        self.ruleset = self.linter.ruleset
        self.selection = selection
        self.proposed = proposed
        """A linter under the work tree's policy when the change edits it; else None."""
        self._memo = memo

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        select: Sequence[str] | None = None,
        ignore: Iterable[str] = (),
        extend_select: Iterable[str] = (),
        base: str | None = None,
        cache: bool = True,
    ) -> LintSession:
        """A session for `settings`. `select` replaces the configured selection; `ignore`
        and `extend_select` add to it. `base` is a git revision for the V rules (a
        GitError when it names no commit). `cache=False` neither reads nor writes the
        result cache or the stored token counts."""
        ignore, extend_select = tuple(ignore), tuple(extend_select)
        baseline = None
        repo = None
        located = False  # whether `repo` is what Repository.at answered (None: no repository)
        policy: BasePolicy | None = None
        proposed = settings
        if base:
            from promptreg.git.baseline import Baseline
            from promptreg.git.repo import Repository
            from promptreg.governance.policy import load_base_policy

            repo = Repository.at(settings.root)
            baseline = Baseline(settings, base, repo)
            repo = baseline.repo
            located = True
            policy = load_base_policy(settings, repo, baseline.commit)
            settings = policy.settings
        selection = Ruleset.build(
            settings, select=select, ignore=ignore, extend_select=extend_select
        ).selection
        if repo is None and selection.enabled & HISTORY_RULES:  # git only when a rule needs it
            repo = find_repository(settings.root)
            located = True
        from promptreg.render.tokens import TokenCounter  # light; tiktoken loads only to count

        results = None
        if cache and settings.lint.options.get("cache", True):
            config = policy.config_bytes if policy is not None else None
            results = open_cache(settings, selection, baseline, repo, config, located=located)
        tokens = TokenCounter(results.directory / "tokens.json" if results else None)
        templates = TemplateStore(results.directory / "templates.json" if results else None)
        second = None
        if policy is not None and policy.changed:
            chosen = Ruleset.build(
                proposed, select=select, ignore=ignore, extend_select=extend_select
            ).selection
            second = Linter(proposed, chosen, baseline, tokens, repo, templates, located=located)
        memo = None
        if results is not None and baseline is None:
            from promptreg.lint.memo import memo_for  # what the next run's cached answer needs

            if not located:  # looked for once, for the memo and every file's history rules
                repo = find_repository(settings.root)
                located = True
            memo = memo_for(settings, results, repo, select, ignore, extend_select, located=located)
        return cls(
            settings, selection, baseline, results, tokens, repo, second, memo, templates, located
        )

    def lint_paths(self, paths: Iterable[Path], *, jobs: Jobs = 1) -> LintResult:
        """Lint files and directories, then the whole-registry rules a lint run reports.
        One process unless `jobs` asks for more (a number, or "auto" as the CLI does)."""
        paths = list(paths)
        result = self.linter.lint_paths(paths, cache=self.cache, jobs=jobs)
        if self.proposed is None:
            return result
        return _union(result, self.proposed.lint_paths(paths, jobs=jobs))

    def lint_file(self, path: Path, data: bytes | None = None) -> list[Finding]:
        """One file's findings, fresh (`data` stands in for its bytes when given)."""
        return self.linter.lint_file(path, data)

    def fix_paths(self, paths: Iterable[Path], *, unsafe: bool = False) -> list[FixOutcome]:
        """Apply the fixes of the files' findings (safe ones unless `unsafe`), writing
        each file once; see promptreg.lint.fix."""
        from promptreg.lint.fix import fix_paths  # writes files: only when fixing

        return fix_paths(self.linter, paths, unsafe=unsafe)

    def check_registry(self) -> LintResult:
        """What `promptreg check` reports: every selected whole-registry rule."""
        result = self.linter.check_registry()
        if self.proposed is None:
            return result
        return _union(result, self.proposed.check_registry())

    def close(self) -> None:
        """Write the result cache and new token counts back (each only if it changed)."""
        if self.cache is not None:
            self.cache.save()
            if self._memo is not None:
                write_memo(self.cache.directory, *self._memo)
        self.tokens.save()
        if self.templates is not None:
            self.templates.save()

    def __enter__(self) -> LintSession:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def paths_to_lint(settings: Settings, paths: Sequence[Path]) -> list[Path]:
    """What a lint of `paths` must read: the registry when none are given, and the whole
    registry as well when promptreg.yaml is among them. A change to the policy can void
    approvals in any file (a reviewer removed from a group), and the pre-commit hook
    passes only the staged files: without this, the commit that offboards a reviewer
    would pass and production would then refuse every prompt they approved."""
    if not paths:
        return [settings.registry_dir]
    if not any(path.name == CONFIG_NAME for path in paths):
        return list(paths)
    registry = settings.registry_dir.resolve()
    outside = [
        p for p in paths if p.name == CONFIG_NAME or not p.resolve().is_relative_to(registry)
    ]
    return [*outside, settings.registry_dir]  # each file once


PROPOSED_ONLY = frozenset({"R003"})
"""Checked under the proposed policy alone: the CODEOWNERS block must match the policy
the forge will enforce once the change is merged; that the proposal itself is approved
is G019's."""


def _union(applied: LintResult, proposed: LintResult) -> LintResult:
    """Findings under the base's policy and under the proposed one, each once; those only
    the proposed policy yields say so."""
    kept = [f for f in applied.findings if f.code not in PROPOSED_ONLY]
    seen = set(applied.findings)
    for finding in proposed.findings:
        if finding in seen:
            continue
        if finding.code not in PROPOSED_ONLY:
            finding = replace(
                finding, message=f"{finding.message} (under the promptreg.yaml of this change)"
            )
        kept.append(finding)
    return LintResult(tuple(sorted(kept)), max(applied.files_checked, proposed.files_checked))


def open_cache(
    settings: Settings,
    selection: Selection,
    base: Baseline | None,
    repo: Repository | None = None,
    config: bytes | None = None,
    *,
    located: bool = False,
) -> LintCache:
    """The result cache under `.promptreg/cache/` for this configuration (`config`: its
    bytes when they are not the work tree's, as with a base), selection and base;
    results recorded under any other are not used."""
    config_bytes = config if config is not None else settings.path.read_bytes()
    if selection.enabled & HISTORY_RULES:
        from promptreg.governance.signers_file import cache_token  # HEAD and the signers

        config_bytes += cache_token(settings, repo, located=located).encode()
    if selection.enabled & evals.CODES:
        import datetime as dt  # the eval rules also read .promptreg/evals/ and the clock

        from promptreg.lint.evals_token import cache_token as evals_token

        config_bytes += evals_token(settings, dt.datetime.now(dt.UTC)).encode()
    fingerprint = LintCache.fingerprint_of(
        config_bytes, selection.enabled, base.commit if base else None
    )
    return LintCache(settings.root / ".promptreg" / "cache", fingerprint)
