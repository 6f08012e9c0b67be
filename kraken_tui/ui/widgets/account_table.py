"""Base for the account panes: a header over rows, a row cursor that scrolls, a "this
symbol only" filter, and an empty state that says *why* there is nothing to show.

A subclass describes its columns and turns store records into cells; the base
lays the columns out (dropping the least useful ones when the pane is narrow),
keeps the cursor on the same record while rows come and go, and writes the pane's
scope into its border title. Rows are line models like every other pane's.
"""

from __future__ import annotations

import textwrap
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.strip import Strip

from kraken_tui.feeds.account_store import AccountStore, AuthState, PrivateStatus
from kraken_tui.feeds.session import MarketSession
from kraken_tui.feeds.stores import MarketStore
from kraken_tui.model import Venue
from kraken_tui.ui.widgets.formatting import decimal_text, decimals_needed, plain_decimal_text
from kraken_tui.ui.widgets.pane import Cell, Line, PolledPane, crop_line

GAP = "  "
"""Between two columns."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an account table."""

    title: str
    right: bool = False
    """Right-aligned (numbers) rather than left-aligned (names)."""
    drop: int = 0
    """When the pane is too narrow the column with the highest ``drop`` goes first; 0 stays."""


@dataclass(frozen=True, slots=True)
class Record:
    """One row before layout: what it is (for the cursor and the filter) and its cells."""

    key: Hashable
    venue: Venue
    symbol: str
    cells: tuple[Cell, ...]


KeyedLine = tuple[Hashable, Line]


def _align(text: str, width: int, right: bool) -> str:
    pad = " " * max(0, width - cell_len(text))
    return pad + text if right else text + pad


def layout_table(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int
) -> tuple[Line, list[Line], int]:
    """Header line, one line per row, and how many columns were dropped to fit ``width``."""
    widths = [
        max([cell_len(column.title), *(cell_len(row[i][0]) for row in rows)])
        for i, column in enumerate(columns)
    ]
    keep = list(range(len(columns)))

    def total() -> int:
        return 1 + sum(widths[i] for i in keep) + len(GAP) * (len(keep) - 1)

    while total() > width:
        droppable = [i for i in keep if columns[i].drop > 0]
        if not droppable:
            break
        keep.remove(max(droppable, key=lambda i: (columns[i].drop, i)))
    titles = GAP.join(_align(columns[i].title, widths[i], columns[i].right) for i in keep)
    header = crop_line([(" " + titles, "header")], width)
    lines: list[Line] = []
    for row in rows:
        line: Line = [(" ", "")]
        for n, i in enumerate(keep):
            if n:
                line.append((GAP, ""))
            text, role = row[i]
            line.append((_align(text, widths[i], columns[i].right), role))
        lines.append(crop_line(line, width))
    return header, lines, len(columns) - len(keep)


# ------------------------------------------------------------------ numbers
def price_of(store: MarketStore, venue: Venue, symbol: str, value: Decimal | None) -> Cell:
    """A price at its instrument's precision when the instrument is known, else as sent."""
    if value is None:
        return ("—", "muted")
    instrument = store.instruments.get((venue, symbol))
    if instrument is None:
        return (plain_decimal_text(value), "value")
    return (decimal_text(value, instrument.price_precision), "value")


def qty_cap(store: MarketStore, venue: Venue, symbol: str) -> int:
    """Most decimals a quantity of this market can have (8 when the market is unknown)."""
    instrument = store.instruments.get((venue, symbol))
    return 8 if instrument is None else instrument.qty_precision


def aligned_qty_texts(values: Sequence[tuple[Decimal, int]]) -> list[str]:
    """Quantities (value, decimals cap) with one shared number of decimals, so a right-
    aligned column lines up on the point; each value stays exact."""
    decimals = max((decimals_needed(value, cap) for value, cap in values), default=0)
    return [decimal_text(value, decimals) for value, _ in values]


# ------------------------------------------------------------------ private state
def private_problem(venue: Venue, status: PrivateStatus) -> Cell | None:
    """Why a venue's private data is missing, as a line a user can act on; None when OK."""
    name = venue.value
    message = status.message.strip()
    if status.state is AuthState.OK:
        return None
    if status.state is AuthState.PENDING:
        return (f"{name}: {message or 'authenticating…'}", "pending")
    if status.state is AuthState.FAILED:
        if message.lower().startswith("auth failed"):
            return (f"{name}: {message}", "bad")
        return (f"{name}: auth failed" + (f": {message}" if message else ""), "bad")
    if not message:
        return (f"{name}: private feed off (no keys)", "muted")
    return (message if name in message else f"{name}: {message}", "muted")


PROBLEM_WORD = {
    AuthState.PENDING: ("authenticating…", "$warning"),
    AuthState.FAILED: ("auth failed", "$error"),
}
"""A venue's state as the border subtitle notes it while rows of the other venue show."""


