"""Apply the fixes findings carry, as ruff does: edit, re-lint in memory, repeat, write once.

A fix is a set of text edits, so everything outside them (comments, key order, quoting)
stays byte for byte. A round that makes the file stop loading is refused and the file is
left exactly as it was; the one write at the end is atomic.

A fix that changes the content hash (what approvals sign: promptreg.core.hashing) is
unsafe whatever its rule says, since it voids every approval of the file: here, not in
each rule, each fix marked safe is tried alone and applied only with `--unsafe-fixes`
when it would change the hash.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from promptreg.core.fs import atomic_write
from promptreg.core.hashing import content_hash
from promptreg.core.location import Position
from promptreg.core.yamlio import parse
from promptreg.lint.finding import Edit, Finding, Fix
from promptreg.lint.runner import Linter, expand_paths


class OverlappingEditsError(ValueError):
    """Two edits touch the same text: a bug in the rule that made them."""


@dataclass(frozen=True, slots=True)
class FixOutcome:
    path: Path
    fixed: Mapping[str, int] = field(default_factory=dict)
    """How many fixes of each rule code were applied."""
    remaining: tuple[Finding, ...] = ()
    """The findings of the final text (the file as written, or as it was)."""
    changed: bool = False
    error: str | None = None
    """Why fixing stopped short, without the path (it is `path`)."""


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits (1-based line/column in characters, end exclusive)."""
    starts = [0]
    starts.extend(index + 1 for index, char in enumerate(text) if char == "\n")

    def offset(position: Position) -> int:
        line, column = position.line, position.column
        if not 1 <= line <= len(starts):
            raise ValueError(f"edit position {line}:{column} is past the last line")
        line_end = starts[line] - 1 if line < len(starts) else len(text)
        if not 1 <= column <= line_end - starts[line - 1] + 1:
            raise ValueError(f"edit position {line}:{column} is outside line {line}")
        return starts[line - 1] + column - 1

    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    previous: Edit | None = None
    for edit in ordered:
        if edit.end < edit.start:
            raise ValueError(f"edit ends before it starts: {_describe(edit)}")
        if previous is not None and _overlap(previous, edit):
            raise OverlappingEditsError(
                f"overlapping edits: {_describe(previous)} and {_describe(edit)}"
            )
        if previous is None or edit.end >= previous.end:
            previous = edit
    for edit in reversed(ordered):  # from the end, so earlier positions stay valid
        text = text[: offset(edit.start)] + edit.text + text[offset(edit.end) :]
    return text


def fix_file(linter: Linter, path: Path, *, unsafe: bool, max_rounds: int = 10) -> FixOutcome:
    """Fix one file until no applicable fix is left (or `max_rounds`), writing once."""
    try:
        data = path.read_bytes()
    except OSError:
        return FixOutcome(path, remaining=tuple(linter.lint_file(path)))
    initial = findings = linter.lint_file(path, data)
    try:
        original = data.decode("utf-8")
    except UnicodeDecodeError:  # reported as F006; nothing can be fixed
        return FixOutcome(path, remaining=tuple(initial))
    newline = "\r\n" if "\r\n" in original.split("\n", 1)[0] + "\n" else "\n"
    broken_before = Counter(f.code for f in findings if f.code.startswith("F"))
    text = original
    fixed: Counter[str] = Counter()
    error = None
    for _ in range(max_rounds):
        chosen = select_fixes(findings, unsafe=unsafe)
        if not unsafe:
            chosen = [(f, fix) for f, fix in chosen if not changes_content(path, text, fix)]
        if not chosen:
            break
        edits = [
            Edit(e.start, e.end, e.text.replace("\r\n", "\n").replace("\n", newline))
            for _, fix in chosen
            for e in fix.edits
        ]
        candidate = apply_edits(text, edits)
        after = linter.lint_file(path, candidate.encode("utf-8"))
        broken = Counter(f.code for f in after if f.code.startswith("F")) - broken_before
        if broken:
            codes = ", ".join(sorted({finding.code for finding, _ in chosen}))
            first = next(f for f in after if f.code in broken)
            return FixOutcome(
                path,
                remaining=tuple(initial),
                error=f"fixes for {codes} were not applied: they would make the file "
                f"unreadable ({first.code} {first.message}); the file is unchanged",
            )
        fixed.update(finding.code for finding, _ in chosen)
        text, findings = candidate, after
    else:
        pending = select_fixes(findings, unsafe=unsafe)
        if any(unsafe or not changes_content(path, text, fix) for _, fix in pending):
            error = (
                f"fixes did not settle after {max_rounds} rounds (a bug in a rule's fix, "
                "please report it); the fixes made so far were written"
            )
    changed = text != original
    if changed:
        atomic_write(path, text)
    return FixOutcome(path, dict(fixed), tuple(findings), changed, error)


def changes_content(path: Path, text: str, fix: Fix) -> bool:
    """Whether applying `fix` alone to `text` changes the file's content hash (or makes
    the file stop loading, which the round refuses anyway)."""
    try:
        after = apply_edits(text, fix.edits)
    except ValueError:
        return True
    return _content_hash(path, after) != _content_hash(path, text)


def _content_hash(path: Path, text: str) -> str | None:
    value = parse(text, path, positions=False).value
    return content_hash(value) if isinstance(value, dict) else None


def fix_paths(linter: Linter, paths: Iterable[Path], *, unsafe: bool) -> list[FixOutcome]:
    return [fix_file(linter, path, unsafe=unsafe) for path in expand_paths(paths)]


def select_fixes(findings: Iterable[Finding], *, unsafe: bool) -> list[tuple[Finding, Fix]]:
    """The fixes to apply together: applicable ones, skipping any that touch claimed text."""
    chosen: list[tuple[Finding, Fix]] = []
    claimed: list[tuple[Edit, ...]] = []
    for finding in findings:
        fix = finding.fix
        if fix is None or not fix.edits or (fix.applicability == "unsafe" and not unsafe):
            continue
        if any(_edits_overlap(fix.edits, other) for other in claimed):
            continue
        chosen.append((finding, fix))
        claimed.append(fix.edits)
    return chosen


def _edits_overlap(ours: Sequence[Edit], theirs: Sequence[Edit]) -> bool:
    return any(
        _overlap(*sorted((a, b), key=lambda e: (e.start, e.end))) for a in ours for b in theirs
    )


def _overlap(first: Edit, second: Edit) -> bool:
    """`second` starts inside `first`, or both insert at one point (their order is a guess)."""
    return second.start < first.end or first.start == first.end == second.start == second.end


def _describe(edit: Edit) -> str:
    return (
        f"{edit.start.line}:{edit.start.column}-{edit.end.line}:{edit.end.column} -> {edit.text!r}"
    )
