"""A bundle's SSH signature, checked in the serving process: no git, no ssh binary.

`promptreg build --sign KEY` runs `ssh-keygen -Y sign -n promptreg-bundle`, which writes
FILE.sig in the SSHSIG format (OpenSSH's PROTOCOL.sshsig). Checking it here is the job
of the `sshsig` library (parsing the armour and wire format, hashing, and the Ed25519,
RSA and ECDSA verification it delegates to `cryptography`), and of its parser for
ssh-keygen's allowed-signers lines. What this module adds is ssh-keygen's policy on top:
a key counts only on a line whose `namespaces=` (if any) admits "promptreg-bundle",
whose `valid-after`/`valid-before` window holds now, and that is not a certificate
authority line (certificates are not supported, so such lines never match).

The same check from a shell, for CI:

    ssh-keygen -Y verify -f allowed_signers -I PRINCIPAL -n promptreg-bundle \\
        -s bundle.json.sig < bundle.json
"""

from __future__ import annotations

import datetime as dt

from promptreg.governance import signers as signer_lines
from promptreg.governance.signers import Signer
from promptreg.sdk.bundle_format import SIGNATURE_NAMESPACE, BundleError

# typing costs ~15 ms to import and the SDK path needs it only for annotations.


class SignatureError(BundleError):
    """The bundle's signature is missing, broken, or not by an allowed signer."""


def allowed_keys(text: str, name: str, now: dt.datetime | None = None) -> list[Signer]:
    """The keys an allowed-signers file admits for bundles, now; SignatureError naming
    the file and line for a line that does not parse."""
    try:
        return signer_lines.allowed_keys(text, name, SIGNATURE_NAMESPACE, now)
    except signer_lines.SignersFileError as exc:
        raise SignatureError(exc.message, hint=exc.hint) from None


def verify(data: bytes, armored: bytes, signers: list[Signer], name: str, file: str) -> str:
    """The principals of the allowed key that signed `data`; SignatureError saying which
    check failed otherwise. `name` is the bundle's, `file` the allowed-signers file's."""
    from sshsig import InvalidSignature, check_signature
    from sshsig.sshsig import SshsigSignature

    try:
        outer = SshsigSignature.from_armored(armored)
    except (ValueError, NotImplementedError, IndexError, UnicodeDecodeError) as exc:
        raise SignatureError(
            f"the signature of {name} cannot be read: {exc}",
            hint="sign with `promptreg build --sign KEY` (ssh-keygen's SSHSIG format)",
        ) from None
    if outer.namespace != SIGNATURE_NAMESPACE.encode():
        made_for = outer.namespace.decode("ascii", "replace")
        raise SignatureError(
            f"the signature of {name} was made for namespace {made_for!r}, "
            f"not {SIGNATURE_NAMESPACE!r}",
            hint=f"sign bundles with `ssh-keygen -Y sign -n {SIGNATURE_NAMESPACE}` "
            "(promptreg build --sign does)",
        )
    try:
        key = check_signature(data, armored, SIGNATURE_NAMESPACE)
    except (InvalidSignature, NotImplementedError, ValueError) as exc:
        raise SignatureError(
            f"the signature of {name} does not match its content: the bundle was changed "
            f"after it was signed, or the signature belongs to another file ({exc})",
            hint="rebuild and sign the bundle; never edit a signed bundle",
        ) from None
    for signer in signers:
        if signer.key == key:
            return signer.principals
    raise SignatureError(
        f"{name} is signed by key {key.sha256_str()}, which {file} does not list for "
        f"namespace {SIGNATURE_NAMESPACE!r}",
        hint='add `PRINCIPAL namespaces="promptreg-bundle" KEY` for the build key to the '
        "allowed-signers file, or sign with a key it lists",
    )
