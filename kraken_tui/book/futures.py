"""Derivatives (Futures) WebSocket v1 book: snapshot plus one-level deltas checked by ``seq``."""

from __future__ import annotations

from collections.abc import Sequence

from kraken_tui.book.core import ApplyResult, BookHealth, L2Book
from kraken_tui.model.scaled import PrecisionError, to_scaled

RawLevel = tuple[str | int, str | int]

UNBOUNDED_DEPTH = 1 << 30
"""Futures snapshots have no subscribed depth; keep every level sent."""


class FuturesBook(L2Book):
    """A Kraken Futures v1 book.

    There is no checksum: integrity rests on ``seq`` rising by exactly one per
    product, starting at snapshot seq + 1. A gap drops the book. Deltas change
    one level at a time, so a cross may show between two deltas of one match;
    ``crossed_grace`` is how many further deltas may stay crossed before the
    book is dropped (it is shown as CROSSED, never live, meanwhile).
    """

    __slots__ = ("_awaiting_snapshot", "_crossed_run", "crossed_grace", "last_seq")

    def __init__(
        self,
        symbol: str,
        price_precision: int,
        qty_precision: int,
        depth: int = UNBOUNDED_DEPTH,
        crossed_grace: int = 3,
    ) -> None:
        super().__init__(symbol, price_precision, qty_precision, depth)
        self.last_seq: int | None = None
        self.crossed_grace = crossed_grace
        self._crossed_run = 0
        self._awaiting_snapshot = True

    @property
    def awaiting_snapshot(self) -> bool:
        return self._awaiting_snapshot

    def invalidate(self, health: BookHealth = BookHealth.RESYNCING) -> None:
        super().invalidate(health)
        self._awaiting_snapshot = True
        self.last_seq = None
        self._crossed_run = 0

    def apply_snapshot(
        self, seq: int, bids: Sequence[RawLevel], asks: Sequence[RawLevel]
    ) -> ApplyResult:
        self.messages += 1
        self.clear()
        self._awaiting_snapshot = False
        self._crossed_run = 0
        pp, qp = self.price_precision, self.qty_precision
        try:
            self._apply_asks([(to_scaled(p, pp), to_scaled(q, qp)) for p, q in asks])
            self._apply_bids([(to_scaled(p, pp), to_scaled(q, qp)) for p, q in bids])
        except (PrecisionError, ValueError):
            self.invalidate()
            return ApplyResult.BAD_VALUE
        self._truncate()
        self.last_seq = seq
        self.version += 1
        return self._after_change()

    def apply_delta(self, seq: int, side: str, price: str | int, qty: str | int) -> ApplyResult:
        """Apply one ``book`` delta; ``side`` is ``buy`` (bid) or ``sell`` (ask)."""
        self.messages += 1
        if self._awaiting_snapshot:
            return ApplyResult.IGNORED
        if self.last_seq is not None and seq != self.last_seq + 1:
            self.seq_gaps += 1
            self.invalidate()
            return ApplyResult.SEQ_GAP
        try:
            level = [(to_scaled(price, self.price_precision), to_scaled(qty, self.qty_precision))]
            if side == "buy":
                self._apply_bids(level)
            elif side == "sell":
                self._apply_asks(level)
            else:
                raise ValueError(f"unknown side {side!r}")
        except (PrecisionError, ValueError):
            self.invalidate()
            return ApplyResult.BAD_VALUE
        self._truncate()
        self.last_seq = seq
        self.version += 1
        return self._after_change()

    def _after_change(self) -> ApplyResult:
        if self.is_crossed():
            self._crossed_run += 1
            if self._crossed_run > self.crossed_grace:
                self.crossed_count += 1
                self.invalidate(BookHealth.CROSSED)
                return ApplyResult.CROSSED
            self.health = BookHealth.CROSSED
            return ApplyResult.OK
        self._crossed_run = 0
        self.health = BookHealth.SYNCED
        return ApplyResult.OK
