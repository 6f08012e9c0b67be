"""A top-N view of a book for display: cumulative size and notional, tick grouping."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kraken_tui.book.core import BookHealth, L2Book


@dataclass(frozen=True, slots=True)
class LevelRow:
    """One displayed level. ``notional`` and ``cum_notional`` are scaled by
    ``price_precision + qty_precision`` (price x qty of the scaled ints)."""

    price: int
    qty: int
    cum_qty: int
    cum_notional: int


@dataclass(frozen=True, slots=True)
class BookView:
    symbol: str
    price_precision: int
    qty_precision: int
    health: BookHealth
    version: int
    asks: tuple[LevelRow, ...]
    """Best (lowest) first."""
    bids: tuple[LevelRow, ...]
    """Best (highest) first."""
    group_size: int
    """Bucket width in scaled price units (tick x grouping)."""

    @property
    def best_bid(self) -> int | None:
        return self.bids[0].price if self.bids else None

    @property
    def best_ask(self) -> int | None:
        return self.asks[0].price if self.asks else None

    @property
    def spread(self) -> int | None:
        """Best ask minus best bid, scaled by ``price_precision``."""
        if not self.asks or not self.bids:
            return None
        return self.asks[0].price - self.bids[0].price

    @property
    def mid_x2(self) -> int | None:
        """Twice the mid price (scaled), kept an int so the mid stays exact."""
        if not self.asks or not self.bids:
            return None
        return self.asks[0].price + self.bids[0].price

    @property
    def max_cum_qty(self) -> int:
        return max(
            self.asks[-1].cum_qty if self.asks else 0, self.bids[-1].cum_qty if self.bids else 0
        )


def _rows(levels: Iterable[tuple[int, int]], n: int, size: int, ceil: bool) -> tuple[LevelRow, ...]:
    rows: list[LevelRow] = []
    cum_qty = 0
    cum_notional = 0
    if size <= 1:
        for price, qty in levels:
            if len(rows) == n:
                break
            cum_qty += qty
            cum_notional += price * qty
            rows.append(LevelRow(price, qty, cum_qty, cum_notional))
        return tuple(rows)
    bucket: int | None = None
    bucket_qty = 0
    for price, qty in levels:
        key = -((-price) // size) * size if ceil else (price // size) * size
        if key != bucket:
            if bucket is not None:
                cum_qty += bucket_qty
                rows.append(LevelRow(bucket, bucket_qty, cum_qty, cum_notional))
                if len(rows) == n:
                    return tuple(rows)
            bucket, bucket_qty = key, 0
        bucket_qty += qty
        cum_notional += price * qty
    if bucket is not None and len(rows) < n:
        cum_qty += bucket_qty
        rows.append(LevelRow(bucket, bucket_qty, cum_qty, cum_notional))
    return tuple(rows)


def build_view(book: L2Book, n: int, tick: int = 1, group: int = 1) -> BookView:
    """Top ``n`` rows per side. With ``group`` > 1, levels are summed into buckets of
    ``group`` ticks: bids round down, asks round up, so a bucket never claims a
    better price than any level inside it."""
    size = max(1, tick * group)
    return BookView(
        symbol=book.symbol,
        price_precision=book.price_precision,
        qty_precision=book.qty_precision,
        health=book.health,
        version=book.version,
        asks=_rows(book.iter_asks(), n, size, ceil=True),
        bids=_rows(book.iter_bids(), n, size, ceil=False),
        group_size=size,
    )
