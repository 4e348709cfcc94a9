"""What several subcommands share: finding the registry, colour, output formats."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

# Imported by every command before it knows what it needs: keep it free of heavy imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.core.config import Settings
    from promptreg.sdk.registry import Registry


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="promptreg.yaml to use (default: the nearest one at or above the current directory)",
    )


def settings_from(args: argparse.Namespace) -> Settings:
    from promptreg.core.config import find_config, load_config

    config: Path | None = args.config
    return load_config(config if config is not None else find_config())


def registry_from(args: argparse.Namespace) -> Registry:
    from promptreg.sdk.registry import Registry

    return Registry(settings_from(args))


def use_color(stream: TextIO = sys.stdout) -> bool:
    """Colour only for a terminal, and never when NO_COLOR is set to anything."""
    return stream.isatty() and "NO_COLOR" not in os.environ


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the hand-wrapped examples in each command's epilog as written.

    Given no width, it measures the terminal as argparse does, but without importing
    shutil for it: argparse makes a formatter for every argument a parser adds, and
    shutil (with the compression modules it loads) is 2 ms of a command's start-up."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`: $COLUMNS when a positive number, else the
    width of the terminal on standard output, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        stream = sys.__stdout__
        try:
            columns = os.get_terminal_size(stream.fileno()).columns if stream else 0
        except (AttributeError, ValueError, OSError):  # closed, detached, not a terminal
            columns = 0
    return columns or 80


def example(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or directories (default: the registry directory)",
    )


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """--format, -q and --exit-zero, shared by the commands that report findings."""
    from promptreg.report import REPORTERS  # the names only; reporters load when used

    parser.add_argument(
        "--format", choices=sorted(REPORTERS), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print findings only, no summary line"
    )
    parser.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )
