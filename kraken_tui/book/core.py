"""The L2 book both venues share: two sorted sides of scaled-int levels.

Each side keeps a sorted list of keys (best first) and a dict key -> qty. Asks are
keyed by price, bids by ``-price`` so that ascending order is best-first on both
sides; ``bisect`` then keeps inserts and deletes cheap even at depth 1000. Each
level's checksum text is cached when the level changes, so the CRC over the top
ten costs one join.
"""

from __future__ import annotations

import enum
import zlib
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator


class BookHealth(enum.StrEnum):
    """What the UI may claim about a book.

    SYNCED: built from a snapshot and every message since checked out.
    RESYNCING: waiting for a fresh snapshot (new subscription or integrity failure).
    STALE: consistent, but no message for longer than the feed's stale limit.
    CROSSED: best bid >= best ask; the book is not shown as live and is resynced.
    DEGRADED: resyncs keep failing or the connection is down; data is not trusted.
    """

    SYNCED = "SYNCED"
    RESYNCING = "RESYNCING"
    STALE = "STALE"
    CROSSED = "CROSSED"
    DEGRADED = "DEGRADED"


class ApplyResult(enum.Enum):
    """Outcome of applying one message; anything but OK/IGNORED asks for a resync."""

    OK = "ok"
    IGNORED = "ignored"
    """The book is waiting for a snapshot; the message was dropped."""
    CHECKSUM_MISMATCH = "checksum_mismatch"
    SEQ_GAP = "seq_gap"
    CROSSED = "crossed"
    BAD_VALUE = "bad_value"
    """A price or quantity did not fit the instrument's precision."""

    @property
    def needs_resync(self) -> bool:
        return self not in (ApplyResult.OK, ApplyResult.IGNORED)


