"""V: versions against a git base revision (`--base REF`; HEAD in the pre-commit hook).

Without a base these rules have nothing to compare and stay silent; the CLI says so once.
"""

from __future__ import annotations

from collections.abc import Iterator

from promptreg.core.location import Span
from promptreg.core.model import PromptSpec
from promptreg.lint.context import FileContext, RegistryContext
from promptreg.lint.finding import Edit, Fix, Hit, RegistryHit
from promptreg.lint.rule import RegistryCheck, Rule, RuleDoc

# The checks import promptreg.core.versions when they have a base to compare with: a
# run without one (the rules stay silent) never loads it.

RELEASED = frozenset({"approved", "deprecated"})
"""Statuses after which a version names content someone relies on (V001)."""


def _pair(ctx: FileContext) -> tuple[PromptSpec, PromptSpec] | None:
    if ctx.base is None:
        return None
    before = ctx.base.spec(ctx.path)
    return (before, ctx.spec) if before is not None else None


def check_content_without_bump(ctx: FileContext) -> Iterator[Hit]:
    pair = _pair(ctx)
    if pair is None:
        return
    before, after = pair
    if after.version != before.version or after.content_hash == before.content_hash:
        return
    if before.status not in RELEASED:
        return  # a draft's versions name nothing yet: the first approved one does
    from promptreg.core.versions import classify, parse_version, required_level

    old = parse_version(before.version)
    level = required_level(classify(before, after)) or "patch"
    span = ctx.document.span(("version",))
    fix = None
    if old is not None:
        target = str(old.bumped(level))
        fix = Fix(
            f"bump the version to {target} ({level})",
            (Edit(span.start, span.end, target),),
            "unsafe",
        )
    yield Hit(
        f"the content changed since {ctx.base.rev if ctx.base else 'the base'} but the "
        f"version is still {after.version}; bump it ({level} at least) and add a changelog "
        "entry, or run `promptreg bump`",
        span,
        fix,
    )


def check_breaking_without_major(ctx: FileContext) -> Iterator[Hit]:
    pair = _pair(ctx)
    if pair is None:
        return
    before, after = pair
    from promptreg.core.versions import classify, level_between, parse_version

    old, new = parse_version(before.version), parse_version(after.version)
    if old is None or new is None or level_between(old, new) in (None, "major"):
        return
    breaking = [c for c in classify(before, after) if c.level == "major"]
    if breaking:
        what = "; ".join(c.description for c in breaking)
        yield ctx.hit(
            f"breaking change without a major version bump ({before.version} → "
            f"{after.version}): {what}. Application code depends on these; bump to "
            f"{old.bumped('major')}",
            ("version",),
        )


def check_version_lowered(ctx: FileContext) -> Iterator[Hit]:
    pair = _pair(ctx)
    if pair is None:
        return
    before, after = pair
    from promptreg.core.versions import parse_version

    old, new = parse_version(before.version), parse_version(after.version)
    if old is not None and new is not None and new < old:
        yield ctx.hit(
            f"version {after.version} is lower than {before.version} at the base; versions "
            "only go up, so a released version always means the same content",
            ("version",),
        )


def check_changelog_entry(ctx: FileContext) -> Iterator[Hit]:
    pair = _pair(ctx)
    if pair is None:
        return
    before, after = pair
    if after.version == before.version or not (
        after.changelog or ctx.settings.tier(after.tier).require
    ):
        return
    if not any(entry.version == after.version for entry in after.changelog):
        where = ("changelog",) if after.changelog else ("version",)
        yield ctx.hit(
            f"version {after.version} has no changelog entry; add one saying what changed and why",
            where,
            key=where == ("changelog",),
        )


def check_deleted_approved(registry: RegistryContext) -> Iterator[RegistryHit]:
    if registry.base is None:
        return
    for path in registry.base.paths():
        if path.exists():
            continue  # only deleted files matter; do not parse the rest
        spec = registry.base.spec(path)
        if spec is None or spec.status != "approved":
            continue
        yield RegistryHit(
            path,
            f"approved prompt {spec.id!r} {spec.version} was deleted without being "
            "deprecated first; restore it and set status: deprecated, release that, "
            "then delete it",
            Span.at(1, 1),
        )


