"""The report as one HTML file: inline CSS and SVG, no script, nothing fetched.

Every value from the registry is escaped on the way out (titles and ids come from pull
requests), and control characters are shown as U+FFFD rather than passed through.
"""

from __future__ import annotations

import html
import re

from promptreg.report.governance.facts import GovernanceReport, PromptFact

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#1b1f24;
padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de}
.meta{color:#57606a}table{border-collapse:collapse;width:100%;margin:.6rem 0}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa}.num{text-align:right;font-variant-numeric:tabular-nums}
.served{color:#1a7f37;font-weight:600}.refused,.stale,.failed,.invalid,.unverified{color:#cf222e;font-weight:600}
.fresh,.valid,.verified{color:#1a7f37}.muted{color:#6e7781}.counts{display:flex;gap:2rem;flex-wrap:wrap;align-items:flex-start}
.counts table{width:auto;min-width:14rem}svg text{font:12px system-ui,sans-serif}
"""
_BAR_COLOURS = ("#0969da", "#8250df", "#bf3989", "#1a7f37", "#cf222e", "#9a6700")


def esc(value: object) -> str:
    return html.escape(_CONTROL_RE.sub("\ufffd", str(value)), quote=True)


def bars(
    title: str, rows: list[tuple[str, int]], ident: str, colours: tuple[str, ...] = _BAR_COLOURS
) -> str:
    """A horizontal bar chart as inline SVG, readable without colour (labels and counts)."""
    height = 26 * len(rows) + 8
    biggest = max((n for _, n in rows), default=0) or 1
    parts = [
        f'<svg id="{esc(ident)}" role="img" aria-label="{esc(title)}" width="460" '
        f'height="{height}" viewBox="0 0 460 {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{esc(title)}</title>",
    ]
    for index, (label, count) in enumerate(rows):
        y = 4 + 26 * index
        width = round(300 * count / biggest)
        colour = colours[index % len(colours)]
        parts.append(
            f'<text x="0" y="{y + 15}">{esc(label)}</text>'
            f'<rect x="120" y="{y}" width="{width}" height="20" fill="{colour}" rx="2"/>'
            f'<text x="{126 + width}" y="{y + 15}">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(head: list[str], rows: list[str], ident: str) -> str:
    cells = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join(rows) or f'<tr><td colspan="{len(head)}" class="muted">none</td></tr>'
    return f'<table id="{ident}"><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>'


def _counts(report: GovernanceReport) -> str:
    blocks = []
    for key, values in report.counts.items():
        rows = [
            f'<tr><td>{esc(name)}</td><td class="num" data-count="{esc(key)}-{esc(name)}">'
            f"{n}</td></tr>"
            for name, n in values.items()
        ]
        blocks.append(_table([key, "prompts"], rows, f"count-{key}"))
    return '<div class="counts">' + "".join(blocks) + "</div>"


def _prompt_row(p: PromptFact) -> str:
    state = (
        '<span class="served">served</span>'
        if p.served
        else '<span class="refused">not served</span>'
    )
    return (
        f'<tr data-prompt="{esc(p.id)}"><td><code>{esc(p.id)}</code></td><td>{esc(p.title)}</td>'
        f'<td class="num">{p.tier}</td><td>{esc(p.owner)}</td><td>{esc(p.status)}</td>'
        f'<td class="serve-state">{state}</td><td>{esc(p.refusal or "")}</td></tr>'
    )


def _approval_rows(report: GovernanceReport) -> list[str]:
    rows = []
    for p in report.prompts:
        for a in p.approvals:
            verified_class = {"verified": "verified", "not verified": "unverified"}.get(
                a.verified, "muted"
            )
            why = "; ".join(x for x in (a.problem, a.verification_problem) if x)
            rows.append(
                f'<tr data-prompt="{esc(p.id)}"><td><code>{esc(p.id)}</code></td>'
                f"<td>{esc(a.reviewer)}</td><td>{esc(a.group)}</td><td>{esc(a.date)}</td>"
                f'<td class="approval-state {a.state}">{esc(a.state)}</td>'
                f'<td class="{verified_class}">{esc(a.verified)}</td><td>{esc(why)}</td></tr>'
            )
    return rows


def render_html(report: GovernanceReport) -> str:
    tiers = [(f"tier {t}", report.counts.get("tier", {}).get(t, 0)) for t in ("1", "2", "3")]
    serve = [("served", report.served), ("not served", len(report.prompts) - report.served)]
    evals = [
        f'<tr><td><code>{esc(p.id)}</code></td><td class="num">{p.tier}</td>'
        f'<td class="eval-state {esc(p.evals.state.replace(" ", "-"))}">{esc(p.evals.state)}</td>'
        f'<td class="num">{"" if p.evals.age_days is None else p.evals.age_days}</td>'
        f'<td class="num">{"" if p.evals.max_age_days is None else p.evals.max_age_days}</td></tr>'
        for p in report.prompts
    ]
    findings = [
        f'<tr><td>{esc(f)}</td><td class="num" data-count="family-{esc(f)}">{n}</td></tr>'
        for f, n in report.findings_by_family.items()
    ]
    history = [
        f"<tr><td>{esc(c.date)}</td><td><code>{esc(c.prompt_id)}</code></td>"
        f"<td>{esc(c.version or '')}</td><td>{esc(c.author)}</td>"
        f"<td>{esc(', '.join(c.approvals))}</td>"
        f"<td><code>{esc(c.commit)}</code> {esc(c.subject)}</td></tr>"
        for c in report.history
    ]
    sections = [
        f'<h1>Prompt governance report</h1><p class="meta">Registry <code>{esc(report.registry)}'
        f"</code>, generated {esc(report.generated)}: "
        f'<span id="total">{len(report.prompts)}</span> prompts, '
        f'<span id="served-total">{report.served}</span> served by the SDK.</p>',
        "<h2>Inventory</h2>" + bars("Prompts by tier", tiers, "chart-tiers") + _counts(report),
        "<h2>Serving</h2>"
        + bars("Served by the SDK", serve, "chart-serving", ("#1a7f37", "#cf222e"))
        + _table(
            ["id", "title", "tier", "owner", "status", "SDK", "why not"],
            [_prompt_row(p) for p in report.prompts],
            "prompts",
        ),
        "<h2>Approvals</h2>"
        + _table(
            ["prompt", "reviewer", "group", "date", "state", "git", "problem"],
            _approval_rows(report),
            "approvals",
        ),
        "<h2>Evaluations</h2>"
        + _table(["prompt", "tier", "state", "age (days)", "max age"], evals, "evals"),
        "<h2>Open findings by family</h2>" + _table(["family", "findings"], findings, "findings"),
        f"<h2>Tier-3 changes, last {report.history_days} days</h2>"
        + (f'<p class="muted">{esc(report.history_note)}</p>' if report.history_note else "")
        + _table(
            ["date", "prompt", "version", "changed by", "approvals then", "commit"],
            history,
            "history",
        ),
    ]
    if report.base is not None:
        rows = [
            f"<tr><td><code>{esc(d.prompt_id)}</code></td><td>{esc('; '.join(d.changes))}</td></tr>"
            for d in report.deltas
        ]
        sections.append(
            f"<h2>Governance changes since <code>{esc(report.base)}</code></h2>"
            + _table(["prompt", "change"], rows, "deltas")
        )
    if report.broken_files:
        sections.append(
            "<h2>Files that do not load</h2><ul>"
            + "".join(f"<li><code>{esc(b)}</code></li>" for b in report.broken_files)
            + "</ul>"
        )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Prompt governance report</title>"
        f"<style>{_STYLE}</style></head><body>" + "\n".join(sections) + "</body></html>\n"
    )
