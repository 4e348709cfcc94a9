"""The `ctrl+p` palette's providers: one for prompts (open any by id or title), one for
the app's actions (filters, test, reload, editor, approve, bump, fmt, run evals, help)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from promptreg.tui.index import Row

# The version rules (and the model they read) load when the palette first opens.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.core.versions import Level


class RegistryApp(Protocol):
    """What the providers ask of the app (promptreg.tui.app.RegistryApp)."""

    def rows(self) -> list[Row]: ...
    def open_prompt(self, prompt_id: str, tab: str = "overview") -> None: ...
    def apply_filter(self, query: str) -> None: ...
    def action_reload_index(self) -> None: ...
    def action_edit(self) -> None: ...
    def action_help(self) -> None: ...
    def action_approve(self) -> None: ...
    async def action_test_prompt(self) -> None: ...
    async def action_quit(self) -> None: ...


class PromptsProvider(Provider):
    """Every prompt of the index, matched on `id title`."""

    async def search(self, query: str) -> Hits:
        app = cast("RegistryApp", self.app)
        matcher = self.matcher(query)
        for row in app.rows():
            text = f"{row.id}  {row.title}" if row.title else row.id
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(app.open_prompt, row.id),
                    text=text,
                    help=f"open {row.id}",
                )


ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("filter: tier 3", "tier:3", "show only the tier-3 prompts"),
    ("filter: not served", "serve:no", "prompts the SDK would refuse"),
    ("filter: lint errors", "lint:error", "prompts with lint errors"),
    ("filter: drafts", "status:draft", "prompts still in draft"),
    ("filter: clear", "", "show every prompt"),
)


class ActionsProvider(Provider):
    """What the app can do, by name."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from promptreg.core.versions import LEVELS

        app = cast("RegistryApp", self.app)
        found: list[tuple[str, Callable[[], object], str]] = [
            (name, partial(app.apply_filter, query), help) for name, query, help in ACTIONS
        ]
        found += [
            (
                "test the current prompt",
                app.action_test_prompt,
                "its Test tab: the form and the rendered preview (t in the list)",
            ),
            ("reload the registry", app.action_reload_index, "read every file again"),
            ("edit the current prompt", app.action_edit, "open it in $EDITOR"),
            (
                "approve the open prompt",
                app.action_approve,
                "as your git identity; shows what it writes first",
            ),
            (
                "bump the open prompt",
                partial(self._bump, None),
                "as far as its change needs (promptreg bump); shows the version and diff first",
            ),
            *(
                (
                    f"bump the open prompt: {level}",
                    partial(self._bump, level),
                    f"a {level} bump (promptreg bump ID {level}); shows it first",
                )
                for level in LEVELS
            ),
            (
                "fmt the open prompt",
                self._fmt,
                "canonical layout (promptreg fmt); shows the diff first",
            ),
            (
                "run the open prompt's evals",
                self._evals,
                "its eval cases through the eval runner, in the Test tab (esc cancels)",
            ),
            ("keys of this screen", app.action_help, "list the bindings and their ids"),
            ("quit", app.action_quit, "leave promptreg tui"),
        ]
        return found

    def _bump(self, level: Level | None) -> None:
        from promptreg.tui.file_actions import offer_bump

        offer_bump(self.app, level)

    def _fmt(self) -> None:
        from promptreg.tui.file_actions import offer_fmt

        offer_fmt(self.app)

    def _evals(self) -> None:
        from promptreg.tui.widgets.trial_pane import run_evals_on_screen

        run_evals_on_screen(self.app)

    async def discover(self) -> Hits:
        for name, callback, help in self._commands():
            yield DiscoveryHit(name, callback, help=help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, text=name, help=help)
