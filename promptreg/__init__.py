"""promptreg: a prompt standards registry, linter and SDK.

    from promptreg import Registry
    reg = Registry.open()
    prompt = reg.get("support/summarize-ticket")
    messages = prompt.render(ticket_text="...")

The public names load lazily, so `import promptreg` costs almost nothing and the SDK
path never imports the linter, openai, textual or tiktoken.
"""

from __future__ import annotations

from importlib import import_module

from promptreg.core.about import VERSION as __version__

_EXPORTS = {
    "Registry": "promptreg.sdk.registry",
    "Prompt": "promptreg.render.prompt",
    "PromptSpec": "promptreg.core.model",
    "PromptregError": "promptreg.core.errors",
    "NotApprovedError": "promptreg.core.errors",
    "PromptNotFoundError": "promptreg.core.errors",
    "InvalidPromptError": "promptreg.core.errors",
    "VariableError": "promptreg.core.errors",
    "TemplateError": "promptreg.core.errors",
    "ConfigError": "promptreg.core.errors",
    "BundleError": "promptreg.sdk.bundle_format",
    "SignatureError": "promptreg.sdk.signature",
}

__all__ = [
    "BundleError",
    "ConfigError",
    "InvalidPromptError",
    "NotApprovedError",
    "Prompt",
    "PromptNotFoundError",
    "PromptSpec",
    "PromptregError",
    "Registry",
    "SignatureError",
    "TemplateError",
    "VariableError",
    "__version__",
]

# typing costs ~15 ms to import; the lazy exports below keep `import promptreg` near free.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from promptreg.core.errors import (
        ConfigError,
        InvalidPromptError,
        NotApprovedError,
        PromptNotFoundError,
        PromptregError,
        TemplateError,
        VariableError,
    )
    from promptreg.core.model import PromptSpec
    from promptreg.render.prompt import Prompt
    from promptreg.sdk.bundle_format import BundleError
    from promptreg.sdk.registry import Registry
    from promptreg.sdk.signature import SignatureError


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'promptreg' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
