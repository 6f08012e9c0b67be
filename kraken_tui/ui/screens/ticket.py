"""The order ticket: a modal that builds a :class:`Ticket` from the keyboard.

Opened by ``b``/``s`` at the ladder cursor's price. Size and price are typed (digits
and ``.`` only, so letter keys stay commands): ``t`` cycles the order type, ``p`` the
size presets, ``up``/``down`` or ``+``/``-`` nudge the price by a tick (shift: ten),
``b``/``s`` flip the side, ``r`` toggles reduce-only (futures). Enter opens the
review; the review sends. The client order id is fixed when the ticket opens.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kraken_tui.feeds.order_gateway import OrderGateway, Ticket, TicketKind
from kraken_tui.feeds.risk import Limits
from kraken_tui.feeds.stores import MarketStore
from kraken_tui.model import Instrument, Venue
from kraken_tui.model.account import OrderSide
from kraken_tui.ui.screens.order_preview import PriceCheck, size_presets
from kraken_tui.ui.screens.review import ReviewScreen

KINDS = tuple(TicketKind)
NUMBER_CHARS = "0123456789."


class NumberInput(Input):
    """Takes digits and one decimal point; any other printable key goes to the ticket."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character in NUMBER_CHARS

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and (event.character or "") not in NUMBER_CHARS:
            # Skip Input's handler (which would swallow it) so the binding runs.
            event.prevent_default()


@dataclass(frozen=True, slots=True)
class TicketContext:
    """What the ticket needs from the dashboard, fixed at the moment it opens."""

    store: MarketStore
    gateway: OrderGateway
    instrument: Instrument
    reference: Decimal
    price_age: float
    limits: Limits
    recheck: Callable[[], PriceCheck]
    """The reference price again, at review time: a ticket left open can go stale."""


