"""Run the selected rules over files and collect findings into one result.

The result is plain data (findings sorted by place), shared by every reporter, the
pre-commit hooks and the TUI. A Linter lints in the calling process; worker processes
(promptreg.lint.workers) start only when a caller asks for them with `jobs`, which the
CLI does and library callers, a long-lived threaded TUI above all, should not.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Literal

from promptreg.core.config import CONFIG_NAME, Settings
from promptreg.core.errors import Problem
from promptreg.core.links import link_on_the_way, link_problem
from promptreg.core.loader import load_prompt
from promptreg.core.location import Span
from promptreg.core.model import PromptSpec
from promptreg.core.partial import partial_spec
from promptreg.core.schema import CONFIG_SCHEMA, check_document
from promptreg.core.tree import prompt_id_for
from promptreg.core.walk import walk_registry
from promptreg.core.yamlio import read_document
from promptreg.lint import suppress
from promptreg.lint.catalogue import RULES, code_of
from promptreg.lint.context import FileContext, RegistryContext, SuppressionContext
from promptreg.lint.families import intact
from promptreg.lint.finding import Finding
from promptreg.lint.result import LintResult as LintResult
from promptreg.lint.rule import RegistryCheck
from promptreg.lint.ruleset import Ruleset
from promptreg.lint.select import Selection

TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.git.baseline import Baseline
    from promptreg.git.repo import Repository
    from promptreg.lint.cache import LintCache
    from promptreg.lint.templates import TemplateStore
    from promptreg.render.tokens import TokenCounter

SCHEMA_CODES = frozenset({"S001", "S003"})
"""Loader problems that leave the file parsed and safe: the schema's, not the file's."""

Jobs = int | Literal["auto"]
"""Processes to lint in: a number, or "auto" (one per core when there are many files)."""


def find_repository(root: Path) -> Repository | None:
    """`Repository.at(root)`, without importing the git layer where no `.git` entry
    stands in `root` or above it (promptreg.core.gitdir): there git would find nothing,
    and its modules cost a one-file lint about 4 ms of start-up."""
    from promptreg.core.gitdir import may_be_in_repository

    if not may_be_in_repository(root if root.is_dir() else root.parent):
        return None
    from promptreg.git.repo import Repository

    return Repository.at(root)


def needs_history(spec: PromptSpec, settings: Settings) -> bool:
    """Whether the approval provenance rules have anything to ask git about `spec`."""
    return bool(spec.approvals) and settings.tier(spec.tier).verify_approvals


class Linter:
    """Settings and selection resolved once; then any number of files."""

    def __init__(
        self,
        settings: Settings,
        selection: Selection | None = None,
        base: Baseline | None = None,
        tokens: TokenCounter | None = None,
        git: Repository | None = None,
        templates: TemplateStore | None = None,
        *,
        located: bool = False,
    ) -> None:
        """`located`: `git` is what Repository.at answered for the settings' root, None
        included (no repository), so it is not looked for again."""
        self.settings = settings
        self.templates = templates
        self.base = base
        self.tokens = tokens
        self._git = git if git is not None else (base.repo if base is not None else None)
        self._located = located or self._git is not None
        self.ruleset = Ruleset(settings, selection)
        self.selection = self.ruleset.selection
        self._registry_resolved = settings.registry_dir.resolve()
        """Resolved once: each file's expected id is its path below it."""

    @property
    def git(self) -> Repository | None:
        """The run's repository, shared by every file's history rules: found once, from
        promptreg.yaml's folder, when a file first needs it; None when there is none."""
        if not self._located:  # git only when a rule needs it
            self._git = find_repository(self.settings.root)
            self._located = True
        return self._git

    def _from_problems(self, problems: Sequence[Problem]) -> Iterator[Finding]:
        """The loader's problems as findings of the selected loader-scope rules."""
        if not problems:
            return
        for code, check in self.ruleset.loader_checks:
            for problem in check.select(code, problems):
                span = problem.location.span or Span.at(1, 1)
                yield self.ruleset.finding(code, problem.message, problem.location.path, span)

    def lint_file(self, path: Path, data: bytes | None = None) -> list[Finding]:
        if path.name == CONFIG_NAME:
            document = read_document(path, data)
            return sorted(self._from_problems(check_document(document, CONFIG_SCHEMA)))
        link = link_on_the_way(path, self.settings.registry_dir)
        if link is not None:  # never read through: F013 is all there is to say
            return sorted(self._from_problems([link_problem(link)]))
        result = load_prompt(path, data)
        findings = list(self._from_problems(result.problems))
        spec, failing = result.spec, frozenset[str]()
        if (
            spec is None
            and result.problems
            and all(p.code in SCHEMA_CODES for p in result.problems)
        ):
            partial = partial_spec(result.document)
            if partial is not None:
                spec, failing = partial
        if spec is not None:
            ctx = FileContext(
                path=path,
                document=result.document,
                spec=spec,
                settings=self.settings,
                expected_id=prompt_id_for(path, self._registry_resolved, resolved=True),
                base=self.base,
                tokens=self.tokens,
                git=self.git if needs_history(spec, self.settings) else None,
                templates=self.templates,
            )
            finding = self.ruleset.finding
            tier = None if "tier" in failing else spec.tier
            for code, check in self.ruleset.file_checks:
                if failing and not intact(code, failing):
                    continue
                findings.extend(
                    finding(code, hit.message, path, hit.span, hit.fix, hit.severity, tier)
                    for hit in check(ctx)
                )
            findings = self._suppress(ctx, findings)
        return sorted(self.ruleset.drop_ignored(path, findings))

    def _suppress(self, ctx: FileContext, findings: list[Finding]) -> list[Finding]:
        """Drop what the file's suppressions cover, then run the rules about them."""
        suppressions = (
            *suppress.inline_suppressions(ctx.document, code_of),
            *suppress.file_suppressions(ctx.spec, ctx.document, code_of),
        )
        if not suppressions:
            return findings
        waivable = [f for f in findings if RULES[f.code].suppressible]
        kept = [f for f in findings if not RULES[f.code].suppressible]
        kept.extend(suppress.apply(waivable, list(suppressions)))
        applied = SuppressionContext(ctx, suppressions, self.selection.enabled)
        finding = self.ruleset.finding
        for code, check in self.ruleset.suppression_checks:
            kept.extend(
                finding(code, hit.message, ctx.path, hit.span, hit.fix)
                for hit in check.run(applied)
            )
        return kept

    def lint_paths(
        self,
        paths: Iterable[Path],
        *,
        cache: LintCache | None = None,
        jobs: Jobs = 1,
    ) -> LintResult:
        """Lint files (directories expand to their prompt files), then the whole-registry
        rules a lint run reports (V005).

        Files whose cache key is unchanged keep their cached findings; the caller saves
        the cache. The rest are linted here, or in worker processes when `jobs` asks.
        """
        files = list(expand_paths(paths))
        results: list[list[Finding]] = [[] for _ in files]
        todo: list[tuple[int, str | None]] = []
        contents: list[tuple[Path, bytes | None]] = []
        for index, path in enumerate(files):
            linked = link_on_the_way(path, self.settings.registry_dir) is not None
            data = None if linked else _read(path)
            key = None
            if cache is not None and data is not None:
                key = cache.key(path, data, self.base.blob(path) if self.base else None)
                cached = cache.get(path, key)
                if cached is not None:
                    results[index] = cached
                    continue
            todo.append((index, key))
            contents.append((path, data))
        for (index, key), found in zip(todo, self._lint_each(contents, jobs), strict=True):
            results[index] = found
            if cache is not None and key is not None:
                cache.put(files[index], key, found)
        findings = [finding for found in results for finding in found]
        findings.extend(self.registry_findings())
        return LintResult(tuple(findings), len(files))

    def _lint_each(
        self, contents: Sequence[tuple[Path, bytes | None]], jobs: Jobs
    ) -> Iterable[list[Finding]]:
        if jobs != 1 and len(contents) > 1:  # one file is never worth a process
            from promptreg.lint.workers import lint_in_processes, worker_count  # opted in

            workers = worker_count(len(contents), jobs)
            if workers > 1:
                store = self.templates
                if store is None:
                    return lint_in_processes(self.lint_file, contents, workers)
                return lint_in_processes(
                    self.lint_file, contents, workers, harvest=store.added, absorb=store.absorb
                )
        return (self.lint_file(path, data) for path, data in contents)

    def registry_findings(self, registry: RegistryContext | None = None) -> list[Finding]:
        """What no single file shows that a lint run reports too: approved prompts
        deleted since the base (V005)."""
        checks = [(code, check) for code, check in self.ruleset.registry_checks if check.in_lint]
        if not checks:
            return []
        return self._run_registry(registry or RegistryContext(self.settings, self.base), checks)

    def check_registry(self) -> LintResult:
        """Every selected whole-registry rule (what `promptreg check` reports), over all
        the registry's prompt files; findings sorted by place."""
        registry = RegistryContext(self.settings, self.base)
        findings = self._run_registry(registry, self.ruleset.registry_checks)
        return LintResult(tuple(sorted(findings)), len(registry.heads))

    def _run_registry(
        self, registry: RegistryContext, checks: Iterable[tuple[str, RegistryCheck]]
    ) -> list[Finding]:
        finding = self.ruleset.finding
        return [
            finding(code, hit.message, hit.path, hit.span)
            for code, check in checks
            for hit in check.run(registry)
        ]


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Directories become the prompt files below them, and the symbolic links there
    (each an F013 finding); files are taken as given."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            files, links = walk_registry(path)
            yield from sorted((*files, *links))
        else:
            yield path


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None  # lint_file reports it (F012)
