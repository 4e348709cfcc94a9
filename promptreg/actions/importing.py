"""`promptreg import` as one typed function a CLI or TUI calls: read, place, write, lint.

Each source file is read by its importer; every prompt in it becomes a draft file in
`registry/<namespace>/`. A file that is already there is reported and left alone, a
source that cannot be read is reported by name, and the drafts written are linted so
the author sees at once what to act on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from promptreg.core.config import Settings
from promptreg.core.errors import UsageError
from promptreg.core.links import link_on_the_way
from promptreg.core.loader import ID_RE, PROMPT_SUFFIX
from promptreg.importers.catalogue import AUTO, claims, detect, lookup
from promptreg.importers.draft import (
    Draft,
    Note,
    SourceError,
    UnknownFormatError,
    source_error,
)
from promptreg.importers.mapping import draft_mapping
from promptreg.importers.source import read_text
from promptreg.importers.writing import DraftExistsError, draft_text, write_draft
from promptreg.lint.finding import Finding
from promptreg.lint.runner import Linter

MAX_SOURCE_FILES = 10_000


@dataclass(frozen=True, slots=True)
class ImportOptions:
    namespace: str = "imported"
    source_format: str = AUTO
    owner: str | None = None
    tier: int = 1
    dry_run: bool = False
    today: dt.date | None = None


@dataclass(frozen=True, slots=True)
class PlannedDraft:
    prompt_id: str
    path: Path
    source: Path
    format: str
    text: str
    notes: tuple[Note, ...]
    status: str
    """written | would-write | exists"""


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    drafts: tuple[PlannedDraft, ...]
    failures: tuple[SourceError, ...] = ()
    findings: tuple[Finding, ...] = field(default=())
    """Lint findings of the drafts written (warnings and errors): what the author acts on."""

    @property
    def ok(self) -> bool:
        return not self.failures and all(d.status != "exists" for d in self.drafts)

    @property
    def fixable(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.fix is not None)


def source_files(paths: Iterable[Path], source_format: str = AUTO) -> Iterator[tuple[Path, bool]]:
    """(file, named by the caller) for each file to read.

    Directories are walked for files an importer claims by extension, leaving out
    partials (`_name`), prompt files and, unless --from markdown says so, Markdown
    (a folder's README is not a system prompt).
    """
    wanted = lookup(source_format).extensions if source_format != AUTO else None
    count = 0
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and claims(p))
            files = [
                p
                for p in found
                if not p.name.startswith("_")
                and PROMPT_SUFFIX not in p.name
                and (p.name.lower().endswith(wanted) if wanted else p.suffix.lower() != ".md")
            ]
            named = False
        else:
            files, named = [path], True
        for file in files:
            count += 1
            if count > MAX_SOURCE_FILES:
                raise UsageError(f"more than {MAX_SOURCE_FILES:,} source files; import fewer")
            yield file, named


def _check(settings: Settings, options: ImportOptions) -> str:
    if not ID_RE.match(f"{options.namespace}/x"):
        raise UsageError(
            f"{options.namespace!r} is not a namespace",
            hint="lower-case words joined by '-', nested with '/', e.g. support or legal/contracts",
        )
    owner = options.owner or settings.owners[0]
    if owner not in settings.owners:
        raise UsageError(
            f"owner {owner!r} is not listed under owners: in {settings.path}",
            hint=f"pass --owner with one of: {', '.join(settings.owners)}",
        )
    if options.source_format != AUTO:
        lookup(options.source_format)
    return owner


def read_drafts(path: Path, source_format: str = AUTO) -> list[Draft]:
    """Every prompt in one source file; SourceError naming the file when it cannot be read."""
    text = read_text(path)
    importer = detect(path, text) if source_format == AUTO else lookup(source_format)
    try:
        drafts = importer.read(path, text)
    except SourceError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        # A reader assumes shapes the format promises; a file that breaks them is the
        # file's problem, reported by name, not a crash.
        raise source_error(path, f"not a valid {importer.name} file ({exc})") from None
    if not drafts:
        raise source_error(path, f"no prompt found in this {importer.name} file")
    return drafts


def import_sources(
    settings: Settings, paths: Iterable[Path], options: ImportOptions = ImportOptions()
) -> ImportOutcome:
    owner = _check(settings, options)
    planned: list[PlannedDraft] = []
    failures: list[SourceError] = []
    taken: set[str] = set()
    for source, named in source_files(paths, options.source_format):
        if not named and source.is_symlink():
            failures.append(_linked_source(source))
            continue
        try:
            drafts = read_drafts(source, options.source_format)
        except UnknownFormatError as exc:
            if named:
                failures.append(exc)
            continue  # a file in a folder that no importer recognises is not a prompt
        except SourceError as exc:
            failures.append(exc)
            continue
        for draft in drafts:
            prompt_id, number = f"{options.namespace}/{draft.name}", 2
            while prompt_id in taken:
                prompt_id, number = f"{options.namespace}/{draft.name}-{number}", number + 1
            taken.add(prompt_id)
            path = settings.registry_dir / f"{prompt_id}{PROMPT_SUFFIX}"
            link = link_on_the_way(path, settings.registry_dir)
            if link is not None:
                failures.append(_linked_target(source, link))
                continue
            data, notes = draft_mapping(
                draft, prompt_id, settings, owner=owner, tier=options.tier, today=options.today
            )
            text = draft_text(data, notes, path=path, root=settings.root, source=source)
            planned.append(_place(path, prompt_id, draft, text, notes, options.dry_run))
    written = [d.path for d in planned if d.status == "written"]
    findings: tuple[Finding, ...] = ()
    if written:
        result = Linter(settings).lint_paths(written)
        findings = tuple(f for f in result.findings if f.severity != "info")
    return ImportOutcome(tuple(planned), tuple(failures), findings)


def _linked_source(source: Path) -> SourceError:
    """A link found in a folder being imported: not followed, since it can lead anywhere
    (a key file linked as `notes.prompty` would become a draft's message)."""
    return source_error(
        source,
        f"the file is a symbolic link (to {source.readlink()}); files found in a folder are not "
        "read through links",
        hint="name the file the link points to, if it is meant to be imported",
    )


def _linked_target(source: Path, link: Path) -> SourceError:
    return source_error(
        source,
        f"the draft would be written through {link}, a symbolic link (to "
        f"{link.readlink() if link.is_symlink() else '?'}); the registry holds regular "
        "files only",
        hint="replace the link with a folder, or import into another --namespace",
    )


def _place(
    path: Path, prompt_id: str, draft: Draft, text: str, notes: list[Note], dry_run: bool
) -> PlannedDraft:
    status = "would-write"
    if path.exists() or path.is_symlink():
        status = "exists"
    elif not dry_run:
        try:
            write_draft(path, text)
            status = "written"
        except DraftExistsError:
            status = "exists"
    return PlannedDraft(prompt_id, path, draft.source, draft.format, text, tuple(notes), status)
