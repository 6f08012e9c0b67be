"""Our executions, newest first: time, symbol, side, price, size, fee, maker/taker.

The store already drops a fill it has seen (same venue and fill id), so a replayed
snapshot after a reconnect adds no row here.
"""

from __future__ import annotations

from collections.abc import Hashable

from kraken_tui.model import TradeSide
from kraken_tui.model.account import Fill
from kraken_tui.ui.widgets.account_layout import (
    Column,
    Record,
    aligned_qty_texts,
    price_of,
    qty_cap,
)
from kraken_tui.ui.widgets.account_table import AccountTablePane
from kraken_tui.ui.widgets.formatting import FIAT, clock_text, trimmed_text
from kraken_tui.ui.widgets.pane import Cell


class FillsPane(AccountTablePane):
    """Recent fills of both venues; ``f`` keeps the selected market's only."""

    TITLE = "FILLS"
    HELP_GROUP = "fills"
    NOUN = "fills yet"
    COLUMNS = (
        Column("time", drop=3),
        Column("symbol"),
        Column("side"),
        Column("price", right=True),
        Column("size", right=True),
        Column("fee", right=True, drop=5),
        Column("m/t", drop=4),
    )

    def data_key(self) -> Hashable:
        return self.account.fills_version

    def records(self) -> list[Record]:
        store = self.session.store
        # The store keeps arrival order; time decides, arrival breaks ties (newest first).
        arrived = list(self.account.fills.values())
        fills = [
            fill
            for _, fill in sorted(
                enumerate(arrived), key=lambda pair: (pair[1].time_ms, pair[0]), reverse=True
            )
        ]
        sizes = aligned_qty_texts([(f.qty, qty_cap(store, f.venue, f.symbol)) for f in fills])
        records = []
        for fill, size in zip(fills, sizes, strict=True):
            buy = fill.side is TradeSide.BUY
            cells: tuple[Cell, ...] = (
                (clock_text(fill.time_ms), "muted"),
                (fill.symbol, "value"),
                (fill.side.value, "buy" if buy else "sell"),
                price_of(store, fill.venue, fill.symbol, fill.price),
                (size, "value"),
                self._fee(fill),
                (fill.liquidity.value, "muted"),
            )
            records.append(Record((fill.venue, fill.fill_id), fill.venue, fill.symbol, cells))
        return records

    @staticmethod
    def _fee(fill: Fill) -> Cell:
        if fill.fee is None:
            return ("—", "muted")
        currency = fill.fee_currency
        # Fees arrive with many digits; four decimals of a fiat fee say enough.
        cap = 4 if not currency or currency.upper() in FIAT else 8
        return (trimmed_text(fill.fee, cap) + (f" {currency}" if currency else ""), "muted")
