"""`promptreg tui`: browse, filter, diff and try prompts in the terminal.

The only module outside promptreg/tui/ that imports it, and only when the command runs,
so no other command pays for (or needs) textual.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, settings_from
from promptreg.core.errors import EXIT_OK, UsageError


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
        "built bundle, read-only, checking its signature as the SDK does when "
        "--allowed-signers (or $PROMPTREG_ALLOWED_SIGNERS) names the keys that may sign it. "
        "`?` lists the keys; ctrl+p opens the palette.",
        epilog=example(
            "promptreg tui",
            "promptreg tui --no-watch",
            "promptreg tui --bundle bundle.json",
            "promptreg tui --bundle bundle.json --allowed-signers allowed_signers",
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
    parser.add_argument(
        "--allowed-signers",
        type=Path,
        metavar="FILE",
        help="with --bundle: the allowed-signers file listing the keys that may sign "
        "bundles; the bundle then opens only with a good signature in FILE.sig beside it, "
        "as Registry.open refuses it (default: $PROMPTREG_ALLOWED_SIGNERS)",
    )
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    from promptreg.tui.app import RegistryApp, make_app

    app: RegistryApp
    if args.bundle is not None:
        from promptreg.core.config import load_config
        from promptreg.sdk.registry import SIGNERS_ENV
        from promptreg.tui.bundle_mode import make_bundle_app

        signers = args.allowed_signers or os.environ.get(SIGNERS_ENV) or None
        app = make_bundle_app(
            args.bundle,
            load_config(args.config) if args.config else None,
            allowed_signers=Path(signers) if signers is not None else None,
        )
    else:
        if args.allowed_signers is not None:
            raise UsageError(
                "--allowed-signers checks a bundle's signature: it needs --bundle FILE",
                hint="promptreg tui --bundle bundle.json --allowed-signers allowed_signers",
            )
        app = make_app(settings_from(args), live_reload=not args.no_watch)
    status = app.run()
    return status if status is not None else (app.return_code or EXIT_OK)
