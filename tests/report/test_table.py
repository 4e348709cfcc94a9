"""Plain-text tables: columns as wide as their widest cell, no trailing blanks."""

from __future__ import annotations

from promptreg.report.table import table


def test_columns_align_and_lines_end_without_blanks() -> None:
    out = table([["a", "long cell", ""], ["bbbb", "x", "end"]], ["ID", "TITLE", "Z"])

    assert out.split("\n") == [
        "ID    TITLE      Z",
        "a     long cell",
        "bbbb  x          end",
    ]


def test_no_rows_is_the_header_alone() -> None:
    assert table([], ["CODE", "NAME"]) == "CODE  NAME"
