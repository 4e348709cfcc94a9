"""The Dotprompt Python package as the reference renderer: (role, text) per message."""

from __future__ import annotations

import asyncio
from typing import Any

import dotpromptz  # the Dotprompt package, from the dev group

ROLES = {"model": "assistant", "system": "system", "user": "user"}


def render(source: str, data: dict[str, Any], partials: dict[str, str]) -> list[tuple[str, str]]:
    engine = dotpromptz.Dotprompt(partials=partials)
    rendered = asyncio.run(engine.render(source, dotpromptz.DataArgument(input=data)))
    out = []
    for message in rendered.messages:
        role = message.role.value if hasattr(message.role, "value") else str(message.role)
        text = "".join(getattr(part, "text", "") or "" for part in message.content)
        out.append((ROLES[role], text))
    return out
