"""The one error hierarchy. Library code raises these; the CLI edge catches them once.

Each error carries what a person needs to act: a message, where (file, line, column)
and a hint saying what to do. Exit statuses are part of the CLI's contract.
"""

from __future__ import annotations

from collections.abc import Sequence

from promptreg.core.location import Location
from promptreg.core.records import Record

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class PromptregError(Exception):
    """Base of every error promptreg raises on purpose."""

    exit_status = EXIT_USAGE

    def __init__(
        self, message: str, *, location: Location | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class UsageError(PromptregError):
    """The command line asks for something that cannot be done as asked."""


class ConfigError(PromptregError):
    """promptreg.yaml is missing, unreadable or invalid."""


class Problem(Record):
    """One thing wrong with an input, with its place: the currency of load errors.

    A named tuple: every run defines it at start-up, where a frozen dataclass costs
    ten times as much to define (promptreg.core.location)."""

    code: str
    message: str
    location: Location

    def __str__(self) -> str:
        return f"{self.location}: {self.code} {self.message}"


class InvalidPromptError(PromptregError):
    """A prompt file cannot be used; carries every problem found in it."""

    def __init__(self, problems: Sequence[Problem], *, hint: str | None = None) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        more = len(self.problems) - 1
        message = f"{first.code} {first.message}"
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        super().__init__(
            message,
            location=first.location,
            hint=hint or "run `promptreg lint` on the file to see every problem",
        )


class PromptNotFoundError(PromptregError):
    """No prompt with the requested id (or version) exists in the registry."""


class NotApprovedError(PromptregError):
    """The prompt exists but may not be served: not approved, or its approval is stale."""

    def __init__(self, prompt_id: str, reason: str, *, location: Location | None = None) -> None:
        self.prompt_id = prompt_id
        self.reason = reason
        super().__init__(
            f"prompt {prompt_id!r} is not approved for use: {reason}",
            location=location,
            hint=f"`promptreg show {prompt_id}` shows its approvals; during development the "
            "SDK's allow_unapproved=True (or render without --approved-only) bypasses this",
        )


class VariableError(PromptregError):
    """The variables given to render are wrong; lists every problem at once."""

    def __init__(self, prompt_id: str, problems: Sequence[str]) -> None:
        self.prompt_id = prompt_id
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"cannot render {prompt_id!r}: {len(self.problems)} variable "
            f"problem{'s' if len(self.problems) > 1 else ''}:\n{lines}",
            hint=f"`promptreg show {prompt_id}` lists the variables and their types",
        )


class TemplateError(PromptregError):
    """A template failed to compile or render, or broke a sandbox limit."""
