"""One side of the simulator's master book: sorted keys with rank lookups.

Asks are keyed by price and bids by ``-price`` so that ascending key order is
best-first on both sides; ranks (0 = best) are then plain list indexes, which is
what the per-depth subscriber windows need.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort


class MasterSide:
    """Sorted price levels of one side (scaled ints), best first by key."""

    __slots__ = ("is_bid", "keys", "qty")

    def __init__(self, is_bid: bool) -> None:
        self.is_bid = is_bid
        self.keys: list[int] = []
        self.qty: dict[int, int] = {}

    def key_of(self, price: int) -> int:
        return -price if self.is_bid else price

    def price_of(self, key: int) -> int:
        return -key if self.is_bid else key

    def set(self, price: int, qty: int) -> None:
        """Set the absolute size at ``price``; 0 deletes the level."""
        key = -price if self.is_bid else price
        if qty > 0:
            if key not in self.qty:
                insort(self.keys, key)
            self.qty[key] = qty
        elif self.qty.pop(key, None) is not None:
            del self.keys[bisect_left(self.keys, key)]

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, price: int) -> bool:
        return (-price if self.is_bid else price) in self.qty

    def level(self, rank: int) -> tuple[int, int]:
        """(price, qty) of the level at ``rank`` (0 = best)."""
        key = self.keys[rank]
        return (-key if self.is_bid else key), self.qty[key]

    def size_at(self, price: int) -> int:
        return self.qty.get(-price if self.is_bid else price, 0)

    def count_through(self, key: int) -> int:
        """How many levels have a key at or better than ``key``."""
        return bisect_right(self.keys, key)

    def top(self, n: int | None = None) -> list[tuple[int, int]]:
        """Up to ``n`` levels (all when None), best first, as (price, qty)."""
        keys = self.keys if n is None else self.keys[:n]
        qty = self.qty
        if self.is_bid:
            return [(-k, qty[k]) for k in keys]
        return [(k, qty[k]) for k in keys]

    @property
    def best(self) -> int | None:
        if not self.keys:
            return None
        key = self.keys[0]
        return -key if self.is_bid else key
