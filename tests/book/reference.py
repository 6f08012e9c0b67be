"""A deliberately simple reference book for the property tests: dicts, sorted(), Decimal.

It shares no code with the engine. The checksum follows Kraken's text recipe
literally: format with the precision, drop '.', strip leading '0', zlib.crc32.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from decimal import Decimal


def checksum_field(value: Decimal, precision: int) -> str:
    return f"{value:.{precision}f}".replace(".", "").lstrip("0")


class ReferenceBook:
    def __init__(self, price_precision: int, qty_precision: int, depth: int | None) -> None:
        self.pp = price_precision
        self.qp = qty_precision
        self.depth = depth
        self.asks: dict[Decimal, Decimal] = {}
        self.bids: dict[Decimal, Decimal] = {}

    def apply(
        self,
        bids: Iterable[tuple[str, str]],
        asks: Iterable[tuple[str, str]],
        *,
        snapshot: bool,
    ) -> None:
        if snapshot:
            self.asks, self.bids = {}, {}
        for side, levels in ((self.asks, asks), (self.bids, bids)):
            for price, qty in levels:
                if Decimal(qty) == 0:
                    side.pop(Decimal(price), None)
                else:
                    side[Decimal(price)] = Decimal(qty)
        if self.depth is not None:
            self.asks = dict(self.top_asks(self.depth))
            self.bids = dict(self.top_bids(self.depth))

    def top_asks(self, n: int) -> list[tuple[Decimal, Decimal]]:
        return sorted(self.asks.items())[:n]

    def top_bids(self, n: int) -> list[tuple[Decimal, Decimal]]:
        return sorted(self.bids.items(), reverse=True)[:n]

    def checksum(self) -> int:
        text = "".join(
            checksum_field(p, self.pp) + checksum_field(q, self.qp)
            for p, q in self.top_asks(10) + self.top_bids(10)
        )
        return zlib.crc32(text.encode())
