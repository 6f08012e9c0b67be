"""The main screen: title bar, ladder, ticker and trade tape on top, the account panes
(positions, balances, open orders, fills) below, footer; plus the market keys (depth,
spot/perp flip, favourites, resync, maximise) and the order keys that act on it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from kraken_tui.feeds.session import DEPTHS, MarketSession
from kraken_tui.feeds.stores import MarketStore
from kraken_tui.model import Instrument, InstrumentKind, Venue
from kraken_tui.model.account import OrderSide
from kraken_tui.ui.screens.order_keys import OrderKeys
from kraken_tui.ui.widgets import (
    BalancesPane,
    FillsPane,
    LadderPane,
    OrdersPane,
    PositionsPane,
    StatusBar,
    TickerPane,
    TradesPane,
)

FAVOURITES: tuple[tuple[Venue, str], ...] = (
    (Venue.SPOT, "BTC/USD"),
    (Venue.SPOT, "ETH/USD"),
    (Venue.SPOT, "SOL/USD"),
    (Venue.FUTURES, "PF_XBTUSD"),
    (Venue.FUTURES, "PF_ETHUSD"),
    (Venue.FUTURES, "PF_SOLUSD"),
    (Venue.SPOT, "XRP/USD"),
    (Venue.SPOT, "ADA/USD"),
    (Venue.SPOT, "DOGE/USD"),
)
"""What keys 1…9 select, in order."""

FAVOURITES_TIP = "favourites: " + " ".join(symbol for _, symbol in FAVOURITES[:6]) + " …"


def step_depth(current: int, step: int) -> int:
    """The next (step=+1) or previous (-1) depth in ``DEPTHS``, clamped at both ends."""
    if current in DEPTHS:
        index = DEPTHS.index(current) + step
    else:
        # An odd depth (set by a recording, say) steps to its nearest neighbour.
        below = [d for d in DEPTHS if d < current]
        index = len(below) - (1 if step < 0 else 0)
    return DEPTHS[max(0, min(len(DEPTHS) - 1, index))]


def flip_target(store: MarketStore, instrument: Instrument) -> Instrument | None:
    """The perpetual for a spot pair (same underlying and quote) or the spot pair for a
    future; ``None`` when the store lists no counterpart."""
    want_spot = instrument.venue is Venue.FUTURES
    candidates = [
        other
        for other in store.instruments.values()
        if other.underlying == instrument.underlying
        and other.quote.upper() == instrument.quote.upper()
        and (other.venue is Venue.SPOT) == want_spot
        and (want_spot or other.kind is InstrumentKind.PERPETUAL)
    ]
    # Kraken lists linear PF_ and inverse PI_ perpetuals; the linear one is the usual pick.
    candidates.sort(key=lambda i: (not i.symbol.startswith("PF_"), i.symbol))
    return candidates[0] if candidates else None


class TitleBar(Horizontal):
    """The top line: app name, then the status bar (environment badge, market, feed
    health), then a message that appears only when something is wrong."""

    def __init__(self, session: MarketSession, env_label: str) -> None:
        super().__init__(id="title-bar")
        self.session = session
        self.env_label = env_label
        self._message = ""

    def compose(self) -> ComposeResult:
        yield Static("kraken-tui", id="title-name")
        yield StatusBar(self.session, self.env_label, id="status")
        yield Static(self._message, id="title-message")

    def on_mount(self) -> None:
        self.show_message(self._message)

    def show_message(self, text: str) -> None:
        """A short persistent note (e.g. why the feeds stopped); empty hides it."""
        self._message = text
        # Before compose the children do not exist yet; compose and on_mount apply it then.
        for label in self.query("#title-message").results(Static):
            label.update(text)
            label.display = bool(text)


class DashboardScreen(Screen[None]):
    """The default screen. Market keys live here so they are inert while a modal is open."""

    ALLOW_IN_MAXIMIZED_VIEW = "TitleBar, Footer"
    """The environment badge and feed health stay visible while a pane is maximised."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "app.focus_next", "next pane", tooltip="focus the next pane"),
        Binding(
            "shift+tab",
            "app.focus_previous",
            "previous pane",
            show=False,
            tooltip="focus the previous pane",
        ),
        Binding("d", "depth(1)", "depth", tooltip="deeper book: next of 10 25 100 500 1000"),
        Binding("D", "depth(-1)", "shallower", show=False, tooltip="shallower book"),
        Binding(
            "v",
            "flip_venue",
            "spot/perp",
            tooltip="flip between spot and the perpetual on the same underlying",
        ),
        Binding(
            "z",
            "toggle_maximize",
            "zoom",
            tooltip="maximise the focused pane (z or escape restores)",
        ),
        Binding("r", "resync", "resync", tooltip="resync: drop the book, fetch a fresh snapshot"),
        # Each order key twice: shown while trading is on, a silent "why not" otherwise.
        Binding("b", "ticket('buy')", "buy", tooltip="order ticket: buy at the cursor's price"),
        Binding("s", "ticket('sell')", "sell", tooltip="order ticket: sell at the cursor's price"),
        Binding("b", "trading_off", "buy", show=False, tooltip="order ticket (trading is off)"),
        Binding("s", "trading_off", "sell", show=False, tooltip="order ticket (trading is off)"),
        *(
            Binding(str(n), f"favourite({n})", "favourite", show=False, tooltip=FAVOURITES_TIP)
            for n in range(1, 10)
        ),
    ]

    def __init__(self, session: MarketSession, env_label: str) -> None:
        super().__init__(id="dashboard")
        self.session = session
        self.env_label = env_label
        self.order_keys = OrderKeys(self, session)

    def compose(self) -> ComposeResult:
        yield TitleBar(self.session, self.env_label)
        with Horizontal(id="main"):
            yield LadderPane(self.session, id="ladder")
            with Vertical(id="side"):
                yield TickerPane(self.session, id="ticker")
                yield TradesPane(self.session, id="trades")
        # Tab order follows this order: market panes, then positions, balances, orders, fills.
        with Horizontal(id="account-top", classes="account-row"):
            yield PositionsPane(self.session, id="positions")
            yield BalancesPane(self.session, id="balances")
        with Horizontal(id="account-bottom", classes="account-row"):
            yield OrdersPane(self.session, id="orders")
            yield FillsPane(self.session, id="fills")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        ladder = self.query_one(LadderPane)
        if ladder.can_focus:
            ladder.focus()

    # ------------------------------------------------------------------ market
    def select_market(self, venue: Venue, symbol: str) -> None:
        """Point the linked panes at ``symbol`` and say so in a toast."""
        instrument = self.session.store.instrument((venue, symbol))
        if instrument is None:
            self.notify(f"{symbol} is not listed on {venue.value}", severity="warning")
            return
        if self.session.selection.venue is venue and self.session.selection.symbol == symbol:
            return
        self.session.select(venue, symbol)
        self.notify(f"{symbol} {instrument.kind.value.replace('_', ' ')}", title="market")

    def set_depth(self, depth: int) -> None:
        if depth == self.session.selection.depth:
            self.notify(f"depth already {depth}", title="depth")
            return
        self.session.set_depth(depth)
        self.notify(f"book depth {depth}", title="depth")

    def action_depth(self, step: int) -> None:
        self.set_depth(step_depth(self.session.selection.depth, step))

    def action_flip_venue(self) -> None:
        selection = self.session.selection
        instrument = self.session.store.instrument((selection.venue, selection.symbol))
        target = flip_target(self.session.store, instrument) if instrument else None
        if target is None:
            other = "perpetual" if selection.venue is Venue.SPOT else "spot pair"
            self.notify(f"no {other} listed for {selection.symbol}", severity="warning")
            return
        self.select_market(target.venue, target.symbol)

    def action_favourite(self, number: int) -> None:
        venue, symbol = FAVOURITES[number - 1]
        self.select_market(venue, symbol)

    def action_resync(self) -> None:
        self.session.resync()
        self.notify(f"resyncing {self.session.selection.symbol}", title="book")

    def action_toggle_maximize(self) -> None:
        if self.maximized is not None:
            self.minimize()
        elif self.focused is None or not self.maximize(self.focused):
            self.notify("focus a pane first (tab)", severity="warning")

    # ------------------------------------------------------------------ orders
    def trading_on(self) -> bool:
        gateway = self.session.trading
        return gateway is not None and gateway.enabled

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "ticket":
            return self.trading_on()
        if action == "trading_off":
            return not self.trading_on()
        return True

    def action_ticket(self, side: str) -> None:
        self.order_keys.open_ticket(OrderSide(side), self.query_one(LadderPane).cursor_price)

    def action_trading_off(self) -> None:
        self.order_keys.gateway()

    def on_orders_pane_cancel_requested(self, message: OrdersPane.CancelRequested) -> None:
        self.order_keys.cancel(message.order)

    def on_orders_pane_cancel_all_requested(self, message: OrdersPane.CancelAllRequested) -> None:
        self.order_keys.cancel_all(message.order)

    def on_orders_pane_move_requested(self, message: OrdersPane.MoveRequested) -> None:
        self.order_keys.move(message.order, message.ticks)
