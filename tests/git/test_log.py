"""The one `git log` reader: both walks of a file's log, on real git and on odd bytes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from promptreg.git.log import Commit, log_args, parse_log
from promptreg.git.repo import Repository
from tests.gitrepo import JO, MEI, GitRepo

OLD = "registry/demo/old.prompt.yaml"
NEW = "registry/demo/new.prompt.yaml"


def blob(repo: GitRepo, rev: str) -> str:
    return repo.git("rev-parse", rev)


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo]) -> GitRepo:
    """A file added, edited by Mei, then renamed by Jo."""
    repo = git_repo(config=False)
    repo.write(OLD, "id: demo/old\nversion: 1.0.0\n")
    repo.commit("Add: the first version")
    repo.write(OLD, "id: demo/old\nversion: 1.1.0\n")
    repo.commit("Edit", MEI)
    repo.git("mv", OLD, NEW)
    repo.commit("Rename", JO)
    return repo


def test_the_versions_walk_follows_renames(repo: GitRepo) -> None:
    commits = Repository.find(repo.root).log(NEW, "versions")
    assert [c.subject for c in commits] == ["Rename", "Edit", "Add: the first version"]
    rename, edit, first = commits
    assert (rename.path, edit.path, first.path) == (NEW, OLD, OLD)
    assert (rename.author_name, rename.author_email) == JO
    assert rename.blob == edit.blob == blob(repo, f"HEAD~1:{OLD}")
    assert rename.parent_blobs == (edit.blob,)
    assert edit.parent_blobs == (first.blob,) and edit.blob != first.blob
    assert first.parent_blobs == ("",)  # added: the parent did not have it
    assert first.date == "2026-01-01T10:00:00+00:00"
    assert rename.short == rename.id[:10] and len(rename.id) == 40
    assert rename.describe() == f"commit {rename.short} by Jo Okafor <jo@example.com>"
    assert rename.authored_by("JO@example.com")


def test_the_provenance_walk_does_not_follow_renames(repo: GitRepo) -> None:
    commits = Repository.find(repo.root).log(OLD, "provenance")
    assert [c.subject for c in commits] == ["Rename", "Edit", "Add: the first version"]
    rename, edit, _ = commits
    assert rename.blob == ""  # the old path was deleted by the rename
    assert rename.parent_blobs == (edit.blob,)
    assert edit.author_email == MEI[1]
    assert Repository.find(repo.root).log(NEW, "provenance")[0].parent_blobs == ("",)


def test_a_merge_that_changes_the_file_against_every_parent_shows_each_parent(
    git_repo: Callable[..., GitRepo],
) -> None:
    repo = git_repo(config=False)
    repo.write(OLD, "a\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "side")
    repo.write(OLD, "side\n")
    repo.commit("side")
    repo.git("checkout", "-q", "main")
    repo.write(OLD, "main\n")
    repo.commit("main")
    repo.git("merge", "-q", "side", check=False)  # conflicts: resolved by hand below
    repo.write(OLD, "both\n")
    repo.commit("Merge side")
    provenance = Repository.find(repo.root).log(OLD, "provenance")
    merge = provenance[0]
    assert merge.subject == "Merge side"
    assert merge.parent_blobs == (blob(repo, f"HEAD^1:{OLD}"), blob(repo, f"HEAD^2:{OLD}"))
    assert merge.blob == blob(repo, f"HEAD:{OLD}")
    versions = Repository.find(repo.root).log(OLD, "versions")
    assert versions[0].subject == "Merge side"
    assert versions[0].parent_blobs == (blob(repo, f"HEAD^1:{OLD}"),)  # first parent only


def test_fields_are_taken_by_position_whatever_they_hold() -> None:
    a, b, c = "a" * 40, "b" * 40, "c" * 40
    data = (
        f"\x01{a}\0:Name: with colon\0x@example.com\0002026-01-01T00:00:00+00:00\0:subject\0"
        f"\n:100644 100644 {b} {c} R087\0old\x01name\0new name\0"
        f"\x01{b}\0N\0n@example.com\0002026-01-01T00:00:00+00:00\0merge\0"
        f"\n::100644 100644 100644 {a} {'0' * 40} {c} MA\0path\0"
        f"\x01{c}\0N\0n@example.com\0002026-01-01T00:00:00+00:00\0no entry\0"
    ).encode()
    first, merge = parse_log(data)
    assert first == Commit(
        a, ":Name: with colon", "x@example.com", "2026-01-01T00:00:00+00:00", ":subject",
        "new name", c, (b,),
    )  # fmt: skip
    assert merge.parent_blobs == (a, "") and merge.blob == c and merge.path == "path"


def test_a_truncated_log_gives_what_it_holds() -> None:
    assert parse_log(b"\x01" + b"a" * 40 + b"\0name") == []
    assert parse_log(b"") == []


def test_both_walks_print_the_same_fields() -> None:
    versions, provenance = log_args("versions", "x"), log_args("provenance", "x")
    assert [a for a in versions if a.startswith("--format")] == [
        a for a in provenance if a.startswith("--format")
    ]
    assert "--follow" in versions and "--no-renames" in provenance
    assert versions[-2:] == provenance[-2:] == ["--", "x"]
