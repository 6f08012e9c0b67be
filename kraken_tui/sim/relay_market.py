"""A market the paper relay feeds from an upstream exchange instead of stepping it.

:class:`RelayMarket` is a :class:`~kraken_tui.sim.market.SyntheticMarket` with no
synthetic levels: the relay hands it batches of level changes (applied through
the observers, so spot depth windows and futures seq deltas go out exactly as
for a stepped market), upstream trades (recorded as :class:`TradeEvent`) and the
upstream ticker, whose 24h statistics, mark, index, funding rate and open
interest replace anything the market would derive itself. The relay queues
changes and trades with :meth:`RelayMarket.queue`; :meth:`RelayMarket.step`
applies them, so the exchange's usual ``step_market`` fan-out (feeds, then the
practice account's ``on_trade``) serves relayed markets unchanged.

:class:`RelayFuturesFeed` is the futures fan-out of such a market: its ticker
carries the upstream mark and index rather than the relay book's mid.
:class:`RelaySpotFeed` passes an upstream spot ticker on as soon as it arrives.
Both can be *suspended* while the upstream is away: book subscribers are
disconnected and new ones get no snapshot, so a dashboard shows the book as not
live instead of frozen prices that look current.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from kraken_tui.model import Ticker, Trade
from kraken_tui.model.scaled import to_scaled
from kraken_tui.sim.catalog import Catalog, Listing
from kraken_tui.sim.futures_feed import FuturesProductFeed
from kraken_tui.sim.market import LevelChange, MarketStats, SyntheticMarket, TradeEvent
from kraken_tui.sim.outbox import Outbox, SimStats
from kraken_tui.sim.spot_feed import SpotSymbolFeed

ZERO = Decimal(0)
UPSTREAM_AWAY_CLOSE_CODE = 1013
"""WebSocket close code "try again later": the relayed book stopped being live."""


class RelayMarket(SyntheticMarket):
    """An empty master book that mirrors what the relay applies to it."""

    def __init__(self, listing: Listing) -> None:
        super().__init__(listing, seed=0, levels=0)
        self.bids.keys.clear()
        self.bids.qty.clear()
        self.asks.keys.clear()
        self.asks.qty.clear()
        self.stats = MarketStats(
            open=ZERO,
            high=ZERO,
            low=ZERO,
            last=ZERO,
            volume=ZERO,
            vwap=ZERO,
            last_qty=ZERO,
            last_time_ms=0,
            funding_rate=ZERO,
            open_interest=ZERO,
        )
        self.mark: Decimal | None = None
        """The upstream's mark price (futures), once its ticker said."""
        self.index: Decimal | None = None
        """The upstream's index price (futures), once its ticker said."""
        self._pending_changes: list[LevelChange] = []
        self._pending_trades: list[Trade] = []

    # ------------------------------------------------------------- steps
    def queue(self, changes: list[LevelChange], trades: list[Trade]) -> None:
        """Hold upstream changes and trades for the next :meth:`step`."""
        self._pending_changes.extend(changes)
        self._pending_trades.extend(trades)

    @property
    def has_pending(self) -> bool:
        return bool(self._pending_changes or self._pending_trades)

    def take(
        self, is_bid: bool, price: int, qty: int, now_ms: int
    ) -> tuple[list[LevelChange], list[TradeEvent]]:
        """Practice orders never move the live market: nothing is taken from a relayed book."""
        return [], []

    def step(self, now_ms: int) -> tuple[list[LevelChange], list[TradeEvent]]:
        """Apply what :meth:`queue` holds (through the observers), as a stepped market
        would apply its own burst; returns (changes, trades) in order."""
        self.steps += 1
        pending, self._pending_changes = self._pending_changes, []
        changes: list[LevelChange] = []
        for change in pending:
            self._apply(changes, change)
        upstream, self._pending_trades = self._pending_trades, []
        return changes, [self.record_upstream_trade(trade) for trade in upstream]

    def diff_to(
        self, bids: list[tuple[int, int]], asks: list[tuple[int, int]]
    ) -> list[LevelChange]:
        """The changes that turn this book into exactly ``bids``/``asks`` (scaled, any order).

        Deletes and reductions come first, then growth and new levels, so a
        subscriber applying them one by one never sees a book crossed by a level
        that is about to go.
        """
        shrink: list[LevelChange] = []
        grow: list[LevelChange] = []
        for is_bid, side, target in ((True, self.bids, bids), (False, self.asks, asks)):
            wanted = dict(target)
            for price, _ in side.top():
                if price not in wanted:
                    shrink.append(LevelChange(is_bid, price, 0))
            for price, qty in wanted.items():
                held = side.size_at(price)
                if held != qty:
                    (shrink if qty < held else grow).append(LevelChange(is_bid, price, qty))
        return shrink + grow

    # ------------------------------------------------------------ trades
    def record_upstream_trade(self, trade: Trade) -> TradeEvent:
        """Keep one upstream trade for the tape and as the last price."""
        price = to_scaled(trade.price, self.pp)
        qty = to_scaled(trade.qty, self.qp)
        uid = trade.trade_id if _is_uuid(trade.trade_id) else str(uuid.uuid4())
        event = TradeEvent(price, qty, trade.side.value, self.next_trade_id, uid, trade.time_ms)
        self.next_trade_id += 1
        self.trades.append(event)
        stats = self.stats
        stats.last, stats.last_qty, stats.last_time_ms = trade.price, trade.qty, trade.time_ms
        # Volume, high and low come from the upstream ticker; a trade outside the
        # range seen so far still widens it until the next ticker says otherwise.
        if stats.high and trade.price > stats.high:
            stats.high = trade.price
        if stats.low and trade.price < stats.low:
            stats.low = trade.price
        return event

    # ------------------------------------------------------------ ticker
    def apply_ticker(self, ticker: Ticker) -> None:
        """Take the upstream ticker's statistics (fields it did not send are kept)."""
        stats = self.stats
        if ticker.last is not None:
            stats.last = ticker.last
        if ticker.volume is not None:
            stats.volume = ticker.volume
        if ticker.high is not None:
            stats.high = ticker.high
        if ticker.low is not None:
            stats.low = ticker.low
        if ticker.vwap is not None:
            stats.vwap = ticker.vwap
        elif ticker.last is not None and not stats.vwap:
            stats.vwap = ticker.last
        if ticker.change_pct is not None and stats.last:
            base = 1 + ticker.change_pct / 100
            if base > 0:
                stats.open = (stats.last / base).quantize(Decimal(1).scaleb(-self.pp))
        elif not stats.open:
            stats.open = stats.last
        if ticker.funding_rate is not None:
            stats.funding_rate = ticker.funding_rate
        if ticker.open_interest is not None:
            stats.open_interest = ticker.open_interest
        if ticker.mark is not None:
            self.mark = ticker.mark
        if ticker.index is not None:
            self.index = ticker.index


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class RelayedMarkets:
    """What an ``ExchangeServer`` serves instead of its synthetic markets."""

    catalog: Catalog
    markets: dict[str, RelayMarket]


