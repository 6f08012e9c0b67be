"""The trade tape: newest trade on top, as many as fit, coloured by the taker's side.

Drawn line by line (``LinePane``): each trade's texts are formatted once, while it
stays in view, and a new trade costs one new strip (the others slide down and
keep theirs), unless it widens a column.
"""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal
from itertools import islice
from typing import ClassVar

from kraken_tui.feeds.session import MarketSession
from kraken_tui.feeds.stores import MarketKey
from kraken_tui.model import Trade, TradeSide
from kraken_tui.ui.widgets.formatting import decimal_text, utc_time_text
from kraken_tui.ui.widgets.pane import Line, LinePane

TITLE_LINES = 1


def trade_decimals(qty: Decimal, cap: int) -> int:
    """Decimals needed to show ``qty`` exactly, at most ``cap``."""
    exponent = qty.normalize().as_tuple().exponent
    return min(cap, max(0, -exponent)) if isinstance(exponent, int) else cap


TradeTexts = tuple[str, str, str, str]
"""Time, price, size and the role of one trade, formatted for the current decimals."""


class TradesPane(LinePane, can_focus=True):
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
        self._market: MarketKey | None = None
        self._decimals = 0
        self._texts: dict[int, tuple[Trade, tuple[int, int], TradeTexts]] = {}
        """Formatted texts of the trades in view, by ``id`` (the trade is kept with them,
        so its id cannot be reused while cached), with the decimals they were made for."""

    def change_key(self) -> Hashable:
        key = self.market_key
        store = self.session.store
        return (key, store.trades_version.get(key), id(store.instruments.get(key)), self.size)

    def rebuild(self) -> None:
        key = self.market_key
        if key != self._market:
            self._market, self._decimals = key, 0
            self._texts = {}
        store = self.session.store
        instrument = store.instruments.get(key)
        title: Line = [("TRADES", "title"), (f" {key[1]}", "header")]
        tape = store.trades.get(key)
        if not tape:
            self.show_lines([title, [("no trades yet", "stale")]])
            return
        room = max(0, self.size.height - TITLE_LINES)
        newest: list[Trade] = list(islice(reversed(tape), room))
        price_decimals = 8 if instrument is None else instrument.price_precision
        qty_cap = 8 if instrument is None else instrument.qty_precision
        cached = self._texts
        for trade in newest:
            if id(trade) not in cached:
                self._decimals = max(self._decimals, trade_decimals(trade.qty, qty_cap))
        decimals = (price_decimals, self._decimals)
        texts: dict[int, tuple[Trade, tuple[int, int], TradeTexts]] = {}
        for trade in newest:
            entry = cached.get(id(trade))
            if entry is None or entry[1] != decimals:
                entry = (trade, decimals, trade_texts(trade, *decimals))
            texts[id(trade)] = entry
        self._texts = texts  # only what is in view: the cache never outgrows the pane
        rows = [texts[id(trade)][2] for trade in newest]
        price_w = max((len(row[1]) for row in rows), default=0)
        size_w = max((len(row[2]) for row in rows), default=0)
        lines = [title]
        for time_text, price, size, role in rows:
            lines.append(
                [
                    (time_text, "time"),
                    ("  " + price.rjust(price_w), role),
                    ("  " + size.rjust(size_w), "size"),
                    ("  " + role, role),
                ]
            )
        self.show_lines(lines)


def trade_texts(trade: Trade, price_decimals: int, size_decimals: int) -> TradeTexts:
    """Time, price, size and side role of one trade."""
    return (
        utc_time_text(trade.time_ms),
        decimal_text(trade.price, price_decimals),
        decimal_text(trade.qty, size_decimals),
        "buy" if trade.side is TradeSide.BUY else "sell",
    )
