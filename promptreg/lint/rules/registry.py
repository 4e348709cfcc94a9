"""R: whole-registry checks, for what no single file shows. `promptreg check` (and the
promptreg-check pre-commit hook) reports them: a lint of some paths does not read the
whole registry."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from promptreg.core.location import Span
from promptreg.core.yamlio import read_document
from promptreg.lint.context import RegistryContext
from promptreg.lint.finding import RegistryHit
from promptreg.lint.rule import RegistryCheck, Rule, RuleDoc


def _sharing(
    registry: RegistryContext, groups: dict[str, list[Path]]
) -> Iterator[tuple[str, Path, str]]:
    """(key, path, the other paths) for each path whose key another path has too."""
    for key, paths in groups.items():
        if len(paths) < 2:
            continue
        for path in paths:
            yield key, path, ", ".join(registry.relative(p) for p in paths if p != path)


def check_duplicate_ids(registry: RegistryContext) -> Iterator[RegistryHit]:
    declared: dict[str, list[Path]] = defaultdict(list)
    for path, head in registry.heads.items():
        if head.id is not None:
            declared[head.id].append(path)
    for prompt_id, path, others in _sharing(registry, declared):
        yield RegistryHit(
            path,
            f"id {prompt_id!r} is also declared by {others}; an id names one prompt, "
            "so give each file the id of its own path",
            read_document(path).span(("id",)),  # parsed again only when reported
        )


def check_case_collisions(registry: RegistryContext) -> Iterator[RegistryHit]:
    folded: dict[str, list[Path]] = defaultdict(list)
    for path in registry.paths:
        folded[registry.relative(path).casefold()].append(path)
    for _, path, others in _sharing(registry, folded):
        yield RegistryHit(
            path,
            f"the path differs from {others} only in case; on macOS and Windows "
            "checkouts one file replaces the other. Rename one of them",
            Span.at(1, 1),
        )


def check_codeowners_current(registry: RegistryContext) -> Iterator[RegistryHit]:
    from promptreg.governance import codeowners  # difflib and git: only `check` needs them

    path = registry.codeowners
    if path is None:
        return
    settings, root = registry.settings, registry.project_root
    text = codeowners.read_text(path)
    block = codeowners.find_block(text, path, codeowners.markers(settings, root))
    if block is None:
        return  # the team has not opted in
    if codeowners.updated_text(text, settings, root, path, registry.heads) != text:
        yield RegistryHit(
            path,
            "the promptreg block no longer matches the tiers of the prompts and the "
            "reviewers in promptreg.yaml; run `promptreg codeowners` and commit the result",
            Span.at(block.start + 1, 1),
        )


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
        check=RegistryCheck(check_duplicate_ids),
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
        check=RegistryCheck(check_case_collisions),
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
        check=RegistryCheck(check_codeowners_current),
    ),
)
