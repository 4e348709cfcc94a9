"""Crafted bundles. Without `allowed_signers` a service serves any bundle whose hashes
match, and anyone can compute hashes: so each entry must be of the shape `promptreg
build` writes, and nothing in the file (deep nesting, numbers of thousands of digits,
a key twice, a field of the wrong type) may reach the service as anything but a
BundleError naming the file and the reason."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from promptreg import Registry
from promptreg.sdk.bundle_format import BundleError
from tests.gitrepo import DANA
from tests.sdk.conftest import TIER1, tier1_text

DEEP = 100_000


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A real bundle's entry line and header source, built once for the module."""
    from tests.gitrepo import make_git_repo

    root = tmp_path_factory.mktemp("bundle")
    home = root / "home"
    home.mkdir()
    repo = make_git_repo(root / "repo", home, identity=DANA)
    repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text("1.0.0"))
    repo.commit("Add the commit-message prompt", DANA)
    output = home / "bundle.json"
    from promptreg.cli.main import main

    assert main(["build", "-o", str(output), "--config", str(repo.config)]) == 0
    lines = output.read_bytes().decode().split("\n")
    return lines[3], json.dumps(json.loads(lines[0][:-1] + "}")["source"])


def _bundle(path: Path, line: str, source: str, index: str | None = None) -> Path:
    """A bundle of one entry, with its hashes and digest right: what anyone can write."""
    data = line.encode()
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    index = index or json.dumps([[TIER1, "1.0.0", 0, len(data), digest]], separators=(",", ":"))
    index_digest = "sha256:" + hashlib.sha256(index.encode()).hexdigest()
    header = (
        f'{{"format":"promptreg-bundle","schema_version":1,"digest":"{index_digest}",'
        f'"source":{source}'
    )
    path.write_bytes(f'{header},\n"index":{index},\n"prompts":[\n{line}\n]}}\n'.encode())
    return path


def _refused(path: Path) -> str:
    with pytest.raises(BundleError) as caught:
        Registry.open(path).get(TIER1).render(diff="+x")
    message = str(caught.value)
    assert str(path) in message
    return message


def _with(line: str, key: str, raw: str) -> str:
    entry = json.loads(line)
    entry[key] = "\0marker"
    return json.dumps(entry, sort_keys=True, separators=(",", ":")).replace('"\\u0000marker"', raw)


def test_the_crafted_baseline_is_served(tmp_path: Path, built: tuple[str, str]) -> None:
    """The harness itself: an entry written this way is served when it is sound."""
    line, source = built
    prompt = Registry.open(_bundle(tmp_path / "b.json", line, source)).get(TIER1)
    assert "+x" in prompt.render(diff="+x")[1]["content"]


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("source", "its header is not valid JSON"),
        ("index", "its header is not valid JSON"),
        ("entry", "is not valid JSON"),
        ("default", "is not valid JSON"),
    ],
)
def test_deep_nesting_is_a_clear_error(
    tmp_path: Path, built: tuple[str, str], where: str, reason: str
) -> None:
    line, source = built
    deep = "[" * DEEP + "]" * DEEP
    path = tmp_path / "b.json"
    if where == "source":
        _bundle(path, line, f'{{"x":{deep}}}')
    elif where == "index":
        data = line.encode()
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        _bundle(path, line, source, f'[{deep},["{TIER1}","1.0.0",0,{len(data)},"{digest}"]]')
    elif where == "entry":
        _bundle(path, _with(line, "tags", deep), source)
    else:
        entry = json.loads(line)
        entry["variables"]["ticket_id"]["default"] = "\0marker"
        text = json.dumps(entry, sort_keys=True, separators=(",", ":"))
        _bundle(path, text.replace('"\\u0000marker"', deep), source)
    assert reason in _refused(path)


@pytest.mark.parametrize(
    ("key", "raw", "reason"),
    [
        ("tier", "9" * 5000, "is not valid JSON"),  # past Python's digit limit
        ("tier", "9" * 4000, "is not one `promptreg build` writes"),
        ("tier", '"3"', "is not one `promptreg build` writes"),
        ("tier", "7", "is not one `promptreg build` writes"),
        ("model", '{"name":"gpt-4o-mini","temperature":1e999}', "is not one"),
        ("messages", '"hello"', "is not one `promptreg build` writes"),
        ("messages", '[{"role":1,"content":2}]', "is not one `promptreg build` writes"),
        ("variables", '{"diff":"text"}', "is not one `promptreg build` writes"),
        ("approvals", "{}", "is not one `promptreg build` writes"),
        ("status", '"draft"', "is not one `promptreg build` writes"),
        ("logging", '"everything"', "is not one `promptreg build` writes"),
        ("smuggled", "1", "is not one `promptreg build` writes"),
    ],
)
def test_wrong_types_and_huge_numbers_are_clear_errors(
    tmp_path: Path, built: tuple[str, str], key: str, raw: str, reason: str
) -> None:
    line, source = built
    assert reason in _refused(_bundle(tmp_path / "b.json", _with(line, key, raw), source))


@pytest.mark.parametrize("where", ["entry", "header"])
def test_a_key_twice_is_refused(tmp_path: Path, built: tuple[str, str], where: str) -> None:
    """A reader that keeps the first of two keys would see other messages than the
    service, which keeps the last."""
    line, source = built
    if where == "entry":
        messages = json.dumps(json.loads(line)["messages"], separators=(",", ":"))
        path = _bundle(tmp_path / "b.json", f'{{"messages":{messages},{line[1:]}', source)
        assert "the key 'messages' appears twice in one object" in _refused(path)
    else:
        path = _bundle(tmp_path / "b.json", line, '{"commit":"a","commit":"b"}')
        assert "the key 'commit' appears twice in one object" in _refused(path)
