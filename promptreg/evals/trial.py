"""One request outside an eval run: a person trying a prompt with inputs of their own.

The TUI's test pane sends the rendered prompt to the configured endpoint and shows the
answer as it streams in. It goes through the eval runner's client (the same endpoint
settings, model aliases and key handling as `promptreg test`), but records nothing:
an answer to hand-typed inputs is evidence of nothing a reviewer signs off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from promptreg.core.config import Settings
from promptreg.core.errors import PromptregError
from promptreg.evals.client import Caller, Failure, connection

DEFAULT_TIMEOUT = 120.0


class TrialError(PromptregError):
    """The endpoint gave no answer; the message says why (never the key)."""

    exit_status = 3


async def stream_answer(
    settings: Settings,
    request: Mapping[str, Any],
    *,
    endpoint: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> AsyncIterator[str]:
    """The text of the endpoint's answer to `request` (Prompt.openai_chat's arguments),
    piece by piece; TrialError when the endpoint cannot be used.

    The model name goes through the endpoint's aliases, as in an eval run. Closing the
    iterator early (a cancelled worker) closes the connection.
    """
    link = connection(settings, endpoint)
    body = dict(request)
    body["model"] = link.endpoint.model_for(str(body["model"]))
    caller = Caller(link, timeout)
    try:
        async for piece in caller.stream(body):
            yield piece
    except Failure as failure:
        raise TrialError(
            failure.message, hint=f"endpoint {link.endpoint.name!r} at {link.host}"
        ) from None
    finally:
        await caller.close()
