"""The hot path from a decoded Spot v2 ``book`` message to the book engine.

The app's spot feed and ``benchmarks/book_throughput.py`` both call
:func:`apply_spot_book_message`, so the benchmark measures what the app runs.
Frames are decoded with ``msgspec.json.Decoder(float_hook=str)``: every price and
quantity arrives as its exact JSON number text (or an ``int`` when the number has
no fraction), and is scaled here without going through ``Decimal`` in the common
case.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kraken_tui.book.core import ApplyResult, BookHealth
from kraken_tui.book.spot import SpotBook
from kraken_tui.model.scaled import PrecisionError, to_scaled

_JSON_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
"""What a JSON number may look like (Decimal() alone would also take blanks, "_", "nan")."""
_ZEROS = tuple("0" * n for n in range(40))
_POWERS = tuple(10**n for n in range(40))


def scale_wire_number(value: object, precision: int) -> int:
    """Scale one decoded JSON number (text or int) exactly; raise PrecisionError if it won't fit.

    The fast branch handles plain ``digits[.digits]`` text with at most
    ``precision`` decimals; anything else (exponents, excess decimals, junk) takes
    the exact Decimal route, which either scales it or raises.
    """
    if type(value) is str:
        whole, _, frac = value.partition(".")
        missing = precision - len(frac)
        digits = whole + frac
        # isdigit() keeps out what int() would also accept: sign, blanks, "_".
        if missing >= 0 and digits.isdigit():
            try:
                return int(digits + _ZEROS[missing])
            except (ValueError, IndexError):
                pass
        if _JSON_NUMBER.fullmatch(value) is None:
            raise PrecisionError(f"not a decimal number: {value!r}")
        return to_scaled(Decimal(value), precision)
    if type(value) is int:
        factor: int = _POWERS[precision] if precision < 40 else 10**precision
        return int(value) * factor
    if isinstance(value, Decimal):
        return to_scaled(value, precision)
    raise PrecisionError(f"not a number: {value!r}")


_PRICE_CACHE_LIMIT = 16_384
"""Prices recur far more than sizes; beyond this many distinct texts the cache restarts."""


def _apply_side(
    keys: list[int],
    qtys: dict[int, int],
    texts: dict[int, str],
    raw: Any,
    sign: int,
    pp: int,
    qp: int,
    cache: dict[str, tuple[int, str]],
) -> bool:
    """Apply one side's wire levels in order (asks: ``sign`` 1, bids: -1, see L2Book keys).

    Same rules as ``L2Book._apply_asks/_apply_bids``, fused with the number
    scaling so each level costs one pass; raises PrecisionError/ValueError/
    KeyError/TypeError on bad input (the caller drops the book). Returns whether
    a change may have reached the side's top ten (so its checksum half is stale).
    """
    zeros = _ZEROS
    top_changed = False
    for level in raw:
        text = level["price"]
        # Only str keys are ever stored, so an int/bool price simply misses.
        cached = cache.get(text)
        if cached is None:
            price = scale_wire_number(text, pp)
            cached = (price, str(price))
            if type(text) is str:
                if len(cache) >= _PRICE_CACHE_LIMIT:
                    cache.clear()
                cache[text] = cached
        price, digits = cached
        qty = level["qty"]
        if type(qty) is str:
            whole, _, frac = qty.partition(".")
            missing = qp - len(frac)
            whole += frac
            try:
                qty = int(whole + zeros[missing]) if missing >= 0 and whole.isdigit() else None
            except (ValueError, IndexError):
                qty = None
            if qty is None:
                qty = scale_wire_number(level["qty"], qp)
        else:
            qty = scale_wire_number(qty, qp)
        key = price if sign == 1 else -price
        # Before the change: with ten keys or more, only keys up to the tenth are visible.
        if not top_changed and (len(keys) < 10 or key <= keys[9]):
            top_changed = True
        if qty > 0:
            if key not in qtys:
                insort(keys, key)
            qtys[key] = qty
            texts[key] = digits + str(qty)
        elif qty == 0:
            if qtys.pop(key, None) is not None:
                del keys[bisect_left(keys, key)]
                del texts[key]
        else:
            raise ValueError(f"negative quantity {qty} at {price}")
    return top_changed


def apply_spot_book_message(
    book: SpotBook, data: Mapping[str, Any], is_snapshot: bool
) -> ApplyResult:
    """Apply ``data[0]`` of a Spot v2 ``book`` message (``type`` snapshot or update).

    ``data`` is ``{"symbol", "bids": [{"price", "qty"}], "asks": [...], "checksum"}``
    as decoded. A level that is not a ``{"price", "qty"}`` object, a number that
    does not fit the book's precision, or a checksum that is not a non-negative
    integer counts as BAD_VALUE and drops the book (the caller resubscribes, see
    ``ApplyResult.needs_resync``). Never raises for bad input. The effect on the
    book is exactly :meth:`SpotBook.apply` (this is the same rule set, fused with
    the number scaling for speed; the tests hold the two to each other).
    """
    # Reaches into SpotBook's internals on purpose: this is the engine's own hot path.
    if is_snapshot:
        book.clear()
        book._awaiting_snapshot = False
    elif book._awaiting_snapshot:
        book.messages += 1
        return ApplyResult.IGNORED
    book.messages += 1
    pp, qp, cache = book.price_precision, book.qty_precision, book.price_cache
    try:
        checksum = data.get("checksum")
        if checksum is not None and (type(checksum) is not int or checksum < 0):
            raise ValueError("checksum is not an unsigned integer")
        raw = data.get("asks")
        if raw and _apply_side(
            book._ask_keys, book._ask_qty, book._ask_text, raw, 1, pp, qp, cache
        ):
            book._ask_crc = None
        raw = data.get("bids")
        if raw and _apply_side(
            book._bid_keys, book._bid_qty, book._bid_text, raw, -1, pp, qp, cache
        ):
            book._bid_top = None
    except (PrecisionError, KeyError, TypeError, ValueError, AttributeError):
        book.invalidate()
        return ApplyResult.BAD_VALUE
    ask_keys, bid_keys, depth = book._ask_keys, book._bid_keys, book.depth
    if len(ask_keys) > depth:
        qtys, texts = book._ask_qty, book._ask_text
        while len(ask_keys) > depth:  # usually one level pushed out
            key = ask_keys.pop()
            del qtys[key], texts[key]
        if depth < 10:
            book._ask_crc = None
    if len(bid_keys) > depth:
        qtys, texts = book._bid_qty, book._bid_text
        while len(bid_keys) > depth:
            key = bid_keys.pop()
            del qtys[key], texts[key]
        if depth < 10:
            book._bid_top = None
    book.version += 1
    if checksum is not None:
        if book.checksum() != checksum:
            book.checksum_bad += 1
            book.invalidate()
            return ApplyResult.CHECKSUM_MISMATCH
        book.checksum_ok += 1
    if ask_keys and bid_keys and -bid_keys[0] >= ask_keys[0]:
        book.crossed_count += 1
        book.invalidate(BookHealth.CROSSED)
        return ApplyResult.CROSSED
    if book.health is not BookHealth.SYNCED:
        book.health = BookHealth.SYNCED
    return ApplyResult.OK
