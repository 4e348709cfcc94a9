"""A committed copy of the embedded registry with one approval made stale."""

from __future__ import annotations

from collections.abc import Callable

from tests.gitrepo import GitRepo

STALE_ID = "support/summarize-ticket"
HOSTILE_ID = "marketing/campaign-brainstorm"
HOSTILE_TITLE = "<script>alert('owned')</script> & \x07bell | `tick` [x](y)"


def registry_with_stale_approval(git_repo: Callable[..., GitRepo]) -> GitRepo:
    repo = git_repo(registry=True)
    repo.commit("the embedded registry")
    path = repo.path(STALE_ID)
    text = path.read_text(encoding="utf-8")
    assert "You summarise customer support tickets" in text
    path.write_text(
        text.replace("You summarise customer support tickets", "You summarise support tickets"),
        encoding="utf-8",
    )
    return repo


def make_title_hostile(repo: GitRepo) -> None:
    path = repo.path(HOSTILE_ID)
    lines = path.read_text(encoding="utf-8").split("\n")
    escaped = HOSTILE_TITLE.replace("\\", "\\\\").replace('"', '\\"').replace("\x07", "\\a")
    lines = [f'title: "{escaped}"' if line.startswith("title:") else line for line in lines]
    path.write_text("\n".join(lines), encoding="utf-8")


def embedded_counts() -> tuple[int, dict[str, int], dict[str, int]]:
    """How many prompts the embedded registry holds, by tier and by status, read with
    plain PyYAML: an independent count for the report's figures to be checked against."""
    import collections

    import yaml

    from tests.gitrepo import REPO

    data = [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((REPO / "registry").rglob("*.prompt.yaml"))
    ]
    tiers = collections.Counter(str(d["tier"]) for d in data)
    statuses = collections.Counter(d["status"] for d in data)
    return len(data), dict(tiers), dict(statuses)
