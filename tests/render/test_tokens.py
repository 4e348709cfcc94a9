"""Offline token counting: tiktoken's encoder, verified rank files, never the network."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from promptreg.core.config import load_config
from promptreg.core.errors import ConfigError
from promptreg.lint.runner import Linter
from promptreg.lint.select import Selection
from promptreg.render import tokens

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "rules"

URLS = {
    name: f"https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
    for name in ("cl100k_base", "o200k_base")
}
HASHES = {  # as DESIGN.md gives them, and as tiktoken_ext.openai_public checks them
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}

NO_NETWORK = """
import socket
def _refuse(*args, **kwargs):
    raise AssertionError("network access attempted")
socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.getaddrinfo = _refuse
socket.create_connection = _refuse
"""


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("network access attempted")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection attempt, name lookup or call of tiktoken's downloader fails loudly."""
    import tiktoken.load

    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(tiktoken.load, "read_file", _refuse)


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_network: None) -> Iterator[Path]:
    """A process state with no encoding loaded and an empty TIKTOKEN_CACHE_DIR."""
    cache = tmp_path / "tiktoken-cache"
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    monkeypatch.delenv("DATA_GYM_CACHE_DIR", raising=False)
    monkeypatch.setattr(tokens, "_LOADED", {})
    tokens.count_tokens.cache_clear()
    yield cache
    tokens.count_tokens.cache_clear()


def _no_bundled_copy(name: str) -> bytes | None:
    return None


def _bundled_bytes(name: str) -> bytes:
    data = tokens._bundled(f"{name}.tiktoken")
    assert data is not None
    return data


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("hello world", "cl100k_base", 2),
        ("hello world", "o200k_base", 2),
        ("Hello, world!", "cl100k_base", 4),
        ("Hello, world!", "o200k_base", 4),
        ("The quick brown fox jumps over the lazy dog.", "cl100k_base", 10),
        ("The quick brown fox jumps over the lazy dog.", "o200k_base", 10),
        ("naïve café 東京", "cl100k_base", 7),
        ("naïve café 東京", "o200k_base", 5),
        ("<|endoftext|>", "cl100k_base", 7),  # special-token markers count as plain text
        ("<|endoftext|>", "o200k_base", 7),
        ("", "o200k_base", 0),
    ],
)
def test_count_tokens_known_values(text: str, encoding: str, expected: int) -> None:
    assert tokens.count_tokens(text, encoding) == expected


def test_token_ids_are_tiktokens() -> None:
    assert tokens.encoding("cl100k_base").encode_ordinary("hello world") == [15339, 1917]
    assert tokens.encoding("o200k_base").encode_ordinary("hello world") == [24912, 2375]


@pytest.mark.parametrize("role", ["system", "developer", "user", "assistant"])
@pytest.mark.parametrize("encoding", ["cl100k_base", "o200k_base"])
def test_every_role_is_one_token(role: str, encoding: str) -> None:
    """The K rules' chat framing (4 tokens a message) assumes it."""
    assert tokens.count_tokens(role, encoding) == 1


def test_loads_offline_into_an_empty_cache_and_verifies(fresh: Path) -> None:
    assert not fresh.exists()
    assert tokens.count_tokens("hello world", "o200k_base") == 2
    assert tokens.count_tokens("hello world", "cl100k_base") == 2
    for name, url in URLS.items():
        cached = tokens.cache_path(url)
        assert cached is not None
        assert cached.parent == fresh
        assert hashlib.sha256(cached.read_bytes()).hexdigest() == HASHES[name]
    assert sorted(p.name for p in fresh.iterdir()) == sorted(
        hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest() for url in URLS.values()
    ), "only the two rank files, under tiktoken's own cache keys, and no temporary files"


def test_tiktoken_supplies_the_url_and_hash(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str | None]] = []
    original = tokens._ranks

    def spy(blobpath: str, expected_hash: str | None = None) -> dict[bytes, int]:
        seen.append((blobpath, expected_hash))
        return original(blobpath, expected_hash)

    monkeypatch.setattr(tokens, "_ranks", spy)
    tokens.encoding("cl100k_base")
    tokens.encoding("o200k_base")
    assert seen == [
        (URLS["cl100k_base"], HASHES["cl100k_base"]),
        (URLS["o200k_base"], HASHES["o200k_base"]),
    ]


