"""The ticker pane: last price and its direction, touch, 24h stats; perp funding and OI.

Drawn line by line (``LinePane``): a new ticker repaints only the lines whose text
changed (usually the last price and the touch).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import ClassVar

from kraken_tui.feeds.session import MarketSession
from kraken_tui.model import Instrument, InstrumentKind, Ticker
from kraken_tui.ui.widgets.formatting import (
    compact_text,
    countdown_text,
    decimal_text,
    percent_text,
)
from kraken_tui.ui.widgets.pane import Line, LinePane, flow


def wall_clock_ms() -> int:
    """Milliseconds since the epoch (the default clock; tests inject a frozen one)."""
    return time.time_ns() // 1_000_000


class TickerPane(LinePane, can_focus=True):
    """Ticker for the session's selected market."""

    POLL_INTERVAL = 1 / 20
    ROLE_PREFIX = "ticker"

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ticker--title",
        "ticker--header",
        "ticker--label",
        "ticker--value",
        "ticker--up",
        "ticker--down",
        "ticker--bid",
        "ticker--ask",
        "ticker--stale",
    }

    DEFAULT_CSS = """
    TickerPane {
        height: auto;
        min-height: 3;
    }
    TickerPane > .ticker--title { text-style: bold; }
    TickerPane:focus > .ticker--title { color: $accent; }
    TickerPane > .ticker--header { color: $text-muted; }
    TickerPane > .ticker--label { color: $text-muted; }
    TickerPane > .ticker--value { color: $foreground; }
    TickerPane > .ticker--up { color: $profit; }
    TickerPane > .ticker--down { color: $loss; }
    TickerPane > .ticker--bid { color: $bid; }
    TickerPane > .ticker--ask { color: $ask; }
    TickerPane > .ticker--stale { color: $stale; }
    """

    def __init__(self, session: MarketSession, *, id: str | None = None) -> None:
        super().__init__(session, id=id)
        self.now_ms: Callable[[], int] = wall_clock_ms
        """Clock for the funding countdown; replace it to freeze time in tests."""
        self._last_price: tuple[object, Decimal | None] = (None, None)
        self._direction = 0

    # --------------------------------------------------------------- polling
    def _ticker(self) -> Ticker | None:
        return self.session.store.tickers.get(self.market_key)

    def change_key(self) -> Hashable:
        key = self.market_key
        ticker = self._ticker()
        second = None
        if ticker is not None and ticker.next_funding_ms is not None:
            second = self.now_ms() // 1000
        instrument = self.session.store.instruments.get(key)
        return (key, ticker, id(instrument), self.size.width, second)

    def rebuild(self) -> None:
        key = self.market_key
        ticker = self._ticker()
        instrument = self.session.store.instruments.get(key)
        title: Line = [("TICKER", "title"), (f" {key[1]} {key[0].value}", "header")]
        if ticker is None:
            self.show_lines([title, [("waiting for ticker…", "stale")]])
            return
        self._track_direction(key, ticker.last)
        width = max(1, self.size.width)
        lines = [title]
        for group in self._groups(ticker, instrument):
            lines.extend(flow(group, width))
        self.show_lines(lines)

    # ---------------------------------------------------------------- layout
    def _track_direction(self, key: object, last: Decimal | None) -> None:
        previous_key, previous = self._last_price
        if previous_key != key:
            self._direction = 0
        elif last is not None and previous is not None and last != previous:
            self._direction = 1 if last > previous else -1
        self._last_price = (key, last)

    def _groups(self, ticker: Ticker, instrument: Instrument | None) -> list[list[Line]]:
        decimals = 8 if instrument is None else instrument.price_precision

        def price(value: Decimal | None, role: str = "value") -> tuple[str, str]:
            return ("—", "stale") if value is None else (decimal_text(value, decimals), role)

        def chip(label: str, value: tuple[str, str]) -> Line:
            return [(f"{label} ", "label"), value]

        direction = self._direction
        if direction == 0 and ticker.change_pct:
            direction = 1 if ticker.change_pct > 0 else -1
        trend = {1: "up", -1: "down"}.get(direction, "value")
        arrow = {1: " ▲", -1: " ▼"}.get(direction, "")
        last: Line = [*chip("last", price(ticker.last, trend)), (arrow, trend)]
        if ticker.change_pct is not None:
            change_role = "up" if ticker.change_pct > 0 else "down" if ticker.change_pct < 0 else ""
            last.append((" " + decimal_text(ticker.change_pct, 2, sign=True) + "%", change_role))
        # Bid and ask form one chip so a narrow pane never splits the touch across lines.
        quote = [
            *chip("bid", price(ticker.bid, "bid")),
            ("   ", ""),
            *chip("ask", price(ticker.ask, "ask")),
        ]
        touch = [last, quote]
        stats = [chip("24h high", price(ticker.high)), chip("low", price(ticker.low))]
        if ticker.volume is not None:
            stats.append(chip("vol", (compact_text(ticker.volume), "value")))
        perpetual = instrument is not None and instrument.kind is not InstrumentKind.SPOT
        if ticker.vwap is not None or not perpetual:
            stats.append(chip("vwap", price(ticker.vwap)))
        groups = [touch, stats]
        if perpetual or ticker.mark is not None:
            groups.append(self._perp_chips(ticker, chip, price))
        return groups

    def _perp_chips(
        self,
        ticker: Ticker,
        chip: Callable[[str, tuple[str, str]], Line],
        price: Callable[[Decimal | None], tuple[str, str]],
    ) -> list[Line]:
        chips = [chip("mark", price(ticker.mark)), chip("index", price(ticker.index))]
        if ticker.funding_rate is not None:
            rate = ticker.funding_rate
            role = "up" if rate > 0 else "down" if rate < 0 else "value"
            funding = chip("funding", (percent_text(rate), role))
            if ticker.next_funding_ms is not None:
                remaining = ticker.next_funding_ms - self.now_ms()
                funding += [(" in ", "label"), (countdown_text(remaining), "value")]
            chips.append(funding)
        if ticker.open_interest is not None:
            chips.append(chip("OI", (compact_text(ticker.open_interest), "value")))
        return chips
