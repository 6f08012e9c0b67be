"""Server-side Futures v1 encoders: what the embedded exchange sends to clients.

Shapes follow kraken-protocol.md §3. Book levels are ``(price, qty)`` **scaled
ints**; like Kraken's own feed, numbers carry no padding zeros (``34892`` beside
``34892.5``) yet never pass through binary floats. Times are epoch milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import msgspec

from kraken_tui.model import Ticker, Trade
from kraken_tui.venues.jsontext import Number, decimal_number, dump, trimmed_number

ScaledLevel = tuple[int, int]
"""(price, qty) as ints scaled by the instrument's price/qty precision."""

WireScalar = Decimal | int | str | bool | None
"""Values accepted in ``extra`` ticker fields (Decimals become exact numbers)."""


def plain_number(value: Decimal | int, precision: int | None = None) -> Number:
    """A Decimal as a JSON number without padding zeros (rounded to ``precision`` if given)."""
    text = bytes(decimal_number(value, precision)).decode()
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return msgspec.Raw(text.encode())


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


# ------------------------------------------------------------------ events


def encode_event(event: str, **fields: Any) -> str:
    """Any event message: ``{"event": event, **fields}`` (``None`` fields left out)."""
    msg: dict[str, Any] = {"event": event}
    msg.update({k: v for k, v in fields.items() if v is not None})
    return dump(msg)


def encode_info(version: int = 1) -> str:
    """The connect-time ``{"event":"info","version":1}``."""
    return encode_event("info", version=version)


def encode_subscribed(feed: str, product_id: str | None = None) -> str:
    """One ``subscribed`` ack; Kraken sends one per product id (none for heartbeat)."""
    return encode_event("subscribed", feed=feed, product_ids=_ids(product_id))


def encode_unsubscribed(feed: str, product_id: str | None = None) -> str:
    """One ``unsubscribed`` ack per product id."""
    return encode_event("unsubscribed", feed=feed, product_ids=_ids(product_id))


def encode_error(message: str) -> str:
    """An error event; Kraken says ``Invalid product id``, ``Invalid feed`` or ``Json Error``."""
    return encode_event("error", message=message)


def encode_alert(message: str) -> str:
    """``{"event":"alert","message":...}``."""
    return encode_event("alert", message=message)


def _ids(product_id: str | None) -> list[str] | None:
    return None if product_id is None else [product_id]


def encode_heartbeat(time_ms: int | None = None) -> str:
    """``{"feed":"heartbeat","time":<epoch ms>}``."""
    return dump({"feed": "heartbeat", "time": _now_ms() if time_ms is None else time_ms})


# -------------------------------------------------------------------- book


def _side(levels: Sequence[ScaledLevel], pp: int, qp: int) -> list[dict[str, Number]]:
    return [{"price": trimmed_number(p, pp), "qty": trimmed_number(q, qp)} for p, q in levels]


def encode_book_snapshot(
    product_id: str,
    seq: int,
    bids: Sequence[ScaledLevel],
    asks: Sequence[ScaledLevel],
    timestamp_ms: int,
    price_precision: int,
    qty_precision: int,
    tick_size: Decimal | None = None,
) -> str:
    """A ``book_snapshot`` (bids best first, asks best first)."""
    return dump(
        {
            "feed": "book_snapshot",
            "product_id": product_id,
            "timestamp": timestamp_ms,
            "seq": seq,
            "tickSize": None if tick_size is None else plain_number(tick_size),
            "bids": _side(bids, price_precision, qty_precision),
            "asks": _side(asks, price_precision, qty_precision),
        }
    )


def encode_book_delta(
    product_id: str,
    side: str,
    seq: int,
    price: int,
    qty: int,
    timestamp_ms: int,
    price_precision: int,
    qty_precision: int,
) -> str:
    """A one-level ``book`` delta; ``side`` is ``buy`` (bid) or ``sell`` (ask); qty 0 deletes."""
    return dump(
        {
            "feed": "book",
            "product_id": product_id,
            "side": side,
            "seq": seq,
            "price": trimmed_number(price, price_precision),
            "qty": trimmed_number(qty, qty_precision),
            "timestamp": timestamp_ms,
        }
    )


# ------------------------------------------------------------------ ticker


