"""`promptreg init`: scaffold a registry in the current directory, never overwriting."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from promptreg.cli.common import HelpFormatter, example
from promptreg.core.about import VERSION as __version__
from promptreg.core.config import CONFIG_NAME
from promptreg.core.errors import EXIT_OK, UsageError
from promptreg.core.fs import atomic_write
from promptreg.core.schema import CONFIG_SCHEMA, PROMPT_SCHEMA, schema_dir
from promptreg.edit.scaffold import (
    CONFIG_TEMPLATE,
    EXAMPLE_PROMPT,
    PRE_COMMIT_TEMPLATE,
    schema_modeline,
)

_NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Create promptreg.yaml, an example prompt, a .pre-commit-config.yaml and "
        "editor schemas (.promptreg/schemas/) in the current directory. Refuses to "
        "overwrite anything: if one of the files exists, nothing is written. A repository "
        "that already has a .pre-commit-config.yaml keeps it; init prints the block to add.",
        epilog=example("promptreg init", "promptreg init --owner support-platform"),
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--owner", default="my-team", help="the first owning team (lower-case, '-' between words)"
    )
    parser.add_argument("--registry", default="registry", help="folder for prompt files")


def run(args: argparse.Namespace) -> int:
    if not _NAME_RE.match(args.owner):
        raise UsageError(f"--owner {args.owner!r} must be lower-case words joined by '-'")
    root = Path.cwd()
    registry = root / args.registry
    example_path = registry / "examples" / "summarize-notes.prompt.yaml"
    schemas = root / ".promptreg" / "schemas"
    pre_commit = root / ".pre-commit-config.yaml"
    hooks_block = PRE_COMMIT_TEMPLATE.format(version=__version__)
    files: dict[Path, str] = {
        root / CONFIG_NAME: CONFIG_TEMPLATE.format(registry=args.registry, owner=args.owner),
        schemas / PROMPT_SCHEMA: (schema_dir() / PROMPT_SCHEMA).read_text(encoding="utf-8"),
        schemas / CONFIG_SCHEMA: (schema_dir() / CONFIG_SCHEMA).read_text(encoding="utf-8"),
    }
    files[example_path] = EXAMPLE_PROMPT.format(
        modeline=schema_modeline(example_path, root), owner=args.owner
    )
    existing = [path for path in files if path.exists()]
    if existing:
        names = ", ".join(str(p.relative_to(root)) for p in existing)
        raise UsageError(
            f"refusing to overwrite existing files: {names}",
            hint="move them aside, or run init in an empty directory",
        )
    keep_pre_commit = pre_commit.exists()
    if not keep_pre_commit:
        files[pre_commit] = hooks_block
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text)
        sys.stdout.write(f"created {path.relative_to(root)}\n")
    if keep_pre_commit:
        entry = hooks_block.split("repos:\n", 1)[1]
        sys.stdout.write(
            f"\n.pre-commit-config.yaml exists and was left alone; add this under repos:\n{entry}"
        )
    sys.stdout.write(
        "\nnext: edit owners and reviewers in promptreg.yaml, then\n"
        "  promptreg lint\n  promptreg new <namespace>/<name> --tier 2\n"
    )
    return EXIT_OK