RULES: tuple[Rule, ...] = (
    Rule(
        "V001",
        "content-changed-without-version-bump",
        "The content changed since the base revision but the version did not.",
        RuleDoc(
            what="Prompts whose content hash differs from the base revision's while "
            "`version` is the same, once the base revision's file is approved (or "
            "deprecated). A draft or a prompt in review that was never approved can be "
            "edited at its version as often as needed: from the first approved version "
            "on, every content change needs a bump and a changelog entry.",
            why="A version names exactly one content. Two different prompts under one "
            "version make logs, evals and approvals ambiguous.",
            example="# base: version 1.2.0, the system message said 'summarise'\n"
            "version: 1.2.0   # the system message now says 'summarise briefly'\n",
            use_instead="version: 1.2.1\nchangelog:\n"
            "  - {version: 1.2.1, date: 2026-11-25, summary: Ask for brevity.}\n",
            options="`--base REF` on the command line (the pre-commit hook uses HEAD).",
            fix_safety="Unsafe: the fix bumps the version to the level the change needs, "
            "but a person must add the changelog entry and confirm the level.",
        ),
        fix="unsafe",
        check=check_content_without_bump,
    ),
    Rule(
        "V002",
        "breaking-change-without-major-bump",
        "A breaking change ships without a major version bump.",
        RuleDoc(
            what="Changes that break callers (a variable removed, a required variable added, "
            "a variable's type narrowed or its allowed values reduced, the output format "
            "changed, output fields removed or no longer always present, output values "
            "widened) with only a minor or patch bump.",
            why="Application code passes the variables and parses the output. Semantic "
            "versions tell it when it must change; a breaking change behind a minor bump "
            "breaks production silently.",
            example="# base 1.4.0 had variable customer_tier\nversion: 1.5.0   # removed it\n",
            use_instead="version: 2.0.0\n",
            options="`--base REF`.",
        ),
        check=check_breaking_without_major,
    ),
    Rule(
        "V003",
        "version-lowered",
        "The version is lower than at the base revision.",
        RuleDoc(
            what="A `version` that sorts below the base revision's (semver precedence).",
            why="Versions only go up: a lowered version can collide with one already "
            "released, approved and logged with different content.",
            example="# base 2.1.0\nversion: 2.0.5\n",
            use_instead="version: 2.1.1\n",
            options="`--base REF`.",
        ),
        check=check_version_lowered,
    ),
    Rule(
        "V004",
        "missing-changelog-entry",
        "The new version has no changelog entry.",
        RuleDoc(
            what="A version that changed since the base revision with no `changelog:` entry "
            "for it, in prompts that keep a changelog or whose tier requires fields.",
            why="The changelog is the audit trail reviewers and auditors read: every "
            "released version says what changed and why.",
            example="version: 1.3.0\nchangelog:\n  - {version: 1.2.0, …}\n",
            use_instead="changelog:\n  - {version: 1.3.0, date: 2026-11-25, summary: Quote "
            "order numbers exactly.}\n  - {version: 1.2.0, …}\n",
            options="`--base REF`.",
        ),
        check=check_changelog_entry,
    ),
    Rule(
        "V005",
        "approved-prompt-deleted",
        "An approved prompt was deleted without first being deprecated.",
        RuleDoc(
            what="Prompt files that exist at the base revision with `status: approved` and "
            "are gone from the working tree. Reported for the whole registry.",
            why="Application code may still load an approved prompt. Deprecating it first "
            "(status: deprecated, released) warns its users before it disappears.",
            example="git rm registry/support/summarize-ticket.prompt.yaml",
            use_instead="status: deprecated   # released first; delete in a later change",
            options="`--base REF`.",
        ),
        check=RegistryCheck(check_deleted_approved, in_lint=True),
    ),
)
