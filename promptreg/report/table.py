"""Plain-text tables: left-aligned columns two spaces apart, no trailing blanks.

`list`, `rules` and `history` print their rows this way, so that `awk` and `cut` read
every table alike.
"""

from __future__ import annotations


def table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(headers), *(line(r) for r in rows)])
