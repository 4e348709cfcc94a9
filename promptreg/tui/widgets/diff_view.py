"""The Diff view: two states of a prompt as promptreg.core.diff computed them.

Field changes first (metadata, variables, output), then what the change means (the
bump it needs, whether approvals carry over), then each message as a unified diff with
the changed words of each edited line picked out. Above them, how the recorded eval
results changed case by case: a case that passed before and fails now is a regression.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from promptreg.core.diff import PromptDiff
from promptreg.git.history import Comparison
from promptreg.tui.eval_diff import EvalChanges, change_lines


def _value(value: Any) -> str:
    text = "-" if value is None else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 90 else text[:89] + "…"


def field_lines(diff: PromptDiff) -> list[str]:
    """One line per changed field, `path: before → after` (what tests read)."""
    lines = [f"{'.'.join(f.path)}: {_value(f.before)} → {_value(f.after)}" for f in diff.metadata]
    for var in diff.variables:
        if var.kind == "changed":
            for key in var.keys:
                before = _value((var.before or {}).get(key))
                after = _value((var.after or {}).get(key))
                lines.append(f"variables.{var.name}.{key}: {before} → {after}")
        else:
            lines.append(f"variables.{var.name}: {var.kind}")
    if diff.output is not None:
        if diff.output.format_before != diff.output.format_after:
            lines.append(f"output.format: {diff.output.format_before} → {diff.output.format_after}")
        if diff.output.schema_before != diff.output.schema_after:
            lines.append("output.schema: changed")
    for name, (old, new) in (("approvals", diff.approvals), ("evals", diff.evals)):
        if old != new:
            lines.append(f"{name}: {old} → {new}")
    return lines


def meaning_lines(diff: PromptDiff) -> list[str]:
    lines = [f"version: {diff.version_before} → {diff.version_after}"]
    if diff.suggested_level is not None:
        made = f"a {diff.bump} bump" if diff.bump else "no bump"
        verdict = "enough" if diff.bump_sufficient else "NOT enough"
        lines.append(f"needs a {diff.suggested_level} bump; {made} was made: {verdict}")
    lines += [f"{c.level}: {c.description}" for c in diff.changes]
    if diff.content_changed and diff.approvals[0]:
        lines.append("approvals of the older content do not carry over: the content hash changed")
    elif not diff.content_changed:
        lines.append("content unchanged: approvals carry over")
    return lines


def _words(old: str, new: str) -> tuple[Text, Text]:
    a, b = old.split(" "), new.split(" ")
    before, after = Text("-", style="red"), Text("+", style="green")
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        left, right = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        strong = op != "equal"
        before.append(left + " ", style="bold reverse red" if strong and left else "red")
        after.append(right + " ", style="bold reverse green" if strong and right else "green")
    return before, after


def unified_text(lines: tuple[str, ...]) -> Text:
    """A unified diff, with paired -/+ lines word-highlighted."""
    out = Text()
    index = 0
    while index < len(lines):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if (
            line.startswith("-")
            and not line.startswith("---")
            and following.startswith("+")
            and not following.startswith("+++")
        ):
            before, after = _words(line[1:], following[1:])
            out.append_text(before)
            out.append("\n")
            out.append_text(after)
            out.append("\n")
            index += 2
            continue
        style = (
            "cyan"
            if line.startswith(("@@", "---", "+++"))
            else ("red" if line.startswith("-") else "green" if line.startswith("+") else "")
        )
        out.append(line + "\n", style=style)
        index += 1
    return out


def evals_text(comparison: Comparison, evals: EvalChanges) -> Text:
    """The recorded results' changes, regressions in red."""
    text = Text()
    for line in change_lines(evals, comparison.label_a, comparison.label_b):
        style = (
            "bold red"
            if line.startswith(("REGRESSION", "STILL-FAILING"))
            else ("green" if line.startswith("FIXED") else "")
        )
        text.append(line + "\n", style=style)
    return text


def diff_renderable(comparison: Comparison, evals: EvalChanges | None = None) -> RenderableType:
    diff = comparison.diff
    parts: list[RenderableType] = [
        Text(f"{diff.id}: {comparison.label_a} → {comparison.label_b}", style="bold")
    ]
    if evals is not None:
        parts += [Text("evals", style="bold underline"), evals_text(comparison, evals)]
    if diff.identical:
        return Group(*parts, Text("no differences"))
    parts += [Text("what it means", style="bold underline"), Text("\n".join(meaning_lines(diff)))]
    fields = field_lines(diff)
    if fields:
        parts += [Text(), Text("fields", style="bold underline"), Text("\n".join(fields))]
    if diff.messages:
        parts += [Text(), Text("messages", style="bold underline")]
        for message in diff.messages:
            if message.kind == "changed" and message.role_before != message.role_after:
                parts.append(Text(f"role: {message.role_before} → {message.role_after}"))
            parts.append(unified_text(message.unified))
    return Group(*parts)


class DiffView(VerticalScroll):
    def __init__(self) -> None:
        super().__init__(id="diff-view")
        self.comparison: Comparison | None = None
        self.evals: EvalChanges | None = None

    def compose(self) -> ComposeResult:
        yield Static("pick two versions with space: the diff appears here", id="diff-body")

    def show(self, comparison: Comparison, evals: EvalChanges | None = None) -> None:
        self.comparison = comparison
        self.evals = evals
        self.query_one("#diff-body", Static).update(diff_renderable(comparison, evals))
        self.scroll_home(animate=False)
