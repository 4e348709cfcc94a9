"""The Overview tab: what a prompt is, who owns it, and whether it may be served and why.

Every verdict comes from governance (approval_issues, serving_refusal, provenance,
eval_state), exactly as `promptreg show` and the SDK reach it; this module only lays
the answers out.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from promptreg.core.config import Settings
from promptreg.core.model import PromptSpec
from promptreg.governance.approval import approval_issues, serving_refusal
from promptreg.governance.evidence import eval_state
from promptreg.governance.provenance import provenance_issues


def facts_text(spec: PromptSpec, *extra: tuple[str, str]) -> Text:
    """The prompt's metadata as two aligned columns, with `extra` rows after it (padded
    text rather than a Rich table: a table measures every cell again at each render)."""
    rows = [
        ("id", spec.id),
        ("version", spec.version),
        ("title", spec.title),
        ("owner", spec.owner),
        ("tier", str(spec.tier)),
        ("status", spec.status),
        ("model", spec.model.name),
        ("tags", ", ".join(spec.tags) or "-"),
        ("variables", ", ".join(spec.variables) or "-"),
        ("content hash", spec.content_hash),
        *extra,
    ]
    width = max(len(key) for key, _ in rows) + 2
    text = Text()
    for number, (key, value) in enumerate(rows):
        if number:
            text.append("\n")
        text.append(key.ljust(width), style="bold")
        text.append(value)
    return text


def approvals_text(spec: PromptSpec, settings: Settings) -> Text:
    """Each approval as valid, stale or invalid (and why), then what is still missing."""
    issues = approval_issues(spec, settings)
    unverified = {i.approval_index: i for i in provenance_issues(spec, settings)}
    by_index = {i.approval_index: i for i in issues if i.approval_index is not None}
    text = Text()
    policy = settings.tier(spec.tier)
    groups = " or ".join(policy.groups) or "any group"
    text.append(f"tier {spec.tier} needs {policy.approvals} from {groups}\n", style="dim")
    for index, approval in enumerate(spec.approvals):
        issue = by_index.get(index)
        doubt = unverified.get(index)
        if issue is not None:
            state, why, style = issue.kind, issue.message, "red"
        elif doubt is not None:
            state, why, style = "unverified", doubt.message, "yellow"
        else:
            state, why, style = "valid", "matches the current content", "green"
        text.append(f"  {state:<10}", style=f"bold {style}")
        text.append(f" {approval.reviewer} ({approval.group}, {approval.date}): {why}\n")
    for issue in issues:
        if issue.approval_index is None:
            text.append(f"  missing    {issue.message}\n", style="red")
    if not spec.approvals and not issues:
        text.append("  none needed\n")
    return text


def evals_text(spec: PromptSpec, settings: Settings) -> Text:
    if not spec.evals:
        return Text("no eval cases")
    state = eval_state(spec, settings)
    text = Text(f"{len(spec.evals)} cases: {state.label()}\n")
    if state.problem:
        text.append(f"  {state.problem}\n", style="red")
    for case in state.cases:
        if not case.results:
            text.append(f"  not run    {case.key.name}\n", style="yellow")
        else:
            ok = case.passed == len(case.results)
            text.append(
                f"  {'passed' if ok else 'failed':<10} {case.key.name} "
                f"({case.passed}/{len(case.results)})\n",
                style="green" if ok else "red",
            )
    return text


def overview(spec: PromptSpec, settings: Settings) -> Text:
    """The whole tab as one Text, so the Static measures and renders a single block."""
    refusal = serving_refusal(spec, settings)
    verdict = (
        Text("served: yes, the SDK serves this version", style="bold green")
        if refusal is None
        else Text(f"served: no, {refusal}", style="bold red")
    )
    parts = [verdict, Text(), facts_text(spec), Text()]
    parts += [Text(spec.description), Text()]
    if spec.handoff:
        parts.append(Text("handoff", style="bold underline"))
        parts.append(Text(f"  AI: {spec.handoff.ai}\n  human: {spec.handoff.human}"))
        parts.append(Text(f"  checkpoint: {spec.handoff.checkpoint}\n"))
    if spec.limitations:
        parts += [
            Text("limitations", style="bold underline"),
            Text(spec.limitations.strip()),
            Text(),
        ]
    parts += [Text("approvals", style="bold underline"), approvals_text(spec, settings)]
    parts += [Text("evals", style="bold underline"), evals_text(spec, settings)]
    if spec.changelog:
        parts.append(Text("changelog", style="bold underline"))
        for entry in spec.changelog:
            parts.append(Text(f"  {entry.version}  {entry.date}  {entry.summary}"))
    return Text("\n").join(parts)


class Overview(VerticalScroll):
    def __init__(self, spec: PromptSpec, settings: Settings) -> None:
        super().__init__(id="overview-view")
        self.spec = spec
        self.settings = settings

    def compose(self) -> ComposeResult:
        yield Static(overview(self.spec, self.settings), id="overview-body")

    def show(self, spec: PromptSpec) -> None:
        self.spec = spec
        self.query_one("#overview-body", Static).update(overview(spec, self.settings))
