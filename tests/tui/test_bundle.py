"""`promptreg tui --bundle FILE`: a bundle built from a real repository, browsed read-only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.actions.build import build_bundle, sign, write_bundle
from promptreg.core.errors import PromptregError
from promptreg.sdk.bundle import Bundle
from promptreg.tui.bundle_mode import NO_HISTORY, READ_ONLY, BundlePromptScreen, make_bundle_app
from promptreg.tui.widgets.trial_pane import TrialPane
from tests.gitrepo import GitRepo
from tests.sdk.conftest import DANA, TIER1, tier1_text
from tests.tui.conftest import SIZE, filled, text_of, until
from tests.tui.pty_session import TuiProcess

pytestmark = pytest.mark.anyio


@pytest.fixture
def bundle(git_repo: Callable[..., GitRepo]) -> Path:
    """The tier-1 prompt approved at 1.0.0 and then at 1.1.0, built into a bundle."""
    repo = git_repo(identity=DANA)
    repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text("1.0.0"))
    repo.commit("Add the commit-message prompt", DANA)
    repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text("1.1.0"))
    repo.commit("The commit-message prompt 1.1.0", DANA)
    result = build_bundle(repo.settings)
    assert result.data is not None and not result.refused
    output = repo.home / "bundle.json"
    write_bundle(result.data, output, None)
    return output


BUILDER = "release@example.com"


@pytest.fixture
def signed_bundle(git_repo: Callable[..., GitRepo]) -> tuple[Path, Path]:
    """The tier-1 prompt approved at 1.0.0, built and signed by BUILDER; the bundle and
    an allowed-signers file listing BUILDER for bundles."""
    repo = git_repo(identity=DANA)
    repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text("1.0.0"))
    repo.commit("Add the commit-message prompt", DANA)
    result = build_bundle(repo.settings)
    assert result.data is not None and not result.refused
    output = repo.home / "signed.json"
    write_bundle(result.data, output, sign(result.data, repo.key_for(BUILDER)))
    signers = repo.home / "allowed_signers"
    signers.write_text(
        f'{BUILDER} namespaces="promptreg-bundle" {repo.public_key(BUILDER)}\n', encoding="utf-8"
    )
    return output, signers


async def open_in_bundle(pilot, app) -> BundlePromptScreen:  # type: ignore[no-untyped-def]
    await filled(pilot, app)
    app.open_prompt(TIER1)
    await until(
        pilot,
        lambda: isinstance(app.screen, BundlePromptScreen) and app.screen.query(TrialPane),
        "opened",
    )
    screen = app.screen
    assert isinstance(screen, BundlePromptScreen)
    return screen


async def test_the_browser_lists_what_the_bundle_serves(bundle: Path) -> None:
    app = make_bundle_app(bundle, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app)
        assert [row.id for row in app.rows()] == Bundle.open(bundle).ids() == [TIER1]
        row = app.rows()[0]
        assert (row.version, row.serve, row.tier) == ("1.1.0", True, 1)
        counts = text_of(app.browser.query_one("#counts"))
        assert "(read-only)" in counts and "0 not served" in counts
        app.browser.prompt_list.set_query("serve:yes tier:1")
        assert [r.id for r in app.browser.prompt_list.shown] == [TIER1]
        app.browser.prompt_list.set_query("stale:evals")
        assert app.browser.prompt_list.filter_query.problems  # no recorded results here


async def test_a_prompt_shows_its_entry_versions_and_why_history_is_absent(
    bundle: Path,
) -> None:
    app = make_bundle_app(bundle, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_in_bundle(pilot, app)
        assert screen.spec.version == "1.1.0"
        shown = text_of(screen.query_one("#bundle-overview"))
        assert "versions in the bundle: 1.1.0, 1.0.0" in shown
        assert "signature not checked" in shown
        assert '"content_hash"' in text_of(screen.query_one("#bundle-source"))
        await pilot.press("3")
        assert NO_HISTORY in text_of(screen.query_one("#history-note")).replace("\n", " ")


async def test_the_test_tab_renders_but_runs_nothing(bundle: Path) -> None:
    app = make_bundle_app(bundle, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_in_bundle(pilot, app)
        await pilot.press("4")
        pane = screen.query_one(TrialPane)
        await until(pilot, lambda: pane.form_built, "the form built")
        assert "evals cannot run here: this is a bundle" in text_of(pane.query_one("#evals"))
        await pilot.press("ctrl+t")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not pane.evals_running and not pane.running
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("evals cannot run here: this is a bundle") for m in messages)
        assert any(m.startswith("the model cannot be run here") for m in messages)


async def test_edits_are_refused_with_the_reason(bundle: Path) -> None:
    before = bundle.read_bytes()
    app = make_bundle_app(bundle, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_in_bundle(pilot, app)
        for command in ("bump the open prompt", "fmt the open prompt", "approve the open"):
            app.refusal = None
            await pilot.press("ctrl+p", *command)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert app.refusal is not None and "read-only" in app.refusal, command
            assert isinstance(app.screen, BundlePromptScreen)
        await pilot.press("e")
        assert app.refusal == f"cannot edit: {READ_ONLY}"
    assert bundle.read_bytes() == before


def test_a_changed_bundle_is_refused_as_the_sdk_refuses_it(bundle: Path) -> None:
    data = bundle.read_bytes()
    bundle.write_bytes(data.replace(b"commit message only", b"commit message ONLY", 1))
    with pytest.raises(PromptregError):
        make_bundle_app(bundle, keymap={}).bundle.spec(TIER1)


def test_promptreg_tui_bundle_starts_outside_any_registry_and_quits(bundle: Path) -> None:
    """The command itself, under a pseudo-terminal, in a folder with no promptreg.yaml."""
    session = TuiProcess(bundle.parent, "--bundle", str(bundle))
    try:
        session.read_until(TIER1.encode())
        session.read_until(b"(read-only)")
        session.send("q")
        assert session.wait() == 0
    finally:
        session.kill()


def test_a_file_that_is_not_a_bundle_is_an_error_message(tmp_path: Path) -> None:
    (tmp_path / "nope.json").write_text("{}", encoding="utf-8")
    session = TuiProcess(tmp_path, "--bundle", "nope.json")
    try:
        status = session.wait()
    finally:
        session.kill()
    assert status == 2
    assert b"nope.json" in session.output and b"Traceback" not in session.output


async def test_a_signed_bundle_says_who_signed_it(signed_bundle: tuple[Path, Path]) -> None:
    output, signers = signed_bundle
    app = make_bundle_app(output, keymap={}, allowed_signers=signers)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_in_bundle(pilot, app)
        shown = text_of(screen.query_one("#bundle-overview"))
        assert f"signed by {BUILDER}" in shown and "signature not checked" not in shown


def test_with_allowed_signers_a_changed_or_unsigned_bundle_does_not_open(
    signed_bundle: tuple[Path, Path],
) -> None:
    """What production would refuse is not browsed as if it were served."""
    output, signers = signed_bundle
    tampered = output.with_name("tampered.json")
    tampered.write_bytes(
        output.read_bytes().replace(b"commit message only", b"commit message ONLY")
    )
    Path(f"{tampered}.sig").write_bytes(Path(f"{output}.sig").read_bytes())
    unsigned = output.with_name("unsigned.json")
    unsigned.write_bytes(output.read_bytes())
    for path, reason in ((tampered, "signature"), (unsigned, "is not signed")):
        with pytest.raises(PromptregError) as raised:
            make_bundle_app(path, keymap={}, allowed_signers=signers)
        assert reason in str(raised.value.message) and str(path) in raised.value.message


def test_the_command_refuses_a_tampered_bundle_from_the_environment_s_signers(
    signed_bundle: tuple[Path, Path],
) -> None:
    """$PROMPTREG_ALLOWED_SIGNERS is honoured as the SDK honours it: a one-byte change
    ends the command with the reason, not a browser of an unverified bundle."""
    output, signers = signed_bundle
    output.write_bytes(output.read_bytes().replace(b"commit message only", b"commit message ONLY"))
    session = TuiProcess(
        output.parent, "--bundle", str(output), env={"PROMPTREG_ALLOWED_SIGNERS": str(signers)}
    )
    try:
        status = session.wait()
    finally:
        session.kill()
    assert status != 0
    assert str(output.name).encode() in session.output and b"Traceback" not in session.output
    assert TIER1.encode() not in session.output


def test_allowed_signers_without_a_bundle_is_a_usage_error(tmp_path: Path) -> None:
    session = TuiProcess(tmp_path, "--allowed-signers", "allowed_signers")
    try:
        status = session.wait()
    finally:
        session.kill()
    assert status == 2
    assert b"needs --bundle" in session.output
