"""Block tags (`{{#if}}`, `{{#each}}`, `{{#with}}`, Mustache sections) to Jinja2 blocks.

Handlebars and Jinja2 agree on truthiness for what prompts pass (empty strings, lists
and zero are false) and both run a loop's `else` when the list is empty, so the blocks
map one to one; what differs (`{}` is true in Handlebars, false in Jinja2) is noted.
"""

from __future__ import annotations

import re

from promptreg.importers.mustache_tokens import BlockHost, Scope, Token, split_parts

_EQUALS = {"ifEquals": "==", "unlessEquals": "!="}


def _branches(body: list[Token]) -> list[tuple[Token | None, list[Token]]]:
    """The body split at its own `{{else}}` tags: (the else tag or None, tokens)."""
    branches: list[tuple[Token | None, list[Token]]] = [(None, [])]
    depth = 0
    for token in body:
        if token.kind in ("open", "inverse"):
            depth += 1
        elif token.kind == "close":
            depth -= 1
        elif token.kind == "else" and depth == 0:
            branches.append((token, []))
            continue
        branches[-1][1].append(token)
    return branches


def _loop_name(converter: BlockHost, collection: str) -> str:
    last = re.split(r"[.\[\]()| ]+", collection.strip("()"))
    word = next((w for w in reversed(last) if w.isidentifier()), "item")
    base = word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else "item"
    taken = set(converter.variables) | set(converter.types) | converter.loop_names
    name, number = base, 2
    while name in taken or name == word:
        name, number = f"{base}{number}", number + 1
    converter.loop_names.add(name)
    return name


def convert_block(converter: BlockHost, token: Token, body: list[Token], depth: int) -> None:
    parts = split_parts(token.text)
    helper = parts[0] if parts else ""
    branches = _branches(body)
    if token.kind == "inverse":
        condition = converter.path(token, helper)
        if condition is None or len(parts) != 1:
            _leave_block(converter, token, body, depth, "no Jinja2 equivalent")
            return
        _if_block(converter, f"not {condition}", branches, depth, token)
        return
    if converter.mustache:
        _section(converter, token, parts, branches, depth)
        return
    arguments = [converter.argument(token, p) for p in parts[1:]]
    if helper in ("if", "unless") and len(arguments) == 1 and arguments[0] is not None:
        condition = arguments[0] if helper == "if" else f"not {arguments[0]}"
        _if_block(converter, condition, branches, depth, token)
    elif helper in _EQUALS and len(arguments) == 2 and None not in arguments:
        condition = f"{arguments[0]} {_EQUALS[helper]} {arguments[1]}"
        _if_block(converter, condition, branches, depth, token)
    elif helper == "each" and arguments and arguments[0] is not None:
        _each(converter, token, parts, arguments[0], branches, depth)
    elif helper == "with" and len(arguments) == 1 and arguments[0] is not None:
        context = arguments[0]
        converter.emit("{% if " + context + " %}")
        converter.scopes.append(Scope("with", context))
        converter.convert(branches[0][1], depth)
        converter.scopes.pop()
        _else_branches(converter, branches[1:], depth)
        converter.emit("{% endif %}")
    elif helper == "role" and len(parts) == 2:
        text = "".join(t.source or t.text for t in body)
        converter.notes.append(
            (
                token.line,
                f"{token.source} ... {{{{/role}}}}: Dotprompt renders nothing for a "
                "role block, so neither does the draft; its text is kept as a comment",
            )
        )
        if "#}" not in text:
            converter.emit("{#" + text + "#}")
    elif helper.startswith(">"):
        name = helper[1:].strip()
        if converter.partials(name) is not None:
            converter.partial(Token("partial", token.text[1:], token.line, token.source), depth)
        else:
            converter.convert(branches[0][1], depth)
    else:
        _leave_block(converter, token, body, depth, f"the block helper {helper!r} has none")


