"""The `promptreg` command: parse, route to one subcommand module, return its status."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from promptreg import __version__
from promptreg.cli import explain, init, lint, listing, new, render, rules, show
from promptreg.cli.common import HelpFormatter
from promptreg.cli.error_handler import Exit, error_handler
from promptreg.errors import EXIT_USAGE

COMMANDS: dict[str, ModuleType] = {
    "init": init,
    "new": new,
    "list": listing,
    "show": show,
    "render": render,
    "lint": lint,
    "rules": rules,
    "explain": explain,
}

DESCRIPTION = """\
promptreg keeps an organisation's LLM prompts in git as reviewed, versioned files,
with a risk tier each, and checks them against the organisation's standards.

Exit status: 0 success, 1 lint findings, 2 usage or configuration error,
3 internal error (a bug), 130 interrupted."""

EPILOG = """\
getting started:
  promptreg init                          scaffold promptreg.yaml and an example prompt
  promptreg new support/triage --tier 2   scaffold a prompt with what tier 2 requires
  promptreg lint                          check every prompt against the standards
  promptreg list --tier 3                 the high-risk prompts
  promptreg render support/summarize-ticket --var ticket_text='Where is order 1234?'

`promptreg COMMAND --help` explains each command with examples."""


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 2 with a hint, as argparse does, but through one place."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(
            f"promptreg: error: {message}\n  hint: `{self.prog} --help` shows the options\n"
        )
        raise Exit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="promptreg",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"promptreg {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module in COMMANDS.items():
        module.add_parser(subparsers, name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        with error_handler():
            parser = build_parser()
            try:
                args = parser.parse_args(argv)
            except SystemExit as done:  # --help and --version print, then exit 0
                return done.code if isinstance(done.code, int) else EXIT_USAGE
            if args.command is None:
                parser.print_help()
                return EXIT_USAGE
            status: int = COMMANDS[args.command].run(args)
            return status
    except Exit as exit_:
        return exit_.status
