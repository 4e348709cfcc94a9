# PYTHON_ARGCOMPLETE_OK  (argcomplete's marker: this entry point completes itself)
"""The `promptreg` command: parse, route to one subcommand module, return its status.

Only the chosen command's module is imported: `promptreg --version` or `promptreg list`
must not pay for the linter's rules, and `promptreg lint` not for the formatter.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from promptreg.cli import completion
from promptreg.cli.common import HelpFormatter
from promptreg.cli.error_handler import Exit, error_handler
from promptreg.core.about import VERSION as __version__
from promptreg.core.errors import EXIT_USAGE
from promptreg.core.extras import require

COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("promptreg.cli.init", "scaffold a registry here"),
    "new": ("promptreg.cli.new", "scaffold a new prompt"),
    "list": ("promptreg.cli.listing", "list prompts, with filters"),
    "show": ("promptreg.cli.show", "show one prompt"),
    "render": ("promptreg.cli.render", "render a prompt with variables"),
    "lint": ("promptreg.cli.lint", "check prompt files against the standards"),
    "fmt": ("promptreg.cli.fmt", "rewrite prompt files in the canonical key order and layout"),
    "rules": ("promptreg.cli.rules", "list every lint rule"),
    "explain": ("promptreg.cli.explain", "explain a lint rule"),
    "history": ("promptreg.cli.history", "list every committed version of a prompt"),
    "diff": ("promptreg.cli.diff", "compare two versions of a prompt"),
    "bump": ("promptreg.cli.bump", "raise a prompt's version and add a changelog entry"),
    "approve": ("promptreg.cli.approve", "record your approval of a prompt"),
    "codeowners": ("promptreg.cli.codeowners", "write the CODEOWNERS block for reviewed tiers"),
    "check": ("promptreg.cli.check", "registry-wide checks a single file cannot show"),
    "import": ("promptreg.cli.importing", "bring prompts in from other formats as drafts"),
    "export": ("promptreg.cli.export", "write a prompt as a Prompty or Dotprompt file"),
    "report": ("promptreg.cli.report", "write the governance report (HTML and Markdown)"),
    "test": ("promptreg.cli.test", "run eval cases against a model and record the results"),
    "build": ("promptreg.cli.build", "verify the registry and write the bundle production serves"),
    "stubs": ("promptreg.cli.stubs", "write type stubs so mypy checks each call's variables"),
    "tui": ("promptreg.cli.tui", "browse, filter, diff and try prompts in a terminal UI"),
}
"""Each command: the module with its `add_parser` and `run`, and its one-line summary."""

COMMAND_EXTRAS = {
    **dict.fromkeys(
        ("init", "new", "lint", "fmt", "bump", "approve", "check", "import", "report", "build"),
        "lint",
    ),
    "test": "evals",
    "tui": "tui",
}
"""The extra each command needs beyond the base install (which serves and shows prompts)."""

DESCRIPTION = """\
promptreg keeps an organisation's LLM prompts in git as reviewed, versioned files,
with a risk tier each, and checks them against the organisation's standards.

Exit status: 0 success, 1 lint findings (or failing eval cases), 2 usage or
configuration error, 3 internal error (a bug; for `test`, also an endpoint that
cannot be used), 130 interrupted."""

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


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser, fully built for the command named in `argv`; the others are listed."""
    parser = _Parser(
        prog="promptreg",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"promptreg {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    # A known command alone needs only its own parser (22 placeholders cost ~7 ms, half
    # of what a pre-commit run may spend starting); the list is for help and completion.
    listed = completion.requested() or chosen not in COMMANDS
    for name, (module, summary) in COMMANDS.items():
        if name == chosen:
            import_module(module).add_parser(subparsers, name, summary)
        elif listed:
            subparsers.add_parser(name, help=summary)
    return parser


def _refuse_unknown_command(arguments: Sequence[str]) -> None:
    """`promptreg lnt` names the command it probably meant, as unknown ids and rules do."""
    chosen = next((arg for arg in arguments if not arg.startswith("-")), None)
    if chosen is None or chosen in COMMANDS:
        return
    from promptreg.core.suggest import did_you_mean

    sys.stderr.write(
        f"promptreg: error: unknown command {chosen!r}{did_you_mean(chosen, COMMANDS)}\n"
        "  hint: `promptreg --help` lists the commands\n"
    )
    raise Exit(EXIT_USAGE)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        with error_handler():
            chosen = next((arg for arg in arguments if not arg.startswith("-")), None)
            if chosen in COMMAND_EXTRAS:
                require(COMMAND_EXTRAS[chosen], f"`promptreg {chosen}`")
            parser = build_parser(arguments)
            if completion.requested():  # the shell asks for completions (cli/completion.py)
                completion.complete(COMMANDS, parser)
            _refuse_unknown_command(arguments)
            try:
                args = parser.parse_args(arguments)
            except SystemExit as done:  # --help and --version print, then exit 0
                return done.code if isinstance(done.code, int) else EXIT_USAGE
            if args.command is None:
                parser.print_help()
                return EXIT_USAGE
            status: int = import_module(COMMANDS[args.command][0]).run(args)
            return status
    except Exit as exit_:
        return exit_.status
