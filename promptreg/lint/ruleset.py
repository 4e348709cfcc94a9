"""Which rules a run reports, and how: selection, severity overrides and per-file ignores
from promptreg.yaml (and the command line), resolved once. Every finding is made here,
whether a file, its suppressions, the loader or the whole registry found it."""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Iterable, Sequence
from pathlib import Path

from promptreg.core.config import Settings
from promptreg.core.location import Span
from promptreg.detect.redact import redact_secrets
from promptreg.lint.catalogue import RULES
from promptreg.lint.finding import SEVERITIES, SEVERITY_RANK, Finding, Fix, Severity
from promptreg.lint.rule import FileCheck, LoaderCheck, RegistryCheck, SuppressionCheck
from promptreg.lint.select import Selection, code_prefix

MAX_MESSAGE_CHARS = 1000
"""A finding's message is for a person to read; one that quotes a whole input (a
400,000-item list) is cut here, whichever check wrote it."""


class Ruleset:
    def __init__(self, settings: Settings, selection: Selection | None = None) -> None:
        self.settings = settings
        lint = settings.lint
        self.selection = (
            selection
            if selection is not None
            else Selection.build(lint.select, lint.ignore, lint.extend_select)
        )
        file: list[tuple[str, FileCheck]] = []
        suppression: list[tuple[str, SuppressionCheck]] = []
        registry: list[tuple[str, RegistryCheck]] = []
        loader: list[tuple[str, LoaderCheck]] = []
        for rule in RULES.values():
            check = rule.check
            if rule.code not in self.selection or check is None:
                continue
            if isinstance(check, SuppressionCheck):
                suppression.append((rule.code, check))
            elif isinstance(check, RegistryCheck):
                registry.append((rule.code, check))
            elif isinstance(check, LoaderCheck):
                loader.append((rule.code, check))
            else:
                file.append((rule.code, check))
        # The selected rules' checks by scope, as (code, check), in catalogue order.
        self.file_checks = tuple(file)
        self.suppression_checks = tuple(suppression)
        self.registry_checks = tuple(registry)
        self.loader_checks = tuple(loader)

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        select: Sequence[str] | None = None,
        ignore: Iterable[str] = (),
        extend_select: Iterable[str] = (),
    ) -> Ruleset:
        """The configured selection with the command line's on top, as ruff does: `select`
        replaces `lint.select`; `ignore` and `extend_select` add to theirs."""
        lint = settings.lint
        selection = Selection.build(
            select if select is not None else lint.select,
            [*lint.ignore, *ignore],
            [*lint.extend_select, *extend_select],
        )
        return cls(settings, selection)

    def __contains__(self, code: object) -> bool:
        return code in self.selection

    def severity(self, code: str, tier: int | None = None) -> Severity:
        """`lint.severity` in promptreg.yaml first, then the rule's severity for the
        prompt's tier, then its default."""
        override = self.settings.lint.severity.get(code)
        for severity in SEVERITIES:
            if override == severity:
                return severity
        return RULES[code].severity_for(tier)

    def finding(
        self,
        code: str,
        message: str,
        path: Path,
        span: Span,
        fix: Fix | None = None,
        severity: Severity | None = None,
        tier: int | None = None,
    ) -> Finding:
        """The one place findings are made, so what every output prints is safe here:
        a message never holds a credential (a check may quote a value, an owner or a
        model name, that is one) nor runs past MAX_MESSAGE_CHARS, and a fix that would
        print one in its edits is dropped (the secret's own finding says what to do).
        The severity is the configured one for the prompt's `tier`; `severity` (a hit's
        own) lowers it, never raises it."""
        message = _without_secrets(message)
        if len(message) > MAX_MESSAGE_CHARS:
            message = f"{message[: MAX_MESSAGE_CHARS - 30]}… ({len(message):,} characters)"
        if fix is not None and any(redact_secrets(e.text) != e.text for e in fix.edits):
            fix = None
        chosen = self.severity(code, tier)
        if severity is not None and SEVERITY_RANK[severity] < SEVERITY_RANK[chosen]:
            chosen = severity
        return Finding(path, span, code, message, RULES[code].name, chosen, fix)

    def drop_ignored(self, path: Path, findings: list[Finding]) -> list[Finding]:
        """Without the findings `lint.per_file_ignores` switches off for this path."""
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


@functools.lru_cache(maxsize=4096)
def _without_secrets(message: str) -> str:
    """A finding's message with credentials redacted. Memoised: most messages recur in
    file after file, the answer is a pure function of the text, and the entries are
    bounded in number (as promptreg.render.analysis.analyse is)."""
    return redact_secrets(message)
