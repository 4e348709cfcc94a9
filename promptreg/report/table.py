"""Plain-text tables: left-aligned columns two spaces apart, no trailing blanks.

`list`, `rules` and `history` print their rows this way, so that `awk` and `cut` read
every table alike. Cells come from pull requests and commits (titles, author names), so
each is made printable first: a control character is written as an escape, never sent
to the terminal.
"""

from __future__ import annotations

from promptreg.report.terminal import printable


def table(rows: list[list[str]], headers: list[str]) -> str:
    rows = [[printable(cell) for cell in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(headers), *(line(r) for r in rows)])
