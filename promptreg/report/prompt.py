"""Prompts as people read them: the table of `promptreg list`, the page of `show`."""

from __future__ import annotations

from collections.abc import Sequence

from promptreg.core.model import PromptSpec
from promptreg.report.table import table
from promptreg.report.terminal import printable

LIST_HEADERS = ["ID", "VERSION", "TIER", "STATUS", "OWNER", "TITLE"]


def prompts_table(specs: Sequence[PromptSpec], evals: Sequence[str] | None = None) -> str:
    """One row per prompt, in the given order, with each one's eval state when `evals`
    gives it (no trailing newline)."""
    rows = [[s.id, s.version, str(s.tier), s.status, s.owner, s.title] for s in specs]
    if evals is None:
        return table(rows, LIST_HEADERS)
    return table(
        [[*row, label] for row, label in zip(rows, evals, strict=True)], [*LIST_HEADERS, "EVALS"]
    )


def prompt_text(spec: PromptSpec, refusal: str | None) -> str:
    """Metadata, variables, messages and approvals; `refusal` is why the SDK would not
    serve it (None when it would). No trailing newline. Every value from the file is
    made printable (report.terminal): a title must not drive the terminal."""
    out = [
        f"{spec.id} {spec.version}  —  {spec.title}",
        f"  {spec.description.strip()}",
        "",
        f"  tier {spec.tier} · {spec.status} · owner {spec.owner} · model {spec.model.name}",
        f"  tags: {', '.join(spec.tags) or '-'}",
        f"  content hash: {spec.content_hash}",
        f"  served by the SDK: {'yes' if refusal is None else 'no, ' + refusal}",
    ]
    if spec.variables:
        out += ["", "variables:"]
        for var in spec.variables.values():
            flags = [
                var.type,
                "required" if var.required else "optional",
                "trusted" if var.trusted else "untrusted",
            ]
            if var.enum is not None:
                flags.append("one of " + "|".join(str(v) for v in var.enum))
            if var.has_default:
                flags.append(f"default {var.default!r}")
            if var.max_tokens:
                flags.append(f"≤{var.max_tokens} tokens")
            out.append(f"  {var.name} ({', '.join(flags)}): {var.description.strip()}")
    for index, message in enumerate(spec.messages, 1):
        out += ["", f"message {index} [{message.role}]:"]
        out += [f"  | {line}" for line in message.content.rstrip("\n").split("\n")]
    if spec.approvals:
        out += ["", "approvals:"]
        out += [
            f"  {a.reviewer} ({a.group}) on {a.date}"
            + ("" if a.content_hash == spec.content_hash else "  [stale]")
            for a in spec.approvals
        ]
    return "\n".join(printable(line, lines=True) for line in _lines(out))


def _lines(out: list[str]) -> list[str]:
    """The page's lines, each a line: a value with a line break in it (a title, a
    reviewer) becomes lines of its own, indented, rather than a line that poses as
    another field."""
    return [
        part if i == 0 else f"    {part}" for line in out for i, part in enumerate(line.split("\n"))
    ]
