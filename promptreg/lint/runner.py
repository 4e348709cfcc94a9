"""Run the selected rules over files and collect findings into one result.

The result is plain data (findings sorted by place), shared by every reporter, the
pre-commit hooks and the TUI.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from promptreg.core.config import CONFIG_NAME, Settings, load_config
from promptreg.core.errors import Problem
from promptreg.core.loader import load_prompt
from promptreg.core.location import Span
from promptreg.core.schema import CONFIG_SCHEMA, check_document
from promptreg.core.tree import prompt_files, prompt_id_for
from promptreg.core.yamlio import read_document
from promptreg.lint import suppress
from promptreg.lint.catalogue import RULES
from promptreg.lint.context import FileContext
from promptreg.lint.finding import SEVERITY_RANK, Finding, Fix, Severity
from promptreg.lint.select import Selection, code_prefix

TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.git.baseline import Baseline
    from promptreg.lint.cache import LintCache
    from promptreg.render.tokens import TokenCounter


@dataclass(frozen=True, slots=True)
class LintResult:
    findings: tuple[Finding, ...]
    files_checked: int

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def failing(self, fail_on: Severity) -> tuple[Finding, ...]:
        """Findings at or above the failing severity: these make the exit status 1."""
        floor = SEVERITY_RANK[fail_on]
        return tuple(f for f in self.findings if SEVERITY_RANK[f.severity] >= floor)


class Linter:
    """Settings and selection resolved once; then any number of files."""

    def __init__(
        self,
        settings: Settings,
        selection: Selection | None = None,
        base: Baseline | None = None,
        tokens: TokenCounter | None = None,
    ) -> None:
        self.settings = settings
        self.base = base
        self.tokens = tokens
        lint = settings.lint
        self.selection = selection or Selection.build(lint.select, lint.ignore, lint.extend_select)
        self._checks = [
            rule for rule in RULES.values() if rule.check and rule.code in self.selection
        ]

    def _severity(self, code: str) -> Severity:
        override = self.settings.lint.severity.get(code)
        if override in ("error", "warning", "info"):
            return override  # type: ignore[return-value]
        return RULES[code].severity

    def _finding(
        self, code: str, message: str, path: Path, span: Span, fix: Fix | None = None
    ) -> Finding:
        return Finding(path, span, code, message, RULES[code].name, self._severity(code), fix)

    def _from_problems(self, problems: Iterable[Problem]) -> Iterator[Finding]:
        for problem in problems:
            if problem.code in self.selection:
                span = problem.location.span or Span.at(1, 1)
                yield self._finding(problem.code, problem.message, problem.location.path, span)

    def lint_file(self, path: Path, data: bytes | None = None) -> list[Finding]:
        if path.name == CONFIG_NAME:
            document = read_document(path, data)
            return sorted(self._from_problems(check_document(document, CONFIG_SCHEMA)))
        result = load_prompt(path, data)
        findings = list(self._from_problems(result.problems))
        if result.spec is not None:
            ctx = FileContext(
                path=path,
                document=result.document,
                spec=result.spec,
                settings=self.settings,
                expected_id=prompt_id_for(path, self.settings.registry_dir),
                base=self.base,
                tokens=self.tokens,
            )
            for rule in self._checks:
                assert rule.check is not None
                findings.extend(
                    self._finding(rule.code, hit.message, path, hit.span, hit.fix)
                    for hit in rule.check(ctx)
                )
            findings = self._suppress(ctx, findings)
        return sorted(self._drop_per_file_ignores(path, findings))

    def _suppress(self, ctx: FileContext, findings: list[Finding]) -> list[Finding]:
        suppressions = [
            *suppress.inline_suppressions(ctx.document),
            *suppress.file_suppressions(ctx.spec, ctx.document),
        ]
        if not suppressions:
            return findings
        kept = list(suppress.apply(findings, suppressions))
        needs_reason = self.settings.tier(ctx.spec.tier).suppression_reason
        for item in suppressions:
            if needs_reason and not item.reason and "G009" in self.selection:
                kept.append(
                    self._finding(
                        "G009",
                        f"suppression of {', '.join(item.rules)} gives no reason; tier "
                        f"{ctx.spec.tier} requires one (write it after the brackets, or as "
                        "`reason:` of the lint.ignore entry)",
                        ctx.path,
                        item.span,
                    )
                )
            unknown = [r for r in item.rules if r not in RULES]
            unused = [r for r in item.rules if r in self.selection and r not in item.used]
            if (unknown or unused) and "G010" in self.selection:
                what = (
                    f"names no known rule ({', '.join(unknown)})"
                    if unknown
                    else f"suppresses no {', '.join(unused)} finding"
                )
                kept.append(
                    self._finding(
                        "G010",
                        f"suppression {what}; remove it",
                        ctx.path,
                        item.span,
                        suppress.removal_fix(item, ctx.document),
                    )
                )
        return kept

    def _drop_per_file_ignores(self, path: Path, findings: list[Finding]) -> list[Finding]:
        table = self.settings.lint.per_file_ignores
        if not table:
            return findings
        try:
            relative = path.resolve().relative_to(self.settings.root).as_posix()
        except ValueError:
            relative = path.as_posix()
        prefixes = tuple(
            code_prefix(selector)
            for pattern, selectors in table.items()
            if fnmatch.fnmatchcase(relative, pattern)
            for selector in selectors
        )
        if not prefixes:
            return findings
        return [f for f in findings if not f.code.startswith(prefixes)]

    def lint_paths(
        self,
        paths: Iterable[Path],
        *,
        cache: LintCache | None = None,
        jobs: int | None = None,
    ) -> LintResult:
        """Lint files (directories expand to their prompt files).

        Files whose cache key is unchanged keep their cached findings; the rest are linted
        here, or by worker processes when there are many and more than one core.
        """
        files = list(expand_paths(paths))
        results: list[list[Finding]] = [[] for _ in files]
        todo: list[tuple[int, Path, bytes | None, str | None]] = []
        for index, path in enumerate(files):
            data = _read(path)
            key = None
            if cache is not None and data is not None:
                key = cache.key(path, data, self.base.blob(path) if self.base else None)
                cached = cache.get(path, key)
                if cached is not None:
                    results[index] = cached
                    continue
            todo.append((index, path, data, key))
        workers = _worker_count(len(todo), jobs)
        done = (
            self._lint_parallel(todo, workers)
            if workers > 1
            else ((index, self.lint_file(path, data)) for index, path, data, _ in todo)
        )
        keys = {index: key for index, _, _, key in todo}
        for index, found in done:
            results[index] = found
            key = keys[index]
            if cache is not None and key is not None:
                cache.put(files[index], key, found)
        if cache is not None:
            cache.save()
        findings = [finding for found in results for finding in found]
        findings.extend(self.registry_findings())
        return LintResult(tuple(findings), len(files))

    def _lint_parallel(
        self, todo: list[tuple[int, Path, bytes | None, str | None]], workers: int
    ) -> Iterator[tuple[int, list[Finding]]]:
        import concurrent.futures
        import multiprocessing

        size = max(1, min(64, len(todo) // (workers * 4) or 1))
        chunks = [
            [(index, path, data) for index, path, data, _ in todo[start : start + size]]
            for start in range(0, len(todo), size)
        ]
        context = multiprocessing.get_context("fork")  # workers inherit the loaded modules
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(
                self.settings.path,
                self.selection.enabled,
                self.base.rev if self.base else None,
            ),
        ) as pool:
            for chunk in pool.map(_lint_chunk, chunks):
                yield from chunk

    def registry_findings(self) -> list[Finding]:
        """What no single file shows: approved prompts deleted since the base (V005)."""
        if self.base is None or "V005" not in self.selection:
            return []
        found = []
        for path in self.base.paths():
            if path.exists():
                continue  # only deleted files matter; do not parse the rest
            spec = self.base.spec(path)
            if spec is None or spec.status != "approved":
                continue
            found.append(
                self._finding(
                    "V005",
                    f"approved prompt {spec.id!r} {spec.version} was deleted without being "
                    f"deprecated first; restore it and set status: deprecated, release that, "
                    "then delete it",
                    path,
                    Span.at(1, 1),
                )
            )
        return found


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Directories become the prompt files below them; files are taken as given."""
    for path in paths:
        if path.is_dir():
            yield from prompt_files(path)
        else:
            yield path


PARALLEL_MIN_FILES = 100
"""Below this, starting worker processes costs more than it saves."""


def _worker_count(files: int, jobs: int | None) -> int:
    if jobs is not None:
        return max(1, jobs)
    if files < PARALLEL_MIN_FILES or sys.platform == "win32":
        return 1
    return max(1, min(os.cpu_count() or 1, 8, files // (PARALLEL_MIN_FILES // 2)))


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None  # lint_file reports it (F012)


_WORKER: Linter | None = None


def _start_worker(config: Path, enabled: frozenset[str], base: str | None) -> None:
    global _WORKER
    from promptreg.git.baseline import Baseline  # git only with a base

    settings = load_config(config)
    _WORKER = Linter(settings, Selection(enabled), Baseline(settings, base) if base else None)


def _lint_chunk(
    chunk: list[tuple[int, Path, bytes | None]],
) -> list[tuple[int, list[Finding]]]:
    assert _WORKER is not None
    return [(index, _WORKER.lint_file(path, data)) for index, path, data in chunk]
