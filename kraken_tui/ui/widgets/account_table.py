"""Base for the account panes: a header over rows, a row cursor that scrolls, a "this
symbol only" filter, and an empty state that says *why* there is nothing to show.

A subclass describes its columns and turns store records into cells; the base
lays the columns out (``account_layout``: the least useful go when it is narrow),
keeps the cursor on the same record while rows come and go, and writes the pane's
scope into its border title. Rows are line models like every other pane's.
"""

from __future__ import annotations

import textwrap
from collections.abc import Hashable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.strip import Strip

from kraken_tui.feeds.account_store import AccountStore
from kraken_tui.feeds.session import MarketSession
from kraken_tui.model import Venue
from kraken_tui.ui.widgets.account_layout import (
    PROBLEM_WORD,
    Column,
    KeyedLine,
    Record,
    layout_table,
    private_problem,
)
from kraken_tui.ui.widgets.pane import Cell, Line, PolledPane, crop_line


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
            tooltip="only the selected market's rows, or all of them",
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
        # One cell short of the width: a full row never touches the border.
        header, lines, hidden = layout_table(
            self.COLUMNS, [r.cells for r in records], max(1, width - 1)
        )
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