def encode_ticker(
    ticker: Ticker,
    *,
    pair: str,
    tag: str = "perpetual",
    time_ms: int | None = None,
    extra: Mapping[str, WireScalar] | None = None,
) -> str:
    """A ``ticker`` message from a :class:`~kraken_tui.model.Ticker`.

    Mapping: bid/ask, bid_size/ask_size, last, volume, change (= ``change_pct``),
    high/low, index, markPrice (= ``mark``), openInterest, and for perpetuals
    relative_funding_rate (= ``funding_rate``, the model's relative rate),
    funding_rate (absolute: relative rate x index, when the index is known) and
    next_funding_rate_time. As Kraken does, a zero funding rate is omitted.
    ``extra`` adds or overrides any field (``premium``, ``open``, ``leverage``,
    ``dtm``, ``maturityTime``...).
    """
    msg: dict[str, Any] = {
        "time": time_ms if time_ms is not None else (ticker.time_ms or _now_ms()),
        "product_id": ticker.symbol,
        "feed": "ticker",
    }
    if ticker.funding_rate is not None and ticker.funding_rate != 0:
        if ticker.index is not None:
            absolute = (ticker.funding_rate * ticker.index).quantize(Decimal("1e-12"))
            msg["funding_rate"] = plain_number(absolute)
        msg["relative_funding_rate"] = plain_number(ticker.funding_rate)
    if ticker.next_funding_ms is not None:
        msg["next_funding_rate_time"] = ticker.next_funding_ms
    _put(msg, "bid", ticker.bid)
    _put(msg, "ask", ticker.ask)
    _put(msg, "bid_size", ticker.bid_qty)
    _put(msg, "ask_size", ticker.ask_qty)
    _put(msg, "volume", ticker.volume)
    msg["dtm"] = 0
    _put(msg, "index", ticker.index)
    _put(msg, "last", ticker.last)
    _put(msg, "change", ticker.change_pct)
    msg["suspended"] = False
    msg["tag"] = tag
    msg["pair"] = pair
    _put(msg, "openInterest", ticker.open_interest)
    _put(msg, "markPrice", ticker.mark)
    msg["maturityTime"] = 0
    msg["post_only"] = False
    _put(msg, "high", ticker.high)
    _put(msg, "low", ticker.low)
    _merge(msg, extra)
    return dump(msg)


def encode_ticker_lite(
    ticker: Ticker,
    *,
    pair: str,
    tag: str = "perpetual",
    extra: Mapping[str, WireScalar] | None = None,
) -> str:
    """A ``ticker_lite`` message (bid, ask, change, volume, tag, pair, dtm, maturityTime)."""
    msg: dict[str, Any] = {"feed": "ticker_lite", "product_id": ticker.symbol}
    _put(msg, "bid", ticker.bid)
    _put(msg, "ask", ticker.ask)
    _put(msg, "change", ticker.change_pct)
    _put(msg, "volume", ticker.volume)
    msg.update({"tag": tag, "pair": pair, "dtm": 0, "maturityTime": 0})
    _merge(msg, extra)
    return dump(msg)


def _put(msg: dict[str, Any], key: str, value: Decimal | None) -> None:
    if value is not None:
        msg[key] = plain_number(value)


def _merge(msg: dict[str, Any], extra: Mapping[str, WireScalar] | None) -> None:
    for key, value in (extra or {}).items():
        msg[key] = plain_number(value) if isinstance(value, Decimal) else value


# ------------------------------------------------------------------ trades


def _trade(trade: Trade, seq: int, kind: str) -> dict[str, Any]:
    return {
        "feed": "trade",
        "product_id": trade.symbol,
        "uid": trade.trade_id,
        "side": trade.side.value,
        "type": kind,
        "seq": seq,
        "time": trade.time_ms,
        "qty": plain_number(trade.qty),
        "price": plain_number(trade.price),
    }


def encode_trade(trade: Trade, seq: int, *, kind: str = "fill") -> str:
    """A ``trade`` message; ``trade.trade_id`` is the ``uid``, ``kind`` the ``type``."""
    return dump(_trade(trade, seq, kind))


def encode_trade_snapshot(product_id: str, trades: Sequence[tuple[Trade, int]]) -> str:
    """A ``trade_snapshot`` of ``(trade, seq)`` pairs; pass them newest first, as Kraken does."""
    return dump(
        {
            "feed": "trade_snapshot",
            "product_id": product_id,
            "trades": [_trade(trade, seq, "fill") for trade, seq in trades],
        }
    )
