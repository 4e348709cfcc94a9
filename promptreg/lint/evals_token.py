"""What the eval rules' findings depend on beyond the prompt file, for the lint result
cache's key and the cached answer's expiry. The results reader loads only when there are
results files to read, so a registry without any pays nothing for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

from promptreg.core.bounded import MAX_SIGNERS_BYTES, FileTooLargeError, read_bounded
from promptreg.core.config import Settings
from promptreg.governance.eval_scope import MAX_RESULTS_BYTES, judge_file, results_dir
from promptreg.governance.signers_file import allowed_signers_path


def cache_token(settings: Settings, now: dt.datetime) -> str:
    """What the eval rules' findings depend on beyond the prompt file, for the lint
    result cache: the bytes of every results file, and how many recorded answers have
    passed each age limit so far (findings change the moment one does)."""
    digest = hashlib.sha256()
    folder = results_dir(settings)
    limits = sorted(
        {p.eval_max_age_days for p in settings.tiers.values() if p.eval_max_age_days is not None}
    )
    crossed = [0] * len(limits)
    for path in sorted(folder.rglob("*.json*")) if folder.is_dir() else ():
        if not path.name.endswith((".json", ".json.sig")):  # a results file, its signature
            continue
        data = _read(path)
        if data is None:
            continue
        digest.update(path.as_posix().encode() + b"\0" + hashlib.sha256(data).digest())
        for moment in _answer_times(data) if path.name.endswith(".json") else ():
            for index, limit in enumerate(limits):
                crossed[index] += now - moment > dt.timedelta(days=limit)
    digest.update(repr((settings.evals.require_results, crossed)).encode())
    if settings.evals.signed_by:  # who may sign results decides which files count
        digest.update(repr(settings.evals.signed_by).encode())
        digest.update(_read(allowed_signers_path(settings), MAX_SIGNERS_BYTES) or b"\0none")
    judge = judge_file(settings)
    if judge is not None:  # the judge's content is part of every llm-rubric fingerprint
        try:
            digest.update(hashlib.sha256(judge.read_bytes()).digest())
        except OSError:
            digest.update(b"no judge file")
    return digest.hexdigest()


def next_change(settings: Settings, now: dt.datetime) -> dt.datetime | None:
    """When a recorded answer next outlives an age limit, changing what these rules say
    with no file changed; None when none will. The cached lint answer expires then."""
    limits = {p.eval_max_age_days for p in settings.tiers.values()} - {None}
    folder = results_dir(settings)
    soonest: dt.datetime | None = None
    for path in sorted(folder.rglob("*.json")) if folder.is_dir() and limits else ():
        data = _read(path)
        if data is None:
            continue
        for moment in _answer_times(data):
            for limit in limits:
                assert limit is not None
                when = moment + dt.timedelta(days=limit)
                if when >= now and (soonest is None or when < soonest):
                    soonest = when
    return soonest


def _read(path: Path, limit: int = MAX_RESULTS_BYTES) -> bytes | None:
    """The file's bytes, None when it cannot be read or is over `limit`: a results file
    (or anything named like one) is the pull request's to size, and the eval rules
    report it themselves."""
    try:
        return read_bounded(path, limit, "results file")
    except (OSError, FileTooLargeError):
        return None


def _answer_times(data: bytes) -> Iterator[dt.datetime]:
    from promptreg.governance.evidence import ResultsFormatError, parse_time, results_from_bytes

    try:
        loaded = results_from_bytes(data)
    except ResultsFormatError:
        return
    for result in loaded.results:
        yield parse_time(result.answered_at)
