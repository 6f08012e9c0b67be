"""A deterministic MarketSession over a fixed, seeded store: no sockets, no clock.

Used by UI tests, snapshot tests and `kraken-tui screenshots`, so every run draws
the same screen.
"""

from __future__ import annotations

import random
from decimal import Decimal

from kraken_tui.book import FuturesBook, L2Book, SpotBook
from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.order_gateway import OrderGateway, Ticket, TradeResult
from kraken_tui.feeds.session import Selection
from kraken_tui.feeds.stores import ConnState, MarketStore
from kraken_tui.model import Instrument, InstrumentKind, Ticker, Trade, TradeSide, Venue
from kraken_tui.model.account import Balance, Fill, Liquidity, MarginSummary, Order, Position
from kraken_tui.model.scaled import format_scaled, from_scaled

INSTRUMENTS = [
    Instrument("BTC/USD", Venue.SPOT, InstrumentKind.SPOT, "BTC", "USD", 1, 8, Decimal("0.1")),
    Instrument("ETH/USD", Venue.SPOT, InstrumentKind.SPOT, "ETH", "USD", 2, 8, Decimal("0.01")),
    Instrument("SOL/USD", Venue.SPOT, InstrumentKind.SPOT, "SOL", "USD", 2, 8, Decimal("0.01")),
    Instrument(
        "PF_XBTUSD", Venue.FUTURES, InstrumentKind.PERPETUAL, "XBT", "USD", 0, 4, Decimal("1")
    ),
    Instrument(
        "PF_ETHUSD", Venue.FUTURES, InstrumentKind.PERPETUAL, "ETH", "USD", 1, 3, Decimal("0.1")
    ),
]
MIDS = {"BTC/USD": 62000, "ETH/USD": 3100, "SOL/USD": 145, "PF_XBTUSD": 62010, "PF_ETHUSD": 3101}
BASE_TIME_MS = 1_763_726_400_000  # 2025-11-21T12:00:00Z, fixed so snapshots never change


def _text(scaled: int, precision: int) -> str:
    return format_scaled(scaled, precision)


def seeded_book(instrument: Instrument, depth: int, seed: int = 7) -> L2Book:
    """A SYNCED book of ``depth`` levels per side around the instrument's mid."""
    rng = random.Random(f"{seed}:{instrument.symbol}")
    pp, qp = instrument.price_precision, instrument.qty_precision
    tick = instrument.tick_scaled
    mid = MIDS[instrument.symbol] * 10**pp
    best_bid = mid - mid % tick
    best_ask = best_bid + tick
    asks, bids = [], []
    price_a, price_b = best_ask, best_bid
    for _ in range(depth):
        asks.append((_text(price_a, pp), _text(rng.randint(1, 40_000) * 10 ** (qp - 3), qp)))
        bids.append((_text(price_b, pp), _text(rng.randint(1, 40_000) * 10 ** (qp - 3), qp)))
        price_a += tick * rng.randint(1, 3)
        price_b -= tick * rng.randint(1, 3)
    book: L2Book
    if instrument.venue is Venue.SPOT:
        spot = SpotBook(instrument.symbol, pp, qp, depth)
        spot.apply(bids, asks, None, snapshot=True)
        book = spot
    else:
        fut = FuturesBook(instrument.symbol, pp, qp)
        fut.apply_snapshot(1, bids, asks)
        book = fut
    return book


def seeded_trades(instrument: Instrument, count: int = 30, seed: int = 7) -> list[Trade]:
    rng = random.Random(f"trades:{seed}:{instrument.symbol}")
    pp = instrument.price_precision
    mid = MIDS[instrument.symbol] * 10**pp
    trades = []
    for i in range(count):
        price = Decimal(mid + rng.randint(-20, 20) * instrument.tick_scaled).scaleb(-pp)
        qty = Decimal(rng.randint(1, 5000)).scaleb(-4)
        side = TradeSide.BUY if rng.random() < 0.5 else TradeSide.SELL
        trades.append(Trade(instrument.symbol, side, price, qty, BASE_TIME_MS + i * 731, str(i)))
    return trades


def seeded_ticker(instrument: Instrument) -> Ticker:
    mid = Decimal(MIDS[instrument.symbol])
    perp = instrument.kind is InstrumentKind.PERPETUAL
    return Ticker(
        symbol=instrument.symbol,
        last=mid,
        bid=mid - instrument.tick_size,
        ask=mid,
        change_pct=Decimal("2.31"),
        volume=Decimal("1204.33"),
        high=mid * Decimal("1.01"),
        low=mid * Decimal("0.97"),
        vwap=None if perp else mid * Decimal("0.995"),
        mark=mid + 1 if perp else None,
        index=mid - 1 if perp else None,
        funding_rate=Decimal("0.000012") if perp else None,
        next_funding_ms=BASE_TIME_MS + 2 * 3600_000 + 14 * 60_000 if perp else None,
        open_interest=Decimal("1234567") if perp else None,
        time_ms=BASE_TIME_MS,
    )


