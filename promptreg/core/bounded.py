"""Reading a file a pull request may have written, at most so many bytes of it.

promptreg.yaml, the allowed-signers file, CODEOWNERS and the committed eval results are
all chosen by the change under review. `Path.read_bytes` would read whatever is there
(a gigabyte, or endlessly through a link to `/dev/zero`) before any size check could
refuse it; here at most `limit + 1` bytes are read, and a larger file is an error that
names it and its limit.
"""

from __future__ import annotations

import stat
from pathlib import Path

from promptreg.core.errors import PromptregError

MIB = 1024 * 1024
MAX_SIGNERS_BYTES = MIB
"""An allowed-signers line is a few hundred bytes: room for thousands of reviewers."""
MAX_CONFIG_BYTES = MIB
"""promptreg.yaml, as large as a prompt file may be (promptreg.core.yamlio)."""


class FileTooLargeError(PromptregError):
    """A file is larger than promptreg reads for its kind."""


def too_large(path: Path, what: str, limit: int) -> FileTooLargeError:
    return FileTooLargeError(
        f"{path}: the {what} is larger than {limit:,} bytes, the most promptreg reads for it",
        hint=f"make the {what} smaller; a file this large is not one a person reviewed",
    )


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """The bytes of `path`, FileTooLargeError if there are more than `limit`; OSError
    as `open` raises it (the caller knows what a missing file means)."""
    with path.open("rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(path, what, limit)
    return data


def check_size(path: Path, limit: int, what: str) -> None:
    """FileTooLargeError if `path` (a regular file another program will read, such as
    ssh-keygen) holds more than `limit` bytes; nothing if it is missing."""
    try:
        found = path.stat()
    except OSError:
        return
    if not stat.S_ISREG(found.st_mode):
        raise FileTooLargeError(
            f"{path}: the {what} is not a regular file",
            hint=f"make the {what} a plain file in the repository",
        )
    if found.st_size > limit:
        raise too_large(path, what, limit)
