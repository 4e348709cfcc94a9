"""`promptreg tui --bundle FILE`: browse a built bundle, read-only.

A bundle is what production serves (promptreg.sdk.bundle): every approved prompt
version, verified when it was built, and nothing else. So the browser lists what the
bundle holds (every prompt served: that is what being in it means), a prompt shows its
entry, its approvals as the build verified them and the versions beside it, and the Test
tab renders it. What needs the registry checkout is not offered, and each pane says why:
there is no git history in a bundle, no promptreg.yaml endpoint to run the model or the
eval cases against and no results to record them in, and no file to edit, bump, format
or approve.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from promptreg.core.config import LintSettings, Settings
from promptreg.core.errors import PromptregError
from promptreg.core.model import PromptSpec
from promptreg.sdk.bundle import Bundle
from promptreg.tui.app import RegistryApp
from promptreg.tui.index import PromptIndex, Row, row_from_spec
from promptreg.tui.keymap import load_keymap
from promptreg.tui.screens.prompt import LABELS, TABS, PromptScreen
from promptreg.tui.services import (
    EndpointRunner,
    History,
    Renderer,
    Services,
    TokenMeter,
    explain,
)
from promptreg.tui.widgets.key_line import KeyLine
from promptreg.tui.widgets.overview import facts_text
from promptreg.tui.widgets.tabs import Pane, PromptTabs
from promptreg.tui.widgets.trial_pane import TrialPane

READ_ONLY = "a bundle is read-only: it holds approved versions, not the registry's files"
NO_RUNS = (
    "this is a bundle: running the model or the eval cases needs the registry checkout "
    "(its promptreg.yaml names the endpoint, .promptreg/evals/ records the results); "
    "the preview and the token meter work here"
)
NO_HISTORY = (
    "a bundle holds no git history, only the approved versions it was built with; "
    "run `promptreg tui` in the registry checkout for the history and diffs"
)


def bare_settings(bundle: Path) -> Settings:
    """Settings for a bundle browsed without a promptreg.yaml: no policy (the bundle was
    verified when it was built), no models (the token meter uses the default encoding)."""
    return Settings(
        path=bundle,
        registry_dir=bundle.parent,
        owners=(),
        reviewers=MappingProxyType({}),
        tiers=MappingProxyType({}),
        models=MappingProxyType({}),
        lint=LintSettings(),
    )


class BundleIndex(PromptIndex):
    """The bundle's latest versions as the browser's rows; nothing to lint, no cache."""

    in_child = False  # no files for a child process to read: the rows come from memory

    def __init__(self, settings: Settings, bundle: Bundle) -> None:
        super().__init__(settings, cache=False)
        self.bundle = bundle

    def rows(self) -> list[Row]:
        where = Path(self.bundle.name)
        return [Row(prompt_id, where) for prompt_id in self.bundle.ids()]

    def load_row(self, row: Row) -> Row:
        try:
            spec = self.bundle.spec(row.id)
        except PromptregError as error:
            return replace(row, loaded=True, valid=False, refusal=explain(error))
        # In a bundle is served: Bundle.get serves exactly what it holds.
        return replace(row_from_spec(row, spec, self.settings), refusal=None)

    def lint_counts(
        self, rows: Iterable[Row], cancelled: Callable[[], bool] = lambda: False
    ) -> Iterator[list[Row]]:
        """A bundle is linted when it is built; there is no file here to lint."""
        return iter(())


@dataclass
class BundleServices(Services):
    bundle: Bundle | None = None

    def spec(self, prompt_id: str) -> PromptSpec:
        assert self.bundle is not None
        return self.bundle.spec(prompt_id)

    def why_no_runs(self) -> str | None:
        return NO_RUNS


def _approvals(spec: PromptSpec) -> Text:
    text = Text()
    recorded = spec.data.get("approvals") or []
    for approval in recorded:
        commit = str(approval.get("commit") or "")[:10]
        if approval.get("verified"):
            state, style, why = "verified", "green", f"added in commit {commit} by its reviewer"
        else:
            state, style = "recorded", "yellow"
            why = "not verified against git (its tier does not ask for it)"
        text.append(f"  {state:<10}", style=f"bold {style}")
        text.append(
            f" {approval.get('reviewer')} ({approval.get('group')}, {approval.get('date')}): "
            f"{why}\n"
        )
    if not recorded:
        text.append("  none (its tier needs none)\n")
    return text


def overview(spec: PromptSpec, bundle: Bundle) -> Group:
    """What a bundle says about one prompt version."""
    facts = facts_text(spec, ("commit", str(spec.data.get("commit", ""))[:12]))
    source = bundle.source
    signed = f"signed by {bundle.signed_by}" if bundle.signed_by else "signature not checked"
    versions = ", ".join(bundle.versions(spec.id))
    return Group(
        facts,
        Text(),
        Text("served", style="bold underline"),
        Text(
            f"yes: the bundle {bundle.name} holds it (built from "
            f"{str(source.get('commit', '?'))[:10]} on {source.get('branch') or '?'}, {signed})"
        ),
        Text(f"versions in the bundle: {versions}"),
        Text(),
        Text("approvals, as the build verified them", style="bold underline"),
        _approvals(spec),
        Text("evals", style="bold underline"),
        Text(f"{len(spec.evals)} case(s); recorded results are not part of a bundle"),
    )


class BundlePromptScreen(PromptScreen):
    """The prompt screen's four tabs, from the bundle's entry instead of a file."""

    def __init__(self, spec: PromptSpec, services: BundleServices, tab: str = "overview") -> None:
        super().__init__(spec, services, tab)
        assert services.bundle is not None
        self.bundle = services.bundle
        self.mounted_tabs = dict.fromkeys(TABS)  # compose() makes all four

    def compose(self) -> ComposeResult:
        yield Static(
            Text(f"{self.spec.id}  {self.spec.version}  {self.spec.title}  (bundle)"),
            id="prompt-title",
        )
        with PromptTabs(LABELS, id="tabs", active=self.first_tab):
            with Pane(id="overview"), VerticalScroll():
                yield Static(overview(self.spec, self.bundle), id="bundle-overview")
            with Pane(id="source"), VerticalScroll():
                yield Static(
                    Text(
                        "the bundle's entry (a bundle holds no prompt file):\n\n"
                        + json.dumps(dict(self.spec.data), indent=2, ensure_ascii=False)
                    ),
                    id="bundle-source",
                )
            with Pane(id="history"):
                yield Static(Text(f"no history: {NO_HISTORY}"), id="history-note")
            with Pane(id="test"):
                yield TrialPane(self.spec, self.services)
        yield KeyLine()

    def on_mount(self) -> None:
        """Nothing to lint: the bundle was linted when it was built."""

    def reload(self) -> None:
        """A bundle does not change while it is open."""


class BundleApp(RegistryApp):
    """The registry app over a bundle: the same browser, filter and palette."""

    def __init__(
        self,
        settings: Settings,
        services: BundleServices,
        bundle: Bundle,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__(
            settings,
            services,
            live_reload=False,
            keymap=load_keymap() if keymap is None else keymap,
        )
        self.bundle = bundle
        self.bundle_services = services
        self.browser.registry = f"bundle {bundle.name} (read-only)"

    def prompt_screen(self, spec: PromptSpec, tab: str = "overview") -> Screen[None]:
        return BundlePromptScreen(spec, self.bundle_services, tab)

    def _read_only(self, what: str) -> None:
        self.refusal = f"cannot {what}: {READ_ONLY}"
        self.notify(self.refusal, severity="warning", markup=False)

    def action_approve(self) -> None:
        self._read_only("approve")

    def action_edit(self) -> None:
        self._read_only("edit")


def make_bundle_app(
    path: Path,
    settings: Settings | None = None,
    *,
    keymap: dict[str, str] | None = None,
    allowed_signers: Path | None = None,
) -> BundleApp:
    """The app for the bundle at `path` (BundleError when it cannot be opened, as for the
    SDK), with `settings` for its models when a promptreg.yaml was named. With
    `allowed_signers` the bundle needs a good signature by one of its keys, as
    `Registry.open` requires one then: what the browser shows is what production would
    accept."""
    bundle = Bundle.open(
        path, allowed_signers=allowed_signers, require_signature=allowed_signers is not None
    )
    settings = settings or bare_settings(path.resolve())
    services = BundleServices(
        BundleIndex(settings, bundle),
        History(settings),
        Renderer(),
        TokenMeter(settings),
        EndpointRunner(settings),
        bundle=bundle,
    )
    return BundleApp(settings, services, bundle, keymap)
