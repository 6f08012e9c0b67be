"""Spot WebSocket v2 book: snapshot/update, truncation to depth, CRC32 check."""

from __future__ import annotations

from collections.abc import Sequence

from kraken_tui.book.core import ApplyResult, BookHealth, L2Book
from kraken_tui.model.scaled import PrecisionError, to_scaled

RawLevel = tuple[str | int, str | int]
"""(price, qty) exactly as the JSON number text arrived (or an int)."""


class SpotBook(L2Book):
    """A Kraken Spot v2 L2 book.

    Rules (Kraken's book guide): apply every level of a message in order, qty 0
    deletes, truncate each side to the subscribed depth (Kraken sends no deletes
    for levels pushed out), then compare the CRC32 of the top ten with the
    message's checksum. Any failure drops the levels and waits for a snapshot.
    """

    __slots__ = ("_awaiting_snapshot", "price_cache")

    def __init__(self, symbol: str, price_precision: int, qty_precision: int, depth: int = 10):
        super().__init__(symbol, price_precision, qty_precision, depth)
        self._awaiting_snapshot = True
        self.price_cache: dict[str, tuple[int, str]] = {}
        """Wire price text -> (scaled price, its digits); filled by :mod:`kraken_tui.book.wire`."""

    @property
    def awaiting_snapshot(self) -> bool:
        return self._awaiting_snapshot

    def invalidate(self, health: BookHealth = BookHealth.RESYNCING) -> None:
        super().invalidate(health)
        self._awaiting_snapshot = True

    def apply(
        self,
        bids: Sequence[RawLevel],
        asks: Sequence[RawLevel],
        checksum: int | None,
        *,
        snapshot: bool,
    ) -> ApplyResult:
        """Apply one ``book`` message's levels and verify its checksum."""
        if not snapshot and self._awaiting_snapshot:
            self.messages += 1
            return ApplyResult.IGNORED
        pp, qp = self.price_precision, self.qty_precision
        try:
            scaled_asks = [(to_scaled(p, pp), to_scaled(q, qp)) for p, q in asks]
            scaled_bids = [(to_scaled(p, pp), to_scaled(q, qp)) for p, q in bids]
        except (PrecisionError, ValueError):
            return self.reject_bad_value()
        return self.apply_scaled(scaled_bids, scaled_asks, checksum, snapshot=snapshot)

    def reject_bad_value(self) -> ApplyResult:
        """Count a message whose levels could not be read, and drop the book."""
        self.messages += 1
        self.invalidate()
        return ApplyResult.BAD_VALUE

    def apply_scaled(
        self,
        bids: Sequence[tuple[int, int]],
        asks: Sequence[tuple[int, int]],
        checksum: int | None,
        *,
        snapshot: bool,
    ) -> ApplyResult:
        """Like :meth:`apply`, with levels already scaled to the book's precisions."""
        self.messages += 1
        if snapshot:
            self.clear()
            self._awaiting_snapshot = False
        elif self._awaiting_snapshot:
            return ApplyResult.IGNORED
        try:
            if asks:
                self._apply_asks(asks)
            if bids:
                self._apply_bids(bids)
        except ValueError:
            self.invalidate()
            return ApplyResult.BAD_VALUE
        self._truncate()
        self.version += 1
        if checksum is not None:
            if self.checksum() != checksum:
                self.checksum_bad += 1
                self.invalidate()
                return ApplyResult.CHECKSUM_MISMATCH
            self.checksum_ok += 1
        if self._ask_keys and self._bid_keys and -self._bid_keys[0] >= self._ask_keys[0]:
            self.crossed_count += 1
            self.invalidate(BookHealth.CROSSED)
            return ApplyResult.CROSSED
        if self.health is not BookHealth.SYNCED:
            self.health = BookHealth.SYNCED
        return ApplyResult.OK
