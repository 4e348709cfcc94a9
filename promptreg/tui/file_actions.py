"""The palette's bump and fmt: plan for the prompt on screen, show it, write on `y`.

The planning and writing are promptreg.tui.editing's (the CLI's functions); this module
only routes: which prompt is open, the confirmation screen, the notification, and
reading the file again once it was written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, cast

from textual.app import App

from promptreg.core.config import Settings
from promptreg.core.errors import PromptregError
from promptreg.core.model import PromptSpec
from promptreg.core.versions import Level
from promptreg.tui.approving import ConfirmScreen
from promptreg.tui.editing import FilePlan, NothingToDo, apply_plan, plan_bump_of, plan_fmt_of
from promptreg.tui.services import explain
from promptreg.tui.widgets.diff_view import unified_text


class _Hooks(Protocol):
    """What these actions ask of the app beyond Textual's (promptreg.tui.app.RegistryApp)."""

    settings: Settings
    refusal: str | None

    def reload_paths(self, paths: frozenset[Path]) -> object: ...


EditingApp = App[Any]


def _hooks(app: EditingApp) -> _Hooks:
    return cast(_Hooks, app)


def open_spec(app: EditingApp, what: str) -> PromptSpec | None:
    """The prompt on screen; None (and a notice) on the browser or in a bundle."""
    spec = getattr(app.screen, "spec", None)
    if getattr(app.screen, "prompt_id", None) is None or not isinstance(spec, PromptSpec):
        app.notify(f"open a prompt first: {what} applies to the prompt on screen")
        return None
    if spec.path is None:
        refusal = f"cannot {what}: {spec.id} has no file here (a bundle is read-only)"
        _hooks(app).refusal = refusal
        app.notify(refusal, severity="warning", markup=False)
        return None
    return spec


def _refuse(app: EditingApp, title: str, error: PromptregError) -> None:
    refusal = _hooks(app).refusal = explain(error)
    app.notify(refusal, title=f"cannot {title}", severity="error", markup=False)


def offer(app: EditingApp, title: str, planner: Callable[[PromptSpec], FilePlan]) -> None:
    """Plan with `planner` and show it; refusals go to `app.refusal` and a notice."""
    spec = open_spec(app, title)
    if spec is None:
        return
    hooks = _hooks(app)
    try:
        plan = planner(spec)
    except NothingToDo as nothing:
        hooks.refusal = None
        app.notify(nothing.message, title=f"{title}: nothing to do", markup=False)
        return
    except PromptregError as error:
        _refuse(app, title, error)
        return
    hooks.refusal = None

    def answered(yes: bool | None) -> None:
        if yes:
            write(app, title, plan)

    app.push_screen(
        ConfirmScreen(plan.summary, unified_text(tuple(plan.diff.splitlines()))), answered
    )


def write(app: EditingApp, title: str, plan: FilePlan) -> None:
    try:
        done = apply_plan(plan)
    except PromptregError as error:
        _refuse(app, title, error)
        return
    app.notify(done, markup=False)
    _hooks(app).reload_paths(frozenset([plan.path]))


def offer_bump(app: EditingApp, level: Level | None = None) -> None:
    settings = _hooks(app).settings
    offer(app, "bump", lambda spec: plan_bump_of(settings, spec, level))


def offer_fmt(app: EditingApp) -> None:
    offer(app, "fmt", plan_fmt_of)
