"""The registry's files on disk: the one walker, and ids to paths and back.

Everything that looks at the registry as a whole (the SDK's list, lint, codeowners,
provenance's index, check) walks it here, so what one of them sees, all of them see;
and the SDK finds a prompt by id through `path_for_id` here, the same way.

Symbolic links below the registry folder are refused, file or folder, wherever they
point: a link is a second name for content the walk would see under another name, or
not at all (a folder link is not descended), and the SDK would otherwise follow it to
serve a prompt no check read, or a file outside the registry. The walk reports them
(`registry_links`), lint makes each one an F013 finding, and `path_for_id` raises for
a path that goes through one. Regular files only, reached through real folders.
"""

from __future__ import annotations

from pathlib import Path

from promptreg.core.config import Settings
from promptreg.core.errors import InvalidPromptError, Problem, PromptNotFoundError
from promptreg.core.links import link_on_the_way, link_problem
from promptreg.core.loader import ID_RE, PROMPT_SUFFIX, LoadResult, load_prompt
from promptreg.core.location import Location
from promptreg.core.model import PromptSpec
from promptreg.core.suggest import closest
from promptreg.core.walk import walk_registry


def prompt_files(directory: Path) -> list[Path]:
    """Every prompt file below `directory` that is a regular file reached without a
    symbolic link, sorted; nothing when it is not a directory."""
    if not directory.is_dir():
        return []
    return walk_registry(directory)[0]


def registry_links(directory: Path) -> list[Path]:
    """Every symbolic link below `directory` (not followed), sorted: each is refused."""
    if not directory.is_dir():
        return []
    return walk_registry(directory)[1]


def prompt_id_for(path: Path, registry_root: Path, *, resolved: bool = False) -> str | None:
    """The id a file must have from where it sits, or None outside the registry.
    `resolved`: `registry_root` is resolved already (a linter asks once per file)."""
    try:
        root = registry_root if resolved else registry_root.resolve()
        relative = path.resolve().relative_to(root)
    except ValueError:
        return None
    text = relative.as_posix()
    return text[: -len(PROMPT_SUFFIX)] if text.endswith(PROMPT_SUFFIX) else None


def path_for_id(registry_dir: Path, prompt_id: str) -> Path:
    """Where the file of `prompt_id` lives; PromptNotFoundError for a malformed id, and
    InvalidPromptError (F013) when the way there goes through a symbolic link."""
    if not ID_RE.match(prompt_id):
        raise PromptNotFoundError(
            f"{prompt_id!r} is not a prompt id",
            hint="ids look like `namespace/name`, e.g. support/summarize-ticket; "
            "`promptreg list` shows them",
        )
    path = registry_dir / f"{prompt_id}{PROMPT_SUFFIX}"
    link = link_on_the_way(path, registry_dir)
    if link is not None:
        raise InvalidPromptError(
            [link_problem(link)],
            hint="replace the link with the file itself (or move the file), and lint again",
        )
    return path


def known_ids(registry_dir: Path) -> list[str]:
    return [p for p in (prompt_id_for(x, registry_dir) for x in prompt_files(registry_dir)) if p]


def load_by_id(settings: Settings, prompt_id: str) -> LoadResult:
    """Load one prompt file fresh, problems included; PromptNotFoundError with a
    "did you mean" when there is no such file."""
    path = path_for_id(settings.registry_dir, prompt_id)
    if not path.is_file():
        match = closest(prompt_id, known_ids(settings.registry_dir))
        raise PromptNotFoundError(
            f"no prompt {prompt_id!r} in {settings.registry_dir}",
            hint=f"did you mean {match!r}?" if match else "`promptreg list` shows the ids",
        )
    return load_prompt(path)


def spec_by_id(settings: Settings, prompt_id: str) -> PromptSpec:
    """The validated spec of a prompt, approved or not; InvalidPromptError if broken."""
    result = load_by_id(settings, prompt_id)
    if result.spec is None:
        raise InvalidPromptError(result.problems)
    if result.spec.id != prompt_id:
        raise InvalidPromptError(
            [
                Problem(
                    "S002",
                    f"file for {prompt_id!r} declares id {result.spec.id!r}",
                    Location(result.document.path, result.spec.span(("id",))),
                )
            ]
        )
    return result.spec