class RelaySpotFeed(SpotSymbolFeed):
    """Spot fan-out of a relayed market: passes upstream tickers on at once, and can be
    suspended while the upstream is away (see :meth:`suspend`)."""

    def __init__(self, market: SyntheticMarket, stats: SimStats) -> None:
        super().__init__(market, stats)
        self.suspended = False
        self._awaiting: dict[Outbox, int] = {}
        """Book subscribers (and depths) owed a snapshot when the upstream is back."""

    def send_ticker(self) -> None:
        """Send the current ticker to every ticker subscriber, whatever its trigger."""
        if self._ticker_subs:
            text = self._ticker_text(snapshot=False)
            for outbox in self._ticker_subs:
                outbox.put(text)

    def subscribe_book(self, outbox: Outbox, depth: int, snapshot: bool, now_ms: int) -> None:
        if self.suspended and snapshot:
            super().subscribe_book(outbox, depth, False, now_ms)
            self._awaiting[outbox] = depth
            return
        super().subscribe_book(outbox, depth, snapshot, now_ms)

    def unsubscribe_book(self, outbox: Outbox, depth: int) -> None:
        self._awaiting.pop(outbox, None)
        super().unsubscribe_book(outbox, depth)

    def drop(self, outbox: Outbox) -> None:
        self._awaiting.pop(outbox, None)
        super().drop(outbox)

    def suspend(self) -> None:
        """The upstream is away: the book is no longer live. Its subscribers are
        disconnected (so their books stop showing as live) and new subscribers get no
        snapshot until :meth:`resume`."""
        if self.suspended:
            return
        self.suspended = True
        for subscribers in self._book_subs.values():
            for outbox in subscribers:
                outbox.close(UPSTREAM_AWAY_CLOSE_CODE)

    def resume(self, now_ms: int) -> None:
        """The upstream book is back: owed snapshots go out (call before applying it)."""
        self.suspended = False
        awaiting, self._awaiting = self._awaiting, {}
        for outbox, depth in awaiting.items():
            if outbox in self._book_subs.get(depth, ()):
                super().subscribe_book(outbox, depth, True, now_ms)


class RelayFuturesFeed(FuturesProductFeed):
    """Futures fan-out of a relayed market: the ticker carries the upstream mark and
    index, and the book can be suspended while the upstream is away."""

    def __init__(
        self, market: SyntheticMarket, stats: SimStats, index_price: Callable[[], Decimal]
    ) -> None:
        super().__init__(market, stats, index_price)
        self.suspended = False
        self._awaiting: set[Outbox] = set()

    def ticker(self, now_ms: int | None = None) -> Ticker:
        ticker = super().ticker(now_ms)
        market = self.market
        if isinstance(market, RelayMarket):
            ticker = replace(
                ticker,
                mark=market.mark if market.mark is not None else ticker.mark,
                index=market.index if market.index is not None else ticker.index,
            )
        return ticker

    def subscribe_book(self, outbox: Outbox, now_ms: int) -> None:
        if self.suspended:
            # Acknowledged (by the session) but no snapshot: the book is not live.
            self.book_subs.add(outbox)
            self._awaiting.add(outbox)
            return
        super().subscribe_book(outbox, now_ms)

    def drop(self, outbox: Outbox) -> None:
        self._awaiting.discard(outbox)
        super().drop(outbox)

    def suspend(self) -> None:
        """As :meth:`RelaySpotFeed.suspend`."""
        if self.suspended:
            return
        self.suspended = True
        for outbox in self.book_subs:
            outbox.close(UPSTREAM_AWAY_CLOSE_CODE)

    def resume(self, now_ms: int) -> None:
        """As :meth:`RelaySpotFeed.resume`."""
        self.suspended = False
        awaiting, self._awaiting = self._awaiting, set()
        for outbox in awaiting:
            if outbox in self.book_subs:
                super().subscribe_book(outbox, now_ms)


RelayFeed = RelaySpotFeed | RelayFuturesFeed
