"""What changed between two versions of a prompt, as plain data.

The CLI prints it and the TUI renders it, so nothing here formats for a screen: values
are JSON-like (dicts, lists, strings, numbers), message text changes are unified-diff
lines, and the breaking/feature/fix verdict is `versions.classify`, the same analysis
the V rules and `promptreg bump` use.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from promptreg.core.model import Message, PromptSpec, Variable
from promptreg.core.versions import (
    LEVELS,
    Change,
    Level,
    classify,
    level_between,
    parse_version,
    required_level,
)

Kind = Literal["added", "removed", "changed"]


def plain(value: Any) -> Any:
    """A JSON-ready copy: mappings become dicts, sequences lists."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _kind(before: Any, after: Any) -> Kind:
    if before is None:
        return "added"
    if after is None:
        return "removed"
    return "changed"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One metadata field, e.g. ("model", "temperature"); None means absent."""

    path: tuple[str, ...]
    before: Any
    after: Any

    @property
    def kind(self) -> Kind:
        return _kind(self.before, self.after)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": list(self.path),
            "kind": self.kind,
            "before": plain(self.before),
            "after": plain(self.after),
        }


@dataclass(frozen=True, slots=True)
class VariableChange:
    name: str
    kind: Kind
    keys: tuple[str, ...]
    """The declaration keys that differ (all of them for an added or removed variable)."""
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "keys": list(self.keys),
            "before": plain(self.before),
            "after": plain(self.after),
        }


@dataclass(frozen=True, slots=True)
class OutputDiff:
    format_before: str
    format_after: str
    schema_before: Mapping[str, Any] | None
    schema_after: Mapping[str, Any] | None
    changes: tuple[Change, ...]
    """What the change means to code reading the output (from versions.classify)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "format": {"before": self.format_before, "after": self.format_after},
            "schema": {"before": plain(self.schema_before), "after": plain(self.schema_after)},
            "changes": [change_json(c) for c in self.changes],
        }


@dataclass(frozen=True, slots=True)
class MessageDiff:
    """One message that was added, removed or edited; indexes are 0-based, as in YAML paths."""

    index_before: int | None
    index_after: int | None
    role_before: str | None
    role_after: str | None
    unified: tuple[str, ...]
    """`difflib.unified_diff` lines of the content, without line ends."""

    @property
    def kind(self) -> Kind:
        return _kind(self.index_before, self.index_after)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "index": {"before": self.index_before, "after": self.index_after},
            "role": {"before": self.role_before, "after": self.role_after},
            "unified": list(self.unified),
        }


@dataclass(frozen=True, slots=True)
class PromptDiff:
    id: str
    version_before: str
    version_after: str
    content_hash_before: str
    content_hash_after: str
    metadata: tuple[FieldChange, ...]
    variables: tuple[VariableChange, ...]
    output: OutputDiff | None
    """None when the output format and schema are unchanged."""
    messages: tuple[MessageDiff, ...]
    evals: tuple[int, int]
    """Number of eval cases before and after."""
    approvals: tuple[int, int]
    changelog: tuple[int, int]
    changes: tuple[Change, ...]
    """Every change that matters to callers (versions.classify)."""
    suggested_level: Level | None
    """The bump these changes need, None when the content is unchanged."""
    bump: Level | None
    """The bump the version number actually made, None when it did not go up."""

    @property
    def content_changed(self) -> bool:
        return self.content_hash_before != self.content_hash_after

    @property
    def bump_sufficient(self) -> bool:
        """Whether the version went up at least as far as the changes need."""
        if self.suggested_level is None:
            return True
        return self.bump is not None and LEVELS.index(self.bump) >= LEVELS.index(
            self.suggested_level
        )

    @property
    def identical(self) -> bool:
        return not (
            self.content_changed
            or self.metadata
            or self.variables
            or self.output
            or self.messages
            or self.evals[0] != self.evals[1]
            or self.approvals[0] != self.approvals[1]
            or self.changelog[0] != self.changelog[1]
            or self.version_before != self.version_after
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": {"before": self.version_before, "after": self.version_after},
            "content_hash": {
                "before": self.content_hash_before,
                "after": self.content_hash_after,
                "changed": self.content_changed,
            },
            "identical": self.identical,
            "changes": [change_json(c) for c in self.changes],
            "suggested_level": self.suggested_level,
            "bump": self.bump,
            "bump_sufficient": self.bump_sufficient,
            "metadata": [f.to_json() for f in self.metadata],
            "variables": [v.to_json() for v in self.variables],
            "output": self.output.to_json() if self.output else None,
            "messages": [m.to_json() for m in self.messages],
            "evals": {"before": self.evals[0], "after": self.evals[1]},
            "approvals": {"before": self.approvals[0], "after": self.approvals[1]},
            "changelog": {"before": self.changelog[0], "after": self.changelog[1]},
        }


def change_json(change: Change) -> dict[str, Any]:
    return {"level": change.level, "description": change.description, "path": list(change.path)}


