"""Fan-out of one spot market to its Spot v2 subscribers (book, ticker, trade).

Book subscribers are grouped by depth; each group shares one
:class:`~kraken_tui.sim.windows.DepthWindow`, so a market step is filtered and
encoded once per depth, not once per connection. The checksum covers the
master's top ten, which every depth (>= 10) shares.
"""

from __future__ import annotations

from decimal import Decimal

from kraken_tui.book import spot_checksum
from kraken_tui.model import Ticker, Trade, TradeSide
from kraken_tui.model.scaled import from_scaled
from kraken_tui.sim.market import SyntheticMarket, TradeEvent
from kraken_tui.sim.outbox import Outbox, SimStats
from kraken_tui.sim.windows import DepthWindow
from kraken_tui.venues.kraken_spot.server import encode_book, encode_ticker, encode_trade


class SpotSymbolFeed:
    """Subscribers of one spot symbol and what each step sends them."""

    def __init__(self, market: SyntheticMarket, stats: SimStats) -> None:
        self.market = market
        self.symbol = market.symbol
        self._stats = stats
        self._windows: dict[int, DepthWindow] = {}
        self._book_subs: dict[int, set[Outbox]] = {}
        self._ticker_subs: dict[Outbox, str] = {}
        self._trade_subs: set[Outbox] = set()
        self._last_bbo: tuple[int | None, int | None] = (None, None)
        self.bad_checksum_pending = False

    @property
    def has_book_subscribers(self) -> bool:
        return bool(self._book_subs)

    # -------------------------------------------------------------- book
    def subscribe_book(self, outbox: Outbox, depth: int, snapshot: bool, now_ms: int) -> None:
        if depth not in self._windows:
            window = DepthWindow(depth, self.market.bids, self.market.asks)
            self._windows[depth] = window
            self.market.add_observer(window)
            self._book_subs[depth] = set()
        self._book_subs[depth].add(outbox)
        if snapshot:
            m = self.market
            outbox.put(
                encode_book(
                    self.symbol,
                    m.bids.top(depth),
                    m.asks.top(depth),
                    self._checksum(),
                    now_ms,
                    True,
                    m.pp,
                    m.qp,
                )
            )
            self._stats.book_messages["spot"] += 1

    def unsubscribe_book(self, outbox: Outbox, depth: int) -> None:
        subs = self._book_subs.get(depth)
        if subs is None:
            return
        subs.discard(outbox)
        if not subs:
            del self._book_subs[depth]
            self.market.remove_observer(self._windows.pop(depth))

    def _checksum(self) -> int:
        return spot_checksum(self.market.asks.top(10), self.market.bids.top(10))

    # ------------------------------------------------------- ticker/trade
    def subscribe_ticker(self, outbox: Outbox, trigger: str, snapshot: bool) -> None:
        self._ticker_subs[outbox] = trigger
        if snapshot:
            outbox.put(self._ticker_text(snapshot=True))

    def unsubscribe_ticker(self, outbox: Outbox) -> None:
        self._ticker_subs.pop(outbox, None)

    def subscribe_trade(self, outbox: Outbox, snapshot: bool) -> None:
        self._trade_subs.add(outbox)
        recent = self.market.recent_trades()
        if snapshot and recent:
            outbox.put(self._trade_text(recent, snapshot=True))

    def unsubscribe_trade(self, outbox: Outbox) -> None:
        self._trade_subs.discard(outbox)

    def drop(self, outbox: Outbox) -> None:
        """Forget a closed connection everywhere."""
        for depth in list(self._book_subs):
            self.unsubscribe_book(outbox, depth)
        self.unsubscribe_ticker(outbox)
        self.unsubscribe_trade(outbox)

    def ticker(self) -> tuple[Ticker, Decimal]:
        """The current ticker and its absolute 24h change."""
        m = self.market
        s = m.stats
        bid = m.bids.level(0) if len(m.bids) else None
        ask = m.asks.level(0) if len(m.asks) else None
        change = s.last - s.open
        pct = (change / s.open * 100).quantize(Decimal("0.01")) if s.open else Decimal(0)
        ticker = Ticker(
            symbol=self.symbol,
            last=s.last,
            bid=from_scaled(bid[0], m.pp) if bid else None,
            bid_qty=from_scaled(bid[1], m.qp) if bid else None,
            ask=from_scaled(ask[0], m.pp) if ask else None,
            ask_qty=from_scaled(ask[1], m.qp) if ask else None,
            change_pct=pct,
            volume=s.volume,
            high=s.high,
            low=s.low,
            vwap=s.vwap,
        )
        return ticker, change

    def _ticker_text(self, snapshot: bool) -> str:
        ticker, change = self.ticker()
        m = self.market
        return encode_ticker(ticker, m.pp, m.qp, change=change, snapshot=snapshot)

    def _trade_text(self, events: list[TradeEvent], snapshot: bool) -> str:
        m = self.market
        trades = [
            Trade(
                symbol=self.symbol,
                side=TradeSide(e.side),
                price=from_scaled(e.price, m.pp),
                qty=from_scaled(e.qty, m.qp),
                time_ms=e.time_ms,
                trade_id=str(e.trade_id),
            )
            for e in events
        ]
        return encode_trade(
            trades, m.pp, m.qp, snapshot=snapshot, ord_type="limit" if snapshot else "market"
        )

    # -------------------------------------------------------------- step
    def after_step(self, trades: list[TradeEvent], now_ms: int) -> None:
        """Send what the step just applied to the market (windows saw each change)."""
        m = self.market
        if self._windows:
            checksum = self._checksum()
            if self.bad_checksum_pending:
                checksum = (checksum + 1) & 0xFFFFFFFF
            texts: list[tuple[int, str]] = []
            for depth, window in self._windows.items():
                bids, asks = window.flush()
                if bids or asks:
                    text = encode_book(self.symbol, bids, asks, checksum, now_ms, False, m.pp, m.qp)
                    texts.append((depth, text))
            if texts and self.bad_checksum_pending:
                self.bad_checksum_pending = False
            for depth, text in texts:
                for outbox in self._book_subs[depth]:
                    outbox.put(text)
                    self._stats.book_messages["spot"] += 1
        if trades and self._trade_subs:
            text = self._trade_text(trades, snapshot=False)
            for outbox in self._trade_subs:
                outbox.put(text)
        if self._ticker_subs:
            bbo = (m.bids.best, m.asks.best)
            bbo_changed = bbo != self._last_bbo
            self._last_bbo = bbo
            if trades or bbo_changed:
                text = self._ticker_text(snapshot=False)
                for outbox, trigger in self._ticker_subs.items():
                    if (trigger == "bbo" and bbo_changed) or (trigger == "trades" and trades):
                        outbox.put(text)
