"""Who recorded a results file: its SSH signature, when the policy asks for one.

A results file (`.promptreg/evals/<id>.json`) is evidence that the content was evaluated
and passed. Everything in it can be computed by anyone: the fingerprints are hashes of
the prompt, the case and the settings, and the rest is what the runner observed. So a
pull request can write a passing, fresh results file by hand, and nothing in the file
can show otherwise. What it cannot produce is a signature by a key it does not hold.

With `evals.signed_by: [PRINCIPAL, ...]` in promptreg.yaml (the base's, with --base), a
results file counts only beside `FILE.sig`, made by `ssh-keygen -Y sign -n
promptreg-evals` with a key the allowed-signers file (the base's, with --base) lists
for one of those principals, over the file's exact bytes. The job that runs the evals
with the endpoint's key signs what it recorded; the key stays with that job.
"""

from __future__ import annotations

from pathlib import Path

from promptreg.core.bounded import MAX_SIGNERS_BYTES, FileTooLargeError, read_bounded
from promptreg.core.config import Settings
from promptreg.governance.signers import SignersFileError, allowed_keys
from promptreg.governance.signers_file import allowed_signers_path

NAMESPACE = "promptreg-evals"
"""The `ssh-keygen -Y sign -n` namespace: a commit's or a bundle's signature never
passes for a results file's."""
MAX_SIGNATURE_BYTES = 64 * 1024
"""An SSHSIG armour is under 2 KB for every key type ssh-keygen makes."""


def signature_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.sig")


def unsigned_reason(data: bytes, path: Path, settings: Settings) -> str | None:
    """Why the results file at `path` (whose bytes are `data`) does not count as signed
    by a principal of `evals.signed_by`; None when it does, or when none is required."""
    wanted = {name.casefold() for name in settings.evals.signed_by}
    if not wanted:
        return None
    sig = signature_path(path)
    listed = ", ".join(settings.evals.signed_by)
    sign = f"sign it: `ssh-keygen -Y sign -n {NAMESPACE} -f KEY {path.name}`"
    try:
        armored = read_bounded(sig, MAX_SIGNATURE_BYTES, "results signature")
    except FileNotFoundError:
        return (
            f"it is not signed (no {sig.name} beside it), and evals.signed_by asks for a "
            f"signature by {listed}; {sign}"
        )
    except (OSError, FileTooLargeError) as exc:
        return f"its signature {sig.name} cannot be read ({getattr(exc, 'message', exc)})"
    signers_file = allowed_signers_path(settings)
    try:
        text = read_bounded(signers_file, MAX_SIGNERS_BYTES, "allowed-signers file")
        signers = allowed_keys(text.decode("utf-8", "replace"), str(signers_file), NAMESPACE)
    except (OSError, FileTooLargeError, SignersFileError) as exc:
        return f"the allowed-signers file cannot be used ({getattr(exc, 'message', exc)})"
    from sshsig import InvalidSignature, check_signature  # only when signatures are asked for

    try:
        key = check_signature(data, armored, NAMESPACE)
    except (InvalidSignature, NotImplementedError, ValueError, IndexError) as exc:
        return (
            f"its signature {sig.name} does not match it: the file was changed after it was "
            f"signed, or the signature was not made for namespace {NAMESPACE!r} ({exc})"
        )
    for signer in signers:
        if signer.key == key and wanted.intersection(n.casefold() for n in signer.names()):
            return None
    return (
        f"it is signed by key {key.sha256_str()}, which {signers_file} does not list for "
        f"{listed} (namespace {NAMESPACE!r})"
    )
