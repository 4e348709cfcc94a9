"""What a check sees: one file (FileContext), the file's suppressions once applied
(SuppressionContext), or the registry as a whole (RegistryContext).

None is a dataclass: every lint run defines these classes at start-up, where a frozen
dataclass costs ten times what a named tuple does (dataclasses generates and compiles
each method) and a plain class with slots costs nothing to speak of.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from promptreg.core.config import Settings
from promptreg.core.document import Document, PathKey
from promptreg.core.model import PromptSpec
from promptreg.core.records import Record
from promptreg.lint.finding import Hit
from promptreg.lint.suppress import Suppression

if TYPE_CHECKING:
    from typing import Final

    from promptreg.git.baseline import Baseline
    from promptreg.git.repo import Repository
    from promptreg.governance.codeowners import Head
    from promptreg.lint.templates import TemplateStore
    from promptreg.render.facts import Analysed
    from promptreg.render.tokens import TokenCounter


class FileContext:
    """What a file-scope check sees: one prompt file that loaded, and the run around it.

    A plain class with slots, not a named tuple: `memo` is a fresh dict per file. The
    other attributes are `Final` (mypy refuses assigning them)."""

    __slots__ = (
        "base",
        "document",
        "expected_id",
        "git",
        "memo",
        "path",
        "settings",
        "spec",
        "templates",
        "tokens",
    )

    def __init__(
        self,
        path: Path,
        document: Document,
        spec: PromptSpec,
        settings: Settings,
        expected_id: str | None,
        base: Baseline | None = None,
        tokens: TokenCounter | None = None,
        git: Repository | None = None,
        templates: TemplateStore | None = None,
    ) -> None:
        self.path: Final = path
        self.document: Final = document
        self.spec: Final = spec
        self.settings: Final = settings
        self.expected_id: Final = expected_id
        """The id the file's place in the registry demands; None outside the registry."""
        self.base: Final = base
        """The registry at the base revision (`--base`), for the V rules; None without one."""
        self.tokens: Final = tokens
        """The session's token counter (with its store of earlier counts); None counts
        afresh."""
        self.git: Final = git
        """The run's git repository (what it has read of history kept); None: there is
        none."""
        self.templates: Final = templates
        """The session's template facts (kept between runs); None analyses afresh."""
        self.memo: Final[dict[object, object]] = {}
        """Results several rules share for this file (the X rules' one scan of its
        strings)."""

    def __repr__(self) -> str:
        return f"FileContext(path={self.path!r}, expected_id={self.expected_id!r})"

    def analyse(self, content: str) -> Analysed:
        """The facts of a message template, or why it cannot run (Jinja2 loads only for
        a template no earlier run analysed)."""
        if self.templates is not None:
            return self.templates.analyse(content)
        from promptreg.lint.templates import analyse_now

        return analyse_now(content)

    def literal_tokens(self, content: str, encoding: str) -> int:
        """Tokens of a template's literal text (the template must compile)."""
        if self.templates is not None:
            return self.templates.literal_tokens(
                content, encoding, lambda text: self.count_tokens(text, encoding)
            )
        from promptreg.lint.templates import literal_text

        return self.count_tokens(literal_text(content), encoding)

    def count_tokens(self, text: str, encoding: str) -> int:
        if self.tokens is not None:
            return self.tokens.count(text, encoding)
        from promptreg.render.tokens import count_tokens  # tiktoken loads only to count

        return count_tokens(text, encoding)

    def hit(self, message: str, path: PathKey = (), *, key: bool = False) -> Hit:
        return Hit(message, self.document.span(path, key=key))


class SuppressionContext(Record):
    """What a suppression-scope check sees: the file's suppressions once applied."""

    file: FileContext
    suppressions: tuple[Suppression, ...]
    """The file's inline comments and `lint.ignore` entries, each marked with the codes
    it suppressed in this run."""
    selected: frozenset[str]
    """The codes selected in this run: a suppression of a rule that did not run is not
    unused."""


class RegistryContext:
    """What a whole-registry check sees. Each part is read on first use: the V005 check of
    a lint run needs only the base and must not make it parse every prompt file."""

    def __init__(self, settings: Settings, base: Baseline | None = None) -> None:
        self.settings = settings
        self.base = base
        """The registry at the base revision (`--base`); None without one."""

    @functools.cached_property
    def heads(self) -> Mapping[Path, Head]:
        """Every prompt file's id and tier, sorted by path: one parse per file."""
        from promptreg.governance.codeowners import read_heads

        return read_heads(self.settings)

    @property
    def paths(self) -> list[Path]:
        """Every prompt file of the registry in the work tree, sorted."""
        return list(self.heads)

    @functools.cached_property
    def project_root(self) -> Path:
        """The repository's top (CODEOWNERS paths are relative to it); without git, the
        directory of promptreg.yaml."""
        from promptreg.governance.codeowners import project_root

        return project_root(self.settings)

    @functools.cached_property
    def codeowners(self) -> Path | None:
        """The CODEOWNERS file the forge reads, None when the repository has none."""
        from promptreg.governance.codeowners import default_path

        path = default_path(self.project_root)
        return path if path.is_file() else None

    def relative(self, path: Path) -> str:
        """`path` as a message names it: relative to promptreg.yaml's directory."""
        try:
            return path.resolve().relative_to(self.settings.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()