class TicketScreen(ModalScreen[bool]):
    """Dismisses True once an order was sent, False when closed without sending."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "close"),
        # q quits everywhere else; here it only closes the ticket.
        Binding("q", "close", "close", show=False),
        Binding("enter", "review", "review"),
        Binding("t", "cycle_kind", "type"),
        Binding("p", "preset", "size preset"),
        Binding("up,plus", "nudge(1)", "+1 tick", show=False),
        Binding("down,minus", "nudge(-1)", "-1 tick", show=False),
        Binding("shift+up", "nudge(10)", "+10 ticks", show=False),
        Binding("shift+down", "nudge(-10)", "-10 ticks", show=False),
        Binding("b", "side('buy')", "buy", show=False),
        Binding("s", "side('sell')", "sell", show=False),
        Binding("r", "reduce_only", "reduce-only", show=False),
    ]

    def __init__(
        self,
        context: TicketContext,
        side: OrderSide,
        price: Decimal,
        cl_ord_id: str | None = None,
    ) -> None:
        super().__init__(classes="order-modal")
        self.context = context
        self.side = side
        self.kind = TicketKind.LIMIT
        self.reduce_only = False
        self.cl_ord_id = cl_ord_id or str(uuid.uuid4())
        """Fixed now: every send of this ticket carries the same id, so the venue dedupes."""
        self.presets = size_presets(context.instrument, context.reference)
        self.preset_index = 0
        self._initial_price = price

    # ---------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        instrument = self.context.instrument
        with Vertical(id="ticket-box", classes="modal-box"):
            yield Static(id="ticket-title", classes="modal-title")
            with Horizontal(classes="ticket-row"):
                yield Static("type", classes="ticket-label")
                yield Static(id="ticket-kind", classes="ticket-value")
            with Horizontal(classes="ticket-row"):
                yield Static("size", classes="ticket-label")
                yield NumberInput(str(self.presets[0]), id="ticket-size", compact=True)
                yield Static(id="ticket-presets", classes="ticket-hint")
            with Horizontal(classes="ticket-row"):
                yield Static("price", id="ticket-price-label", classes="ticket-label")
                yield NumberInput(_plain(self._initial_price), id="ticket-price", compact=True)
                yield Static(
                    f"↑↓ ±1 tick ({instrument.tick_size}) · shift ±10", classes="ticket-hint"
                )
            with Horizontal(classes="ticket-row"):
                yield Static("reduce", classes="ticket-label")
                yield Static(id="ticket-reduce", classes="ticket-value")
            with Horizontal(classes="ticket-row"):
                yield Static("client id", classes="ticket-label")
                yield Static(self.cl_ord_id, id="ticket-clid", classes="ticket-value")
            yield Static("", id="ticket-error")
            yield Static(
                "[b]enter[/b] review  [b]t[/b] type  [b]p[/b] size  [b]b[/b]/[b]s[/b] side"
                "  [b]r[/b] reduce-only  [b]esc[/b] close",
                classes="modal-keys",
            )

    def on_mount(self) -> None:
        self._refresh()
        self.query_one("#ticket-size", Input).focus()

    def _refresh(self) -> None:
        instrument = self.context.instrument
        title = self.query_one("#ticket-title", Static)
        title.update(f"{self.side.value.upper()}  {instrument.symbol} · {instrument.venue.value}")
        title.set_class(self.side is OrderSide.BUY, "ticket-buy")
        title.set_class(self.side is OrderSide.SELL, "ticket-sell")
        kinds = "  ".join(
            f"[reverse]{kind.value}[/reverse]" if kind is self.kind else kind.value
            for kind in KINDS
        )
        self.query_one("#ticket-kind", Static).update(kinds)
        presets = " ".join(
            f"[u]{size}[/u]" if i == self.preset_index else str(size)
            for i, size in enumerate(self.presets)
        )
        self.query_one("#ticket-presets", Static).update(f"p: {presets}")
        price_input = self.query_one("#ticket-price", Input)
        price_input.disabled = self.kind is TicketKind.MARKET
        label = {TicketKind.MARKET: "at market", TicketKind.STOP: "trigger"}
        self.query_one("#ticket-price-label", Static).update(label.get(self.kind, "price"))
        if instrument.venue is Venue.FUTURES:
            reduce = "on" if self.reduce_only else "off"
        else:
            reduce = "n/a on spot"
        self.query_one("#ticket-reduce", Static).update(reduce)

    # --------------------------------------------------------------- actions
    def action_close(self) -> None:
        self.dismiss(False)

    def action_cycle_kind(self) -> None:
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]
        self._refresh()

    def action_preset(self) -> None:
        self.preset_index = (self.preset_index + 1) % len(self.presets)
        self.query_one("#ticket-size", Input).value = str(self.presets[self.preset_index])
        self._refresh()

    def action_nudge(self, ticks: int) -> None:
        price_input = self.query_one("#ticket-price", Input)
        price = _decimal(price_input.value)
        if price is None or self.kind is TicketKind.MARKET:
            return
        tick = self.context.instrument.tick_size
        moved = price + tick * ticks
        if moved > 0:
            price_input.value = _plain(moved)

    def action_side(self, side: str) -> None:
        self.side = OrderSide(side)
        self._refresh()

    def action_reduce_only(self) -> None:
        if self.context.instrument.venue is not Venue.FUTURES:
            self._error("reduce-only is for futures")
            return
        self.reduce_only = not self.reduce_only
        self._refresh()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_review()

    def action_review(self) -> None:
        ticket = self.build()
        if ticket is None:
            return
        self._error("")
        review = ReviewScreen(self.context, ticket)
        # One box at a time: the review replaces the ticket until it goes back.
        self.query_one("#ticket-box").display = False
        self.app.push_screen(review, self._reviewed)

    def _reviewed(self, sent: bool | None) -> None:
        if sent:
            self.dismiss(True)
        else:
            self.query_one("#ticket-box").display = True

    # ----------------------------------------------------------------- build
    def build(self) -> Ticket | None:
        """The ticket as the fields read now, or None (and a message) when invalid."""
        qty = _decimal(self.query_one("#ticket-size", Input).value)
        if qty is None or qty <= 0:
            self._error("size: type a number above zero")
            return None
        price = _decimal(self.query_one("#ticket-price", Input).value)
        if self.kind is not TicketKind.MARKET and (price is None or price <= 0):
            self._error("price: type a number above zero")
            return None
        instrument = self.context.instrument
        return Ticket(
            venue=instrument.venue,
            symbol=instrument.symbol,
            side=self.side,
            kind=self.kind,
            qty=qty,
            limit_price=price if self.kind not in (TicketKind.MARKET, TicketKind.STOP) else None,
            stop_price=price if self.kind is TicketKind.STOP else None,
            reduce_only=self.reduce_only,
            cl_ord_id=self.cl_ord_id,
        )

    def _error(self, text: str) -> None:
        self.query_one("#ticket-error", Static).update(text)


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _plain(value: Decimal) -> str:
    """Fixed-point text (never ``1E+1``)."""
    return f"{value:f}"
