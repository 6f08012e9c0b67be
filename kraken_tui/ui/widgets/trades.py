"""The trade tape: newest trade on top, as many as fit, coloured by the taker's side."""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal
from itertools import islice
from typing import ClassVar

from rich.text import Text

from kraken_tui.feeds.session import MarketSession
from kraken_tui.feeds.stores import MarketKey
from kraken_tui.model import Trade, TradeSide
from kraken_tui.ui.widgets.formatting import decimal_text, utc_time_text
from kraken_tui.ui.widgets.pane import Line, PolledPane

TITLE_LINES = 1


def trade_decimals(qty: Decimal, cap: int) -> int:
    """Decimals needed to show ``qty`` exactly, at most ``cap``."""
    exponent = qty.normalize().as_tuple().exponent
    return min(cap, max(0, -exponent)) if isinstance(exponent, int) else cap


class TradesPane(PolledPane, can_focus=True):
    """Recent public trades of the session's selected market."""

    POLL_INTERVAL = 1 / 10
    ROLE_PREFIX = "trades"

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "trades--title",
        "trades--header",
        "trades--time",
        "trades--size",
        "trades--buy",
        "trades--sell",
        "trades--stale",
    }

    DEFAULT_CSS = """
    TradesPane {
        height: 1fr;
        min-height: 3;
    }
    TradesPane > .trades--title { text-style: bold; }
    TradesPane:focus > .trades--title { color: $accent; }
    TradesPane > .trades--header { color: $text-muted; }
    TradesPane > .trades--time { color: $text-muted; }
    TradesPane > .trades--size { color: $foreground; }
    TradesPane > .trades--buy { color: $bid; }
    TradesPane > .trades--sell { color: $ask; }
    TradesPane > .trades--stale { color: $stale; }
    """

    def __init__(self, session: MarketSession, *, id: str | None = None) -> None:
        super().__init__(session, id=id)
        self._lines: list[Line] = []
        self._market: MarketKey | None = None
        self._decimals = 0

    def change_key(self) -> Hashable:
        key = self.market_key
        store = self.session.store
        return (key, store.trades_version.get(key), id(store.instruments.get(key)), self.size)

    def lines(self) -> list[Line]:
        """The current line model, for tests."""
        return self._lines

    def render(self) -> Text:
        return self.lines_to_text(self._lines)

    def rebuild(self) -> None:
        key = self.market_key
        if key != self._market:
            self._market, self._decimals = key, 0
        store = self.session.store
        instrument = store.instruments.get(key)
        title: Line = [("TRADES", "title"), (f" {key[1]}", "header")]
        tape = store.trades.get(key)
        if not tape:
            self._lines = [title, [("no trades yet", "stale")]]
            return
        room = max(0, self.size.height - TITLE_LINES)
        newest: list[Trade] = list(islice(reversed(tape), room))
        price_decimals = 8 if instrument is None else instrument.price_precision
        qty_cap = 8 if instrument is None else instrument.qty_precision
        for trade in newest:
            self._decimals = max(self._decimals, trade_decimals(trade.qty, qty_cap))
        prices = [decimal_text(t.price, price_decimals) for t in newest]
        sizes = [decimal_text(t.qty, self._decimals) for t in newest]
        price_w = max(map(len, prices), default=0)
        size_w = max(map(len, sizes), default=0)
        lines = [title]
        for trade, price, size in zip(newest, prices, sizes, strict=True):
            role = "buy" if trade.side is TradeSide.BUY else "sell"
            lines.append(
                [
                    (utc_time_text(trade.time_ms), "time"),
                    ("  " + price.rjust(price_w), role),
                    ("  " + size.rjust(size_w), "size"),
                    ("  " + trade.side.value, role),
                ]
            )
        self._lines = lines
