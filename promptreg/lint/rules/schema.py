"""S: schema and metadata that one file and promptreg.yaml together can check."""

from __future__ import annotations

from collections.abc import Iterator

from promptreg.core.loader import ID_RE
from promptreg.core.location import Span
from promptreg.core.schema import MODELINE, schema_modeline
from promptreg.core.suggest import did_you_mean
from promptreg.lint.context import FileContext
from promptreg.lint.finding import Edit, Fix, Hit
from promptreg.lint.rule import LoaderCheck, Rule, RuleDoc

_SCHEMA = LoaderCheck("promptreg/core/schema.py")
"""S001 and S003 are what the loader's schema validation reports (S003 for a version
that fails the semver pattern); the loader needs them to refuse a file anyway."""


def check_id_matches_path(ctx: FileContext) -> Iterator[Hit]:
    if ctx.expected_id is not None and ctx.spec.id != ctx.expected_id:
        span = ctx.document.span(("id",))
        yield Hit(
            f"id {ctx.spec.id!r} does not match the file's place in the registry; "
            f"it must be {ctx.expected_id!r} (or move the file)",
            span,
            Fix(
                f"set id to {ctx.expected_id!r}",
                (Edit(span.start, span.end, ctx.expected_id),),
                "unsafe",  # the id is hashed: approvals are voided
            )
            if ID_RE.match(ctx.expected_id)
            else None,  # a path that makes no valid id: move the file instead
        )


def check_owner_known(ctx: FileContext) -> Iterator[Hit]:
    owners = ctx.settings.owners
    if ctx.spec.owner not in owners:
        yield ctx.hit(
            f"owner {ctx.spec.owner!r} is not a team listed under owners: in promptreg.yaml"
            + did_you_mean(ctx.spec.owner, owners),
            ("owner",),
        )


def check_model_known(ctx: FileContext) -> Iterator[Hit]:
    models = tuple(ctx.settings.models)
    name = ctx.spec.model.name
    if name not in models:
        known = ", ".join(models) or "none"
        yield ctx.hit(
            f"model {name!r} is not listed under models: in promptreg.yaml (known: {known})"
            + did_you_mean(name, models),
            ("model", "name"),
        )


def check_modeline(ctx: FileContext) -> Iterator[Hit]:
    first = ctx.document.text.split("\n", 1)[0]
    if not first.startswith(MODELINE):
        line = schema_modeline(ctx.path, ctx.settings.root)
        start = Span.at(1, 1).start
        yield Hit(
            "the first line is not the schema modeline; add "
            f"`{MODELINE}<path to>/prompt.schema.json` so editors validate the file",
            Span.at(1, 1),
            Fix("insert the schema modeline", (Edit(start, start, line + "\n"),)),
        )


RULES: tuple[Rule, ...] = (
    Rule(
        "S001",
        "schema-violation",
        "The file does not match the prompt file schema.",
        RuleDoc(
            what="Anything schemas/prompt.schema.json rejects: a missing required key, an "
            "unknown key (typos included), a value of the wrong type or outside its allowed "
            "values. Each place gets one finding, pointing at the key or value.",
            why="Every other rule, the SDK and the reviewers rely on the fields meaning what "
            "the format says. An unknown key is usually a typo that silently does nothing.",
            example="model:\n  name: gpt-4o-mini\n  temprature: 0.2\n",
            use_instead="model:\n  name: gpt-4o-mini\n  temperature: 0.2\n",
        ),
        check=_SCHEMA,
    ),
    Rule(
        "S002",
        "id-path-mismatch",
        "The prompt's id differs from its path below the registry directory.",
        RuleDoc(
            what="`id` that is not the file's path below `registry/` without `.prompt.yaml`.",
            why="Application code asks for a prompt by id and the SDK opens the file at that "
            "path; a mismatch means the id people review is not the one code loads.",
            example="# registry/support/summarize-ticket.prompt.yaml\n"
            "id: support/summarise-ticket\n",
            use_instead="id: support/summarize-ticket\n",
            fix_safety="Unsafe (`--fix --unsafe-fixes`): the id is set to the one the path "
            "demands, and the id is part of the content hash, so the file's approvals are "
            "voided. If the file is the one in the wrong place, move it instead.",
        ),
        fix="unsafe",
        check=check_id_matches_path,
    ),
    Rule(
        "S003",
        "invalid-semver",
        "A version is not a semantic version (MAJOR.MINOR.PATCH).",
        RuleDoc(
            what="`version` and changelog versions that are not semver 2.0.0.",
            why="Version bumps carry meaning: a major bump warns application code of a "
            "breaking change. That only works when versions compare reliably.",
            example="version: 1.2\n",
            use_instead="version: 1.2.0\n",
        ),
        check=_SCHEMA,
    ),
    Rule(
        "S004",
        "unknown-owner",
        "The owner is not a team listed in promptreg.yaml.",
        RuleDoc(
            what="`owner` values missing from `owners:` in promptreg.yaml.",
            why="Every prompt needs an accountable team that reviewers and incident "
            "responders can reach; a misspelt team is nobody.",
            example="owner: suport-platform\n",
            use_instead="owner: support-platform\n",
        ),
        check=check_owner_known,
    ),
    Rule(
        "S005",
        "unknown-model",
        "The model is not listed in promptreg.yaml.",
        RuleDoc(
            what="`model.name` values missing from `models:` in promptreg.yaml.",
            why="The organisation decides which models are allowed, and token rules need the "
            "model's encoding and context window.",
            example="model:\n  name: gpt-4o-mni\n",
            use_instead="model:\n  name: gpt-4o-mini\n",
        ),
        check=check_model_known,
    ),
    Rule(
        "S006",
        "missing-schema-modeline",
        "The file does not start with the yaml-language-server schema modeline.",
        RuleDoc(
            what="A first line other than `# yaml-language-server: $schema=...`.",
            why="The modeline makes editors complete and validate the file as it is typed, "
            "catching most problems before a commit.",
            example="id: support/summarize-ticket\n",
            use_instead="# yaml-language-server: $schema=../../schemas/prompt.schema.json\n"
            "id: support/summarize-ticket\n",
            fix_safety="Safe: inserts a comment line pointing at the schema relative to the "
            "file (schemas/ or .promptreg/schemas/ at the registry root).",
        ),
        severity="warning",
        fix="safe",
        check=check_modeline,
    ),
)
