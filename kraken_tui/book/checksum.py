"""Kraken Spot v2 book checksum (CRC32 over the top 10 levels of each side).

With scaled ints, a level's checksum text is ``str(price) + str(qty)``: the
decimal digits of the value formatted to the instrument's precision, without
the dot and without leading zeros.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from itertools import islice


def level_text(price: int, qty: int) -> str:
    return f"{price}{qty}"


def spot_checksum(asks: Iterable[tuple[int, int]], bids: Iterable[tuple[int, int]]) -> int:
    """CRC32 of the top-10 asks (best first) followed by the top-10 bids (best first).

    ``asks`` must be ascending by price and ``bids`` descending; only the first
    ten of each are used. The result is unsigned, as Kraken sends it.
    """
    parts = [f"{price}{qty}" for price, qty in islice(asks, 10)]
    parts += [f"{price}{qty}" for price, qty in islice(bids, 10)]
    return zlib.crc32("".join(parts).encode("ascii"))