PRIVATE_SOURCE = "embedded exchange"
PRIVATE_FEEDS = {Venue.SPOT: "spot-private", Venue.FUTURES: "futures-private"}


def _ago(seconds: int) -> int:
    return BASE_TIME_MS - seconds * 1000


def seeded_orders(seed: int = 7) -> list[Order]:
    """Five open orders. Those on BTC/USD (4th ask, 4th bid) and the PF_XBTUSD buy (6th
    bid) rest at prices of the seeded books, so the ladder marks them at any depth."""
    btc, xbt = INSTRUMENTS[0], INSTRUMENTS[3]
    book = seeded_book(btc, 10, seed)
    ask = from_scaled(book.asks(4)[3][0], btc.price_precision)
    bid = from_scaled(book.bids(4)[3][0], btc.price_precision)
    perp_bid = from_scaled(seeded_book(xbt, 10, seed).bids(6)[5][0], xbt.price_precision)
    spot, fut, buy, sell = Venue.SPOT, Venue.FUTURES, TradeSide.BUY, TradeSide.SELL
    return [
        Order(spot, "OSEED-BTC-S", "BTC/USD", sell, "limit", Decimal("0.25"), Decimal("0.05"),
              limit_price=ask, time_ms=_ago(180), status="partially_filled"),
        Order(spot, "OSEED-BTC-B", "BTC/USD", buy, "limit", Decimal("0.10"),
              limit_price=bid, time_ms=_ago(12), status="new"),
        Order(spot, "OSEED-ETH-S", "ETH/USD", sell, "limit", Decimal("1.2"),
              limit_price=Decimal("3150.00"), time_ms=_ago(2 * 3600), status="new"),
        Order(fut, "fseed-xbt-stop", "PF_XBTUSD", sell, "stop", Decimal("0.04"),
              stop_price=Decimal("59800"), time_ms=_ago(3600), reduce_only=True,
              status="untouched"),
        Order(fut, "fseed-xbt-buy", "PF_XBTUSD", buy, "limit", Decimal("0.02"),
              limit_price=perp_bid, time_ms=_ago(25 * 60), status="untouched"),
    ]  # fmt: skip


def seeded_fills() -> list[Fill]:
    """Eight fills across both venues, oldest first (as a snapshot would add them)."""
    spot, fut, buy, sell = Venue.SPOT, Venue.FUTURES, TradeSide.BUY, TradeSide.SELL
    maker, taker = Liquidity.MAKER, Liquidity.TAKER

    def fill(venue: Venue, fill_id: str, symbol: str, side: TradeSide, price: str, qty: str,
             ago: int, fee: str, liquidity: Liquidity) -> Fill:  # fmt: skip
        return Fill(venue, fill_id, f"O-{fill_id}", symbol, side, Decimal(price), Decimal(qty),
                    _ago(ago), Decimal(fee), "USD", liquidity)  # fmt: skip

    return [
        fill(fut, "F7", "PF_XBTUSD", buy, "60950", "0.0100", 3 * 3600, "0.1219", maker),
        fill(fut, "F8", "PF_XBTUSD", sell, "61480", "0.0100", 9000, "0.3074", taker),
        fill(spot, "T6", "SOL/USD", buy, "140.55", "120", 2 * 3600, "26.9856", maker),
        fill(spot, "T5", "ETH/USD", buy, "3080.12", "2.0", 4200, "9.8564", maker),
        fill(fut, "F4", "PF_ETHUSD", sell, "3150.4", "1.5", 32 * 60, "2.3628", taker),
        fill(spot, "T3", "BTC/USD", buy, "61999.9", "0.05", 20 * 60, "8.06", taker),
        fill(fut, "F2", "PF_XBTUSD", buy, "61211", "0.0400", 14 * 60, "1.2242", taker),
        fill(spot, "T1", "BTC/USD", sell, "62000.5", "0.05", 95, "4.96", maker),
    ]


def seeded_positions() -> list[Position]:
    """A long PF_XBTUSD and a short PF_ETHUSD, marked at the seeded tickers' marks."""
    return [
        Position("PF_XBTUSD", Decimal("0.04"), Decimal("61211"), Decimal("62011"),
                 Decimal("32.00"), "USD", Decimal("55020"), Decimal("2.1")),
        Position("PF_ETHUSD", Decimal("-1.5"), Decimal("3150.4"), Decimal("3102"),
                 Decimal("72.60"), "USD", Decimal("3480.0"), Decimal("1.4")),
    ]  # fmt: skip


