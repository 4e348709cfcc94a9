"""`make_app(root, services)`: the one way the `tui` command and the tests build the app.

The app owns the services and the workers (index fill, lint counts, the file watcher)
and routes between screens; what a prompt is, whether it is served and what changed
between versions is asked of the library through the services.
"""

from __future__ import annotations

import gc
import os
import shlex
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, cast

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import get_current_worker

from promptreg.core.config import Settings, find_config, load_config
from promptreg.core.errors import PromptregError
from promptreg.tui import watch
from promptreg.tui.commands import ActionsProvider, PromptsProvider
from promptreg.tui.index import Row
from promptreg.tui.keymap import load_keymap
from promptreg.tui.messages import FilesChanged, PromptChosen, RowsFilled
from promptreg.tui.screens.browser import BrowserScreen
from promptreg.tui.services import Services, explain

# The prompt screen (TextArea, tree-sitter, governance's evidence) loads when the first
# prompt is opened, not before the list paints.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from textual.screen import Screen

    from promptreg.core.model import PromptSpec
    from promptreg.tui.screens.prompt import PromptScreen


WARM_MODULES = (  # about 90 ms the first open paid, a third of it Jinja2's
    "promptreg.core.tree",
    "promptreg.tui.widgets.overview",
    "promptreg.tui.screens.prompt",
    "promptreg.render.prompt",
    "promptreg.render.analysis",  # Jinja2
    "promptreg.render.sandbox",
    "promptreg.render.values",
    "promptreg.tui.widgets.trial_pane",
)


