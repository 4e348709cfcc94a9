"""The browser's list: a Line-API ScrollView that paints only the rows on screen.

A widget per row (OptionList, DataTable) costs seconds for 10,000 prompts; here a row
is a tuple in a list, filtering is one pass over it, and painting asks `render_line`
for the thirty-odd lines visible. Rows arrive as bare paths first and are replaced in
place as the index worker fills them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from time import monotonic
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from promptreg.tui.index import Row
from promptreg.tui.messages import FilterApplied, PromptChosen
from promptreg.tui.query import Query, facts_of, parse_query

COLUMNS: tuple[tuple[str, int], ...] = (
    ("ID", 40),
    ("TITLE", 36),
    ("TIER", 5),
    ("STATUS", 11),
    ("OWNER", 22),
    ("SERVE", 6),
    ("LINT", 5),
)
SORTS: dict[str, Callable[[Row], tuple[object, ...]]] = {
    "id": lambda r: (r.id,),
    "tier": lambda r: (-(r.tier or 0), r.id),
    "status": lambda r: (r.status, r.id),
    "owner": lambda r: (r.owner, r.id),
    "serve": lambda r: (r.serve is not False, r.id),
}


REFILTER_SECONDS = 0.25
"""While rows stream in, the filter is applied again at most this often: a pass over
10,000 rows with a fuzzy word costs tens of milliseconds, and the index delivers a
batch every few, so re-filtering each one left keys waiting behind the passes."""


def _cell(text: str, width: int) -> str:
    return text[: width - 2] + "… " if len(text) >= width else text.ljust(width)


def cells(row: Row) -> tuple[str, ...]:
    """A row's column texts (also what a test reads instead of pixels)."""
    if not row.loaded:
        return (row.id, "…", "", "", "", "…", "")
    serve = {True: "yes", False: "no", None: "…"}[row.serve]
    lint = "…" if row.lint_errors is None else (str(row.lint_errors) if row.lint_errors else "ok")
    return (
        row.id,
        row.title if row.valid else "(does not load)",
        f"T{row.tier}" if row.tier else "",
        row.status,
        row.owner,
        serve,
        lint,
    )


def header_line() -> str:
    return "".join(_cell(name, width) for name, width in COLUMNS)


