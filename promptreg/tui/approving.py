"""Approving from the palette: say what would be written, and write it only when asked.

The plan is governance's `plan_approval` (the same refusals as `promptreg approve`,
four eyes included) for the repository's git identity; the write is
`actions.approve.approve_prompt`, which adds the lint check and keeps every comment.
Nothing is committed: the reviewer commits, as with the CLI.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from promptreg.core.config import Settings
from promptreg.core.errors import UsageError
from promptreg.core.model import PromptSpec
from promptreg.git.repo import Repository
from promptreg.governance.approval_plan import plan_approval
from promptreg.governance.file_history import load_history


def approval_preview(settings: Settings, spec: PromptSpec) -> str:
    """What approving `spec` now would record; ApprovalRefused, GitError or UsageError
    (with the CLI's words) when it cannot be approved."""
    path = spec.path
    repo = Repository.find(path if path is not None else settings.root)
    identity = repo.identity()
    if not identity:
        raise UsageError(
            f"no git identity in {repo.root}: `git config user.email` is not set",
            hint="set it to the e-mail promptreg.yaml lists for you",
        )
    plan = plan_approval(spec, settings, identity, load_history(path, repo) if path else None)
    approval = plan.approval
    action = "replace your stale approval" if plan.replace_index is not None else "add"
    return (
        f"{action}: {approval.reviewer} ({approval.group}) approves {spec.id} "
        f"{spec.version} on {approval.date}, content {approval.content_hash[:19]}…\n"
        f"into {path}; nothing is committed (commit it yourself afterwards)"
    )


class ConfirmScreen(ModalScreen[bool]):
    """Shows what an action will do; `y` does it, `esc` does not. `detail` (a diff, say)
    scrolls below the text when it is longer than the screen."""

    DEFAULT_CSS = """
    #confirm-detail { height: auto; max-height: 28; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Do it", id="confirm.yes"),
        Binding("escape,n", "answer(False)", "Cancel", id="confirm.no"),
    ]

    def __init__(self, text: str, detail: RenderableType | None = None) -> None:
        super().__init__(id="confirm")
        self.text = text
        self.detail = detail

    def compose(self) -> ComposeResult:
        from rich.text import Text

        with Vertical(id="confirm-box"):
            yield Static(Text(self.text))
            if self.detail is not None:
                with VerticalScroll(id="confirm-detail"):
                    yield Static(self.detail)
            yield Static("y: do it   esc: cancel", id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
