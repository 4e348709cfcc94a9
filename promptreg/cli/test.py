"""`promptreg test`: run eval cases against an OpenAI-compatible endpoint, record results."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, settings_from
from promptreg.core.errors import EXIT_OK, UsageError

_FORMATS = ("text", "json", "junit", "markdown")


def _concurrency(value: str) -> int | None:
    if value == "auto":
        return None
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number or auto") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Render each selected eval case, send it to the model through an "
        "OpenAI-compatible endpoint (evals: in promptreg.yaml, or OPENAI_BASE_URL and "
        "OPENAI_API_KEY), grade the answer with the case's assertions, and record the "
        "results in .promptreg/evals/<id>.json, which the eval lint rules (G015-G017) read. "
        "docs/evals.md explains endpoints, assertions, the cache and batches.\n\n"
        "Exit status: 0 every case passed, 1 a case failed or regressed, 2 usage or "
        "configuration error, 3 the endpoint could not be used or the budget was spent, "
        "130 interrupted.",
        epilog=example(
            "promptreg test",
            "promptreg test legal/dsar-triage --case 'parent*' --repeat 3",
            "promptreg test --changed --base origin/main --compare origin/main --format markdown",
            "promptreg test --tier 3 --dry-run",
            "promptreg test --batch          # later: promptreg test --resume",
            "promptreg test --list-assertions",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "targets", nargs="*", metavar="ID|PATH", help="prompt ids, files or folders (default: all)"
    )
    parser.add_argument("--changed", action="store_true", help="only prompts changed since --base")
    parser.add_argument("--base", metavar="REV", help="the git revision --changed compares with")
    parser.add_argument("--tier", type=int, choices=(1, 2, 3), help="only prompts of this tier")
    parser.add_argument("--case", metavar="NAME", help="only cases with this name (or glob)")
    parser.add_argument(
        "--repeat", type=_positive, default=1, metavar="K", help="run each case K times"
    )
    parser.add_argument(
        "--concurrency",
        type=_concurrency,
        default=None,
        metavar="N|auto",
        help="requests in flight (default: auto, adapting to 429s; capped by evals.concurrency)",
    )
    parser.add_argument("--endpoint", metavar="NAME", help="an endpoint of evals.endpoints")
    parser.add_argument(
        "--dry-run", action="store_true", help="estimate tokens and cost offline; send nothing"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the response cache"
    )
    parser.add_argument(
        "--clear-cache", action="store_true", help="delete the response cache, then exit"
    )
    parser.add_argument("--format", choices=_FORMATS, default="text", help="report format")
    parser.add_argument("--batch", action="store_true", help="send the requests as a Batch API job")
    parser.add_argument("--resume", action="store_true", help="collect a pending --batch run")
    parser.add_argument(
        "--compare", metavar="BASE", help="report what passed on git revision BASE and fails now"
    )
    parser.add_argument("--budget", type=float, metavar="USD", help="stop after spending this much")
    parser.add_argument(
        "--list-assertions", action="store_true", help="list the assertion types, then exit"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress on stderr")
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    from promptreg.evals.catalogue import list_text
    from promptreg.evals.command import TestOptions, clear, run_tests
    from promptreg.evals.plan import Selection
    from promptreg.evals.runner import RunOptions

    if args.list_assertions:
        sys.stdout.write(list_text() + "\n")
        return EXIT_OK
    if args.changed and not args.base:
        raise UsageError("--changed needs --base REV", hint="e.g. --changed --base origin/main")
    settings = settings_from(args)
    if args.clear_cache:
        return clear(settings, sys.stdout)
    budget = args.budget if args.budget is not None else settings.evals.budget
    options = TestOptions(
        selection=Selection(
            tuple(args.targets),
            args.base if args.changed else None,
            args.tier,
            args.case,
            args.repeat,
        ),
        endpoint=args.endpoint,
        run=RunOptions(concurrency=args.concurrency, budget=budget),
        dry_run=args.dry_run,
        use_cache=not args.no_cache,
        format=args.format,
        batch=args.batch,
        resume=args.resume,
        compare=args.compare,
        progress=not args.no_progress,
    )
    return run_tests(settings, options, sys.stdout, sys.stderr)
