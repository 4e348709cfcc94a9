"""A prompt file as frozen, typed values. No I/O here: the loader builds these.

The model is built only from a document that passed the schema, so constructors can
trust shapes; what the schema cannot say (ids matching paths, known owners) is the
linter's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from promptreg.core.document import Document, PathKey
from promptreg.core.hashing import content_hash
from promptreg.core.location import Location, Span

# typing costs ~15 ms to import and the SDK path needs it only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal

    Role = Literal["system", "developer", "user", "assistant"]
    Status = Literal["draft", "review", "approved", "deprecated"]
    VarType = Literal["string", "integer", "number", "boolean", "array", "object"]
    OutputFormat = Literal["text", "json"]

TIERS = (1, 2, 3)
STATUSES: tuple[Status, ...] = ("draft", "review", "approved", "deprecated")
LOGGING_LEVELS = ("none", "metadata", "full")


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """The model a prompt is written for and its sampling settings."""

    name: str
    temperature: float | None = None
    top_p: float | None = None
    max_output_tokens: int | None = None
    seed: int | None = None


@dataclass(frozen=True, slots=True)
class Variable:
    """A typed template variable; untrusted unless declared trusted."""

    name: str
    type: VarType
    description: str
    required: bool = True
    default: Any = None
    has_default: bool = False
    enum: tuple[Any, ...] | None = None
    trusted: bool = False
    max_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """One chat message, its content a template."""

    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class Output:
    """The answer's format and, for JSON, the schema it must follow."""

    format: OutputFormat
    schema: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Handoff:
    """Who does what: the model's part, the person's, and where one checks the other."""

    ai: str
    human: str
    checkpoint: str


@dataclass(frozen=True, slots=True)
class Assertion:
    """One check of an eval case's answer."""

    type: str
    value: Any = None
    threshold: float | None = None


@dataclass(frozen=True, slots=True)
class EvalCase:
    """An eval case: the variables to render with and what the answer must satisfy."""

    name: str
    vars: Mapping[str, Any]
    asserts: tuple[Assertion, ...]
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Approval:
    """A reviewer's sign-off on the content with this hash; editing the content voids
    it."""

    reviewer: str
    group: str
    date: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class ChangelogEntry:
    """What changed in one version, and when."""

    version: str
    date: str
    summary: str


@dataclass(frozen=True, slots=True)
class Suppression:
    """A `lint.ignore` entry of the prompt file: the rule and why it is waived."""

    rule: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class PromptSpec:
    """One prompt file, validated, with the document it came from for positions."""

    id: str
    version: str
    title: str
    description: str
    owner: str
    tier: int
    status: Status
    model: ModelSettings
    messages: tuple[Message, ...]
    variables: Mapping[str, Variable] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    output: Output | None = None
    handoff: Handoff | None = None
    limitations: str | None = None
    logging: str | None = None
    evals: tuple[EvalCase, ...] = ()
    approvals: tuple[Approval, ...] = ()
    changelog: tuple[ChangelogEntry, ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    document: Document | None = field(default=None, repr=False, compare=False)
    content_hash: str = ""

    @property
    def path(self) -> Path | None:
        return self.document.path if self.document else None

    def span(self, path: PathKey, *, key: bool = False) -> Span:
        """Source span of any key or value, e.g. span(("variables", "x", "type"))."""
        return self.document.span(path, key=key) if self.document else Span.at(1, 1)

    def location(self, path: PathKey = (), *, key: bool = False) -> Location:
        return Location(self.path or Path(self.id), self.span(path, key=key))


def _variable(name: str, raw: Mapping[str, Any]) -> Variable:
    enum = raw.get("enum")
    return Variable(
        name=name,
        type=raw["type"],
        description=raw["description"],
        required=bool(raw.get("required", "default" not in raw)),
        default=raw.get("default"),
        has_default="default" in raw,
        enum=tuple(enum) if enum is not None else None,
        trusted=bool(raw.get("trusted", False)),
        max_tokens=raw.get("max_tokens"),
    )


def build_spec(data: Mapping[str, Any], document: Document | None = None) -> PromptSpec:
    """Typed values from a schema-valid mapping."""
    model = data["model"]
    output = data.get("output")
    handoff = data.get("handoff")
    return PromptSpec(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        description=data["description"],
        owner=data["owner"],
        tier=data["tier"],
        status=data["status"],
        model=ModelSettings(
            name=model["name"],
            temperature=model.get("temperature"),
            top_p=model.get("top_p"),
            max_output_tokens=model.get("max_output_tokens"),
            seed=model.get("seed"),
        ),
        messages=tuple(Message(m["role"], m["content"]) for m in data["messages"]),
        variables=MappingProxyType(
            {name: _variable(name, raw) for name, raw in (data.get("variables") or {}).items()}
        ),
        tags=tuple(data.get("tags") or ()),
        output=Output(output["format"], output.get("schema")) if output else None,
        handoff=Handoff(handoff["ai"], handoff["human"], handoff["checkpoint"])
        if handoff
        else None,
        limitations=data.get("limitations"),
        logging=data.get("logging"),
        evals=tuple(
            EvalCase(
                name=case["name"],
                vars=MappingProxyType(dict(case.get("vars") or {})),
                asserts=tuple(
                    Assertion(a["type"], a.get("value"), a.get("threshold")) for a in case["assert"]
                ),
                description=case.get("description"),
            )
            for case in data.get("evals") or ()
        ),
        approvals=tuple(
            Approval(a["reviewer"], a["group"], a["date"], a["content_hash"])
            for a in data.get("approvals") or ()
        ),
        changelog=tuple(
            ChangelogEntry(c["version"], c["date"], c["summary"])
            for c in data.get("changelog") or ()
        ),
        suppressions=tuple(
            Suppression(s["rule"], s.get("reason"))
            for s in (data.get("lint") or {}).get("ignore") or ()
        ),
        data=MappingProxyType(dict(data)),
        document=document,
        content_hash=content_hash(data),
    )
