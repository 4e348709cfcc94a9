"""Reading a source file safely: bounded, UTF-8, and YAML through the hardened parser.

Source files come from wherever a team kept its prompts, so they get the same
treatment as prompt files in a pull request: at most 1 MiB, no anchors or tags in
their YAML, and every failure a SourceError naming the file and line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from promptreg.core.bounded import FileTooLargeError, read_bounded
from promptreg.core.yamlio import MAX_FILE_BYTES, decode, parse
from promptreg.importers.draft import source_error

_DELIMITER_RE = re.compile(r"^---[ \t]*$", re.M)


def read_text(path: Path) -> str:
    """The file's text, read bounded (a source is as large as a prompt file may be);
    SourceError naming the file otherwise."""
    try:
        data = read_bounded(path, MAX_FILE_BYTES, "source file")
    except FileTooLargeError:
        raise source_error(
            path, f"the file is larger than {MAX_FILE_BYTES:,} bytes (1 MiB), too large to import"
        ) from None
    except OSError as exc:
        raise source_error(path, f"cannot read the file: {exc.strerror or exc}") from None
    text, problems = decode(data, path)
    if text is None:
        raise source_error(path, f"not a text file promptreg can import: {problems[0].message}")
    return text.replace("\r\n", "\n")


def load_yaml(text: str, path: Path, *, first_line: int = 1) -> Any:
    """YAML (or JSON) text as plain values; SourceError at the first problem."""
    document = parse(text, path)
    if document.problems:
        problem = document.problems[0]
        line = (problem.location.span.line if problem.location.span else 1) + first_line - 1
        raise source_error(path, f"invalid YAML: {problem.message}", line=line)
    return document.value


def load_json(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", 1)
        raise source_error(path, f"invalid JSON: {exc}", line=line) from None


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, line the body starts on) of a `---`-fenced file.

    Lines before the opening fence that start with `#` are a licence header (Dotprompt
    allows them); a file without front matter is all body.
    """
    lines = text.split("\n")
    start = 0
    while start < len(lines) and (lines[start].startswith("#") or not lines[start].strip()):
        if _DELIMITER_RE.match(lines[start]):
            break
        start += 1
    if start >= len(lines) or not _DELIMITER_RE.match(lines[start]):
        return {}, text, 1
    for end in range(start + 1, len(lines)):
        if _DELIMITER_RE.match(lines[end]):
            meta = load_yaml("\n".join(lines[start + 1 : end]), path, first_line=start + 2)
            if meta is None:
                meta = {}
            if not isinstance(meta, dict):
                raise source_error(path, "the front matter is not a mapping", line=start + 2)
            return meta, "\n".join(lines[end + 1 :]), end + 2
    raise source_error(path, "the front matter opened with --- is never closed", line=start + 1)


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def text_of(value: Any) -> str:
    return value if isinstance(value, str) else ""
