"""SDK speed, side by side with its peers, in one run.

1. Import time: `python -c "import promptreg"` against a bare `python -c pass`.
2. get + render of an approved prompt against raw, pre-compiled Jinja2 templates of the
   same messages rendered with the same variables (the least any SDK could do).
3. The same with audit records written to a JSON-lines file, for a prompt logged at
   `metadata` and one logged at `full` (whose values are redacted): flushed each record
   or buffered; with the eval case's values on every call (a redaction memo's best
   case) and with a request text new on every call (its worst); and with a handler on
   the root logger too, as an application with its own logging setup has, which makes
   every record go through `logging`. That handler is a `logging.NullHandler`, whose
   handle() does nothing (its own cost is printed: a fraction of a microsecond), so the
   row measures what reaching another handler costs us and `logging` (the record as a
   dict and a LogRecord, the walk over the loggers' handlers), not what an
   application's own handler does with a record (formatting it, writing it out).

Targets: import <= 100 ms above the bare interpreter; get+render <= 1.5x raw Jinja2
(Template.render); with audit records <= 2x. Raw Jinja2 with its context made directly,
as the sandbox renders, is printed beside them, without a target.

    .venv/bin/python benchmarks/sdk_speed.py [--runs 30] [--prompt support/summarize-ticket]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CPU = time.thread_time
"""Per-call timings count this thread's CPU time (user and system, so a record's write
and flush are in), not wall time: a busy machine preempting the benchmark would
otherwise decide the ratios."""


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


IMPORTS = {
    "bare python": "pass",
    "import promptreg": "import promptreg",
    "from promptreg import Registry": "from promptreg import Registry",
    "first get + render (cold)": (
        "from promptreg import Registry; "
        f"Registry.open({str(REPO)!r}).get('support/summarize-ticket').render(ticket_text='x')"
    ),
}


def import_times(runs: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for _ in range(runs):  # interleaved, so every variant sees the same machine state
        for name, code in IMPORTS.items():
            samples[name].append(wall([sys.executable, "-c", code]))
    return {name: statistics.median(times) for name, times in samples.items()}


def sample_values(prompt_id: str) -> dict[str, object]:
    from promptreg import Registry

    prompt = Registry.open(REPO).get(prompt_id)
    spec = prompt.spec
    case = spec.evals[0]
    return dict(case.vars)


def render_times(prompt_id: str, number: int) -> tuple[float, float]:
    import jinja2

    from promptreg import Registry

    registry = Registry.open(REPO)
    prompt = registry.get(prompt_id)
    values = sample_values(prompt_id)
    bound = prompt.bind(values)  # raw Jinja2 gets the defaults handed to it, for fairness
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    raw = [(m.role, env.from_string(m.content)) for m in prompt.spec.messages]

    def raw_render() -> list[dict[str, str]]:
        return [{"role": role, "content": t.render(bound)} for role, t in raw]

    def ours() -> list[dict[str, str]]:
        return registry.get(prompt_id).render(**values)

    assert raw_render() == ours(), "the two paths must produce the same messages"
    raw_best = min(timeit.repeat(raw_render, number=number, repeat=7, timer=CPU)) / number
    ours_best = min(timeit.repeat(ours, number=number, repeat=7, timer=CPU)) / number
    return raw_best, ours_best


def direct_times(prompt_id: str, number: int) -> float:
    """Raw Jinja2 without Template.render: each template's root function run on a context
    made directly from a plain dict of the globals, as the sandbox renders. The ratios
    above are to Template.render, whose context reads the globals through a ChainMap
    (a KeyError caught per global), most of its cost for short templates; this row says
    what the sandbox, the variable checks and the registry cost over the least Jinja2
    itself could do."""
    import jinja2

    from promptreg import Registry

    prompt = Registry.open(REPO).get(prompt_id)
    bound = prompt.bind(sample_values(prompt_id))
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    globals_ = dict(env.globals)
    made = [(m.role, env.from_string(m.content)) for m in prompt.spec.messages]
    parts = [(role, t.root_render_func, t.blocks) for role, t in made]

    def direct() -> list[dict[str, str]]:
        return [
            {
                "role": role,
                "content": "".join(
                    root(env.context_class(env, {**globals_, **bound}, None, blocks, globals_))
                ),
            }
            for role, root, blocks in parts
        ]

    assert direct() == [{"role": r, "content": t.render(bound)} for r, t in made]
    return min(timeit.repeat(direct, number=number, repeat=7, timer=CPU)) / number


AUDITED = ("support/summarize-ticket", "legal/dsar-triage")  # logging: metadata, full
VARIANTS = (
    (AUDITED[0], "flushed"),
    (AUDITED[0], "buffered"),
    (AUDITED[0], "root handler"),
    (AUDITED[1], "flushed"),
    (AUDITED[1], "new values"),
)
"""(prompt, how): flushed each record, left to the file's buffer, with a handler on the
root logger as well (records go through `logging`), with a request text new each call."""


def audit_times(
    prompt_id: str, number: int, how: str
) -> tuple[float, float, float, int, float | None]:
    """Raw Jinja2, get + render silent, get + render with a JSON-lines record per call,
    the bytes of one record, and what the root logger's handler itself costs a record
    (for "root handler")."""
    import itertools
    import logging
    import tempfile

    from promptreg.sdk.audit import LOGGER_NAME, log_audit_to

    raw, silent = render_times(prompt_id, number)
    from promptreg import Registry

    registry = Registry.open(REPO)
    values = sample_values(prompt_id)
    counter = itertools.count()
    logger = logging.getLogger(LOGGER_NAME)
    level = logger.level
    root = logging.getLogger()
    other = logging.NullHandler()
    if how == "root handler":
        root.addHandler(other)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "audit.jsonl"
        handler = log_audit_to(path, flush=how != "buffered")
        try:
            if how == "new values":
                text = str(values["request_text"])

                def audited() -> object:
                    fresh = f"{text} (request {next(counter)})"
                    return registry.get(prompt_id).render(**{**values, "request_text": fresh})

            else:

                def audited() -> object:
                    return registry.get(prompt_id).render(**values)

            audited()
            best = min(timeit.repeat(audited, number=number, repeat=7, timer=CPU)) / number
            own = None
            if how == "root handler":
                record = logging.makeLogRecord({"name": LOGGER_NAME, "levelno": logging.INFO})
                repeats = timeit.repeat(lambda: other.handle(record), number=number, timer=CPU)
                own = min(repeats) / number
        finally:
            logger.removeHandler(handler)
            handler.close()
            logger.setLevel(level)  # the next prompt's silent run must be silent
            root.removeHandler(other)
        size = len(path.read_text(encoding="utf-8").partition("\n")[0]) + 1
    return raw, silent, best, size, own


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30, help="interpreter starts per side")
    parser.add_argument("--number", type=int, default=5000, help="renders per timing")
    parser.add_argument("--prompt", default="support/summarize-ticket")
    args = parser.parse_args()

    times = import_times(args.runs)
    bare = times["bare python"]
    print(f"start-up, median wall time of {args.runs} interpreter starts each:")
    for name, seconds in times.items():
        extra = "" if name == "bare python" else f"  (+{(seconds - bare) * 1000:.1f} ms)"
        print(f"  {name:32} {seconds * 1000:7.1f} ms{extra}")
    delta = (times["import promptreg"] - bare) * 1000
    print(
        f"  target: `import promptreg` adds <= 100 ms: {delta:.1f} ms "
        f"{'OK' if delta <= 100 else 'MISSED'}  (the SDK's names load on first use; "
        "the Registry and cold-start rows show what that use costs)"
    )

    raw, mine = render_times(args.prompt, args.number)
    ratio = mine / raw
    print(f"warm get + render of {args.prompt}, best of 7 x {args.number} calls:")
    print(f"  {'raw pre-compiled Jinja2':32} {raw * 1e6:7.1f} us per call")
    print(f"  {'registry.get + prompt.render':32} {mine * 1e6:7.1f} us per call")
    print(f"  target: <= 1.5x raw Jinja2: {ratio:.2f}x {'OK' if ratio <= 1.5 else 'MISSED'}")
    direct = direct_times(args.prompt, args.number)
    print(
        f"  {'raw Jinja2, context made directly':32} {direct * 1e6:7.1f} us per call "
        f"(get + render is {mine / direct:.2f}x that; no target)"
    )

    print(f"with audit records to a JSON-lines file, best of 7 x {args.number} calls:")
    for prompt_id, how in VARIANTS:
        raw, silent, audited, size, own = audit_times(prompt_id, args.number, how)
        ratio = audited / raw
        print(
            f"  {prompt_id:26} {how:12} raw {raw * 1e6:5.1f} us, "
            f"silent {silent * 1e6:5.1f} us, "
            f"audited {audited * 1e6:5.1f} us ({size} bytes a record): {ratio:.2f}x raw, "
            f"target <= 2x {'OK' if ratio <= 2 else 'MISSED'}"
        )
        if own is not None:
            print(f"  {'':26} {'':12} (the root handler's own handle(): {own * 1e6:.2f} us)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