class AccountTablePane(PolledPane, can_focus=True):
    """A focusable table of account records; subclasses say which and how."""

    POLL_INTERVAL = 1 / 5
    ROLE_PREFIX = "account"
    TITLE: ClassVar[str] = "ACCOUNT"
    """Upper-case name in the border title."""
    HELP_GROUP: ClassVar[str] = "account"
    """How the help sheet names this pane's keys."""
    NOUN: ClassVar[str] = "rows"
    """What the empty state says there are none of (``no open orders``)."""
    VENUES: ClassVar[tuple[Venue, ...]] = (Venue.SPOT, Venue.FUTURES)
    """Venues whose private feeds fill this pane."""
    COLUMNS: ClassVar[tuple[Column, ...]] = ()
    COUNT_IN_TITLE: ClassVar[bool] = True
    """Say how many rows there are in the border title (not for line-based panes)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f",
            "toggle_filter",
            "filter",
            tooltip="account panes: only the selected market's rows, or all of them",
        ),
        Binding("up", "cursor(-1)", "row up", show=False, tooltip="move the row cursor"),
        Binding("down", "cursor(1)", "row down", show=False, tooltip="move the row cursor"),
        Binding("pageup", "page(-1)", "page up", show=False, tooltip="a page of rows"),
        Binding("pagedown", "page(1)", "page down", show=False, tooltip="a page of rows"),
        Binding("home", "first", "first", show=False, tooltip="first / last row"),
        Binding("end", "last", "last", show=False, tooltip="first / last row"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "account--header",
        "account--label",
        "account--value",
        "account--muted",
        "account--buy",
        "account--sell",
        "account--profit",
        "account--loss",
        "account--warn",
        "account--bad",
        "account--pending",
        "account--cursor",
    }

    DEFAULT_CSS = """
    AccountTablePane {
        height: 1fr;
        min-height: 3;
    }
    AccountTablePane > .account--header { color: $text-muted; text-style: bold; }
    AccountTablePane > .account--label { color: $text-muted; }
    AccountTablePane > .account--value { color: $foreground; }
    AccountTablePane > .account--muted { color: $text-muted; }
    AccountTablePane > .account--buy { color: $bid; }
    AccountTablePane > .account--sell { color: $ask; }
    AccountTablePane > .account--profit { color: $profit; }
    AccountTablePane > .account--loss { color: $loss; }
    AccountTablePane > .account--warn { color: $warning; }
    AccountTablePane > .account--bad { color: $error; text-style: bold; }
    AccountTablePane > .account--pending { color: $stale; }
    AccountTablePane > .account--cursor { background: $cursor; }
    """

    def __init__(self, session: MarketSession, *, id: str | None = None) -> None:
        super().__init__(session, id=id)
        self.symbol_only = False
        """``f``: show only rows of the selected market."""
        self.cursor = 0
        """Index of the highlighted row (drawn while the pane has focus)."""
        self.top = 0
        """Index of the first row in view."""
        self.hidden_columns = 0
        """Columns dropped because the pane is too narrow (``z`` shows them)."""
        self._cursor_key: Hashable | None = None
        self._header: Line | None = None
        self._rows: list[KeyedLine] = []
        self._empty: list[Line] = []
        self._total = 0
        self._titles: tuple[str, str] | None = None

    # ------------------------------------------------------------ subclass API
    @property
    def account(self) -> AccountStore:
        return self.session.store.account

    def data_key(self) -> Hashable:
        """Versions (and anything else) the rows depend on."""
        raise NotImplementedError

    def records(self) -> list[Record]:
        """Every record, in display order, before the filter."""
        raise NotImplementedError

    def matches(self, record: Record) -> bool:
        """Whether ``record`` belongs to the selected market (the ``f`` filter)."""
        return (record.venue, record.symbol) == self.market_key

    def table(self, width: int) -> tuple[Line | None, list[KeyedLine], int]:
        """Header (None for none), the rows to show, and how many columns were dropped."""
        records = self.records()
        self._total = len(records)
        if self.symbol_only:
            records = [r for r in records if self.matches(r)]
        header, lines, hidden = layout_table(self.COLUMNS, [r.cells for r in records], width)
        return header, [(r.key, line) for r, line in zip(records, lines, strict=True)], hidden

    def scope_name(self) -> str:
        """What ``f`` narrows the pane to."""
        return self.market_key[1]

    # --------------------------------------------------------------- public
    def lines(self) -> list[Line]:
        """What the pane shows now (header, then rows in view or the empty state)."""
        out: list[Line] = [] if self._header is None else [self._header]
        if not self._rows:
            return out + self._empty[: self.body_height]
        return out + [line for _, line in self._rows[self.top : self.top + self.body_height]]

    def row_keys(self) -> list[Hashable]:
        """Keys of every row after the filter, top to bottom (for tests)."""
        return [key for key, _ in self._rows]

    @property
    def body_height(self) -> int:
        return max(0, self.size.height - (0 if self._header is None else 1))

    @property
    def cursor_key(self) -> Hashable | None:
        """The record under the cursor (an order id for the orders pane, say)."""
        return self._cursor_key if self._rows else None

    # --------------------------------------------------------------- actions
    def action_toggle_filter(self) -> None:
        self.symbol_only = not self.symbol_only
        self.cursor, self.top, self._cursor_key = 0, 0, None
        self.poll(force=True)

    def action_cursor(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * max(1, self.body_height - 1))

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(len(self._rows) - 1)

    def _move_to(self, index: int) -> None:
        if not self._rows:
            return
        self.cursor = max(0, min(len(self._rows) - 1, index))
        self._cursor_key = self._rows[self.cursor][0]
        self.poll(force=True)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        line = offset.y - (0 if self._header is None else 1)
        if 0 <= line < self.body_height and self.top + line < len(self._rows):
            self._move_to(self.top + line)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self._move_to(self.cursor + 1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self._move_to(self.cursor - 1)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --------------------------------------------------------------- polling
    def change_key(self) -> Hashable:
        return (
            self.data_key(),
            self.account.private_version,
            self.market_key,
            self.symbol_only,
            self.size,
            len(self.session.store.instruments),
        )

    def rebuild(self) -> None:
        self._total = 0
        width = max(1, self.size.width)
        self._header, self._rows, self.hidden_columns = self.table(width)
        self._place_cursor()
        self._empty = [] if self._rows else self._empty_lines(width)
        self._update_titles()

    def _place_cursor(self) -> None:
        rows = self._rows
        if not rows:
            self.cursor, self.top = 0, 0
            return
        keys = [key for key, _ in rows]
        if self._cursor_key in keys:
            self.cursor = keys.index(self._cursor_key)
        self.cursor = max(0, min(len(rows) - 1, self.cursor))
        self._cursor_key = keys[self.cursor]
        height = max(1, self.body_height)
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + height:
            self.top = self.cursor - height + 1
        self.top = max(0, min(self.top, len(rows) - height))

    def _scope_venues(self) -> list[Venue]:
        if not self.symbol_only:
            return list(self.VENUES)
        return [v for v in self.VENUES if v is self.market_key[0]]

    def _empty_lines(self, width: int) -> list[Line]:
        problems = [
            problem
            for venue in self._scope_venues()
            if (problem := private_problem(venue, self.account.private[venue])) is not None
        ]
        if self.symbol_only:
            nothing = f"no {self.NOUN} for {self.scope_name()} · f shows all"
        else:
            nothing = f"no {self.NOUN}"
        cells: list[Cell] = problems or [(nothing, "muted")]
        if problems and len(problems) < len(self._scope_venues()):
            cells.insert(0, (nothing, "muted"))
        lines: list[Line] = []
        for text, role in cells:
            for part in textwrap.wrap(text, max(8, width - 2)) or [""]:
                lines.append(crop_line([(" " + part, role)], width))
        return lines

    def _update_titles(self) -> None:
        shown = len(self._rows)
        scope = f"{self.scope_name()} only" if self.symbol_only else "all"
        count = f" {shown} of {self._total}" if self.symbol_only else f" {shown}"
        title = f"{self.TITLE}{count if self.COUNT_IN_TITLE else ''} · {scope}"
        notes: list[tuple[str, str]] = []
        if self._rows:
            for venue in self._scope_venues():
                state = self.account.private[venue].state
                if state in PROBLEM_WORD:
                    word, style = PROBLEM_WORD[state]
                    notes.append((f"{venue.value} {word}", style))
            if len(self._rows) > self.body_height:
                notes.append((f"{self.cursor + 1}/{len(self._rows)}", ""))
        if self.hidden_columns:
            plural = "s" if self.hidden_columns > 1 else ""
            notes.append((f"+{self.hidden_columns} col{plural}: z", ""))
        subtitle = " · ".join(text for text, _ in notes)
        if self._titles != (title, subtitle):
            self._titles = (title, subtitle)
            self.border_title = Content(title)
            parts: list[str | tuple[str, str]] = []
            for text, style in notes:
                parts += [" · "] if parts else []
                parts.append((text, style) if style else text)
            self.border_subtitle = Content.assemble(*parts) if parts else None

    @property
    def titles(self) -> tuple[str, str]:
        """Border title and subtitle as plain text."""
        return self._titles or ("", "")

    # -------------------------------------------------------------- drawing
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.role_style("")
        header_lines = 0 if self._header is None else 1
        line: Line
        highlight: Style | None = None
        if y < header_lines and self._header is not None:
            line = self._header
        elif not self._rows:
            index = y - header_lines
            line = self._empty[index] if index < len(self._empty) else []
        else:
            index = self.top + y - header_lines
            line = self._rows[index][1] if index < len(self._rows) else []
            if index == self.cursor and self.has_focus:
                highlight = self.role_style("cursor", partial=True)
                base = base + highlight
        segments = []
        for text, role in line:
            style = self.role_style(role)
            segments.append(Segment(text, style + highlight if highlight else style))
        return Strip(segments).adjust_cell_length(width, base)