class L2Book:
    """Two sorted sides of scaled-int levels, with health and counters."""

    __slots__ = (
        "_ask_crc",
        "_ask_keys",
        "_ask_qty",
        "_ask_text",
        "_bid_keys",
        "_bid_qty",
        "_bid_text",
        "_bid_top",
        "checksum_bad",
        "checksum_ok",
        "crossed_count",
        "depth",
        "health",
        "messages",
        "price_precision",
        "qty_precision",
        "resyncs",
        "seq_gaps",
        "symbol",
        "version",
    )

    def __init__(self, symbol: str, price_precision: int, qty_precision: int, depth: int) -> None:
        self.symbol = symbol
        self.price_precision = price_precision
        self.qty_precision = qty_precision
        self.depth = depth
        self._ask_keys: list[int] = []
        self._bid_keys: list[int] = []
        self._ask_qty: dict[int, int] = {}
        self._bid_qty: dict[int, int] = {}
        self._ask_text: dict[int, str] = {}
        self._bid_text: dict[int, str] = {}
        # The checksum's two halves, kept until a change reaches that side's top ten:
        # the CRC of the asks' text, and the bids' text (the CRC continues over it).
        self._ask_crc: int | None = None
        self._bid_top: bytes | None = None
        self.health = BookHealth.RESYNCING
        self.version = 0
        """Bumped on every change a reader could see (levels or health)."""
        self.messages = 0
        self.checksum_ok = 0
        self.checksum_bad = 0
        self.seq_gaps = 0
        self.crossed_count = 0
        self.resyncs = 0

    # ----------------------------------------------------------------- writing
    def clear(self) -> None:
        self._ask_keys.clear()
        self._bid_keys.clear()
        self._ask_qty.clear()
        self._bid_qty.clear()
        self._ask_text.clear()
        self._bid_text.clear()
        self._ask_crc = None
        self._bid_top = None

    def set_health(self, health: BookHealth) -> None:
        if health is not self.health:
            self.health = health
            self.version += 1

    def invalidate(self, health: BookHealth = BookHealth.RESYNCING) -> None:
        """Drop the levels and wait for a snapshot (counts one resync)."""
        self.clear()
        self.resyncs += 1
        self.health = health
        self.version += 1

    def _apply_asks(self, levels: Iterable[tuple[int, int]]) -> None:
        keys, qtys, texts = self._ask_keys, self._ask_qty, self._ask_text
        self._ask_crc = None
        for price, qty in levels:
            if qty > 0:
                if price not in qtys:
                    insort(keys, price)
                qtys[price] = qty
                texts[price] = f"{price}{qty}"
            elif qtys.pop(price, None) is not None:
                del keys[bisect_left(keys, price)]
                del texts[price]
            elif qty < 0:
                raise ValueError(f"negative quantity {qty} at {price}")

    def _apply_bids(self, levels: Iterable[tuple[int, int]]) -> None:
        keys, qtys, texts = self._bid_keys, self._bid_qty, self._bid_text
        self._bid_top = None
        for price, qty in levels:
            key = -price
            if qty > 0:
                if key not in qtys:
                    insort(keys, key)
                qtys[key] = qty
                texts[key] = f"{price}{qty}"
            elif qtys.pop(key, None) is not None:
                del keys[bisect_left(keys, key)]
                del texts[key]
            elif qty < 0:
                raise ValueError(f"negative quantity {qty} at {price}")

    def _truncate(self) -> None:
        depth = self.depth
        if depth < 10:
            self._ask_crc = None
            self._bid_top = None
        keys = self._ask_keys
        if len(keys) > depth:
            qtys, texts = self._ask_qty, self._ask_text
            for key in keys[depth:]:
                del qtys[key]
                del texts[key]
            del keys[depth:]
        keys = self._bid_keys
        if len(keys) > depth:
            qtys, texts = self._bid_qty, self._bid_text
            for key in keys[depth:]:
                del qtys[key]
                del texts[key]
            del keys[depth:]

    # ----------------------------------------------------------------- reading
    def checksum(self) -> int:
        """Kraken v2 CRC32 over the current top ten of each side."""
        ask_crc = self._ask_crc
        if ask_crc is None:
            text = "".join(map(self._ask_text.__getitem__, self._ask_keys[:10]))
            ask_crc = self._ask_crc = zlib.crc32(text.encode("ascii"))
        bid_top = self._bid_top
        if bid_top is None:
            text = "".join(map(self._bid_text.__getitem__, self._bid_keys[:10]))
            bid_top = self._bid_top = text.encode("ascii")
        return zlib.crc32(bid_top, ask_crc)

    def is_crossed(self) -> bool:
        return bool(self._ask_keys and self._bid_keys and -self._bid_keys[0] >= self._ask_keys[0])

    @property
    def best_bid(self) -> tuple[int, int] | None:
        if not self._bid_keys:
            return None
        key = self._bid_keys[0]
        return -key, self._bid_qty[key]

    @property
    def best_ask(self) -> tuple[int, int] | None:
        if not self._ask_keys:
            return None
        key = self._ask_keys[0]
        return key, self._ask_qty[key]

    def asks(self, n: int | None = None) -> list[tuple[int, int]]:
        """Up to ``n`` ask levels (all when None), best (lowest) first."""
        qtys = self._ask_qty
        keys = self._ask_keys if n is None else self._ask_keys[:n]
        return [(k, qtys[k]) for k in keys]

    def bids(self, n: int | None = None) -> list[tuple[int, int]]:
        """Up to ``n`` bid levels (all when None), best (highest) first."""
        qtys = self._bid_qty
        keys = self._bid_keys if n is None else self._bid_keys[:n]
        return [(-k, qtys[k]) for k in keys]

    def iter_asks(self) -> Iterator[tuple[int, int]]:
        qtys = self._ask_qty
        return ((k, qtys[k]) for k in self._ask_keys)

    def iter_bids(self) -> Iterator[tuple[int, int]]:
        qtys = self._bid_qty
        return ((-k, qtys[k]) for k in self._bid_keys)

    def __len__(self) -> int:
        return len(self._ask_keys) + len(self._bid_keys)
