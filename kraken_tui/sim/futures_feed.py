"""Fan-out of one perpetual market to its Futures v1 subscribers.

Every change the market applies becomes one ``book`` delta with the product's
next ``seq`` (seq advances whether or not anyone listens, as on Kraken), so a
``book_snapshot`` carries the current seq and the first delta is seq + 1.
Tickers go out once a second from :meth:`FuturesProductFeed.send_tickers`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from kraken_tui.model import Ticker, Trade, TradeSide
from kraken_tui.model.scaled import from_scaled
from kraken_tui.sim.market import LevelChange, SyntheticMarket, TradeEvent
from kraken_tui.sim.outbox import Outbox, SimStats
from kraken_tui.venues.kraken_futures.server import (
    encode_book_delta,
    encode_book_snapshot,
    encode_ticker,
    encode_ticker_lite,
    encode_trade,
    encode_trade_snapshot,
)

HOUR_MS = 3_600_000


def next_funding_ms(now_ms: int) -> int:
    """Funding is hourly, on the hour."""
    return (now_ms // HOUR_MS + 1) * HOUR_MS


class FuturesProductFeed:
    """Subscribers of one futures product and what each step sends them."""

    def __init__(
        self, market: SyntheticMarket, stats: SimStats, index_price: Callable[[], Decimal]
    ) -> None:
        self.market = market
        self.product_id = market.symbol
        self._stats = stats
        self._index_price = index_price
        self.seq = market.rng.randrange(1_000_000, 50_000_000)
        self.trade_seq = market.rng.randrange(10_000, 900_000)
        self._trade_seqs: dict[int, int] = {}
        self.book_subs: set[Outbox] = set()
        self.ticker_subs: set[Outbox] = set()
        self.ticker_lite_subs: set[Outbox] = set()
        self.trade_subs: set[Outbox] = set()
        self.seq_gap_pending = False
        self._now_ms = 0
        market.add_observer(self._on_change)

    @property
    def has_book_subscribers(self) -> bool:
        return bool(self.book_subs)

    def _on_change(self, change: LevelChange) -> None:
        self.seq += 1
        if not self.book_subs:
            return
        if self.seq_gap_pending:
            self.seq_gap_pending = False
            self.seq += 1
        m = self.market
        text = encode_book_delta(
            self.product_id,
            "buy" if change.is_bid else "sell",
            self.seq,
            change.price,
            change.qty,
            self._now_ms,
            m.pp,
            m.qp,
        )
        for outbox in self.book_subs:
            outbox.put(text)
        self._stats.book_messages["futures"] += len(self.book_subs)

    def begin_step(self, now_ms: int) -> None:
        self._now_ms = now_ms

    def subscribe_book(self, outbox: Outbox, now_ms: int) -> None:
        self.book_subs.add(outbox)
        m = self.market
        outbox.put(
            encode_book_snapshot(
                self.product_id,
                self.seq,
                m.bids.top(),
                m.asks.top(),
                now_ms,
                m.pp,
                m.qp,
                m.listing.instrument.tick_size,
            )
        )
        self._stats.book_messages["futures"] += 1

    def subscribe_trade(self, outbox: Outbox) -> None:
        self.trade_subs.add(outbox)
        newest_first = list(reversed(self.market.recent_trades()))
        pairs = [(self._trade(e), self._trade_seqs.get(e.trade_id, 0)) for e in newest_first]
        outbox.put(encode_trade_snapshot(self.product_id, pairs))

    def subscribe_ticker(self, outbox: Outbox, lite: bool) -> None:
        (self.ticker_lite_subs if lite else self.ticker_subs).add(outbox)
        outbox.put(self._ticker_lite_text() if lite else self._ticker_text())

    def drop(self, outbox: Outbox) -> None:
        for subs in (self.book_subs, self.ticker_subs, self.ticker_lite_subs, self.trade_subs):
            subs.discard(outbox)

    def _trade(self, event: TradeEvent) -> Trade:
        m = self.market
        return Trade(
            symbol=self.product_id,
            side=TradeSide(event.side),
            price=from_scaled(event.price, m.pp),
            qty=from_scaled(event.qty, m.qp),
            time_ms=event.time_ms,
            trade_id=event.uid,
        )

    def after_step(self, trades: list[TradeEvent]) -> None:
        for event in trades:
            self.trade_seq += 1
            self._trade_seqs[event.trade_id] = self.trade_seq
            if self.trade_subs:
                text = encode_trade(self._trade(event), self.trade_seq)
                for outbox in self.trade_subs:
                    outbox.put(text)
        if len(self._trade_seqs) > 200:
            keep = {e.trade_id for e in self.market.recent_trades()}
            self._trade_seqs = {k: v for k, v in self._trade_seqs.items() if k in keep}

    # ------------------------------------------------------------ ticker
    def ticker(self, now_ms: int | None = None) -> Ticker:
        m = self.market
        s = m.stats
        now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
        bid = m.bids.level(0) if len(m.bids) else None
        ask = m.asks.level(0) if len(m.asks) else None
        pct = ((s.last - s.open) / s.open * 100).quantize(Decimal("0.0001")) if s.open else None
        mark = m.mid.quantize(Decimal(1).scaleb(-(m.pp + 2)))
        index = self._index_price().quantize(Decimal(1).scaleb(-(m.pp + 2)))
        return Ticker(
            symbol=self.product_id,
            last=s.last,
            bid=from_scaled(bid[0], m.pp) if bid else None,
            ask=from_scaled(ask[0], m.pp) if ask else None,
            bid_qty=from_scaled(bid[1], m.qp) if bid else None,
            ask_qty=from_scaled(ask[1], m.qp) if ask else None,
            change_pct=pct,
            volume=s.volume,
            high=s.high,
            low=s.low,
            mark=mark,
            index=index,
            funding_rate=s.funding_rate,
            next_funding_ms=next_funding_ms(now_ms),
            open_interest=s.open_interest,
            time_ms=now_ms,
        )

    def _pair(self) -> str:
        inst = self.market.listing.instrument
        return f"{inst.base}:{inst.quote}"

    def _extra(self, ticker: Ticker) -> dict[str, Decimal | int | str | bool | None]:
        s = self.market.stats
        extra: dict[str, Decimal | int | str | bool | None] = {
            "open": s.open,
            "volumeQuote": (s.volume * s.vwap).quantize(Decimal("0.01")),
            "leverage": "50x",
        }
        if ticker.mark is not None and ticker.index:
            extra["premium"] = ((ticker.mark - ticker.index) / ticker.index * 100).quantize(
                Decimal("0.1")
            )
        if s.funding_rate and ticker.index:
            extra["funding_rate_prediction"] = (s.funding_rate * ticker.index).quantize(
                Decimal("1e-12")
            )
            extra["relative_funding_rate_prediction"] = s.funding_rate
        return extra

    def _ticker_text(self) -> str:
        ticker = self.ticker()
        if not self.market.stats.funding_rate:
            # Kraken omits the funding fields entirely when they are zero.
            ticker = replace(ticker, funding_rate=None)
        return encode_ticker(ticker, pair=self._pair(), extra=self._extra(ticker))

    def _ticker_lite_text(self) -> str:
        ticker = self.ticker()
        return encode_ticker_lite(ticker, pair=self._pair())

    def send_tickers(self) -> None:
        """The once-a-second ticker and ticker_lite updates."""
        if self.ticker_subs:
            text = self._ticker_text()
            for outbox in self.ticker_subs:
                outbox.put(text)
        if self.ticker_lite_subs:
            text = self._ticker_lite_text()
            for outbox in self.ticker_lite_subs:
                outbox.put(text)
