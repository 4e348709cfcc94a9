"""Version requests, table-driven: each operator and pre-releases, with one meaning for a
bundle and for the working tree's git history."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from promptreg import NotApprovedError, PromptNotFoundError, Registry
from promptreg.cli.main import main
from promptreg.core.errors import UsageError
from promptreg.sdk import ranges
from tests.gitrepo import make_git_repo
from tests.sdk.conftest import DANA, TIER1, tier1_text

HISTORY = (
    ("1.0.0", "approved"),
    ("1.1.0", "approved"),
    ("1.2.0", "approved"),
    ("1.2.5", "approved"),
    ("1.2.7", "draft"),
    ("1.3.0-rc.1", "approved"),
    ("1.3.0", "approved"),
    ("2.0.0-rc.1", "approved"),
)
"""Committed in this order on main; the last is the working tree's."""

TABLE = (
    # exact
    ("1.2.0", "1.2.0"),
    ("1.3.0-rc.1", "1.3.0-rc.1"),
    ("1.2.1", None),
    ("1.2.7", None),  # committed, never approved
    # caret
    ("^1.2", "1.3.0"),
    ("^1.2.0", "1.3.0"),
    ("^1", "1.3.0"),
    ("^2", None),  # 2.0.0-rc.1 is a pre-release: a range must name one to get it
    ("^2.0.0-rc.0", "2.0.0-rc.1"),
    # tilde
    ("~1.2.3", "1.2.5"),
    ("~1.2", "1.2.5"),
    ("~1.1.0", "1.1.0"),
    # comparators, joined by commas or spaces
    (">=1.2,<2", "1.3.0"),
    (">=1.2 <1.3", "1.2.5"),
    ("<1.2", "1.1.0"),
    ("<=1.2.0", "1.2.0"),
    (">1.3.0", None),
    (">=2.0.0-rc.0", "2.0.0-rc.1"),
    # wildcards and alternatives
    ("1.x", "1.3.0"),
    ("1.2.x", "1.2.5"),
    ("*", "1.3.0"),
    ("1.1.x || 1.2.0", "1.2.0"),
    # pre-releases of the same major.minor.patch
    ("^1.3.0-rc.0", "1.3.0"),
    (">=1.3.0-rc.0 <1.3.0", "1.3.0-rc.1"),
    ("~1.3.0-rc.1", "1.3.0"),
)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Registry]]:
    """The same history twice: built into a bundle, and as a development checkout."""
    base = tmp_path_factory.mktemp("ranges")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(base / "home"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        repo = make_git_repo(base / "repo", base / "home", identity=DANA)
        for version, status in HISTORY:
            repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text(version, status=status))
            repo.commit(f"{TIER1} {version}", DANA)
        output = base / "bundle.json"
        assert main(["build", "-o", str(output), "--config", str(repo.config)]) == 0
        yield {"bundle": Registry.open(output), "git history": Registry.open(repo.root)}


@pytest.mark.parametrize(("request_", "expected"), TABLE, ids=[row[0] for row in TABLE])
@pytest.mark.parametrize("source", ["bundle", "git history"])
def test_version_request(
    sources: dict[str, Registry], source: str, request_: str, expected: str | None
) -> None:
    registry = sources[source]
    if expected is None:  # the checkout may say why a committed version is not approved
        with pytest.raises(
            (PromptNotFoundError, NotApprovedError),
            match=r"no approved version|no version|not approved",
        ):
            registry.get(TIER1, version=request_)
    else:
        assert registry.get(TIER1, version=request_).version == expected


def test_latest_is_the_highest_release(sources: dict[str, Registry]) -> None:
    assert sources["bundle"].get(TIER1).version == "1.3.0"
    assert ranges.latest(["1.0.0-rc.1", "1.0.0-rc.2"]) == "1.0.0-rc.2"  # no release yet
    assert ranges.latest([]) is None


@pytest.mark.parametrize("source", ["bundle", "git history"])
@pytest.mark.parametrize("request_", ["garbage", "^^1", ">=1.2,<<2"])
def test_a_malformed_range_is_a_usage_error(
    sources: dict[str, Registry], source: str, request_: str
) -> None:
    with pytest.raises(UsageError, match="neither a version nor a range"):
        sources[source].get(TIER1, version=request_)


def test_the_table_runs_on_the_library_alone() -> None:
    versions = [v for v, status in HISTORY if status == "approved"]
    for request_, expected in TABLE:
        found = ranges.matching(request_, versions)
        assert (found[0] if found else None) == expected, request_


def test_bundle_lists_what_it_holds(sources: dict[str, Registry]) -> None:
    bundle = sources["bundle"].bundle
    assert bundle is not None
    assert bundle.versions(TIER1) == [
        "2.0.0-rc.1",
        "1.3.0",
        "1.3.0-rc.1",
        "1.2.5",
        "1.2.0",
        "1.1.0",
        "1.0.0",
    ]
