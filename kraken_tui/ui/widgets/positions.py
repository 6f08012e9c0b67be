"""Open futures positions: side, size, entry, mark, unrealised PnL, liquidation price and
how far the mark is from it, leverage."""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal

from kraken_tui.model import Venue
from kraken_tui.model.account import Position
from kraken_tui.ui.widgets.account_layout import (
    Column,
    Record,
    aligned_qty_texts,
    price_of,
    qty_cap,
)
from kraken_tui.ui.widgets.account_table import AccountTablePane
from kraken_tui.ui.widgets.formatting import decimal_text, money_text, percent_text
from kraken_tui.ui.widgets.pane import Cell

NEAR_LIQUIDATION = Decimal("0.10")
"""A mark closer than this fraction to the liquidation price is drawn as a warning."""


class PositionsPane(AccountTablePane):
    """Every open futures position; ``f`` keeps the selected contract's only."""

    TITLE = "POSITIONS"
    HELP_GROUP = "positions"
    NOUN = "open positions"
    VENUES = (Venue.FUTURES,)
    COLUMNS = (
        Column("symbol"),
        Column("side"),
        Column("size", right=True),
        Column("entry", right=True, drop=4),
        Column("mark", right=True, drop=5),
        Column("uPnL", right=True),
        Column("liq", right=True, drop=3),
        Column("dist", right=True, drop=2),
        Column("lev", right=True, drop=6),
    )

    def data_key(self) -> Hashable:
        # A position without a mark borrows the ticker's, so those tickers count too.
        store = self.session.store
        borrowed = tuple(
            store.tickers.get((Venue.FUTURES, p.symbol))
            for p in self.account.positions.values()
            if p.mark_price is None
        )
        return (self.account.positions_version, borrowed)

    def _mark(self, position: Position) -> Decimal | None:
        if position.mark_price is not None:
            return position.mark_price
        ticker = self.session.store.tickers.get((Venue.FUTURES, position.symbol))
        return None if ticker is None else ticker.mark

    def records(self) -> list[Record]:
        store = self.session.store
        positions = sorted(self.account.positions.values(), key=lambda p: p.symbol)
        sizes = aligned_qty_texts(
            [(abs(p.size), qty_cap(store, Venue.FUTURES, p.symbol)) for p in positions]
        )
        records = []
        for position, size in zip(positions, sizes, strict=True):
            long = position.size >= 0
            symbol = position.symbol
            mark = self._mark(position)
            cells: tuple[Cell, ...] = (
                (symbol, "value"),
                ("long" if long else "short", "buy" if long else "sell"),
                (size, "value"),
                price_of(store, Venue.FUTURES, symbol, position.entry_price),
                price_of(store, Venue.FUTURES, symbol, mark),
                self._pnl(position),
                price_of(store, Venue.FUTURES, symbol, position.liquidation_price),
                self._distance(position, mark),
                self._leverage(position),
            )
            records.append(Record(symbol, Venue.FUTURES, symbol, cells))
        return records

    @staticmethod
    def _pnl(position: Position) -> Cell:
        pnl = position.unrealized_pnl
        if pnl is None:
            return ("—", "muted")
        role = "profit" if pnl > 0 else "loss" if pnl < 0 else "value"
        return (money_text(pnl, position.pnl_currency, sign=True), role)

    @staticmethod
    def _distance(position: Position, mark: Decimal | None) -> Cell:
        liquidation = position.liquidation_price
        if liquidation is None or not mark:
            return ("—", "muted")
        distance = (liquidation - mark) / mark
        return (percent_text(distance, 1), "warn" if abs(distance) < NEAR_LIQUIDATION else "muted")

    @staticmethod
    def _leverage(position: Position) -> Cell:
        leverage = position.effective_leverage
        if leverage is None:
            return ("—", "muted")
        return (decimal_text(leverage, 1) + "×", "value")
