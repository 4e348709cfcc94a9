"""`promptreg build`: verify the committed registry and write the bundle production reads."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, settings_from
from promptreg.core.errors import EXIT_FINDINGS, EXIT_OK


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Lint the registry as committed at HEAD with every provenance (G011-G014) "
        "and registry (R) rule, then write one JSON bundle of every approved prompt version "
        "along the first-parent history of the branch, for Registry.open() in production. "
        "Versions that may not be served are left out and listed.\n\n"
        "Exit status: 0 written, 1 refused (each prompt and reason listed; nothing "
        "written), 2 usage, configuration or repository error.",
        epilog=example(
            "promptreg build -o bundle.json",
            "promptreg build -o bundle.json --sign ~/.ssh/promptreg_build_key",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("bundle.json"),
        metavar="FILE",
        help="where to write the bundle (default: bundle.json)",
    )
    parser.add_argument(
        "--sign",
        type=Path,
        metavar="KEY",
        help="SSH private key to sign with (ssh-keygen -Y sign, namespace promptreg-bundle); "
        "the signature goes to FILE.sig",
    )
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    from promptreg.actions.build import build_bundle, sign, write_bundle

    result = build_bundle(settings_from(args), jobs="auto")
    for note in result.left_out:
        sys.stderr.write(f"left out: {note}\n")
    if result.refused:
        for note in result.refused:
            sys.stderr.write(f"refused: {note}\n")
        count = len(result.refused)
        sys.stderr.write(
            f"promptreg: build refused: {count} problem{'s' if count != 1 else ''}; "
            "nothing was written\n"
        )
        return EXIT_FINDINGS
    signature = sign(result.data, args.sign) if args.sign is not None else None
    write_bundle(result.data, args.output, signature)
    signed = f", signed ({args.output}.sig)" if signature is not None else ""
    sys.stderr.write(
        f"wrote {args.output}: {result.prompts} prompts, {result.versions} versions{signed}\n"
    )
    return EXIT_OK
