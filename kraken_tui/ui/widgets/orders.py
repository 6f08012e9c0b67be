"""Open orders of both venues: symbol, side, type, price, size, filled, age; and the
order keys (cancel, cancel all, move by a tick), posted as messages the screen acts on."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message

from kraken_tui.feeds.session import MarketSession
from kraken_tui.model import TradeSide
from kraken_tui.model.account import Order
from kraken_tui.ui.widgets.account_layout import (
    Column,
    Record,
    aligned_qty_texts,
    price_of,
    qty_cap,
)
from kraken_tui.ui.widgets.account_table import AccountTablePane
from kraken_tui.ui.widgets.formatting import duration_text
from kraken_tui.ui.widgets.pane import Cell
from kraken_tui.ui.widgets.ticker import wall_clock_ms


def order_price(order: Order) -> Decimal | None:
    """The price an order works at: the trigger for stops, else the limit (None: market)."""
    return order.stop_price if order.stop_price is not None else order.limit_price


def _sort_key(order: Order) -> tuple[str, str, int, Decimal]:
    # Grouped by market, sells above buys and higher prices first: the ladder's order.
    price = order_price(order)
    return (
        order.venue.value,
        order.symbol,
        0 if order.side is TradeSide.SELL else 1,
        -(price if price is not None else Decimal(0)),
    )


class OrdersPane(AccountTablePane):
    """Working orders; ``f`` keeps the selected market's only."""

    TITLE = "ORDERS"
    HELP_GROUP = "orders"
    NOUN = "open orders"
    COLUMNS = (
        Column("symbol"),
        Column("side"),
        Column("type", drop=3),
        Column("price", right=True),
        Column("size", right=True),
        Column("filled", right=True, drop=4),
        Column("age", right=True, drop=2),
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "cancel", "cancel", tooltip="cancel the selected order (asks first)"),
        Binding("X", "cancel_all", "cancel all", tooltip="cancel all: this symbol or everything"),
        Binding("shift+up", "move(1)", "tick +", tooltip="move the selected order up one tick"),
        Binding("shift+down", "move(-1)", "tick −", tooltip="move it down one tick"),
    ]

    class CancelRequested(Message):
        def __init__(self, order: Order) -> None:
            super().__init__()
            self.order = order

    class CancelAllRequested(Message):
        def __init__(self, order: Order | None) -> None:
            super().__init__()
            self.order = order
            """The selected order (its symbol is offered), or None."""

    class MoveRequested(Message):
        def __init__(self, order: Order, ticks: int) -> None:
            super().__init__()
            self.order = order
            self.ticks = ticks

    def __init__(self, session: MarketSession, *, id: str | None = None) -> None:
        super().__init__(session, id=id)
        self.now_ms: Callable[[], int] = wall_clock_ms
        """Clock for the age column; replace it to freeze time in tests."""

    def data_key(self) -> Hashable:
        second = self.now_ms() // 1000 if self.account.orders else None
        return (self.account.orders_version, second)

    def records(self) -> list[Record]:
        store = self.session.store
        orders = sorted(self.account.orders.values(), key=_sort_key)
        caps = [qty_cap(store, o.venue, o.symbol) for o in orders]
        amounts = aligned_qty_texts(
            [(o.qty, cap) for o, cap in zip(orders, caps, strict=True)]
            + [(o.filled, cap) for o, cap in zip(orders, caps, strict=True)]
        )
        sizes, filled = amounts[: len(orders)], amounts[len(orders) :]
        now = self.now_ms()
        records = []
        for index, order in enumerate(orders):
            buy = order.side is TradeSide.BUY
            cells: tuple[Cell, ...] = (
                (order.symbol, "value"),
                (order.side.value, "buy" if buy else "sell"),
                (order.order_type, "muted"),
                price_of(store, order.venue, order.symbol, order_price(order)),
                (sizes[index], "value"),
                (filled[index], "value" if order.filled else "muted"),
                self._age(order, now),
            )
            records.append(Record(order.order_id, order.venue, order.symbol, cells))
        return records

    @staticmethod
    def _age(order: Order, now_ms: int) -> Cell:
        if not order.time_ms:
            return ("—", "muted")
        return (duration_text((now_ms - order.time_ms) // 1000), "muted")

    @property
    def selected_order(self) -> Order | None:
        """The order under the row cursor, if it is still open."""
        key = self.cursor_key
        return next((o for o in self.account.orders.values() if o.order_id == key), None)

    def action_cancel(self) -> None:
        order = self.selected_order
        if order is None:
            self.notify("no order selected", severity="warning")
            return
        self.post_message(self.CancelRequested(order))

    def action_cancel_all(self) -> None:
        self.post_message(self.CancelAllRequested(self.selected_order))

    def action_move(self, ticks: int) -> None:
        order = self.selected_order
        if order is None:
            self.notify("no order selected", severity="warning")
            return
        self.post_message(self.MoveRequested(order, ticks))
