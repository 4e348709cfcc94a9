"""The Test tab: a form from the prompt's typed variables, the rendered preview, a token
meter, and "run" against the configured endpoint with the answer streamed in.

Values are read as `promptreg render --var` reads them (render.values.parse_value) and
checked by the same binder as the SDK, so a problem shows under its field in the words
the SDK would use. The model is called in a worker; `esc` cancels it.

`ctrl+t` runs the prompt's eval cases through the eval runner (promptreg.tui.eval_run,
as `promptreg test ID`), listing each case as it is graded; `esc` cancels that too.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Input, Label, Static, Switch

from promptreg.core.errors import PromptregError
from promptreg.core.model import PromptSpec, Variable
from promptreg.governance.evidence import CaseResult
from promptreg.render.prompt import Prompt
from promptreg.tui.messages import AnswerChunk, AnswerDone
from promptreg.tui.services import Preview, Services, explain, meter_text
from promptreg.tui.widgets.choice import Choice
from promptreg.tui.widgets.tabs import PromptTabs


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class TrialPane(VerticalScroll):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "run", "Run", id="test.run"),
        Binding("ctrl+t", "run_evals", "Run evals", id="test.evals"),
        Binding("escape", "cancel", "Cancel run / back", id="test.cancel"),
    ]

    def __init__(self, spec: PromptSpec, services: Services) -> None:
        super().__init__(id="test-pane")
        self.spec = spec
        self.services = services
        self.prompt: Prompt | None = None
        self.preview: Preview | None = None
        self.answer = ""
        self.pieces = 0
        """Streamed pieces of the current answer received so far."""
        self.running = False
        self.evals_running = False
        self.eval_results: list[CaseResult] = []
        """The cases graded by the current (or last) eval run, in the order graded."""
        self.eval_outcome = ""
        """How the last eval run ended: done, cancelled, or what stopped it."""
        self.form_built = False
        """Whether the form's widgets are mounted (a moment after the preview shows)."""
        self._focus_when_built = False

    def compose(self) -> ComposeResult:
        # The form's widgets (an Input, a Choice or a Switch, a label and an error line
        # per variable, and the eval-case presets) are mounted after the first frame
        # showing the preview (build_form): styled and laid out before it, they made
        # opening the tab twice as slow. The preview renders from the defaults meanwhile.
        yield Vertical(id="form")
        with Horizontal(id="test-output"):
            yield Static("", id="preview")
            with Vertical(id="test-side"):
                yield Static("", id="meter")
                yield Static("ctrl+r runs the prompt against the configured endpoint", id="answer")
                yield Static(self._evals_hint(), id="evals")

    async def build_form(self) -> None:
        """Mount the form, show the problems the preview found, and move the focus into
        the first field if the tab had it."""
        if self.form_built or not self.is_attached:
            return
        form = self.query_one("#form", Vertical)
        if self.spec.evals:
            cases = [(f"case: {case.name}", index) for index, case in enumerate(self.spec.evals)]
            await self.mount(
                Choice(cases, prompt="fill from an eval case", id="preset"), before=form
            )
        await form.mount_all([self._field(variable) for variable in self.spec.variables.values()])
        try:
            self.form_built = True
            if self.preview is not None:
                self._show_field_errors(self.preview)
        except NoMatches:
            # The prompt was closed (or the app quit) while the fields mounted: they are
            # being taken down, error lines first, under this pane that is still attached.
            self.form_built = False
            return
        if self._focus_when_built and self.has_focus:
            self.focus_first()

    def focus_first(self) -> None:
        """Focus the form's first control; until the form is built, the pane, which
        passes the focus on once it is (unless it went elsewhere meanwhile)."""
        self._focus_when_built = not self.form_built
        first = next((w for w in self.query("*") if w.focusable), None)
        (first or self).focus()

    def _field(self, variable: Variable) -> Widget:
        name = variable.name
        label = Label(
            f"{name} ({variable.type}{'' if variable.required else ', optional'}): "
            f"{variable.description}",
            classes="field-label",
        )
        control: Widget
        if variable.type == "boolean":
            control = Switch(value=bool(variable.default), id=f"var-{name}")
        elif variable.enum is not None:
            control = Choice(
                [(_text(option), _text(option)) for option in variable.enum],
                prompt=f"choose {name}",
                value=_text(variable.default) if variable.has_default else Choice.UNSET,
                id=f"var-{name}",
            )
        else:
            default = (
                _text(variable.default)
                if variable.has_default and variable.default is not None
                else ""
            )
            control = Input(value=default, placeholder=variable.type, id=f"var-{name}")
        return Vertical(
            label, control, Static("", id=f"err-{name}", classes="field-error"), classes="field"
        )

    def on_mount(self) -> None:
        try:
            self.prompt = self.services.renderer.prompt(self.spec)
        except PromptregError as error:
            self.query_one("#preview", Static).update(Text(f"cannot render: {explain(error)}"))
        else:
            self.update_preview()
        self.call_after_refresh(self.build_form)

    # -- the form -----------------------------------------------------------------

    def default_values(self) -> dict[str, str | bool | None]:
        """What the form's fields hold when built: raw_values() before they are."""
        raw: dict[str, str | bool | None] = {}
        for name, variable in self.spec.variables.items():
            if variable.type == "boolean":
                raw[name] = bool(variable.default)
            elif variable.enum is not None:
                raw[name] = _text(variable.default) if variable.has_default else None
            elif variable.has_default and variable.default is not None:
                raw[name] = _text(variable.default) or None
            else:
                raw[name] = None
        return raw

    def raw_values(self) -> dict[str, str | bool | None]:
        if not self.form_built:
            return self.default_values()
        raw: dict[str, str | bool | None] = {}
        for name in self.spec.variables:
            control = self.query_one(f"#var-{name}")
            if isinstance(control, Switch):
                raw[name] = control.value
            elif isinstance(control, Choice):
                raw[name] = None if control.value is Choice.UNSET else str(control.value)
            elif isinstance(control, Input):
                raw[name] = control.value if control.value != "" else None
        return raw

    def set_value(self, name: str, value: Any) -> None:
        control = self.query_one(f"#var-{name}")
        if isinstance(control, Switch):
            control.value = bool(value)
        elif isinstance(control, Choice):
            try:
                control.value = _text(value)
            except ValueError as error:
                self.notify(str(error), severity="warning", markup=False)
        elif isinstance(control, Input):
            control.value = _text(value)

    @on(Choice.Changed, "#preset")
    def _preset(self, event: Choice.Changed) -> None:
        if isinstance(event.value, int):
            for name, value in self.spec.evals[event.value].vars.items():
                if name in self.spec.variables:
                    self.set_value(name, value)

    @on(Input.Changed)
    @on(Switch.Changed)
    @on(Choice.Changed)
    def _changed(self, event: Input.Changed | Switch.Changed | Choice.Changed) -> None:
        if getattr(event.control, "id", "") != "preset":
            self.update_preview()

    def update_preview(self) -> None:
        if self.prompt is None:
            return
        preview = self.services.renderer.preview(self.prompt, self.raw_values())
        self.preview = preview
        self._show_field_errors(preview)
        body = self.query_one("#preview", Static)
        if preview.messages is None:
            problems = [*preview.errors, *(f"{k}: {v}" for k, v in preview.field_errors.items())]
            body.update(Text("not rendered:\n" + "\n".join(problems)))
            return
        shown = Text()
        for message in preview.messages:
            shown.append(f"{message['role']}\n", style="bold underline")
            shown.append(f"{message['content']}\n\n")
        body.update(shown, layout=True)
        # Counted once the preview is on screen: the count shares the interpreter, and
        # started at once it delayed the frame showing the preview.
        self.call_after_refresh(self.measure, preview)

    def _show_field_errors(self, preview: Preview) -> None:
        if self.form_built:
            for name in self.spec.variables:
                error = preview.field_errors.get(name, "")
                self.query_one(f"#err-{name}", Static).update(Text(error))

    @work(thread=True, exclusive=True, group="meter")
    def measure(self, preview: Preview) -> None:
        if preview.messages is None:
            return
        try:
            meter = self.services.tokens.measure(self.spec, preview.messages, preview.values)
        except PromptregError as error:
            text = f"tokens cannot be counted: {explain(error)}"
        else:
            text = meter_text(meter)
        self.app.call_from_thread(self.query_one("#meter", Static).update, Text(text))

    # -- the model ----------------------------------------------------------------

    def action_run(self) -> None:
        why = self.services.why_no_runs()
        if why is not None:
            self.notify(f"the model cannot be run here: {why}", severity="warning", markup=False)
            return
        if self.prompt is None or self.preview is None or self.preview.messages is None:
            self.notify(
                "fix the inputs first: the prompt does not render", severity="warning", markup=False
            )
            return
        self.answer = ""
        self.pieces = 0
        self.running = True
        self.query_one("#answer", Static).update("asking the model…  (esc cancels)")
        self.run_model(self.services.renderer.request(self.prompt, self.preview))

    @work(exclusive=True, group="model")
    async def run_model(self, request: dict[str, Any]) -> None:
        try:
            async for piece in self.services.runner.stream(request):
                self.post_message(AnswerChunk(piece))
        except asyncio.CancelledError:
            self.post_message(AnswerDone(cancelled=True))
            raise
        except PromptregError as error:
            self.post_message(AnswerDone(error=explain(error)))
            return
        self.post_message(AnswerDone())

    def action_cancel(self) -> None:
        if self.running:
            self.workers.cancel_group(self, "model")
            self.running = False
            self.query_one("#answer", Static).update(Text(f"{self.answer}\n\n(cancelled)"))
        elif self.evals_running:
            self.cancel_evals()
        else:
            self.app.pop_screen()

    # -- the eval cases -----------------------------------------------------------

    def _evals_hint(self) -> str:
        why = self.services.why_no_runs()
        if why is not None:
            return f"evals cannot run here: {why}"
        if not self.spec.evals:
            return "no eval cases to run"
        return f"ctrl+t runs the {len(self.spec.evals)} eval case(s) and records the results"

    def action_run_evals(self) -> None:
        why = self.services.why_no_runs()
        if why is not None:
            self.notify(f"evals cannot run here: {why}", severity="warning", markup=False)
            return
        if not self.spec.evals:
            self.notify(f"{self.spec.id} has no eval cases", severity="warning", markup=False)
            return
        if self.evals_running:
            return
        self.evals_running = True
        self.eval_results = []
        self.eval_outcome = ""
        self._show_evals("starting…  (esc cancels)")
        self.run_cases()

    @work(exclusive=True, group="evals")
    async def run_cases(self) -> None:
        from promptreg.tui.eval_run import run_evals

        settings = self.services.index.settings
        try:
            run = await run_evals(
                settings,
                self.spec,
                self._graded,
                endpoint=self.services.endpoint,
                note=lambda text: self._show_evals(text),
            )
        except asyncio.CancelledError:
            self._evals_over("cancelled: nothing recorded")
            raise
        except PromptregError as error:
            self._evals_over(f"stopped: {explain(error)}")
            return
        passed = sum(r.passed for r in run.results)
        where = f"; recorded in {run.recorded.name}" if run.recorded else ""
        self._evals_over(f"done: {passed}/{len(run.results)} passed{where}")
        if run.recorded is not None:
            if self.services.facts is not None and self.spec.path is not None:
                self.services.facts.forget(self.spec.path)
            self._refresh_overview()

    def _refresh_overview(self) -> None:
        """The Overview tab shows the recorded state: it changed."""
        from promptreg.tui.widgets.overview import Overview

        for overview in self.screen.query(Overview):
            overview.show(self.spec)

    def _graded(self, result: CaseResult) -> None:
        if not self.evals_running:
            return
        self.eval_results.append(result)
        self._show_evals("running…  (esc cancels)")

    def _evals_over(self, outcome: str) -> None:
        self.evals_running = False
        self.eval_outcome = outcome
        self._show_evals(outcome)

    def _show_evals(self, status: str) -> None:
        from promptreg.tui.eval_run import result_line  # the eval runner, with the first run

        if not self.is_attached:  # the prompt was closed while the run was cancelled
            return

        total = len(self.spec.evals)
        text = Text(f"evals: {len(self.eval_results)}/{total} cases graded; {status}\n")
        for result in self.eval_results:
            text.append(result_line(result) + "\n", style="green" if result.passed else "red")
        self.query_one("#evals", Static).update(text)

    def cancel_evals(self) -> None:
        self.workers.cancel_group(self, "evals")
        self._evals_over("cancelled: nothing recorded")

    @on(AnswerChunk)
    def _chunk(self, event: AnswerChunk) -> None:
        if not self.running:
            return
        self.answer += event.text
        self.pieces += 1
        self.query_one("#answer", Static).update(Text(self.answer))

    @on(AnswerDone)
    def _done(self, event: AnswerDone) -> None:
        self.running = False
        answer = self.query_one("#answer", Static)
        if event.error:
            answer.update(Text(f"{self.answer}\n\nthe endpoint failed: {event.error}"))
        elif not event.cancelled:
            answer.update(Text(f"{self.answer}\n\n(done)"))


def run_evals_on_screen(app: App[object]) -> None:
    """The palette's "run the open prompt's evals": the Test tab, then ctrl+t."""
    screen = app.screen
    panes = screen.query(TrialPane) if getattr(screen, "prompt_id", None) else None
    if not panes:
        app.notify("open a prompt first: its eval cases run in its Test tab")
        return
    screen.query_one(PromptTabs).active = "test"
    panes.first().action_run_evals()
