"""Semantic versions and what a change between two versions of a prompt means.

Application code depends on a prompt's variables and its output schema, so the kind of a
change decides the version bump it needs: removing a variable, adding a required one,
narrowing a type or making the output schema incompatible is breaking (major); adding
an optional variable or output field is a feature (minor); any other content edit is a
fix (patch). `promptreg bump`, the V rules and the diff view share this one analysis.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from promptreg.core.model import PromptSpec, Variable

Level = Literal["major", "minor", "patch"]
LEVELS: tuple[Level, ...] = ("patch", "minor", "major")

SEMVER_RE = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\Z"
)


@dataclass(frozen=True, slots=True)
class Version:
    """A semantic version, compared by precedence."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return f"{core}-{'.'.join(self.prerelease)}" if self.prerelease else core

    def _key(self) -> tuple[Any, ...]:
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, pre)

    def __lt__(self, other: Version) -> bool:
        return self._key() < other._key()

    def __le__(self, other: Version) -> bool:
        return self._key() <= other._key()

    def bumped(self, level: Level) -> Version:
        if level == "major":
            return Version(self.major + 1, 0, 0)
        if level == "minor":
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + (0 if self.prerelease else 1))


def parse_version(text: str) -> Version | None:
    match = SEMVER_RE.match(text)
    if match is None:
        return None
    major, minor, patch, pre, _build = match.groups()
    return Version(int(major), int(minor), int(patch), tuple(pre.split(".")) if pre else ())


def level_between(old: Version, new: Version) -> Level | None:
    """The bump `new` is over `old`, or None when it is not higher."""
    if not old < new:
        return None
    if new.major != old.major:
        return "major"
    if new.minor != old.minor:
        return "minor"
    return "patch"


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two versions of a prompt and the bump it needs."""

    level: Level
    description: str
    path: tuple[str | int, ...]
    """Where the change shows in the new file (or its nearest existing parent)."""


def _variable_changes(old: Mapping[str, Variable], new: Mapping[str, Variable]) -> Iterator[Change]:
    for name, before in old.items():
        after = new.get(name)
        where: tuple[str | int, ...] = ("variables", name)
        if after is None:
            yield Change("major", f"variable {name!r} was removed", ("variables",))
            continue
        if before.type != after.type and not (before.type == "integer" and after.type == "number"):
            yield Change(
                "major",
                f"variable {name!r} changed type {before.type} → {after.type}",
                (*where, "type"),
            )
        if after.enum is not None and (before.enum is None or set(before.enum) - set(after.enum)):
            yield Change("major", f"variable {name!r} accepts fewer values", (*where, "enum"))
        elif before.enum is not None and after.enum is None:
            yield Change("minor", f"variable {name!r} accepts any value now", where)
        elif (
            before.enum is not None
            and after.enum is not None
            and set(after.enum) - set(before.enum)
        ):
            yield Change("minor", f"variable {name!r} accepts more values", (*where, "enum"))
        if (
            after.required
            and not after.has_default
            and not (before.required and not before.has_default)
        ):
            yield Change("major", f"variable {name!r} became required", where)
    for name, after in new.items():
        if name not in old:
            if after.required and not after.has_default:
                yield Change("major", f"required variable {name!r} was added", ("variables", name))
            else:
                yield Change("minor", f"optional variable {name!r} was added", ("variables", name))


def _types(schema: Mapping[str, Any]) -> frozenset[str]:
    kind = schema.get("type")
    if kind is None:
        return frozenset()
    return frozenset([kind] if isinstance(kind, str) else kind)


def schema_changes(old: Any, new: Any, where: tuple[str | int, ...]) -> Iterator[Change]:
    """How an output schema changed, from the point of view of code reading the output."""
    if not isinstance(old, Mapping) or not isinstance(new, Mapping) or old == new:
        if old != new:
            yield Change("major", "the output schema was replaced", where)
        return
    old_types, new_types = _types(old), _types(new)
    if new_types - old_types and old_types:
        yield Change(
            "major",
            f"output at {_dotted(where)} may now be {', '.join(sorted(new_types - old_types))}",
            where,
        )
    if "enum" in new and (
        set(map(repr, new["enum"])) - set(map(repr, old.get("enum", new["enum"])))
    ):
        yield Change("major", f"output at {_dotted(where)} has new values", (*where, "enum"))
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
    for name in old_props:
        if name not in new_props:
            yield Change("major", f"output field {name!r} was removed", (*where, "properties"))
        elif name in old_required and name not in new_required:
            yield Change(
                "major", f"output field {name!r} is no longer always present", (*where, "required")
            )
    for name in new_props:
        if name not in old_props:
            yield Change("minor", f"output field {name!r} was added", (*where, "properties", name))
    for name in set(old_props) & set(new_props):
        yield from schema_changes(old_props[name], new_props[name], (*where, "properties", name))
    if old.get("additionalProperties") is False and new.get("additionalProperties") is not False:
        yield Change("major", f"output at {_dotted(where)} may carry extra fields", where)
    if "items" in old and "items" in new:
        yield from schema_changes(old["items"], new["items"], (*where, "items"))


def _dotted(where: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in where)


def classify(old: PromptSpec, new: PromptSpec) -> list[Change]:
    """Every change from `old` to `new` that matters to callers, plus a patch for the rest."""
    changes = list(_variable_changes(old.variables, new.variables))
    old_out, new_out = old.output, new.output
    old_format = old_out.format if old_out else "text"
    new_format = new_out.format if new_out else "text"
    if old_format != new_format:
        changes.append(
            Change("major", f"output format changed {old_format} → {new_format}", ("output",))
        )
    elif old_out and new_out and old_out.schema != new_out.schema:
        changes.extend(schema_changes(old_out.schema, new_out.schema, ("output", "schema")))
    if not changes and old.content_hash != new.content_hash:
        if old.messages != new.messages:
            changes.append(Change("patch", "message text changed", ("messages",)))
        if old.model != new.model:
            changes.append(Change("patch", "model settings changed", ("model",)))
    return changes


def required_level(changes: list[Change]) -> Level | None:
    if not changes:
        return None
    return max((c.level for c in changes), key=LEVELS.index)
