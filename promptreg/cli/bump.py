"""`promptreg bump`: raise a prompt's version as far as its change needs, with a changelog entry.

The level comes from comparing the working file with the base revision (default HEAD)
through versions.classify, the same analysis the V rules use, so a bump made here
passes V001/V002/V004. The new version counts from the base's version: bumping twice
before committing moves the same unreleased version, it does not skip one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, registry_from
from promptreg.core.config import Settings
from promptreg.core.errors import EXIT_OK, UsageError
from promptreg.core.model import ChangelogEntry, PromptSpec
from promptreg.core.versions import (
    LEVELS,
    Change,
    Level,
    Version,
    classify,
    level_between,
    parse_version,
)
from promptreg.git.gitio import GitError


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Compare the prompt with the base revision, work out the smallest bump "
        "the change needs (a removed variable, a new required one or an incompatible output "
        "schema needs major; an optional addition minor; any other content edit patch), "
        "then write the new version and a changelog entry dated today. Every comment and "
        "all other formatting in the file stay as they were. Without LEVEL the needed "
        "level is used; a LEVEL lower than needed is refused.",
        epilog=example(
            "promptreg bump support/summarize-ticket",
            "promptreg bump support/summarize-ticket minor -m 'Add the language variable.'",
            "promptreg bump legal/nda-review major --base origin/main",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("id", help="prompt id, e.g. support/summarize-ticket")
    parser.add_argument(
        "level",
        nargs="?",
        choices=("major", "minor", "patch"),
        metavar="LEVEL",
        help="major, minor or patch (default: the level the change needs)",
    )
    parser.add_argument(
        "--base",
        metavar="REF",
        help="git revision to compare with (default: HEAD)",
    )
    parser.add_argument(
        "-m",
        "--message",
        metavar="TEXT",
        help="changelog summary (default: generated from the changes)",
    )
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    from promptreg.edit.rewrite import bump_text, write_edit

    registry = registry_from(args)
    spec = registry.spec(args.id)
    path = registry.path_of(args.id)
    original = path.read_bytes()
    base_spec, base_name = _base(registry.settings, path, args.base, args.level)
    current = _version(spec.version, spec, "the file")
    changes = classify(base_spec, spec) if base_spec is not None else []
    needed = max((c.level for c in changes), key=LEVELS.index, default=None)
    level: Level = args.level or needed or "patch"
    if needed is not None and LEVELS.index(level) < LEVELS.index(needed):
        reasons = "; ".join(c.description for c in changes if c.level == needed)
        kind = {"major": "breaking change", "minor": "new feature", "patch": "change"}[needed]
        raise UsageError(
            f"{kind} ({reasons}) needs a {needed} bump, not {level}",
            hint=f"run `promptreg bump {args.id} {needed}`, or undo the change",
        )
    released: str | None = None
    if base_spec is None:
        target = str(current.bumped(level))
    else:
        released = base_spec.version
        start = _version(base_spec.version, base_spec, base_name)
        already = level_between(start, current)
        if (
            args.level is None
            and already is not None
            and LEVELS.index(already) >= LEVELS.index(needed or "patch")
        ):
            target, level = spec.version, already  # bumped by hand far enough
        elif args.level is None and needed is None:
            sys.stderr.write(
                f"{args.id}: the content is the same as at {base_name}; no bump is needed "
                "(give a level to bump anyway)\n"
            )
            return EXIT_OK
        else:
            target = str(start.bumped(level))
    if spec.version == target and any(e.version == target for e in spec.changelog):
        sys.stdout.write(f"{args.id} is already at {target} with a changelog entry\n")
        return EXIT_OK
    top = spec.changelog[0] if spec.changelog else None
    # A version bumped earlier and never committed is moved, not left behind in the log.
    replace_top = (
        top is not None
        and released is not None
        and top.version == spec.version
        and spec.version not in (released, target)
    )
    summary = args.message or (
        top.summary if replace_top and top is not None else _summary(changes, base_spec)
    )
    entry = ChangelogEntry(target, dt.date.today().isoformat(), summary)
    text = bump_text(original.decode("utf-8"), target, entry, replace_top=replace_top, path=path)
    write_edit(path, original, text)
    _report(
        args.id,
        spec,
        target,
        level,
        needed,
        changes,
        entry,
        path,
        base_name,
        bool(args.message) or replace_top,
        base_spec is None,
    )
    return EXIT_OK


def _base(
    settings: Settings, path: Path, rev: str | None, level: str | None
) -> tuple[PromptSpec | None, str]:
    """The prompt at the base revision (None when new there) and how to name the base."""
    from promptreg.git.baseline import Baseline

    name = rev or "HEAD"
    try:
        base = Baseline(settings, name)
    except GitError as exc:
        if rev is None and level is not None:
            return None, "no base"
        raise GitError(
            exc.message,
            hint=f"give the level explicitly (`promptreg bump ID {level or 'patch'}`) to bump "
            "without comparing, or pass --base REF"
            if rev is None
            else exc.hint,
        ) from None
    return base.spec(path), name


def _version(text: str, spec: PromptSpec, where: str) -> Version:
    version = parse_version(text)
    if version is None:
        raise UsageError(
            f"{spec.id}: version {text!r} in {where} is not a semantic version",
            hint="write it as MAJOR.MINOR.PATCH, e.g. 1.2.0",
        )
    return version


def _summary(changes: list[Change], base: PromptSpec | None) -> str:
    if base is None:
        return "Version bump."
    if not changes:
        return "Version bump without a content change."
    text = "; ".join(dict.fromkeys(c.description for c in changes))
    return text[0].upper() + text[1:] + "."


def _report(
    prompt_id: str,
    spec: PromptSpec,
    target: str,
    level: str,
    needed: str | None,
    changes: list[Change],
    entry: ChangelogEntry,
    path: Path,
    base_name: str,
    written: bool,
    new: bool,
) -> None:
    if needed:
        why = f"{needed} needed: " + "; ".join(dict.fromkeys(c.description for c in changes))
    elif base_name == "no base":
        why = "not compared: no git repository"
    elif not changes:
        why = f"new since {base_name}" if new else f"no content change since {base_name}"
    else:
        why = f"compared with {base_name}"
    lines = [
        f"bumped {prompt_id} {spec.version} → {target} ({level}; {why})",
        f"changelog: {entry.version} {entry.date} {entry.summary}"
        + ("" if written else "  (generated: edit it in the file, or pass -m next time)"),
        f"wrote {_relative(path)}",
    ]
    if spec.approvals:
        lines.append(
            "the new version changes the content hash, so the existing approvals are stale; "
            f"ask reviewers to run `promptreg approve {prompt_id}` after you commit"
        )
    sys.stdout.write("\n".join(lines) + "\n")


def _relative(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
