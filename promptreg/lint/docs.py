"""Rule documentation as Markdown: `promptreg explain` prints one page, docs/rules.md
holds them all. Regenerate the file with `python -m promptreg.lint.docs > docs/rules.md`;
a test fails when it is stale."""

from __future__ import annotations

from promptreg.lint.catalogue import REDIRECTS, RULES
from promptreg.lint.rule import FAMILIES, Rule


def render_markdown(rule: Rule) -> str:
    """The rule's page; docs/rules.md is these pages concatenated."""
    doc = rule.doc
    return "\n".join(
        [
            f"## {rule.code} {rule.name}",
            "",
            f"{rule.summary} Family {rule.family} ({FAMILIES[rule.family].split(':')[0]}); "
            f"default severity {rule.severity_label}; fix: {rule.fix}.",
            "",
            "### What it checks",
            "",
            doc.what,
            "",
            "### Why it matters",
            "",
            doc.why,
            "",
            "### Example",
            "",
            "```yaml",
            doc.example.rstrip("\n"),
            "```",
            "",
            "### Use instead",
            "",
            "```yaml",
            doc.use_instead.rstrip("\n"),
            "```",
            "",
            "### Options",
            "",
            doc.options,
            "",
            "### Fix safety",
            "",
            doc.fix_safety,
            "",
        ]
    )


def render_rules_markdown() -> str:
    rules = sorted(RULES.values(), key=lambda r: r.code)
    out = [
        "# Lint rules",
        "",
        "Generated from the rule catalogue (`promptreg/lint/rules/`) by",
        "`python -m promptreg.lint.docs > docs/rules.md`; do not edit by hand.",
        "`promptreg rules` lists them and `promptreg explain CODE` shows one page.",
        "",
        "| code | name | severity | fix | summary |",
        "|---|---|---|---|---|",
    ]
    out += [
        f"| [{r.code}](#{r.code.lower()}-{r.name}) | {r.name} | {r.severity_label} | {r.fix} "
        f"| {r.summary} |"
        for r in rules
    ]
    out += ["", "Families:", ""]
    out += [f"- **{letter}** {text}" for letter, text in FAMILIES.items()]
    if REDIRECTS:
        out += ["", "Redirects (old code or name → current code):", ""]
        out += [f"- `{old}` → `{new}`" for old, new in sorted(REDIRECTS.items())]
    out.append("")
    for rule in rules:
        out.append(render_markdown(rule))
    return "\n".join(out)


if __name__ == "__main__":
    import sys

    sys.stdout.write(render_rules_markdown())