def test_encoding_is_loaded_once_per_process(fresh: Path) -> None:
    first = tokens.encoding("cl100k_base")
    assert tokens.encoding("cl100k_base") is first
    tokens.count_tokens("repeated text", "cl100k_base")
    tokens.count_tokens("repeated text", "cl100k_base")
    assert tokens.count_tokens.cache_info().hits >= 1


def test_uses_a_cache_that_already_holds_the_file(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = tokens.cache_path(URLS["cl100k_base"])
    assert cached is not None
    fresh.mkdir()
    cached.write_bytes(_bundled_bytes("cl100k_base"))
    monkeypatch.setattr(tokens, "_bundled", _no_bundled_copy)
    assert tokens.count_tokens("hello world", "cl100k_base") == 2


def test_data_gym_cache_dir_is_honoured_like_tiktoken_does(
    fresh: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR")
    monkeypatch.setenv("DATA_GYM_CACHE_DIR", str(tmp_path / "gym"))
    assert tokens.cache_path(URLS["o200k_base"]) == tmp_path / "gym" / (
        hashlib.sha1(URLS["o200k_base"].encode(), usedforsecurity=False).hexdigest()
    )


def _corrupt(data: bytes) -> bytes:
    """Same format, one rank changed: it would parse and silently miscount."""
    lines = data.split(b"\n")
    token, rank = lines[1000].split()
    lines[1000] = token + b" " + str(int(rank) + 1).encode()
    return b"\n".join(lines)


def test_corrupted_cache_file_is_refused_not_used(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = tokens.cache_path(URLS["cl100k_base"])
    assert cached is not None
    fresh.mkdir()
    cached.write_bytes(_corrupt(_bundled_bytes("cl100k_base")))
    monkeypatch.setattr(tokens, "_bundled", _no_bundled_copy)
    with pytest.raises(ConfigError, match="no verified copy of cl100k_base"):
        tokens.encoding("cl100k_base")


def test_corrupted_cache_file_is_replaced_by_the_verified_copy(fresh: Path) -> None:
    cached = tokens.cache_path(URLS["cl100k_base"])
    assert cached is not None
    fresh.mkdir()
    cached.write_bytes(_corrupt(_bundled_bytes("cl100k_base")))
    assert tokens.count_tokens("hello world", "cl100k_base") == 2
    assert hashlib.sha256(cached.read_bytes()).hexdigest() == HASHES["cl100k_base"]


def test_a_bundled_copy_with_the_wrong_hash_is_refused(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = _bundled_bytes("o200k_base")
    monkeypatch.setattr(tokens, "_bundled", lambda name: _corrupt(good))
    with pytest.raises(ConfigError, match="tiktoken expects 446a9538"):
        tokens.encoding("o200k_base")
    assert not fresh.exists(), "nothing unverified is written to the cache"


def test_caching_switched_off_still_counts(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "")
    assert tokens.cache_dir() is None
    assert tokens.count_tokens("hello world", "cl100k_base") == 2


def test_an_unwritable_cache_still_counts(
    fresh: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(blocker / "cache"))
    assert tokens.count_tokens("hello world", "o200k_base") == 2


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("o200k", "unknown token encoding 'o200k'"),
        ("gpt2", "only available by download"),
        ("r50k_base", "no verified copy of r50k_base.tiktoken"),
    ],
)
def test_encodings_without_an_offline_copy_are_config_errors(
    fresh: Path, name: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        tokens.encoding(name)
    assert caught.value.hint


@pytest.mark.parametrize(
    "body",
    [
        "import tiktoken.load\n    return tiktoken.load.load_tiktoken_bpe(URL, HASH)",
        "return fetch(URL)",
        "return __import__('tiktoken.load').load.read_file(URL)",
    ],
)
def test_a_constructor_that_could_reach_anything_else_is_refused_before_it_runs(
    body: str,
) -> None:
    module = types.ModuleType("fake_openai_public")
    source = f"""
URL = "https://example.com/x.tiktoken"
HASH = "0" * 64
def fetch(url):
    raise AssertionError("ran")
def x_base():
    {body}
ENCODING_CONSTRUCTORS = {{"x_base": x_base}}
"""
    exec(compile(source, "fake", "exec"), module.__dict__)  # noqa: S102 - a test double
    with pytest.raises(ConfigError, match="might download"):
        tokens._offline_constructors(module)


def test_tiktoken_itself_reads_the_cache_promptreg_wrote(tmp_path: Path) -> None:
    """Same cache keys and contents: tiktoken's normal path then works offline too."""
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(tmp_path)}
    script = NO_NETWORK + textwrap.dedent(
        """
        from promptreg.render.tokens import count_tokens
        count_tokens("warm the cache", "o200k_base")
        import tiktoken
        print(tiktoken.get_encoding("o200k_base").encode_ordinary("hello world"))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "[24912, 2375]"


def _modules_after(script: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", script + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return set(result.stdout.split())


def test_importing_the_k_rules_does_not_import_tiktoken() -> None:
    modules = _modules_after("import promptreg.lint.rules.tokens, promptreg.render.tokens")
    assert "promptreg.lint.rules.tokens" in modules
    assert not {m for m in modules if m.split(".")[0] in ("tiktoken", "tiktoken_ext")}


def _lint_script(path: Path, select: str) -> str:
    return NO_NETWORK + textwrap.dedent(
        f"""
        from pathlib import Path
        from promptreg.core.config import load_config
        from promptreg.lint.runner import Linter
        from promptreg.lint.select import Selection
        settings = load_config(Path({str(FIXTURES / "promptreg.yaml")!r}))
        selection = Selection.build(select={select.split(",")!r})
        print(Linter(settings, selection).lint_file(Path({str(path)!r})))
        """
    )


@pytest.mark.parametrize(
    ("fixture", "select", "loads"),
    [
        ("K001/bad.prompt.yaml", "ALL", True),  # control: this file needs counting
        ("K001/bad.prompt.yaml", "F,S,T", False),  # the K family deselected
        ("K001/good-unknown-model.prompt.yaml", "K", False),  # no encoding to count with
        ("K001/good.prompt.yaml", "K", False),  # its byte length settles it
    ],
)
def test_tiktoken_is_imported_only_when_a_k_rule_counts(
    fixture: str, select: str, loads: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    modules = _modules_after(_lint_script(FIXTURES / fixture, select))
    assert ("tiktoken" in modules) is loads


def _lint(tmp_path: Path, config: Path, text: str, select: str = "K") -> list[tuple[int, str]]:
    path = tmp_path / "prompt.prompt.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    linter = Linter(load_config(config), Selection.build(select=[select]))
    return [(f.span.line, f.code) for f in linter.lint_file(path)]


PROMPT = """\
    id: support/long-answer
    version: 1.0.0
    title: Answer at length
    description: Answers a customer's question at length; an agent edits the answer.
    owner: support-platform
    tier: 1
    status: draft
    model:
      name: gpt-3.5-turbo
    variables:
      question: {{type: string, description: The question., max_tokens: {bound}}}
    messages:
      - {{role: user, content: "{{{{ question }}}}"}}
"""


def test_context_window_reserves_the_models_output_limit_when_the_prompt_sets_none(
    tmp_path: Path,
) -> None:
    config = FIXTURES / "K005" / "promptreg.yaml"  # gpt-3.5-turbo: 16385 window, 4096 out
    assert _lint(tmp_path, config, PROMPT.format(bound=12000), "K002") == []
    assert _lint(tmp_path, config, PROMPT.format(bound=12300), "K002") == [(9, "K002")]
    plain = FIXTURES / "promptreg.yaml"  # no output limit configured: nothing reserved
    assert _lint(tmp_path, plain, PROMPT.format(bound=12300), "K002") == []


def test_budget_follows_the_configured_option(tmp_path: Path) -> None:
    config = tmp_path / "promptreg.yaml"
    text = (FIXTURES / "promptreg.yaml").read_text(encoding="utf-8")
    config.write_text(text.replace("max_prompt_tokens: 4000", "max_prompt_tokens: 100"), "utf-8")
    assert _lint(tmp_path, config, PROMPT.format(bound=80), "K001") == []
    assert _lint(tmp_path, config, PROMPT.format(bound=95), "K001") == [(12, "K001")]


def test_budget_defaults_to_4000(tmp_path: Path) -> None:
    config = tmp_path / "promptreg.yaml"
    text = (FIXTURES / "promptreg.yaml").read_text(encoding="utf-8")
    config.write_text(text.replace("  max_prompt_tokens: 4000\n", ""), "utf-8")
    assert _lint(tmp_path, config, PROMPT.format(bound=3980), "K001") == []
    assert _lint(tmp_path, config, PROMPT.format(bound=3995), "K001") == [(12, "K001")]


def test_embedded_registry_has_no_k_findings() -> None:
    linter = Linter(load_config(REPO / "promptreg.yaml"), Selection.build(select=["K"]))
    assert linter.lint_paths([REPO / "registry"]).findings == ()
