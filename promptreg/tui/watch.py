"""Live reload: the registry folder and promptreg.yaml watched with watchfiles (the
operating system's change notifications, not polling by hand)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from promptreg.core.names import PROMPT_SUFFIX

DEBOUNCE_MS = 150


def available() -> bool:
    try:
        import watchfiles  # noqa: F401
    except ImportError:
        return False
    return True


async def changes(registry_dir: Path, config: Path) -> AsyncIterator[frozenset[Path]]:
    """Each batch of changed prompt files (and promptreg.yaml), as they happen."""
    from watchfiles import awatch

    watched = [p for p in (registry_dir, config) if p.exists()]
    async for batch in awatch(*watched, debounce=DEBOUNCE_MS, step=50):
        paths = frozenset(
            Path(name) for _, name in batch if name.endswith(PROMPT_SUFFIX) or Path(name) == config
        )
        if paths:
            yield paths