class RegistryApp(App[int]):
    CSS_PATH = "styles/app.tcss"
    TITLE = "promptreg"
    COMMANDS: ClassVar = App.COMMANDS | {PromptsProvider, ActionsProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Keys", id="app.help"),
        Binding("e", "edit", "Edit", id="app.edit"),
    ]

    def __init__(
        self,
        settings: Settings,
        services: Services,
        *,
        live_reload: bool = True,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.services = services
        self.live_reload = live_reload and watch.available()
        self._keys = keymap
        self.started = time.perf_counter()
        self.first_paint: float | None = None
        """Seconds from construction to the list's first paint (the benchmarks read it)."""
        self.filled_at: float | None = None
        self.reloads = 0
        self.refusal: str | None = None
        """Why the last approve from the palette was refused (tests read it)."""
        """Files re-read after a change on disk (tests wait on it)."""
        root = settings.root
        self.browser = BrowserScreen(services.index.rows(), _shown(settings.registry_dir, root))

    def on_mount(self) -> None:
        if self._keys:
            self.set_keymap(self._keys)
        self.push_screen(self.browser)
        self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        """The list is on screen: only now start the workers, whose threads would
        otherwise compete with the first paint for the interpreter."""
        self.first_paint = time.perf_counter() - self.started
        keep_out_of_collections()
        self.fill_index()
        if self.live_reload:
            self.watch_files()

    async def _shutdown(self) -> None:
        # Textual's teardown (App._shutdown, where quitting and run_test both end)
        # removes every widget at once; a prompt tab still mounting would then fail in
        # its own mount handler, so the tabs under way finish first.
        for screen in self.screen_stack:
            settled = getattr(screen, "settled", None)
            if settled is not None:
                await settled()
        await super()._shutdown()
        gc.unfreeze()  # what keep_out_of_collections froze is garbage now, or soon

    def rows(self) -> list[Row]:
        return self.browser.prompt_list.rows

    # -- workers ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="index")
    def fill_index(self) -> None:
        """Read every row and count its lint findings in a child process (this thread
        only waits on its pipe, so the event loop keeps the interpreter)."""
        from promptreg.tui.filler import fill_in_child

        worker = get_current_worker()
        rows = list(self.rows())
        index = self.services.index
        if not index.in_child:
            self._fill_here(rows, lambda: worker.is_cancelled)
            return
        done = 0
        try:
            for batch in fill_in_child(
                index.settings.path,
                rows,
                cache=index.cache_path is not None,
                cancelled=lambda: worker.is_cancelled,
            ):
                if batch.kind == "rows":
                    done += len(batch.rows)
                    if done == len(rows):
                        self.filled_at = time.perf_counter() - self.started
                    self.browser.post_message(RowsFilled(batch.rows, done))
                else:
                    self.browser.post_message(RowsFilled(batch.rows, done, counts_only=True))
        except PromptregError as error:
            self.call_from_thread(
                self.notify, f"index: {explain(error)}", severity="error", markup=False
            )
            return
        if self.filled_at is None:  # an empty registry
            self.filled_at = time.perf_counter() - self.started
        if not worker.is_cancelled:
            self.browser.post_message(RowsFilled([], done, linted=True, counts_only=True))
            self.call_from_thread(self.warm_up)

    def _fill_here(self, rows: list[Row], cancelled: Callable[[], bool]) -> None:
        """Fill an index that is not the registry's files (a bundle's) in this thread."""
        done = 0

        def batch(filled: list[Row]) -> None:
            nonlocal done
            done += len(filled)
            self.browser.post_message(RowsFilled(filled, done))

        self.services.index.fill(rows, batch, cancelled)
        self.filled_at = time.perf_counter() - self.started
        for linted in self.services.index.lint_counts(rows, cancelled):
            self.browser.post_message(RowsFilled(linted, done, counts_only=True))
        if not cancelled():
            self.browser.post_message(RowsFilled([], done, linted=True, counts_only=True))

    @work(thread=True, exclusive=True, group="warm")
    def warm_up(self) -> None:
        """Once the index is filled, import what the first prompt opened on its Test tab
        needs (Jinja2's sandbox, the form), then keep it all out of full collections.
        Warmed while the fill ran, the imports slowed the keystrokes typed meanwhile."""
        import importlib

        from promptreg.core.schema import PROMPT_SCHEMA, fast_check

        for module in WARM_MODULES:
            if get_current_worker().is_cancelled:
                return
            importlib.import_module(module)
        fast_check(PROMPT_SCHEMA)  # the loader's compiled schema check, built once
        keep_out_of_collections()

    @work(exclusive=True, group="watch")
    async def watch_files(self) -> None:
        async for paths in watch.changes(self.settings.registry_dir, self.settings.path):
            self.post_message(FilesChanged(paths))

    @on(FilesChanged)
    def _files_changed(self, event: FilesChanged) -> None:
        if self.settings.path in event.paths:
            self.notify("promptreg.yaml changed: restart promptreg tui to apply it", timeout=8)
        self.reload_paths(event.paths)

    @work(thread=True, group="reload")
    def reload_paths(self, paths: frozenset[Path]) -> None:
        from promptreg.core.tree import prompt_id_for

        directory = self.settings.registry_dir
        fresh: list[Row] = []
        gone: list[str] = []
        for path in paths:
            prompt_id = prompt_id_for(path, directory)
            if prompt_id is None:
                continue
            if path.is_file():
                fresh.append(self.services.index.load_row(Row(prompt_id, path)))
            else:
                gone.append(prompt_id)
        self.call_from_thread(self._reloaded, fresh, gone)

    def _reloaded(self, fresh: list[Row], gone: list[str]) -> None:
        listing = self.browser.prompt_list
        if gone:
            listing.remove_ids(gone)
        listing.update_rows(fresh)
        changed = {row.id for row in fresh}
        for screen in self.screen_stack:
            if getattr(screen, "prompt_id", None) in changed:
                cast("PromptScreen", screen).reload()
        self.reloads += len(fresh) + len(gone)

    # -- routing ------------------------------------------------------------------

    @on(PromptChosen)
    def _chosen(self, event: PromptChosen) -> None:
        self.open_prompt(event.prompt_id, tab=event.tab)

    def prompt_screen(self, spec: PromptSpec, tab: str = "overview") -> Screen[None]:
        """The screen of one prompt on `tab` (a bundle's app shows its entry instead)."""
        from promptreg.tui.screens.prompt import PromptScreen

        return PromptScreen(spec, self.services, tab)

    def open_prompt(self, prompt_id: str, tab: str = "overview") -> None:
        """Show a prompt on `tab` (overview, source, history or test): opened straight
        on the Test tab, the screen's first frame already holds the preview."""
        try:
            spec = self.services.spec(prompt_id)
        except PromptregError as error:
            self.notify(
                explain(error),
                title=f"{prompt_id} cannot be opened",
                severity="error",
                markup=False,
            )
            return
        self.push_screen(self.prompt_screen(spec, tab))

    def apply_filter(self, query: str) -> None:
        while self.screen is not self.browser and len(self.screen_stack) > 1:
            self.pop_screen()
        self.browser.filter_input.value = query
        if query:
            self.browser.filter_input.remove_class("hidden")
        self.browser.prompt_list.set_query(query)

    def current_path(self) -> Path | None:
        screen = self.screen
        if getattr(screen, "prompt_id", None) is not None:
            return cast("PromptScreen", screen).spec.path
        row = self.browser.prompt_list.current
        return row.path if row else None

    # -- actions ------------------------------------------------------------------

    def action_help(self) -> None:
        from promptreg.tui.screens.help import HelpScreen

        screen = self.screen
        entries = [
            (key, active.binding.description or active.binding.action, active.binding.id or "-")
            for key, active in screen.active_bindings.items()
        ]
        name = "browser" if screen is self.browser else "prompt"
        self.push_screen(HelpScreen(name, sorted(entries, key=lambda e: e[2])))

    async def action_test_prompt(self) -> None:
        """The Test tab of the open prompt, or of the list's current row (opened on it)."""
        screen = self.screen
        if getattr(screen, "prompt_id", None) is not None:
            await cast("PromptScreen", screen).action_tab("test")
            return
        row = self.browser.prompt_list.current
        if row is None:
            self.notify("no prompt to test: the list is empty")
            return
        self.open_prompt(row.id, tab="test")

    def action_reload_index(self) -> None:
        self.browser.prompt_list.set_rows(self.services.index.rows())
        self.fill_index()

    def action_approve(self) -> None:
        """Approve the open prompt as the git identity, after showing what is written."""
        from promptreg.tui.approving import ConfirmScreen, approval_preview

        screen = self.screen
        if getattr(screen, "prompt_id", None) is None:
            self.notify("open a prompt first: approving applies to the prompt on screen")
            return
        spec = cast("PromptScreen", screen).spec
        try:
            plan = approval_preview(self.settings, spec)
        except PromptregError as error:
            self.refusal = explain(error)
            self.notify(self.refusal, title="cannot approve", severity="error", markup=False)
            return
        self.refusal = None

        def answered(yes: bool | None) -> None:
            if yes:
                self._approve(spec.id)

        self.push_screen(ConfirmScreen(plan), answered)

    def _approve(self, prompt_id: str) -> None:
        from promptreg.actions.approve import approve_prompt

        try:
            outcome = approve_prompt(self.settings, prompt_id)
        except PromptregError as error:
            self.refusal = explain(error)
            self.notify(self.refusal, title="cannot approve", severity="error", markup=False)
            return
        self.notify(
            f"approved by {outcome.approval.reviewer}; commit {outcome.path.name} to record it",
            markup=False,
        )
        self.reload_paths(frozenset([outcome.path]))

    def action_edit(self) -> None:
        """Open the file in $VISUAL or $EDITOR (suspending the app), then read it again."""
        path = self.current_path()
        if path is None:
            return
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        try:
            with self.suspend():
                subprocess.run([*shlex.split(command), str(path)], check=False)
        except Exception as error:  # SuspendNotSupported (headless), editor missing
            self.notify(f"cannot open an editor here: {error}", severity="warning", markup=False)
            return
        self.reload_paths(frozenset([path]))


def keep_out_of_collections() -> None:
    """Leave what exists now (Textual, the imported modules, the index's rows) out of the
    cyclic collector's full collections (gc.freeze). Each full collection walked every
    tracked object, 50 to 80 ms here once the 10,000 rows were in, and one fell inside
    opening a prompt as often as not; after this it walks what was made since. Called at
    the first paint and once the index is filled (warm_up); until the app ends (which unfreezes),
    cyclic garbage that exists at those two moments (about a thousand objects at 10,000
    rows) is not collected, nor is a prompt screen open at the second one once closed.
    All else is freed as before: reference counting ignores the collector's generations."""
    gc.freeze()


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return path.as_posix()


def make_app(
    root: Path | Settings | None = None,
    services: Services | None = None,
    *,
    live_reload: bool = True,
    keymap: dict[str, str] | None = None,
) -> RegistryApp:
    """The app for the registry at `root` (a promptreg.yaml, the folder holding one, or
    a folder below it; None: the working directory), with `services` or the real ones.
    ConfigError (before any screen exists) for a missing or broken promptreg.yaml or
    keymap file."""
    if isinstance(root, Settings):
        settings = root
    elif root is not None and root.is_file():
        settings = load_config(root)
    else:
        settings = load_config(find_config(root))
    return RegistryApp(
        settings,
        services or Services.of(settings),
        live_reload=live_reload,
        keymap=load_keymap() if keymap is None else keymap,
    )
