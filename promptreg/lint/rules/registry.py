"""R: whole-registry checks, for what no single file shows. `promptreg check` (and the
promptreg-check pre-commit hook) reports them; they have no per-file check."""

from __future__ import annotations

from promptreg.lint.rule import Rule, RuleDoc

RULES: tuple[Rule, ...] = (
    Rule(
        "R001",
        "duplicate-prompt-id",
        "Two prompt files declare the same id.",
        RuleDoc(
            what="Prompt files anywhere in the registry whose `id:` values are equal.",
            why="Application code loads a prompt by id; two files with one id make it "
            "ambiguous which content, approvals and history belong to it.",
            example="# registry/support/a.prompt.yaml and registry/support/b.prompt.yaml\n"
            "id: support/a   # in both files\n",
            use_instead="Give each file the id its path demands (S002 checks that).",
        ),
    ),
    Rule(
        "R002",
        "path-case-collision",
        "Two prompt paths differ only in letter case.",
        RuleDoc(
            what="Paths such as `registry/Support/x.prompt.yaml` and "
            "`registry/support/x.prompt.yaml` in the same registry.",
            why="On case-insensitive file systems (macOS, Windows) one file overwrites the "
            "other on checkout, so reviewers and CI may see different prompts.",
            example="registry/Support/triage.prompt.yaml\nregistry/support/triage.prompt.yaml\n",
            use_instead="Keep one of them; ids and paths are lower case.",
        ),
    ),
    Rule(
        "R003",
        "codeowners-out-of-date",
        "The promptreg block in CODEOWNERS no longer matches the registry.",
        RuleDoc(
            what="A CODEOWNERS file whose `# BEGIN promptreg` … `# END promptreg` block "
            "differs from what `promptreg codeowners` would write now. Checked once the "
            "block exists.",
            why="The forge enforces tier reviewers through CODEOWNERS; a stale block lets a "
            "tier-3 prompt merge without its compliance reviewers.",
            example="(a tier-3 prompt added since the block was written)",
            use_instead="Run `promptreg codeowners` and commit the result.",
        ),
    ),
)
