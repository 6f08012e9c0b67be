"""Seeded synthetic market for one instrument: a deep book, trades and 24h stats.

Pure and synchronous: no asyncio and no clock (callers pass the time in). Each
:meth:`SyntheticMarket.step` makes one burst of level changes (updates, deletes
with a replacement level, improvements inside the spread, trades that eat the
top) and applies them, in order, to the master book. Observers registered with
:meth:`add_observer` see every change right after it is applied, which is what
the per-depth spot windows need to decide what a subscriber must be told.
"""

from __future__ import annotations

import random
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from kraken_tui.model.scaled import to_scaled
from kraken_tui.sim.catalog import Listing
from kraken_tui.sim.levels import MasterSide

TRADE_HISTORY = 50
LEVELS_PER_SIDE = 1000


@dataclass(frozen=True, slots=True)
class LevelChange:
    """A new absolute size at one price (qty 0 deletes)."""

    is_bid: bool
    price: int
    qty: int


@dataclass(frozen=True, slots=True)
class TradeEvent:
    price: int
    qty: int
    side: str
    """The taker's side, ``buy`` or ``sell``."""
    trade_id: int
    uid: str
    time_ms: int


@dataclass(slots=True)
class MarketStats:
    """Rolling 24h statistics, in Decimal units of the instrument."""

    open: Decimal
    high: Decimal
    low: Decimal
    last: Decimal
    volume: Decimal
    vwap: Decimal
    last_qty: Decimal
    last_time_ms: int
    funding_rate: Decimal
    """Relative hourly funding rate (perpetuals)."""
    open_interest: Decimal


Observer = Callable[[LevelChange], None]


