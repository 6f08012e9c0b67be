"""A deterministic MarketSession over a fixed, seeded store: no sockets, no clock.

Used by UI tests, snapshot tests and `kraken-tui screenshots`, so every run draws
the same screen.
"""

from __future__ import annotations

import random
from decimal import Decimal

from kraken_tui.book import FuturesBook, L2Book, SpotBook
from kraken_tui.feeds.session import Selection
from kraken_tui.feeds.stores import ConnState, MarketStore
from kraken_tui.model import Instrument, InstrumentKind, Ticker, Trade, TradeSide, Venue
from kraken_tui.model.scaled import format_scaled

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


class StaticSession:
    """Implements kraken_tui.feeds.session.MarketSession over a fixed, seeded store."""

    def __init__(self, selection: Selection | None = None, seed: int = 7) -> None:
        self.store = MarketStore()
        self.seed = seed
        self.store.add_instruments(INSTRUMENTS)
        self._selection = selection or Selection(Venue.SPOT, "BTC/USD", 25)
        self.calls: list[tuple[str, object]] = []
        for name in ("spot", "futures"):
            self.store.set_feed_state(name, ConnState.CONNECTED)
            self.store.feed(name).messages = 1000
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
