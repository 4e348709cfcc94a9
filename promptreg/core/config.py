"""promptreg.yaml: the organisation's standards, as frozen settings.

Found by walking up from the working directory, like git finds .git, so every command
works from anywhere inside a registry checkout.

Settings stays a dataclass (a base's copy is made with `dataclasses.replace`); the
records inside it are named tuples, read and never replaced, because every command
defines them at start-up and a frozen dataclass costs ten times as much to define.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from promptreg.core.errors import ConfigError
from promptreg.core.evalsettings import EvalSettings, eval_settings, refuse_literal_keys
from promptreg.core.location import Location
from promptreg.core.names import CONFIG_NAME as CONFIG_NAME
from promptreg.core.names import find_config as find_config
from promptreg.core.records import Record
from promptreg.core.schema import CONFIG_SCHEMA, check_document, schema_dir
from promptreg.core.yamlio import read_document

# typing costs ~15 ms to import and the SDK path needs it only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class TierPolicy(Record):
    """What a tier demands of its prompts: approvals and their groups, required fields
    and evals."""

    approvals: int = 0
    groups: tuple[str, ...] = ()
    require: tuple[str, ...] = ()
    min_evals: int = 0
    eval_max_age_days: int | None = None
    min_eval_pass_rate: float | None = None
    """None: 1.0 where the eval rules apply (tier 3, or a tier that sets either key)."""
    logging: str | None = None
    verify_approvals: bool = False
    suppression_reason: bool = False


class ModelInfo(Record):
    """A model the organisation allows, with what the token rules need to know of it."""

    name: str
    encoding: str
    context_window: int
    max_output_tokens: int | None = None


class LintSettings(Record):
    """The `lint:` section of promptreg.yaml: selection, severities and per-file
    ignores."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    unfixable: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = MappingProxyType({})
    severity: Mapping[str, str] = MappingProxyType({})
    fail_on: str = "error"
    options: Mapping[str, Any] = MappingProxyType({})
    """Everything else under `lint:` (budgets, phrase lists, domains) for rules to read."""


@dataclass(frozen=True, slots=True)
class Settings:
    """promptreg.yaml, resolved: where the registry is and the policy every command
    applies."""

    path: Path
    registry_dir: Path
    owners: tuple[str, ...]
    reviewers: Mapping[str, tuple[str, ...]]
    """Current members of each review group: the people who may approve now."""
    tiers: Mapping[int, TierPolicy]
    models: Mapping[str, ModelInfo]
    lint: LintSettings
    require_signed: bool = False
    allowed_signers: Path | None = None
    evals: EvalSettings = field(default_factory=EvalSettings)
    former_reviewers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Members who left a group: approvals they gave while members stay valid, and they
    give no new ones (docs/governance.md, "Offboarding a reviewer")."""
    signers_in_tree: Path | None = None
    """Where the allowed-signers file is in the work tree when `allowed_signers` points
    at a private copy of the base's version of it (promptreg.governance.policy)."""
    revision: str | None = None
    """The git commit this configuration was read from (`--base`); None: the work tree."""

    @property
    def root(self) -> Path:
        """The directory holding promptreg.yaml: the registry checkout's top."""
        return self.path.parent

    def tier(self, tier: int) -> TierPolicy:
        return self.tiers.get(tier, TierPolicy())


_LINT_KEYS = ("select", "ignore", "extend_select", "unfixable")


def _lint_settings(raw: Mapping[str, Any]) -> LintSettings:
    known = {*_LINT_KEYS, "per_file_ignores", "severity", "fail_on"}
    return LintSettings(
        select=tuple(raw.get("select", ("ALL",))),
        ignore=tuple(raw.get("ignore", ())),
        extend_select=tuple(raw.get("extend_select", ())),
        unfixable=tuple(raw.get("unfixable", ())),
        per_file_ignores=MappingProxyType(
            {glob: tuple(codes) for glob, codes in (raw.get("per_file_ignores") or {}).items()}
        ),
        severity=MappingProxyType(dict(raw.get("severity") or {})),
        fail_on=raw.get("fail_on", "error"),
        options=MappingProxyType({k: v for k, v in raw.items() if k not in known}),
    )


