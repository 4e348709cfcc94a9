"""What a full lint run leaves for the next one's cached answer (promptreg.lint.quick):
the settings it resolved and the digests of everything outside the linted files that
its cached findings depend on, taken when the result cache's fingerprint is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from promptreg.core.config import Settings
from promptreg.governance.eval_scope import judge_file, results_dir
from promptreg.governance.signers_file import allowed_signers_path
from promptreg.lint.cache import LintCache
from promptreg.lint.quick import Memo, memo_key, selection_args, witness_digest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.git.repo import Repository


def memo_for(
    settings: Settings,
    cache: LintCache,
    repo: Repository | None,
    select: Sequence[str] | None,
    ignore: Sequence[str],
    extend_select: Sequence[str],
    *,
    located: bool = False,
) -> tuple[str, Memo]:
    """The memo's key and content for a run without a base; `repo` as the run found it
    (looked for here unless `located`: the run looked, and None means there is none)."""
    if repo is None and not located:
        from promptreg.git.repo import Repository

        repo = Repository.at(settings.root)
    results = results_dir(settings)
    witnesses = [allowed_signers_path(settings), results]
    judge = judge_file(settings)
    if judge is not None:
        witnesses.append(judge)
    expires = None
    if results.is_dir():  # the results reader loads only when there are results
        from promptreg.lint.evals_token import next_change

        expires = next_change(settings, dt.datetime.now(dt.UTC))
    memo = Memo(
        fingerprint=cache.fingerprint,
        registry=str(settings.registry_dir),
        fail_on=settings.lint.fail_on,
        git_root=str(repo.root) if repo is not None else None,
        head=repo.head if repo is not None else "",
        witnesses=tuple((str(path.absolute()), witness_digest(path)) for path in witnesses),
        valid_until=expires.timestamp() if expires is not None else None,
    )
    key = memo_key(
        settings.path, settings.path.read_bytes(), selection_args(select, ignore, extend_select)
    )
    return key, memo