def _metadata(spec: PromptSpec) -> dict[tuple[str, ...], Any]:
    handoff = spec.handoff
    model = spec.model
    return {
        ("id",): spec.id,
        ("title",): spec.title,
        ("description",): spec.description,
        ("owner",): spec.owner,
        ("tier",): spec.tier,
        ("status",): spec.status,
        ("tags",): list(spec.tags),
        ("model", "name"): model.name,
        ("model", "temperature"): model.temperature,
        ("model", "top_p"): model.top_p,
        ("model", "max_output_tokens"): model.max_output_tokens,
        ("model", "seed"): model.seed,
        ("handoff", "ai"): handoff.ai if handoff else None,
        ("handoff", "human"): handoff.human if handoff else None,
        ("handoff", "checkpoint"): handoff.checkpoint if handoff else None,
        ("limitations",): spec.limitations,
        ("logging",): spec.logging,
        ("lint", "ignore"): [{"rule": s.rule, "reason": s.reason} for s in spec.suppressions]
        or None,
    }


def _metadata_changes(old: PromptSpec, new: PromptSpec) -> Iterator[FieldChange]:
    before, after = _metadata(old), _metadata(new)
    for path, value in before.items():
        if value != after[path]:
            yield FieldChange(path, value, after[path])


def _declaration(variable: Variable) -> dict[str, Any]:
    declared: dict[str, Any] = {
        "type": variable.type,
        "description": variable.description,
        "required": variable.required,
        "trusted": variable.trusted,
        "enum": list(variable.enum) if variable.enum is not None else None,
        "max_tokens": variable.max_tokens,
    }
    if variable.has_default:
        declared["default"] = plain(variable.default)
    return declared


def _variable_changes(old: PromptSpec, new: PromptSpec) -> Iterator[VariableChange]:
    for name, variable in old.variables.items():
        before = _declaration(variable)
        if name not in new.variables:
            yield VariableChange(name, "removed", tuple(before), before, None)
            continue
        after = _declaration(new.variables[name])
        keys = tuple(k for k in {**before, **after} if before.get(k) != after.get(k))
        if keys:
            yield VariableChange(name, "changed", keys, before, after)
    for name, variable in new.variables.items():
        if name not in old.variables:
            after = _declaration(variable)
            yield VariableChange(name, "added", tuple(after), None, after)


def _output_diff(old: PromptSpec, new: PromptSpec, changes: list[Change]) -> OutputDiff | None:
    format_before = old.output.format if old.output else "text"
    format_after = new.output.format if new.output else "text"
    schema_before = old.output.schema if old.output else None
    schema_after = new.output.schema if new.output else None
    if format_before == format_after and schema_before == schema_after:
        return None
    return OutputDiff(
        format_before,
        format_after,
        plain(schema_before),
        plain(schema_after),
        tuple(c for c in changes if c.path[:1] == ("output",)),
    )


def _label(side: str, index: int | None, message: Message | None) -> str:
    if index is None or message is None:
        return "/dev/null"
    return f"{side}/messages[{index}] ({message.role})"


def _message_diff(
    old: tuple[Message, ...], i: int | None, new: tuple[Message, ...], j: int | None
) -> MessageDiff:
    before = old[i] if i is not None else None
    after = new[j] if j is not None else None
    unified = difflib.unified_diff(
        before.content.splitlines() if before else [],
        after.content.splitlines() if after else [],
        fromfile=_label("a", i, before),
        tofile=_label("b", j, after),
        lineterm="",
    )
    return MessageDiff(
        i,
        j,
        before.role if before else None,
        after.role if after else None,
        tuple(unified),
    )


def _message_changes(old: tuple[Message, ...], new: tuple[Message, ...]) -> Iterator[MessageDiff]:
    """Messages paired by content, so inserting one does not show every later one as edited."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1)
        for k in range(pairs):
            yield _message_diff(old, i1 + k, new, j1 + k)
        for i in range(i1 + pairs, i2):
            yield _message_diff(old, i, new, None)
        for j in range(j1 + pairs, j2):
            yield _message_diff(old, None, new, j)


def diff_specs(old: PromptSpec, new: PromptSpec) -> PromptDiff:
    """Everything that differs from `old` to `new`, field by field."""
    changes = classify(old, new)
    old_version, new_version = parse_version(old.version), parse_version(new.version)
    bump = level_between(old_version, new_version) if old_version and new_version else None
    return PromptDiff(
        id=new.id,
        version_before=old.version,
        version_after=new.version,
        content_hash_before=old.content_hash,
        content_hash_after=new.content_hash,
        metadata=tuple(_metadata_changes(old, new)),
        variables=tuple(_variable_changes(old, new)),
        output=_output_diff(old, new, changes),
        messages=tuple(_message_changes(old.messages, new.messages)),
        evals=(len(old.evals), len(new.evals)),
        approvals=(len(old.approvals), len(new.approvals)),
        changelog=(len(old.changelog), len(new.changelog)),
        changes=tuple(changes),
        suggested_level=required_level(changes),
        bump=bump,
    )
