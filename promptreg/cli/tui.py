"""`promptreg tui`: browse, filter, diff and try prompts in the terminal.

The only module outside promptreg/tui/ that imports it, and only when the command runs,
so no other command pays for (or needs) textual.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, settings_from
from promptreg.core.errors import EXIT_OK


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Open the registry in a terminal UI: every prompt with whether the SDK "
        "would serve it, a filter bar on `/` (tier:3 status:approved serve:no lint:error ...), "
        "and for each prompt its overview, source with lint findings, history with diffs, "
        "and a test form that renders it and runs it against the configured endpoint. "
        "It writes nothing unless asked: approve, bump and fmt from the palette show what "
        "they will write and write on `y`, and running the eval cases (ctrl+t in the Test "
        "tab) records their results as `promptreg test` does. With --bundle it browses a "
        "built bundle, read-only. `?` lists the keys; ctrl+p opens the palette.",
        epilog=example(
            "promptreg tui", "promptreg tui --no-watch", "promptreg tui --bundle bundle.json"
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--no-watch", action="store_true", help="do not reload files when they change on disk"
    )
    parser.add_argument(
        "--bundle",
        type=Path,
        metavar="FILE",
        help="browse a bundle built by `promptreg build`, read-only (no history, edits or "
        "runs: those need the registry checkout)",
    )
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    from promptreg.tui.app import RegistryApp, make_app

    app: RegistryApp
    if args.bundle is not None:
        from promptreg.core.config import load_config
        from promptreg.tui.bundle_mode import make_bundle_app

        app = make_bundle_app(args.bundle, load_config(args.config) if args.config else None)
    else:
        app = make_app(settings_from(args), live_reload=not args.no_watch)
    status = app.run()
    return status if status is not None else (app.return_code or EXIT_OK)
