"""Where the allowed-signers file is, and what the provenance rules' findings depend on
beyond a prompt file: questions the lint cache asks without loading the provenance
machinery (file histories, copied-approval search) that answers the rules."""

from __future__ import annotations

import hashlib
from pathlib import Path

from promptreg.core.bounded import MAX_SIGNERS_BYTES, read_bounded
from promptreg.core.config import Settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.git.repo import Repository

DEFAULT_ALLOWED_SIGNERS = ".promptreg/allowed_signers"


def allowed_signers_path(settings: Settings) -> Path:
    return settings.allowed_signers or settings.root / DEFAULT_ALLOWED_SIGNERS


def cache_token(
    settings: Settings, repo: Repository | None = None, *, located: bool = False
) -> str:
    """What the G011 to G014 findings depend on beyond the file: HEAD and the signers file.

    For the lint result cache's fingerprint: committing an approval changes nothing in
    the file's bytes but everything for these rules. `located`: the caller looked for
    the repository already, and None means there is none (a git process saved).
    """
    if repo is None and not located:
        from promptreg.git.repo import Repository

        repo = Repository.at(settings.root)
    head = repo.head if repo is not None else ""
    stamp = ""
    if settings.require_signed:
        try:
            signers = allowed_signers_path(settings)
            data = read_bounded(signers, MAX_SIGNERS_BYTES, "allowed-signers file")
            stamp = hashlib.sha256(data).hexdigest()
        except OSError:
            stamp = "missing"
    return f"{head}:{stamp}"
