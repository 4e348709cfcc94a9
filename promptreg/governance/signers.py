"""The keys an allowed-signers file admits for one signing namespace, read without git
or ssh-keygen: for bundles (promptreg.sdk.signature) and for recorded eval results
(promptreg.governance.results_signature).

Parsing the lines is the `sshsig` library's job; what is added here is ssh-keygen's
policy on top: a key counts only on a line whose `namespaces=` (if any) admits the
namespace, whose `valid-after`/`valid-before` window holds now, and that is not a
certificate authority line (certificates are not supported, so such lines never match).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass

from promptreg.core.errors import PromptregError

# typing costs ~15 ms to import and the SDK path needs it only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from sshsig import PublicKey


class SignersFileError(PromptregError):
    """A line of an allowed-signers file does not parse."""


@dataclass(frozen=True, slots=True)
class Signer:
    principals: str
    key: PublicKey

    def names(self) -> tuple[str, ...]:
        """The line's principals, one by one (the field is comma-separated)."""
        return tuple(p.strip() for p in self.principals.split(",") if p.strip())


def allowed_keys(
    text: str, name: str, namespace: str, now: dt.datetime | None = None
) -> list[Signer]:
    """The keys the file's `text` admits for `namespace`, now; SignersFileError naming
    the file and line for a line that does not parse."""
    from sshsig import PublicKey
    from sshsig.allowed_signers import AllowedSigner

    moment = now or dt.datetime.now(dt.UTC)
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            parsed = AllowedSigner.parse(line)
        except (ValueError, IndexError) as exc:
            raise SignersFileError(
                f"{name}:{number}: not an allowed-signers line: {exc}",
                hint=f'lines read `PRINCIPALS [namespaces="{namespace}"] KEYTYPE BASE64KEY`',
            ) from None
        options = parsed.options or {}
        if "cert-authority" in options or not _admits(options, moment, namespace):
            continue
        try:
            key = PublicKey.from_openssh_str(f"{parsed.key_type} {parsed.base64_key}")
        except (ValueError, NotImplementedError):
            continue  # a key type nobody can sign with here: it admits nothing
        found.append(Signer(parsed.principals, key))
    return found


def _admits(options: dict[str, str], now: dt.datetime, namespace: str) -> bool:
    namespaces = options.get("namespaces")
    if namespaces is not None and not any(
        fnmatch.fnmatchcase(namespace, pattern.strip()) for pattern in namespaces.split(",")
    ):
        return False
    after, before = options.get("valid-after"), options.get("valid-before")
    if after is not None and ((start := _moment(after)) is None or start > now):
        return False
    return before is None or ((end := _moment(before)) is not None and now < end)


def _moment(text: str) -> dt.datetime | None:
    """ssh-keygen's YYYYMMDD[HHMM[SS]][Z] (taken as UTC); None when unreadable, which
    makes the line admit nothing."""
    digits = text.rstrip("Zz")
    for layout in ("%Y%m%d%H%M%S", "%Y%m%d%H%M", "%Y%m%d"):
        try:
            return dt.datetime.strptime(digits, layout).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None