def seed_account(store: MarketStore, seed: int = 7) -> None:
    """A practice account with every pane populated and both private feeds up."""
    account = store.account
    for venue, feed in PRIVATE_FEEDS.items():
        account.set_private(venue, AuthState.OK, source=PRIVATE_SOURCE)
        store.set_feed_state(feed, ConnState.CONNECTED)
        store.feed(feed).messages = 120
    orders = seeded_orders(seed)
    for venue in (Venue.SPOT, Venue.FUTURES):
        account.replace_orders(venue, [o for o in orders if o.venue is venue])
    account.add_fills(seeded_fills())
    account.replace_positions(seeded_positions())
    usd = Decimal("10104.60")
    account.set_margin(
        MarginSummary("USD", usd, usd - Decimal("1320.48"), Decimal("1320.48"),
                      Decimal("660.24"), Decimal("104.60"), Decimal("10000.00"))
    )  # fmt: skip
    account.replace_balances(
        Venue.SPOT,
        [
            Balance(Venue.SPOT, asset, Decimal(total), wallet="spot")
            for asset, total in (
                ("USD", "25340.12"), ("BTC", "0.5"), ("ETH", "4.2"), ("SOL", "120")
            )
        ],
    )  # fmt: skip
    account.replace_balances(
        Venue.FUTURES, [Balance(Venue.FUTURES, "USD", Decimal("10000.00"), wallet="flex")]
    )


class StaticSession:
    """Implements kraken_tui.feeds.session.MarketSession over a fixed, seeded store.

    ``account=False`` leaves the account store empty with both private sides OFF."""

    def __init__(
        self, selection: Selection | None = None, seed: int = 7, *, account: bool = True
    ) -> None:
        self.store = MarketStore()
        self.trading: OrderGateway | None = None
        self.seed = seed
        self.store.add_instruments(INSTRUMENTS)
        self._selection = selection or Selection(Venue.SPOT, "BTC/USD", 25)
        self.calls: list[tuple[str, object]] = []
        for name in ("spot", "futures"):
            self.store.set_feed_state(name, ConnState.CONNECTED)
            self.store.feed(name).messages = 1000
        if account:
            seed_account(self.store, seed)
        self._fill(self._selection)

    @property
    def selection(self) -> Selection:
        return self._selection

    def _fill(self, selection: Selection) -> None:
        key = (selection.venue, selection.symbol)
        instrument = self.store.instruments[key]
        self.store.books[key] = seeded_book(instrument, selection.depth, self.seed)
        self.store.set_ticker(selection.venue, seeded_ticker(instrument))
        self.store.add_trades(
            selection.venue, seeded_trades(instrument, seed=self.seed), snapshot=True
        )

    async def run(self) -> None:
        return None

    def select(self, venue: Venue, symbol: str) -> None:
        self.calls.append(("select", (venue, symbol)))
        self._selection = Selection(venue, symbol, self._selection.depth)
        self._fill(self._selection)

    def set_depth(self, depth: int) -> None:
        self.calls.append(("set_depth", depth))
        self._selection = Selection(self._selection.venue, self._selection.symbol, depth)
        self._fill(self._selection)

    def resync(self) -> None:
        self.calls.append(("resync", self._selection.symbol))
        key = (self._selection.venue, self._selection.symbol)
        self.store.books[key].invalidate()


class FakeOrderGateway:
    """A deterministic OrderGateway for tests and screenshots: records every call and
    answers with scripted results (``ok`` by default); ``enabled=False`` refuses all."""

    def __init__(
        self,
        *,
        enabled: bool = True,
        why_disabled: str = "live is read-only: start with --trade",
        dead_man: dict[Venue, float] | None = None,
    ) -> None:
        self._enabled = enabled
        self._why = why_disabled
        self.dead_man = dict(dead_man or {})
        self.calls: list[tuple[str, tuple[object, ...]]] = []
        self.results: list[TradeResult] = []
        """Answers for the next calls, first first; when empty every call succeeds."""

    @property
    def enabled(self) -> bool:
        return self._enabled

    @property
    def why_disabled(self) -> str:
        return "" if self._enabled else self._why

    def _answer(self, name: str, *args: object) -> TradeResult:
        self.calls.append((name, args))
        if not self._enabled:
            return TradeResult(False, self._why)
        if self.results:
            return self.results.pop(0)
        return TradeResult(True, f"{name}: accepted", order_id=f"FAKE-{len(self.calls)}")

    async def place(self, ticket: Ticket) -> TradeResult:
        return self._answer("place", ticket)

    async def cancel(self, order: Order) -> TradeResult:
        return self._answer("cancel", order)

    async def cancel_all(
        self, venue: Venue | None = None, symbol: str | None = None
    ) -> TradeResult:
        return self._answer("cancel_all", venue, symbol)

    async def move(self, order: Order, new_price: Decimal) -> TradeResult:
        return self._answer("move", order, new_price)

    def dead_man_seconds(self, venue: Venue) -> float | None:
        return self.dead_man.get(venue)

    async def shutdown(self, *, cancel_all: bool) -> None:
        self.calls.append(("shutdown", (cancel_all,)))
