"""`promptreg history`: every committed version of one prompt, newest first."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, settings_from
from promptreg.cli.progress import Pulse
from promptreg.core.errors import EXIT_OK
from promptreg.git.history import Revision, history
from promptreg.report.table import table


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="List every commit that changed a prompt file, newest first: version, "
        "content hash, commit, date, author, status and recorded approvals. Renames are "
        "followed. Needs git; uncommitted changes are not listed (`promptreg diff ID` shows "
        "them).",
        epilog=example(
            "promptreg history support/summarize-ticket",
            "promptreg history support/summarize-ticket --format json",
            "promptreg diff support/summarize-ticket 1.2.0 1.3.0",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("id", help="prompt id, e.g. support/summarize-ticket")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="ignore and do not update the summary cache in .promptreg/cache/",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress and no count line on stderr"
    )
    add_config_option(parser)


def _row(revision: Revision) -> list[str]:
    digest = revision.content_hash.removeprefix("sha256:")[:12] if revision.content_hash else "-"
    return [
        revision.version or "?",
        digest,
        revision.short,
        revision.date[:10],
        revision.author_name or revision.author_email,
        revision.status or "invalid",
        ", ".join(revision.approvals) or "-",
    ]


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    cache = None if args.no_cache else settings.root / ".promptreg" / "cache"
    with Pulse(f"reading the history of {args.id}", quiet=args.quiet):
        revisions = history(settings, args.id, cache=cache, workers=None)
    if args.format == "json":
        payload = {"id": args.id, "revisions": [r.to_json() for r in revisions]}
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
        return EXIT_OK
    if not revisions:
        sys.stderr.write(f"{args.id} has no committed versions yet\n")
        return EXIT_OK
    headers = ["VERSION", "HASH", "COMMIT", "DATE", "AUTHOR", "STATUS", "APPROVALS"]
    sys.stdout.write(table([_row(r) for r in revisions], headers) + "\n")
    broken = sum(1 for r in revisions if not r.valid)
    note = f"; {broken} did not load (--format json lists the problems)" if broken else ""
    if not args.quiet:
        sys.stderr.write(f"{len(revisions)} commit{'s' if len(revisions) != 1 else ''}{note}\n")
    return EXIT_OK