class PromptList(ScrollView, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False, id="list.up"),
        Binding("down,j", "move(1)", "Down", show=False, id="list.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="list.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="list.page_down"),
        Binding("home,g", "jump(0)", "First", show=False, id="list.first"),
        Binding("end,G", "jump(-1)", "Last", show=False, id="list.last"),
        Binding("enter", "open", "Open", id="list.open"),
        Binding("n", "match(1)", "Next match", id="list.next_match"),
        Binding("N", "match(-1)", "Previous match", show=False, id="list.previous_match"),
        Binding("s", "sort", "Sort", id="list.sort"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "prompt-list--cursor",
        "prompt-list--no",
        "prompt-list--yes",
        "prompt-list--pending",
        "prompt-list--tier3",
    }

    cursor: reactive[int] = reactive(0)
    sort_key: reactive[str] = reactive("id")

    def __init__(self, rows: Iterable[Row] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Row] = list(rows)
        self._where: dict[str, int] = {r.id: i for i, r in enumerate(self.rows)}
        self.filter_query = parse_query("")
        self.shown: list[Row] = list(self.rows)
        self._matched: list[Row] = self.rows
        """The rows the query matched, in id order (before sorting)."""
        self.not_served = sum(1 for r in self.rows if r.serve is False)
        """Rows the SDK would not serve, kept as rows change (the counts line shows it
        after every keystroke; counting 10,000 rows each time cost milliseconds)."""
        self._applied_at = 0.0
        self._pending: Timer | None = None
        self._base: Style | None = None
        """The widget's style during one `render_lines` pass."""

    # -- data ---------------------------------------------------------------------

    def set_rows(self, rows: Iterable[Row]) -> None:
        self.rows = list(rows)
        self._where = {r.id: i for i, r in enumerate(self.rows)}
        self.not_served = sum(1 for r in self.rows if r.serve is False)
        self._apply()

    def update_rows(self, rows: Iterable[Row]) -> None:
        """Replace rows by id (new ids are added); the filter is applied again."""
        for row in rows:
            index = self._where.get(row.id)
            if index is None:
                self._where[row.id] = len(self.rows)
                self.rows.append(row)
            else:
                self.not_served -= self.rows[index].serve is False
                self.rows[index] = row
            self.not_served += row.serve is False
        self._changed()

    def merge_lint_counts(self, rows: Iterable[Row]) -> None:
        """Take only the lint counts of `rows` (by id) into the rows held."""
        for counted in rows:
            index = self._where.get(counted.id)
            if index is not None:
                self.rows[index] = self.rows[index].with_counts(
                    counted.lint_errors, counted.lint_warnings
                )
        self._changed()

    def remove_ids(self, ids: Iterable[str]) -> None:
        gone = set(ids)
        self.set_rows(r for r in self.rows if r.id not in gone)

    def set_query(self, text: str) -> Query:
        older, self.filter_query = self.filter_query, parse_query(text, facts_of(self))
        # The last matches stand in for every row only if no row changed since: a row
        # filled (or linted) meanwhile may match now, and the matches hold its old self.
        fresh = self._pending is None
        narrower = fresh and not older.empty and self.filter_query.narrows(older)
        self._apply(self._matched if narrower else None)
        return self.filter_query

    def _changed(self) -> None:
        """Rows changed: filter again now, or at the end of REFILTER_SECONDS from the
        last pass (the rows themselves are current at once; `shown` follows)."""
        if self._pending is not None:
            return
        wait = self._applied_at + REFILTER_SECONDS - monotonic()
        if wait <= 0 or not self.is_attached:
            self._apply()
        else:
            self._pending = self.set_timer(wait, self.flush)

    def flush(self) -> None:
        """Apply the filter to the rows as they are now, if a pass is still due."""
        if self._pending is not None:
            self._apply()

    def _apply(self, candidates: list[Row] | None = None) -> None:
        """Filter and sort again; `candidates` (the last matches, when the query only
        narrowed) stand in for every row."""
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        self._applied_at = monotonic()
        current = self.current.id if self.current else None
        query = self.filter_query
        shown = (
            self.rows
            if query.empty
            else query.select(self.rows if candidates is None else candidates)
        )
        self._matched = shown
        if self.sort_key != "id":
            shown = sorted(shown, key=SORTS[self.sort_key])
        self.shown = shown
        self.virtual_size = Size(sum(w for _, w in COLUMNS), len(shown))
        if shown is self.rows:  # unfiltered: the id index says where the cursor's row is
            index = self._where.get(current) if current is not None else None
        else:
            index = next((i for i, r in enumerate(shown) if r.id == current), None)
        self.cursor = min(index if index is not None else self.cursor, max(len(shown) - 1, 0))
        self.refresh()
        self.post_message(FilterApplied(query.text, len(shown), len(self.rows)))

    @property
    def current(self) -> Row | None:
        return self.shown[self.cursor] if 0 <= self.cursor < len(self.shown) else None

    # -- painting -----------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's own style is the same for every line of one pass, and computing
        # it (up through the ancestors' backgrounds) was half of each line's cost.
        self._base = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._base = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self._base if self._base is not None else self.rich_style  # a null Style is falsy
        if index >= len(self.shown):
            return Strip.blank(width, base)
        row = self.shown[index]
        style = (
            base + self.get_component_rich_style("prompt-list--cursor")
            if (index == self.cursor)
            else base
        )
        segments: list[Segment] = []
        for (_, size), text, column in zip(COLUMNS, cells(row), range(len(COLUMNS)), strict=True):
            segments.append(Segment(_cell(text, size), style + self._cell_style(row, column)))
        strip = Strip(segments).crop(scroll_x, scroll_x + width)
        return strip.extend_cell_length(width, style)

    def _cell_style(self, row: Row, column: int) -> Style:
        if column == 5:
            name = {True: "yes", False: "no", None: "pending"}[row.serve]
            return self.get_component_rich_style(f"prompt-list--{name}", partial=True)
        if column == 2 and row.tier == 3:
            return self.get_component_rich_style("prompt-list--tier3", partial=True)
        if column == 6 and row.lint_errors:
            return self.get_component_rich_style("prompt-list--no", partial=True)
        return Style()

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old - self.scroll_offset.y)
        self.refresh_line(new - self.scroll_offset.y)
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        if height and new < top:
            self.scroll_to(y=new, animate=False)
        elif height and new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False)

    def refresh_line(self, y: int) -> None:
        if 0 <= y < self.size.height:
            self.refresh_lines(y)

    def watch_sort_key(self) -> None:
        self._apply()

    # -- actions ------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        if self.shown:
            self.cursor = max(0, min(self.cursor + step, len(self.shown) - 1))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(self.scrollable_content_region.height - 1, 1))

    def action_jump(self, where: int) -> None:
        if self.shown:
            self.cursor = where % len(self.shown)

    def action_match(self, step: int) -> None:
        """The next (or previous) row matching the filter's free words, wrapping; with
        no words, the next row that the SDK would not serve, the usual thing looked for."""
        if not self.shown:
            return
        query = self.filter_query
        wanted: Callable[[Row], bool] = (
            query.matches if query.words else (lambda r: r.serve is False)
        )
        count = len(self.shown)
        for offset in range(1, count + 1):
            index = (self.cursor + step * offset) % count
            if wanted(self.shown[index]):
                self.cursor = index
                return

    def action_sort(self) -> None:
        keys = list(SORTS)
        self.sort_key = keys[(keys.index(self.sort_key) + 1) % len(keys)]
        self.notify(f"sorted by {self.sort_key}", timeout=2)

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(PromptChosen(self.current.id))

    def on_click(self, event: object) -> None:
        y = getattr(event, "y", None)
        if isinstance(y, int):
            index = self.scroll_offset.y + y
            if index < len(self.shown):
                if index == self.cursor:
                    self.action_open()
                self.cursor = index