def _if_block(
    converter: BlockHost,
    condition: str,
    branches: list[tuple[Token | None, list[Token]]],
    depth: int,
    token: Token,
) -> None:
    converter.emit("{% if " + condition + " %}")
    converter.convert(branches[0][1], depth)
    _else_branches(converter, branches[1:], depth)
    converter.emit("{% endif %}")


def _else_branches(
    converter: BlockHost, branches: list[tuple[Token | None, list[Token]]], depth: int
) -> None:
    for tag, tokens in branches:
        assert tag is not None
        parts = split_parts(tag.text)
        if parts and parts[0] == "if" and len(parts) == 2:
            condition = converter.argument(tag, parts[1])
            if condition is None:
                converter.leave(tag, "no Jinja2 equivalent for this condition")
            else:
                converter.emit("{% elif " + condition + " %}")
        elif parts:
            converter.leave(tag, "only `else` and `else if` convert")
        else:
            converter.emit("{% else %}")
        converter.convert(tokens, depth)


def _each(
    converter: BlockHost,
    token: Token,
    parts: list[str],
    collection: str,
    branches: list[tuple[Token | None, list[Token]]],
    depth: int,
) -> None:
    params = re.search(r"\bas\s+\|\s*([\w]+)(?:\s+([\w]+))?\s*\|", token.text)
    name = params.group(1) if params else _loop_name(converter, collection)
    source_text = "".join(t.source for t in branches[0][1])
    head = parts[1].split(".")[0]
    is_object = converter.types.get(head) == "object" or "@key" in source_text
    if collection in converter.variables:
        converter.inferred[collection] = "object" if is_object else "array"
    scope = Scope("each", None if params else name, loop=True, key="key" if is_object else None)
    if params:
        scope.names = frozenset(p for p in params.groups() if p)
    if is_object:
        converter.emit("{% for key, " + name + " in " + collection + ".items() %}")
    else:
        converter.emit("{% for " + name + " in " + collection + " %}")
    converter.scopes.append(scope)
    converter.convert(branches[0][1], depth)
    converter.scopes.pop()
    for tag, tokens in branches[1:]:
        assert tag is not None
        converter.emit("{% else %}")
        converter.convert(tokens, depth)
    converter.emit("{% endfor %}")


def _section(
    converter: BlockHost,
    token: Token,
    parts: list[str],
    branches: list[tuple[Token | None, list[Token]]],
    depth: int,
) -> None:
    """A Mustache section: a loop for a list, a context for an object, else a condition."""
    value = converter.path(token, parts[0]) if len(parts) == 1 else None
    if value is None or len(branches) > 1:
        _leave_block(converter, token, [t for _, b in branches for t in b], depth, "not a name")
        return
    kind = converter.types.get(parts[0].split(".")[0], "")
    if kind == "array":
        name = _loop_name(converter, value)
        converter.emit("{% for " + name + " in " + value + " %}")
        converter.scopes.append(Scope("each", name, loop=True))
        converter.convert(branches[0][1], depth)
        converter.scopes.pop()
        converter.emit("{% endfor %}")
        return
    if kind != "object":
        converter.notes.append(
            (
                token.line,
                f"{token.source} became a condition: Mustache would loop if "
                f"{parts[0]} were a list; declare its type in the source to get a loop",
            )
        )
    converter.emit("{% if " + value + " %}")
    converter.scopes.append(Scope("section", value if kind == "object" else None))
    converter.convert(branches[0][1], depth)
    converter.scopes.pop()
    converter.emit("{% endif %}")


def _leave_block(
    converter: BlockHost, token: Token, body: list[Token], depth: int, why: str
) -> None:
    converter.leave(token, why)
    converter.convert([t for t in body if t.kind != "else"], depth)
    close = Token("close", "", token.line, "{{/" + (split_parts(token.text) or [""])[0] + "}}")
    converter.emit("{% raw %}" + close.source + "{% endraw %}")
