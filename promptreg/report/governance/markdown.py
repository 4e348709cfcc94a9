"""The report as Markdown for a pull-request comment or a wiki page.

Registry values are made inert: pipes, backticks, brackets and angle brackets are
escaped (GitHub renders inline HTML), and line breaks and control characters become
spaces, so a hostile title can neither break a table nor inject markup.
"""

from __future__ import annotations

import re

from promptreg.report.governance.facts import GovernanceReport

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_SPECIAL_RE = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md(value: object) -> str:
    text = _CONTROL_RE.sub(" ", str(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL_RE.sub(r"\\\1", text).strip()


def _table(head: list[str], rows: list[list[object]]) -> list[str]:
    if not rows:
        return ["_none_", ""]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def render_markdown(report: GovernanceReport) -> str:
    lines = [
        "# Prompt governance report",
        "",
        f"Registry `{md(report.registry)}`, generated {md(report.generated)}: "
        f"{len(report.prompts)} prompts, {report.served} served by the SDK.",
        "",
        "## Inventory",
        "",
    ]
    for key, values in report.counts.items():
        lines += _table([key, "prompts"], [[name, n] for name, n in values.items()])
    lines += ["## Serving", ""]
    lines += _table(
        ["id", "title", "tier", "owner", "status", "SDK", "why not"],
        [
            [
                p.id,
                p.title,
                p.tier,
                p.owner,
                p.status,
                "served" if p.served else "not served",
                p.refusal or "",
            ]
            for p in report.prompts
        ],
    )
    lines += ["## Approvals", ""]
    lines += _table(
        ["prompt", "reviewer", "group", "date", "state", "git"],
        [
            [p.id, a.reviewer, a.group, a.date, a.state, a.verified]
            for p in report.prompts
            for a in p.approvals
        ],
    )
    lines += ["## Evaluations", ""]
    lines += _table(
        ["prompt", "tier", "state", "age (days)", "max age"],
        [
            [
                p.id,
                p.tier,
                p.evals.state,
                "" if p.evals.age_days is None else p.evals.age_days,
                "" if p.evals.max_age_days is None else p.evals.max_age_days,
            ]
            for p in report.prompts
        ],
    )
    lines += ["## Open findings by family", ""]
    lines += _table(["family", "findings"], [[f, n] for f, n in report.findings_by_family.items()])
    lines += [f"## Tier-3 changes, last {report.history_days} days", ""]
    if report.history_note:
        lines += [md(report.history_note), ""]
    lines += _table(
        ["date", "prompt", "version", "changed by", "approvals then", "commit"],
        [
            [
                c.date,
                c.prompt_id,
                c.version or "",
                c.author,
                ", ".join(c.approvals),
                f"{c.commit} {c.subject}",
            ]
            for c in report.history
        ],
    )
    if report.base is not None:
        lines += [f"## Governance changes since `{md(report.base)}`", ""]
        lines += _table(
            ["prompt", "change"], [[d.prompt_id, "; ".join(d.changes)] for d in report.deltas]
        )
    if report.broken_files:
        lines += (
            ["## Files that do not load", ""] + [f"- {md(b)}" for b in report.broken_files] + [""]
        )
    return "\n".join(lines).rstrip("\n") + "\n"
