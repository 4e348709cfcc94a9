"""Round-trip edits of prompt files for `bump` and `approve`: change one thing, keep the rest.

Each edit is a Change (edit/splice.py): the same change made to ruamel's tree and to
the plain data, and the lines it may rewrite. splice makes it, copies every other line
and checks the result before anything is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from promptreg.core.document import Document
from promptreg.core.model import Approval, ChangelogEntry
from promptreg.edit.layout import FIELD_ORDER
from promptreg.edit.roundtrip import (
    comment_token,
    field_scalar,
    is_block_collection,
    new_mapping,
    new_sequence,
    split_trailing,
    trailing_comment,
)
from promptreg.edit.splice import (
    Change,
    EditError,
    apply_change,
    empty_key_lines,
    lines_of,
    write_edit,
)

__all__ = ["EditError", "approval_text", "bump_text", "write_edit"]

Style = Literal["flow", "block"]


# --- public operations ------------------------------------------------------------------


def bump_text(
    text: str,
    version: str,
    entry: ChangelogEntry,
    *,
    replace_top: bool = False,
    status: str | None = None,
    path: Path = Path("<text>"),
) -> str:
    """`text` with `version:` set and `entry` at the top of `changelog:` (and `status:`
    set to `status` when given: an approved prompt whose content changes goes back to
    review).

    With `replace_top` the first changelog entry is overwritten instead (a version that
    was bumped again before it was ever committed). A missing `changelog:` is created in
    its canonical place; an entry copies the style (flow or block) of its neighbours,
    flow when it has none, as `promptreg new` writes it.
    """
    fields = {"version": version, "date": entry.date, "summary": entry.summary}

    def on_tree(root: Any) -> None:
        root["version"] = _like(root.get("version"), version)
        _set_status(root, status)
        sequence = _sequence(root, "changelog")
        if replace_top:
            _overwrite(sequence[0], fields)
        else:
            style = _neighbour_style(sequence, 0, default="flow")
            sequence.insert(0, _entry(fields, style))

    def on_data(data: dict[str, Any]) -> None:
        data["version"] = version
        _set_status(data, status)
        items = _plain_sequence(data, "changelog")
        if replace_top:
            items[0].update(fields)
        else:
            items.insert(0, dict(fields))

    def replaceable(document: Document) -> set[int]:
        lines = lines_of(document, ("version",))
        lines |= empty_key_lines(document, "changelog")
        if status is not None:
            lines |= lines_of(document, ("status",))
        if replace_top:
            lines |= lines_of(document, ("changelog", 0))
        return lines

    keys = ("version", "changelog", *(("status",) if status is not None else ()))
    change = Change(keys, "changelog", on_tree, on_data, replaceable)
    return apply_change(text, path, change)


def approval_text(
    text: str,
    approval: Approval,
    *,
    replace_index: int | None = None,
    status: str | None = None,
    drop: tuple[int, ...] = (),
    path: Path = Path("<text>"),
) -> str:
    """`text` with `approval` appended to `approvals:`, or written over entry `replace_index`
    (and `status:` set to `status` when given: the approval that completes the count
    makes the prompt approved). The entries at `drop` are removed: stale approvals of
    earlier content, which count for nothing and would stop the SDK serving it.

    Replacing is for a reviewer approving again after the content changed: their stale
    entry becomes the new one, so the file never holds two approvals by one person.
    A new entry copies the style of its neighbours, block when it has none, as the
    registry's files write approvals.
    """
    fields = {
        "reviewer": approval.reviewer,
        "group": approval.group,
        "date": approval.date,
        "content_hash": approval.content_hash,
    }

    def on_tree(root: Any) -> None:
        _set_status(root, status)
        sequence = _sequence(root, "approvals")
        if replace_index is not None:
            _overwrite(sequence[replace_index], fields)
        else:
            style = _neighbour_style(sequence, len(sequence) - 1, default="block")
            item = _entry(fields, style)
            tail = _take_tail_comment(sequence)
            sequence.append(item)
            if tail is not None:
                _give_tail_comment(sequence, item, tail)
        for index in sorted(drop, reverse=True):
            del sequence[index]

    def on_data(data: dict[str, Any]) -> None:
        _set_status(data, status)
        items = _plain_sequence(data, "approvals")
        if replace_index is not None:
            items[replace_index].update(fields)
        else:
            items.append(dict(fields))
        for index in sorted(drop, reverse=True):
            del items[index]

    def replaceable(document: Document) -> set[int]:
        lines = empty_key_lines(document, "approvals")
        if status is not None:
            lines |= lines_of(document, ("status",))
        for index in drop:
            lines |= lines_of(document, ("approvals", index))
        if replace_index is not None:
            lines |= lines_of(document, ("approvals", replace_index))
        return lines

    keys = ("approvals", *(("status",) if status is not None else ()))
    change = Change(keys, "approvals", on_tree, on_data, replaceable)
    return apply_change(text, path, change)


# --- ruamel helpers -----------------------------------------------------------------------


def _set_status(mapping: Any, status: str | None) -> None:
    """Set an existing `status:` (the schema requires one) in place, keeping its style."""
    if status is not None and "status" in mapping:
        mapping["status"] = _like(mapping["status"], status)


def _like(old: Any, value: str) -> Any:
    """`value` as a scalar of the same kind as `old`, so quotes stay as written."""
    return type(old)(value) if isinstance(old, str) and type(old) is not str else value


def _entry(fields: dict[str, str], style: Style) -> Any:
    pairs = ((key, field_scalar(key, value)) for key, value in fields.items())
    return new_mapping(pairs, flow=style == "flow")


def _overwrite(item: Any, fields: dict[str, str]) -> None:
    if not isinstance(item, dict):
        raise EditError("the entry to replace is not a mapping")
    for key, value in fields.items():
        old = item.get(key)
        item[key] = _like(old, value) if isinstance(old, str) else field_scalar(key, value)


def _neighbour_style(sequence: Any, index: int, *, default: Style) -> Style:
    from ruamel.yaml.comments import CommentedMap

    if 0 <= index < len(sequence) and isinstance(sequence[index], CommentedMap):
        return "flow" if sequence[index].fa.flow_style() else "block"
    return default


def _sequence(root: Any, key: str) -> Any:
    """The list at `key`, created in its canonical place, and in block style when empty."""
    from ruamel.yaml.comments import CommentedSeq

    value = root.get(key)
    if value is None:
        sequence = new_sequence((), flow=False)
        if key in root:
            root[key] = sequence
        else:
            root.insert(_canonical_index(list(root), key), key, sequence)
        return sequence
    if not isinstance(value, CommentedSeq):
        raise EditError(f"`{key}:` is not a list")
    if not value:
        value.fa.set_block_style()
    return value


def _canonical_index(keys: list[str], key: str) -> int:
    rank = {name: index for index, name in enumerate(FIELD_ORDER)}
    mine = rank[key]
    for index, existing in enumerate(keys):
        if rank.get(existing, len(FIELD_ORDER)) > mine:
            return index
    return len(keys)


def _plain_sequence(data: dict[str, Any], key: str) -> list[Any]:
    if data.get(key) is None:
        if key not in data:
            pairs = list(data.items())
            pairs.insert(_canonical_index(list(data), key), (key, []))
            data.clear()
            data.update(pairs)
        else:
            data[key] = []
    items: list[Any] = data[key]
    return items


def _take_tail_comment(sequence: Any) -> str | None:
    """Detach the comment lines that follow the list's last item.

    ruamel keeps the lines after a list (a blank line, a comment above the next key) on
    the last item's last value; appending an item would put them above the new item.
    Returns those lines; a comment on the value's own line stays where it is.
    """
    if not sequence:
        return None
    node: Any = sequence
    key: Any = len(sequence) - 1
    while is_block_collection(node[key]) and node[key]:
        child = node[key]
        node, key = child, (next(reversed(child)) if isinstance(child, dict) else len(child) - 1)
    found = trailing_comment(node, key)
    if found is None:
        return None
    entry, slot, token = found
    head, tail = split_trailing(token.value, node[key])
    if not tail.strip():
        return None
    if head.strip():
        token.value = head
    else:
        entry[slot] = None
    return tail


def _give_tail_comment(sequence: Any, item: Any, tail: str) -> None:
    """Attach the detached lines after the new last item (see _take_tail_comment)."""
    lines = "\n" + tail  # the new item's own line end, then the lines below it
    if item.fa.flow_style():
        entry = sequence.ca.items.setdefault(len(sequence) - 1, [None, None, None, None])
        entry[0] = comment_token(lines, 0)
    else:
        last = next(reversed(item))
        item.ca.items[last] = [None, None, comment_token(lines, 0), None]