def _schema_hint(path: Path) -> str:
    """Where this repository keeps the configuration schema: `.promptreg/schemas/` in a
    repository `promptreg init` set up, `schemas/` in promptreg's own, else the copy
    inside the installed package."""
    for folder in (Path(".promptreg") / "schemas", Path("schemas")):
        if (path.parent / folder / CONFIG_SCHEMA).is_file():
            return (folder / CONFIG_SCHEMA).as_posix()
    return (schema_dir() / CONFIG_SCHEMA).as_posix()


def load_config(path: Path) -> Settings:
    """Read and validate promptreg.yaml; any problem is a ConfigError with its place."""
    path = path.resolve() if path.is_dir() is False else (path / CONFIG_NAME).resolve()
    if not path.is_file():
        raise ConfigError(
            f"{path} does not exist",
            hint="run `promptreg init` to create promptreg.yaml, or pass --config PATH",
        )
    from promptreg.core.bounded import MAX_CONFIG_BYTES, read_bounded

    return parse_config(path, read_bounded(path, MAX_CONFIG_BYTES, "promptreg.yaml"))


def parse_config(path: Path, data: bytes, revision: str | None = None) -> Settings:
    """Settings from the bytes of promptreg.yaml, whose place is `path` (relative paths in
    it are resolved from its folder). `revision` names the commit the bytes come from,
    when they are not the work tree's: the policy a pull request is judged by is read
    from its base (promptreg.governance.policy), never from the change itself."""
    document = read_document(path, data)
    refuse_literal_keys(document)
    problems = check_document(document, CONFIG_SCHEMA)
    if problems:
        first = problems[0]
        others = "".join(f"\n  {p.location}: {p.message}" for p in problems[1:])
        where = f" (as committed at {revision[:12]})" if revision else ""
        raise ConfigError(
            f"invalid configuration{where}: {first.message}{others}",
            location=first.location,
            hint=f"fix promptreg.yaml; its schema is {_schema_hint(path)}",
        )
    raw: dict[str, Any] = document.value
    root = path.parent
    reviewers = {group: tuple(emails) for group, emails in (raw.get("reviewers") or {}).items()}
    former = {group: tuple(emails) for group, emails in (raw.get("former_reviewers") or {}).items()}
    tiers: dict[int, TierPolicy] = {}
    for key, policy in (raw.get("tiers") or {}).items():
        tiers[int(key)] = TierPolicy(
            approvals=policy.get("approvals", 0),
            groups=tuple(policy.get("groups", ())),
            require=tuple(policy.get("require", ())),
            min_evals=policy.get("min_evals", 0),
            eval_max_age_days=policy.get("eval_max_age_days"),
            min_eval_pass_rate=policy.get("min_eval_pass_rate"),
            logging=policy.get("logging"),
            verify_approvals=policy.get("verify_approvals", False),
            suppression_reason=policy.get("suppression_reason", False),
        )
        for group in tiers[int(key)].groups:
            if group not in reviewers:
                raise ConfigError(
                    f"tier {key} requires approvals from group {group!r}, "
                    "which is not defined under reviewers:",
                    location=document.location(("tiers", key, "groups")),
                    hint=f"add `{group}:` with its members under reviewers:, or fix the name",
                )
    models = {
        name: ModelInfo(
            name, info["encoding"], info["context_window"], info.get("max_output_tokens")
        )
        for name, info in (raw.get("models") or {}).items()
    }
    signers = raw.get("allowed_signers")
    return Settings(
        path=path,
        registry_dir=root / raw.get("registry", "registry"),
        owners=tuple(raw["owners"]),
        reviewers=MappingProxyType(reviewers),
        tiers=MappingProxyType(tiers),
        models=MappingProxyType(models),
        lint=_lint_settings(raw.get("lint") or {}),
        require_signed=bool(raw.get("require_signed", False)),
        allowed_signers=root / signers if signers else None,
        evals=eval_settings(raw.get("evals"), document),
        former_reviewers=MappingProxyType(former),
        revision=revision,
    )


def config_location(settings: Settings) -> Location:
    return Location(settings.path)
