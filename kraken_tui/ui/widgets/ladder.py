"""The price ladder: asks over bids around a spread row, drawn with Textual's line API.

Line 0 is the title (depth, grouping, book health, checksum), line 1 the column
header, the rest the body. By default the spread row stays vertically centred;
moving the cursor detaches the view, which then keeps the cursor's row on the
same screen line while the book moves; ``c`` re-centres.
"""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.strip import Strip

from kraken_tui.book import BookHealth, BookView, build_view
from kraken_tui.feeds.session import MarketSession
from kraken_tui.model import TradeSide, Venue
from kraken_tui.model.scaled import format_scaled, from_scaled
from kraken_tui.ui.widgets.ladder_layout import (
    GROUPS,
    WAITING,
    Frame,
    Item,
    ladder_items,
    layout_body,
    locate,
    message_body,
    qty_decimals,
    step,
    title_line,
)
from kraken_tui.ui.widgets.ladder_marks import OwnOrder, PriceTag
from kraken_tui.ui.widgets.pane import Line, PolledPane

if TYPE_CHECKING:
    from kraken_tui.ui.bench_probe import LadderProbe

CHROME_LINES = 2
"""Title and column header above the body."""


class LadderPane(PolledPane, can_focus=True):
    """Order-book ladder for the session's selected market."""

    POLL_INTERVAL = 1 / 20
    ROLE_PREFIX = "ladder"
    probe: ClassVar[LadderProbe | None] = None
    """Benchmark instrumentation (``ui/bench_probe.py``); None except under benchmarks/e2e.py."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # No tooltip on g/G yet: the help screen test pins their text to "group +"/"group −".
        Binding("g", "coarser", "group +"),
        Binding("G", "finer", "group −"),
        Binding("c", "centre", "centre", tooltip="re-centre the ladder on the spread"),
        Binding("up", "cursor(-1)", "cursor up", show=False, tooltip="move the ladder cursor up"),
        Binding("down", "cursor(1)", "cursor down", show=False, tooltip="move the cursor down"),
        Binding("pageup", "page(-1)", "page up", show=False, tooltip="cursor one page up"),
        Binding("pagedown", "page(1)", "page down", show=False, tooltip="cursor one page down"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ladder--title",
        "ladder--header",
        "ladder--badge-ok",
        "ladder--badge-bad",
        "ladder--ask",
        "ladder--bid",
        "ladder--ask-muted",
        "ladder--bid-muted",
        "ladder--size",
        "ladder--cum",
        "ladder--bar-ask",
        "ladder--bar-bid",
        "ladder--spread",
        "ladder--stale",
        "ladder--cursor",
        "ladder--own-ask",
        "ladder--own-bid",
        "ladder--own",
        "ladder--position",
        "ladder--liq",
    }

    DEFAULT_CSS = """
    LadderPane {
        height: 1fr;
        min-height: 5;
        min-width: 30;
    }
    LadderPane > .ladder--title { text-style: bold; }
    LadderPane:focus > .ladder--title { color: $accent; }
    LadderPane > .ladder--header { color: $text-muted; }
    LadderPane > .ladder--badge-ok { color: $success; text-style: bold; }
    LadderPane > .ladder--badge-bad { background: $error; color: $foreground; text-style: bold; }
    LadderPane > .ladder--ask { color: $ask; }
    LadderPane > .ladder--bid { color: $bid; }
    LadderPane > .ladder--ask-muted { color: $ask-muted; }
    LadderPane > .ladder--bid-muted { color: $bid-muted; }
    LadderPane > .ladder--size { color: $foreground; }
    LadderPane > .ladder--cum { color: $text-muted; }
    LadderPane > .ladder--bar-ask { color: $depth-bar-ask; }
    LadderPane > .ladder--bar-bid { color: $depth-bar-bid; }
    LadderPane > .ladder--spread { color: $spread; }
    LadderPane > .ladder--stale { color: $stale; }
    LadderPane > .ladder--cursor { background: $cursor; }
    LadderPane > .ladder--own-ask { color: $ask; text-style: bold; }
    LadderPane > .ladder--own-bid { color: $bid; text-style: bold; }
    LadderPane > .ladder--own { color: $accent; text-style: bold; }
    LadderPane > .ladder--position { color: $accent; }
    LadderPane > .ladder--liq { color: $loss; text-style: bold; }
    """

    def __init__(self, session: MarketSession, *, id: str | None = None) -> None:
        super().__init__(session, id=id)
        self.group_index = 0
        """Index into ``GROUPS``; ``group`` is the grouping in ticks."""
        self.cursor: int | None = None
        """Scaled price of the highlighted row, or None (view centred, no cursor)."""
        self.cursor_line = 0
        """Body line the cursor sits on while detached."""
        self._rows_needed = 0
        self._decimals = 0
        self._market: tuple[Venue, str] | None = None
        self._top = 0
        self._frame = Frame([], [], [], None, 0)
        """Lines the next ``refresh()`` from ``poll`` repaints (None: the whole pane)."""

    # ---------------------------------------------------------------- public
    @property
    def group(self) -> int:
        """Price grouping in ticks (one of ``GROUPS``)."""
        return GROUPS[self.group_index]

    @property
    def centred(self) -> bool:
        """True while the spread row is held in the middle of the pane."""
        return self.cursor is None

    @property
    def cursor_price(self) -> Decimal | None:
        """The cursor's price (what an order ticket would use), or None."""
        book = self.session.store.books.get(self.market_key)
        if self.cursor is None or book is None:
            return None
        return from_scaled(self.cursor, book.price_precision)

    @property
    def body_height(self) -> int:
        return max(0, self.size.height - CHROME_LINES)

    def lines(self) -> list[Line]:
        """The current line model (title, header, body), for tests and screenshots."""
        frame = self._frame
        return [frame.title, frame.header, *frame.body]

    # --------------------------------------------------------------- actions
    def action_coarser(self) -> None:
        self.group_index = min(len(GROUPS) - 1, self.group_index + 1)
        self.poll(force=True)

    def action_finer(self) -> None:
        self.group_index = max(0, self.group_index - 1)
        self.poll(force=True)

    def action_centre(self) -> None:
        self.cursor = None
        self._rows_needed = 0
        self.poll(force=True)

    def action_cursor(self, delta: int) -> None:
        self._move(delta)

    def action_page(self, direction: int) -> None:
        self._move(direction * max(1, self.body_height - 1))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        line = offset.y - CHROME_LINES
        view = self._view(self._rows_for_window())
        if view is None or not 0 <= line < self.body_height:
            return
        items, _ = ladder_items(view, self._own(), self._tags())
        index = self._top + line
        if 0 <= index < len(items) and (row := items[index].row) is not None:
            self.cursor = row.price
            self.cursor_line = line
            self.poll(force=True)

    # --------------------------------------------------------------- polling
    def change_key(self) -> Hashable:
        key = self.market_key
        book = self.session.store.books.get(key)
        instrument = self.session.store.instruments.get(key)
        return (
            key,
            self.session.selection.depth,
            id(book),
            None if book is None else book.version,
            id(instrument),
            self.size,
            self.group_index,
            self.cursor,
            self.session.store.account.orders_version,
            self.session.store.account.positions_version,
        )

    def rebuild(self) -> None:
        if self.market_key != self._market:
            self._market = self.market_key
            self.group_index, self.cursor, self._rows_needed, self._decimals = 0, None, 0, 0
        previous = self._frame
        self._frame = self._layout()
        self._repaint = changed_lines(previous, self._frame, self.size.width)
        book = self.session.store.books.get(self.market_key)
        if self.probe is not None:
            self.probe.built(self._frame, book)
            if self._repaint == []:
                self.probe.shown(self._frame, self)  # what the screen shows is already current

    # ---------------------------------------------------------------- layout
    def _tick(self) -> int:
        instrument = self.session.store.instruments.get(self.market_key)
        return 1 if instrument is None else instrument.tick_scaled

    def _view(self, rows: int) -> BookView | None:
        book = self.session.store.books.get(self.market_key)
        if book is None:
            return None
        return build_view(book, max(1, rows), tick=self._tick(), group=self.group)

    def _rows_for_window(self) -> int:
        body = max(1, self.body_height)
        return body if self.cursor is None else max(2 * body, self._rows_needed)

    def _layout(self) -> Frame:
        width, body = self.size.width, self.body_height
        selection = self.session.selection
        book = self.session.store.books.get(self.market_key)
        view = self._view(self._rows_for_window())
        health = BookHealth.RESYNCING if view is None else view.health
        pp = 0 if book is None else book.price_precision
        crc = None
        if book is not None and selection.venue is Venue.SPOT and len(book):
            crc = book.checksum()
        group_price = format_scaled(self._tick() * self.group, pp, grouping=True)
        title = title_line(
            selection.symbol, selection.depth, self.group, group_price, health, crc, width
        )
        if view is None or not (view.asks or view.bids):
            message = WAITING if health is BookHealth.RESYNCING else f"no levels · {health.value}"
            return Frame(title, [], message_body(body, width, message, "stale"), None, 0, width)
        own, tags = self._own(), self._tags()
        items, spread_index = ladder_items(view, own, tags)
        cursor_index = self._place_cursor(items, body)
        if cursor_index is None:
            self._top = spread_index - body // 2
        else:
            self._top = cursor_index - self.cursor_line
        visible = [i.row for i in items[max(0, self._top) : self._top + body] if i.row]
        self._decimals = max(self._decimals, qty_decimals(visible, view.qty_precision))
        touch = None
        if book is not None and self.group > 1:
            touch = build_view(book, 1, tick=self._tick())
        header, lines, cursor_line, decimals = layout_body(
            view, items, self._top, body, width, self._decimals, cursor_index, touch, own, tags
        )
        mode = self.render_mode
        if not (mode.depth_bars and mode.cumulative):
            header, lines = plain_depth(
                header, lines, bars=mode.depth_bars, cumulative=mode.cumulative
            )
        return Frame(title, header, lines, cursor_line, decimals, width)

    def _tags(self) -> list[PriceTag]:
        """Our futures position's entry, mark and liquidation prices on this market."""
        venue, symbol = self.market_key
        position = self.session.store.account.positions.get(symbol)
        if venue is not Venue.FUTURES or position is None or not position.size:
            return []
        tags = [PriceTag("entry", position.entry_price)]
        if position.mark_price is not None:
            tags.append(PriceTag("mark", position.mark_price))
        if position.liquidation_price is not None:
            tags.append(PriceTag("liq", position.liquidation_price, "liq"))
        return tags

    def _own(self) -> list[OwnOrder]:
        """Our resting limit orders on this market (stops are triggers, not in the book)."""
        key = self.market_key
        return [
            OwnOrder(order.side is TradeSide.SELL, order.limit_price, order.remaining)
            for order in self.session.store.account.orders.values()
            if (order.venue, order.symbol) == key
            and order.limit_price is not None
            and order.stop_price is None
            and order.remaining > 0
        ]

    def _place_cursor(self, items: list[Item], body: int) -> int | None:
        """Snap the cursor to an existing row (the nearest price) and return its index."""
        if self.cursor is None:
            return None
        index = locate(items, self.cursor)
        if index is None:
            self.cursor = None
            return None
        row = items[index].row
        assert row is not None
        self.cursor = row.price
        self.cursor_line = max(0, min(body - 1, self.cursor_line))
        return index

    def _move(self, delta: int) -> None:
        body = max(1, self.body_height)
        view = self._view(self._rows_for_window() + abs(delta) + body)
        if view is None:
            return
        items, spread_index = ladder_items(view, self._own(), self._tags())
        start = self._place_cursor(items, body)
        if start is None:
            start, self.cursor_line = spread_index, body // 2
        target = step(items, start, delta)
        row = items[target].row
        if row is None:
            return
        self.cursor = row.price
        self.cursor_line = max(0, min(body - 1, self.cursor_line + target - start))
        self._rows_needed = abs(target - spread_index) + body
        self.poll(force=True)

    # -------------------------------------------------------------- drawing
    def render_line(self, y: int) -> Strip:
        frame = self._frame
        if self.probe is not None:
            self.probe.shown(frame, self)
        # The frame was laid out for the current width (a resize forces a rebuild);
        # reading ``self.size`` for every line cost a quarter of this method.
        width = frame.width or self.size.width
        base = self.role_style("")
        if y == 0:
            line = frame.title
        elif y == 1:
            line = frame.header
        elif y - CHROME_LINES < len(frame.body):
            line = frame.body[y - CHROME_LINES]
        else:
            return Strip.blank(width, base)
        highlight: Style | None = None
        if y - CHROME_LINES == frame.cursor_line:
            highlight = self.role_style("cursor", partial=True)
            base = base + highlight
        segments = []
        used = 0
        for text, role in line:
            style = self.role_style(role)
            segments.append(Segment(text, style + highlight if highlight else style))
            used += cell_len(text)
        if used > width:
            return Strip(segments).adjust_cell_length(width, base)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments, width)


