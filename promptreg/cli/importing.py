"""`promptreg import`: bring prompts in from other formats as draft prompt files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, settings_from
from promptreg.core.errors import EXIT_FINDINGS, EXIT_OK


def _formats() -> str:
    from promptreg.importers.catalogue import IMPORTERS

    width = max(len(name) for name in IMPORTERS)
    rows = [
        f"  {name:<{width}}  {', '.join(i.extensions):<16} {i.summary}"
        for name, i in IMPORTERS.items()
    ]
    return "formats (--from; auto picks by extension and content):\n" + "\n".join(rows)


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    from promptreg.importers.catalogue import AUTO, IMPORTERS

    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Read prompts from other tools' files and write each as a draft "
        "registry/<NAMESPACE>/<name>.prompt.yaml (status draft, every variable typed and "
        "untrusted, a note of what could not be carried over). Existing files are never "
        "overwritten. The drafts are linted afterwards.",
        epilog=_formats()
        + "\n\n"
        + example(
            "promptreg import prompts/ --namespace support",
            "promptreg import summarize.prompty --tier 2 --owner legal-ops",
            "promptreg import promptfooconfig.yaml --dry-run",
            "promptreg import app/llm.py --from python --format json",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or directories")
    parser.add_argument("--namespace", default="imported", help="namespace of the new ids")
    parser.add_argument("--from", dest="source_format", choices=(AUTO, *IMPORTERS), default=AUTO)
    parser.add_argument("--owner", help="owning team (default: the first in promptreg.yaml)")
    parser.add_argument("--tier", type=int, choices=(1, 2, 3), default=1, help="risk tier")
    parser.add_argument("--dry-run", action="store_true", help="print what would be written")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    from promptreg.actions.importing import ImportOptions, import_sources

    options = ImportOptions(
        namespace=args.namespace,
        source_format=args.source_format,
        owner=args.owner,
        tier=args.tier,
        dry_run=args.dry_run,
    )
    outcome = import_sources(settings_from(args), args.paths, options)
    if args.format == "json":
        sys.stdout.write(json.dumps(_json(outcome), indent=2) + "\n")
    else:
        _text(outcome, args.dry_run)
    return EXIT_OK if outcome.ok else EXIT_FINDINGS


def _json(outcome: Any) -> dict[str, Any]:
    return {
        "drafts": [
            {
                "id": d.prompt_id,
                "path": d.path.as_posix(),
                "source": d.source.as_posix(),
                "format": d.format,
                "status": d.status,
                "notes": [{"line": n.line, "message": n.message} for n in d.notes],
                **({"text": d.text} if d.status == "would-write" else {}),
            }
            for d in outcome.drafts
        ],
        "failures": [str(f) for f in outcome.failures],
        "findings": [f.to_json() for f in outcome.findings],
    }


def _text(outcome: Any, dry_run: bool) -> None:
    out = sys.stdout
    for draft in outcome.drafts:
        if draft.status == "would-write":
            out.write(f"# would write {draft.path} (from {draft.source})\n{draft.text}\n")
        elif draft.status == "written":
            out.write(f"wrote {draft.path} (from {draft.source}, {draft.format})\n")
        for note in draft.notes:
            out.write(f"  note: {note}\n")
    for draft in outcome.drafts:
        if draft.status == "exists":
            sys.stderr.write(
                f"promptreg: error: {draft.path} already exists; not overwritten "
                f"(it would hold {draft.prompt_id} from {draft.source})\n"
            )
    for failure in outcome.failures:
        sys.stderr.write(f"promptreg: error: {failure}\n")
    if outcome.findings:
        out.write(f"\n{len(outcome.findings)} finding(s) to act on in the drafts:\n")
        for f in outcome.findings:
            out.write(
                f"{f.path}:{f.span.line}:{f.span.column}: {f.code} [{f.severity}] {f.message}\n"
            )
        if outcome.fixable:  # the command only when it would change something
            paths = " ".join(sorted({f.path.as_posix() for f in outcome.fixable}))
            unsafe = any(
                f.fix is not None and f.fix.applicability != "safe" for f in outcome.fixable
            )
            flags = "--fix --unsafe-fixes" if unsafe else "--fix"  # drafts: no approval to void
            out.write(
                f"\n{len(outcome.fixable)} of them have an automatic fix; apply it with:\n"
                f"  promptreg lint {flags} {paths}\n"
            )
