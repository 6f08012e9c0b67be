"""What the order keys do on the dashboard: open a ticket (``b``/``s``), cancel one
order (``x``), cancel all (``X``), move an order by ticks (``shift+up/down``).

Every path first asks the gateway whether trading is on and says why not; no venue
call is made without the user's confirmation (moves excepted: one tick is the
confirmation). Gateway calls run in workers; their results become toasts.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from decimal import Decimal

from textual.screen import Screen

from kraken_tui.feeds.order_gateway import OrderGateway, TradeResult
from kraken_tui.feeds.risk import Limits, LimitsFor, built_in_limits
from kraken_tui.feeds.session import MarketSession
from kraken_tui.model.account import Order, OrderSide
from kraken_tui.ui.screens.confirm import Choice, ConfirmScreen
from kraken_tui.ui.screens.order_preview import PriceCheck, best_price, price_check
from kraken_tui.ui.screens.review import show_result
from kraken_tui.ui.screens.ticket import TicketContext, TicketScreen
from kraken_tui.ui.widgets.orders import order_price

NO_GATEWAY = "order entry is not available in this environment"


class OrderKeys:
    """The dashboard's order actions; ``screen`` shows the modals and runs the workers."""

    def __init__(self, screen: Screen[None], session: MarketSession) -> None:
        self.screen = screen
        self.session = session
        self.limits_for: LimitsFor = built_in_limits
        """Each instrument's fat-finger limits (the settings file), asked when a ticket opens."""
        self.monotonic: Callable[[], float] = time.monotonic
        """Clock for price freshness (tests and screenshots freeze it)."""
        self.new_client_id: Callable[[], str | None] = lambda: None
        """Client order ids for new tickets; None lets the ticket make a fresh uuid4."""

    @property
    def limits(self) -> Limits:
        """The selected instrument's limits."""
        selection = self.session.selection
        return self.limits_for(selection.venue, selection.symbol)

    @limits.setter
    def limits(self, limits: Limits) -> None:
        """The same limits for every instrument (tests)."""
        self.limits_for = lambda venue, symbol: limits

    def gateway(self) -> OrderGateway | None:
        """The gateway when trading is on; otherwise say why and return None."""
        gateway = self.session.trading
        if gateway is None:
            self.screen.notify(NO_GATEWAY, title="trading off", severity="warning")
            return None
        if not gateway.enabled:
            self.screen.notify(gateway.why_disabled, title="trading off", severity="warning")
            return None
        return gateway

    # ---------------------------------------------------------------- ticket
    def open_ticket(self, side: OrderSide, cursor_price: Decimal | None) -> None:
        gateway = self.gateway()
        if gateway is None:
            return
        store = self.session.store
        venue, symbol = self.session.selection.venue, self.session.selection.symbol
        instrument = store.instrument((venue, symbol))
        limits = self.limits_for(venue, symbol)
        check = price_check(store, venue, symbol, limits.max_price_age, self.monotonic())
        if instrument is None or check.reference is None or check.age is None:
            why = check.problem or f"{symbol} is not listed"
            self.screen.notify(f"no ticket: {why}", title="no fresh price", severity="warning")
            return
        book = store.books[(venue, symbol)]
        price = cursor_price if cursor_price is not None else best_price(book, side)

        def recheck() -> PriceCheck:
            return price_check(store, venue, symbol, limits.max_price_age, self.monotonic())

        context = TicketContext(
            store, gateway, instrument, check.reference, check.age, limits, recheck
        )
        ticket = TicketScreen(context, side, price or check.reference, self.new_client_id())
        self.screen.app.push_screen(ticket)

    # ---------------------------------------------------------------- orders
    def cancel(self, order: Order) -> None:
        gateway = self.gateway()
        if gateway is None:
            return
        price = order_price(order)
        at = f" @ {price}" if price is not None else ""
        question = f"Cancel {order.side.value} {order.remaining} {order.symbol}{at}?"

        def answered(answer: str | None) -> None:
            if answer == "yes":
                self._run(gateway.cancel(order), "cancel")

        self.screen.app.push_screen(ConfirmScreen("CANCEL ORDER", question), answered)

    def cancel_all(self, order: Order | None) -> None:
        gateway = self.gateway()
        if gateway is None:
            return
        if order is not None:
            venue, symbol = order.venue, order.symbol
        else:
            venue, symbol = self.session.selection.venue, self.session.selection.symbol
        count = len(self.session.store.account.orders)
        here = sum(
            1 for o in self.session.store.account.orders.values()
            if (o.venue, o.symbol) == (venue, symbol)
        )  # fmt: skip
        choices = (
            Choice("s", f"only {symbol} ({here})", "symbol"),
            Choice("a", f"everything, both venues ({count})", "all"),
        )

        def answered(answer: str | None) -> None:
            if answer == "symbol":
                self._run(gateway.cancel_all(venue, symbol), "cancel all")
            elif answer == "all":
                self._run(gateway.cancel_all(None, None), "cancel all")

        question = "Cancel which working orders?"
        self.screen.app.push_screen(ConfirmScreen("CANCEL ALL", question, choices), answered)

    def move(self, order: Order, ticks: int) -> None:
        gateway = self.gateway()
        if gateway is None:
            return
        instrument = self.session.store.instrument((order.venue, order.symbol))
        price = order_price(order)
        if instrument is None or price is None:
            self.screen.notify("a market order has no price to move", severity="warning")
            return
        new_price = price + instrument.tick_size * ticks
        if new_price <= 0:
            return
        self._run(gateway.move(order, new_price), f"move to {new_price}")

    def _run(self, call: Awaitable[TradeResult], title: str) -> None:
        async def work() -> None:
            show_result(self.screen.app, await call, title)

        self.screen.run_worker(work(), group="orders", exit_on_error=False)