LEVEL_ROLES = frozenset({"ask", "bid", "ask-muted", "bid-muted"})
"""Roles of a level line's first cell (its price)."""
PRICE, SIZE, CUM, GAP, BAR = range(5)
"""Cells of a level line (``ladder_layout.level_line``); order marks follow the bar."""


def plain_depth(
    header: Line, body: list[Line], *, bars: bool, cumulative: bool
) -> tuple[Line, list[Line]]:
    """The header and body without the depth bars (blank where they were, so order
    marks keep their place) and/or without the cumulative-size column.

    Both change on every level deeper than the one that changed, so without them a
    new size repaints one line instead of the rest of its side (``--low-power``,
    ``--low-flicker``).
    """
    out: list[Line] = []
    for line in body:
        if not line or line[0][1] not in LEVEL_ROLES or len(line) <= CUM:
            out.append(line)
            continue
        cells = list(line)
        if not bars and len(cells) > BAR:
            cells[BAR] = (" " * cell_len(cells[BAR][0]), "")
        if not cumulative:
            del cells[CUM]
        out.append(cells)
    head = [(plain_header(text, bars=bars, cumulative=cumulative), role) for text, role in header]
    return head, out


def plain_header(text: str, *, bars: bool, cumulative: bool) -> str:
    """The column header without ``▏depth`` and/or the ``cum`` column."""
    if not bars:
        text = text.replace("▏depth", "")
    if not cumulative and "size" in text and "cum" in text:
        text = text[: text.index("size") + len("size")] + text[text.index("cum") + len("cum") :]
    return text


def changed_lines(old: Frame, new: Frame, width: int) -> list[Region] | None:
    """Runs of pane lines that differ between two frames, as regions; None when the
    frames are not comparable line by line (another width or height)."""
    if old.width != new.width or new.width != width or len(old.body) != len(new.body):
        return None
    regions: list[Region] = []
    start: int | None = None
    old_cursor = None if old.cursor_line is None else old.cursor_line + CHROME_LINES
    new_cursor = None if new.cursor_line is None else new.cursor_line + CHROME_LINES
    old_lines = [old.title, old.header, *old.body]
    new_lines = [new.title, new.header, *new.body]
    for y, (before, after) in enumerate(zip(old_lines, new_lines, strict=True)):
        same = before == after and (y == old_cursor) == (y == new_cursor)
        if not same and start is None:
            start = y
        elif same and start is not None:
            regions.append(Region(0, start, width, y - start))
            start = None
    if start is not None:
        regions.append(Region(0, start, width, len(new_lines) - start))
    return regions
