"""The exchange list: one line per exchange, virtualised with the Line API.

Only the visible lines are rendered, so 100,000 exchanges cost what 30 do (TECH_NOTES.md §5.2:
DataTable and ListView cannot hold that many).  The widget renders rows it is given and posts
:class:`ExchangeList.Highlighted`; it never touches the core.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from tui.core.display import printable as plain


def short_model(model: str) -> str:
    """``claude-sonnet-4-5-20250929`` → ``sonnet-4-5``: the list is narrow."""
    import re

    return re.sub(r"-\d{8}$", "", model.removeprefix("claude-"))


@dataclass(frozen=True, slots=True)
class Row:
    """What one line shows; built by the app from an ExchangeState."""

    index: int
    time: str
    model: str
    status: str
    messages: int
    errors: int
    warnings: int
    modified: bool
    search_text: str
    """Lower-cased text the `/` search matches: tool names, ids, request id, message text."""


class ExchangeList(ScrollView, can_focus=True):
    """Virtualised list of exchanges with a cursor, a filter and a search."""

    DEFAULT_CSS = ""
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "up", show=False),
        Binding("down,j", "cursor(1)", "down", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
    ]
    COMPONENT_CLASSES = {"exchange-list--cursor", "exchange-list--error", "exchange-list--warning",
                         "exchange-list--ok", "exchange-list--dim"}

    cursor: reactive[int] = reactive(0)

    class Highlighted(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index
            """The exchange index (in the session), not the visible row."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[Row] = []
        self._visible: list[int] = []
        self.only_findings = False
        self.query_text = ""
        self._announced: int | None = None

    # -- data ------------------------------------------------------------------------------
    def set_rows(self, rows: list[Row]) -> None:
        self._rows = rows
        self._refilter(keep=self.current_index)

    def update_row(self, row: Row) -> None:
        if 0 <= row.index < len(self._rows):
            self._rows[row.index] = row
            self.refresh()

    def set_filter(self, *, only_findings: bool | None = None, query: str | None = None) -> None:
        if only_findings is not None:
            self.only_findings = only_findings
        if query is not None:
            self.query_text = query.lower()
        self._refilter(keep=self.current_index)

    def _refilter(self, keep: int | None) -> None:
        if keep is None:
            keep = self._announced  # a search that matched nothing must not lose the selection
        self._visible = [r.index for r in self._rows
                         if (not self.only_findings or r.errors or r.warnings)
                         and (not self.query_text or self.query_text in r.search_text)]
        self.virtual_size = Size(self.size.width, len(self._visible))
        cursor = self._visible.index(keep) if keep in self._visible else 0
        self.cursor = min(cursor, max(len(self._visible) - 1, 0))
        self.refresh()
        self._announce()

    @property
    def visible_indices(self) -> list[int]:
        """The exchange indices the list shows (after the filter and the search), in order."""
        return list(self._visible)

    @property
    def visible_count(self) -> int:
        return len(self._visible)

    @property
    def current_index(self) -> int | None:
        if 0 <= self.cursor < len(self._visible):
            return self._visible[self.cursor]
        return None

    def select_index(self, index: int) -> None:
        self._announced = index
        if index in self._visible:
            self.cursor = self._visible.index(index)

    # -- movement --------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_region_of(new)
        self.refresh()
        self._announce()

    def _announce(self) -> None:
        idx = self.current_index
        if idx is not None:
            self._announced = idx
            self.post_message(self.Highlighted(idx))

    def scroll_to_region_of(self, row: int) -> None:
        top = self.scroll_offset.y
        height = max(self.size.height, 1)
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False)

    def action_cursor(self, delta: int) -> None:
        if self._visible:
            self.cursor = max(0, min(len(self._visible) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(self.size.height - 1, 1))

    def action_jump(self, where: int) -> None:
        if self._visible:
            self.cursor = len(self._visible) - 1 if where < 0 else 0

    def on_click(self, event: object) -> None:
        y = getattr(event, "y", None)
        if isinstance(y, int):
            row = self.scroll_offset.y + y
            if 0 <= row < len(self._visible):
                self.cursor = row

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._visible))

    # -- rendering -------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        row_no = self.scroll_offset.y + y
        width = self.size.width
        base = self.rich_style
        if row_no >= len(self._visible):
            return Strip.blank(width, base)
        row = self._rows[self._visible[row_no]]
        segments = self._segments(row)
        strip = Strip(segments).adjust_cell_length(width, base)
        if row_no == self.cursor:
            strip = strip.apply_style(self.get_component_rich_style("exchange-list--cursor"))
        return strip

    def _segments(self, row: Row) -> list[Segment]:
        dim = self.get_component_rich_style("exchange-list--dim")
        err = self.get_component_rich_style("exchange-list--error")
        warn = self.get_component_rich_style("exchange-list--warning")
        ok = self.get_component_rich_style("exchange-list--ok")
        status_style = err if row.status.startswith(("4", "5")) or row.status == "err" else ok
        cols = columns(self.size.width)
        segs = [Segment("● " if row.modified else "  ", warn),  # first: never cut
                Segment(f"{row.index + 1:>4} ", dim)]
        if "time" in cols:
            segs.append(Segment(f"{row.time:<8} ", dim))
        segs.append(Segment(f"{row.status[:3]:>3} ", status_style))
        if "model" in cols:
            segs.append(Segment(f"{short_model(plain(row.model)):<12.12} ", Style()))
        segs.append(Segment(f"{_count(row.messages):>4} ", dim))
        if row.errors:
            segs.append(Segment(f"✖{_count(row.errors, 2)} ", err))
        if row.warnings:
            segs.append(Segment(f"▲{_count(row.warnings, 2)}", warn))
        return segs


def _count(n: int, digits: int = 4) -> str:
    """A count that fits its column: ``99+`` rather than a cut number."""
    return str(n) if n < 10 ** digits else f"{10 ** digits - 1}+"


BASE_WIDTH = 25
"""modified mark 2, # 5, status 4, msgs 5, findings 9: the columns every width shows."""


def columns(width: int) -> set[str]:
    """The optional columns that fit: the model from 38 cells, the time from 47."""
    cols = set()
    if width >= BASE_WIDTH + 13:
        cols.add("model")
    if width >= BASE_WIDTH + 13 + 9:
        cols.add("time")
    return cols


def header_text(width: int) -> str:
    """The header row over the list, for the same columns as the rows."""
    cols = columns(width)
    text = "     # " + ("time     " if "time" in cols else "") + " st " + \
           ("model        " if "model" in cols else "") + "msgs findings"
    return text[:width]


class ExchangeListHeader(Static):
    """The list's header row (the list itself scrolls; this stays)."""

    def render(self) -> str:
        return header_text(self.size.width)