class SyntheticMarket:
    """A random-walk order book with at least ``levels`` price levels per side."""

    def __init__(self, listing: Listing, seed: int, levels: int = LEVELS_PER_SIDE) -> None:
        self.listing = listing
        inst = listing.instrument
        self.symbol = inst.symbol
        self.pp = inst.price_precision
        self.qp = inst.qty_precision
        self.tick = inst.tick_scaled
        self.target_levels = levels
        self.rng = random.Random(f"{seed}:{inst.symbol}")
        self.bids = MasterSide(is_bid=True)
        self.asks = MasterSide(is_bid=False)
        self.trades: deque[TradeEvent] = deque(maxlen=TRADE_HISTORY)
        self.next_trade_id = self.rng.randrange(10_000_000, 90_000_000)
        self._typical = max(1, to_scaled(listing.typical_qty, self.qp))
        self._qty_min = max(1, to_scaled(inst.qty_min, self.qp))
        self._observers: list[Observer] = []
        start = self._on_tick(to_scaled(listing.start_price, self.pp))
        self.fair = float(start)
        self._build(start)
        self.stats = self._initial_stats(start)
        self.steps = 0

    # ------------------------------------------------------------- observers
    def add_observer(self, observer: Observer) -> None:
        self._observers.append(observer)

    def remove_observer(self, observer: Observer) -> None:
        if observer in self._observers:
            self._observers.remove(observer)

    # --------------------------------------------------------------- reading
    @property
    def mid(self) -> Decimal:
        bid, ask = self.bids.best, self.asks.best
        if bid is None or ask is None:
            return self.stats.last
        return Decimal(bid + ask).scaleb(-self.pp) / 2

    def recent_trades(self) -> list[TradeEvent]:
        """The last :data:`TRADE_HISTORY` trades, oldest first."""
        return list(self.trades)

    # -------------------------------------------------------------- building
    def _on_tick(self, price: int) -> int:
        return max(self.tick, price - price % self.tick)

    def _random_qty(self) -> int:
        qty = int(self._typical * self.rng.lognormvariate(0.0, 0.9))
        return max(self._qty_min, qty)

    def _gap(self) -> int:
        # Mostly adjacent ticks, now and then a hole, as in a real book.
        return self.tick * (1 + min(4, int(self.rng.expovariate(1.6))))

    def _build(self, mid: int) -> None:
        price = mid
        for _ in range(self.target_levels):
            self.bids.set(price, self._random_qty())
            price -= self._gap()
            if price <= 0:
                break
        price = mid + self.tick
        for _ in range(self.target_levels):
            self.asks.set(price, self._random_qty())
            price += self._gap()

    def _initial_stats(self, start: int) -> MarketStats:
        rng = self.rng
        last = Decimal(start).scaleb(-self.pp)
        open_ = self._round_price(last * Decimal(str(round(1 + rng.gauss(0, 0.02), 4))))
        typical = self.listing.typical_qty
        return MarketStats(
            open=open_,
            high=self._round_price(max(open_, last) * Decimal("1.012")),
            low=self._round_price(min(open_, last) * Decimal("0.988")),
            last=last,
            volume=(typical * rng.randint(2000, 6000)).quantize(Decimal(1).scaleb(-self.qp)),
            vwap=(open_ + last) / 2,
            last_qty=typical,
            last_time_ms=0,
            funding_rate=Decimal(str(round(rng.uniform(-2e-5, 4e-5), 10))),
            open_interest=(typical * rng.randint(5000, 20000)),
        )

    def _round_price(self, value: Decimal) -> Decimal:
        return value.quantize(Decimal(1).scaleb(-self.pp))

    # -------------------------------------------------------------- stepping
    def _apply(self, changes: list[LevelChange], change: LevelChange) -> None:
        (self.bids if change.is_bid else self.asks).set(change.price, change.qty)
        changes.append(change)
        for observer in self._observers:
            observer(change)

    def _pick_rank(self, side: MasterSide) -> int:
        if self.rng.random() < 0.12:
            return self.rng.randrange(len(side))
        return min(len(side) - 1, int(self.rng.expovariate(1 / 6)))

    def step(self, now_ms: int) -> tuple[list[LevelChange], list[TradeEvent]]:
        """Make and apply one burst of changes; returns (changes, trades) in order."""
        rng = self.rng
        self.steps += 1
        self.fair += rng.gauss(0.0, self.tick * 0.8)
        changes: list[LevelChange] = []
        trades: list[TradeEvent] = []
        roll = rng.random()
        side = self.bids if rng.random() < 0.5 else self.asks
        if roll < 0.12:
            trades = self._trade(changes, now_ms)
        elif roll < 0.30:
            self._improve(changes)
        elif roll < 0.50:
            self._replace(side, changes)
        else:
            price, _ = side.level(self._pick_rank(side))
            self._apply(changes, LevelChange(side.is_bid, price, self._random_qty()))
        bid, ask = self.bids.best, self.asks.best
        if bid is not None and ask is not None and ask - bid > 3 * self.tick and roll >= 0.12:
            self._improve(changes)
        self._keep_depth(self.bids, changes)
        self._keep_depth(self.asks, changes)
        if self.listing.instrument.venue == "futures" and rng.random() < 0.05:
            drift = Decimal(str(round(rng.gauss(0, 2e-6), 10)))
            self.stats.funding_rate = max(
                Decimal("-0.0003"), min(Decimal("0.0003"), self.stats.funding_rate + drift)
            )
        return changes, trades

    def _improve(self, changes: list[LevelChange]) -> None:
        """Add a level one tick inside the spread, on the side that moves toward fair."""
        bid, ask = self.bids.best, self.asks.best
        if bid is None or ask is None:
            return
        if ask - bid <= self.tick:
            side = self.bids if self.rng.random() < 0.5 else self.asks
            price, _ = side.level(0)
            self._apply(changes, LevelChange(side.is_bid, price, self._random_qty()))
            return
        mid = (bid + ask) / 2
        inside = (ask - bid) // self.tick - 1
        jump = self.tick * self.rng.randint(1, max(1, inside // 2))
        if self.fair > mid or (self.fair == mid and self.rng.random() < 0.5):
            self._apply(changes, LevelChange(True, bid + jump, self._random_qty()))
        else:
            self._apply(changes, LevelChange(False, ask - jump, self._random_qty()))

    def _replace(self, side: MasterSide, changes: list[LevelChange]) -> None:
        """Delete one level and add another nearby, keeping the depth steady."""
        if len(side) < 3:
            return
        price, _ = side.level(self._pick_rank(side))
        self._apply(changes, LevelChange(side.is_bid, price, 0))
        rank = min(len(side) - 2, self._pick_rank(side))
        near, _ = side.level(rank)
        farther, _ = side.level(rank + 1)
        step = -self.tick if side.is_bid else self.tick
        candidate = near + step
        if candidate != farther and candidate > 0:
            self._apply(changes, LevelChange(side.is_bid, candidate, self._random_qty()))

    def _trade(self, changes: list[LevelChange], now_ms: int) -> list[TradeEvent]:
        """A taker eats part of the top (sometimes more than one level)."""
        rng = self.rng
        mid = ((self.bids.best or 0) + (self.asks.best or 0)) / 2
        buy = rng.random() < (0.7 if self.fair > mid else 0.3)
        book = self.asks if buy else self.bids
        remaining = int(self._typical * rng.lognormvariate(-0.3, 1.0)) + self._qty_min
        trades: list[TradeEvent] = []
        while remaining > 0 and len(book) > 1:
            price, qty = book.level(0)
            fill = min(qty, remaining)
            remaining -= fill
            self._apply(changes, LevelChange(book.is_bid, price, qty - fill))
            trades.append(self._record_trade(price, fill, "buy" if buy else "sell", now_ms))
            if fill < qty or len(trades) >= 3:
                break
        return trades

    def take(
        self, is_bid: bool, price: int, qty: int, now_ms: int
    ) -> tuple[list[LevelChange], list[TradeEvent]]:
        """An outside taker (a practice order) took ``qty`` resting at ``price`` on the
        bid (``is_bid``) or ask side: shrink or delete that level through the observers
        and print the trade (taker side ``sell`` when it hit a bid). Takes at most what
        the level holds (the book may have moved since the taker read it); returns
        (changes, trades), both empty when nothing was there."""
        side = self.bids if is_bid else self.asks
        fill = min(qty, side.size_at(price))
        changes: list[LevelChange] = []
        if fill <= 0:
            return changes, []
        self._apply(changes, LevelChange(is_bid, price, side.size_at(price) - fill))
        trade = self._record_trade(price, fill, "sell" if is_bid else "buy", now_ms)
        return changes, [trade]

    def _record_trade(self, price: int, qty: int, side: str, now_ms: int) -> TradeEvent:
        uid = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        event = TradeEvent(price, qty, side, self.next_trade_id, uid, now_ms)
        self.next_trade_id += 1
        self.trades.append(event)
        stats = self.stats
        p = Decimal(price).scaleb(-self.pp)
        q = Decimal(qty).scaleb(-self.qp)
        total = stats.volume + q
        if total > 0:
            stats.vwap = (stats.vwap * stats.volume + p * q) / total
        stats.volume = total
        stats.last, stats.last_qty, stats.last_time_ms = p, q, now_ms
        stats.high = max(stats.high, p)
        stats.low = min(stats.low, p)
        stats.open_interest = max(
            Decimal(0), stats.open_interest + q * (1 if side == "buy" else -1)
        )
        return event

    def _keep_depth(self, side: MasterSide, changes: list[LevelChange]) -> None:
        """Hold each side near its target depth by adding or removing at the far end."""
        while len(side) < self.target_levels:
            worst, _ = side.level(len(side) - 1)
            price = worst - self._gap() if side.is_bid else worst + self._gap()
            if price <= 0:
                return
            self._apply(changes, LevelChange(side.is_bid, price, self._random_qty()))
        while len(side) > self.target_levels + 25:
            worst, _ = side.level(len(side) - 1)
            self._apply(changes, LevelChange(side.is_bid, worst, 0))
