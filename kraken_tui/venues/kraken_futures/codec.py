"""Derivatives WebSocket v1 codec: decode inbound frames, encode client requests.

Client side::

    msg = decode(frame)   # FuturesBookSnapshot | FuturesBookDelta | ... | UnknownFrame
    ws.send(subscribe("book", ["PI_XBTUSD"]))

Server side (embedded exchange)::

    req = decode_request(frame)   # FuturesRequest | UnknownFrame
    ws.send(encode_book_snapshot(...))   # and the other encode_* (re-exported from .server)

Every decoder raises only :class:`~kraken_tui.venues.FrameError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from kraken_tui.venues.errors import FrameError, UnknownFrame, validate_model
from kraken_tui.venues.jsontext import dump, is_number, load_object
from kraken_tui.venues.kraken_futures.messages import (
    KNOWN_EVENTS,
    FuturesBookDelta,
    FuturesBookSnapshot,
    FuturesEvent,
    FuturesHeartbeat,
    FuturesInbound,
    FuturesRequest,
    FuturesTicker,
    FuturesTickerLite,
    FuturesTrade,
    FuturesTradeSnapshot,
    RawLevel,
)
from kraken_tui.venues.kraken_futures.server import (
    encode_alert,
    encode_book_delta,
    encode_book_snapshot,
    encode_error,
    encode_event,
    encode_heartbeat,
    encode_info,
    encode_subscribed,
    encode_ticker,
    encode_ticker_lite,
    encode_trade,
    encode_trade_snapshot,
    encode_unsubscribed,
)

__all__ = [
    "decode",
    "decode_request",
    "encode_alert",
    "encode_book_delta",
    "encode_book_snapshot",
    "encode_error",
    "encode_event",
    "encode_heartbeat",
    "encode_info",
    "encode_subscribed",
    "encode_ticker",
    "encode_ticker_lite",
    "encode_trade",
    "encode_trade_snapshot",
    "encode_unsubscribed",
    "subscribe",
    "unsubscribe",
]


_FEED_MODELS: dict[str, type[BaseModel]] = {
    "ticker": FuturesTicker,
    "ticker_lite": FuturesTickerLite,
    "trade": FuturesTrade,
    "trade_snapshot": FuturesTradeSnapshot,
    "heartbeat": FuturesHeartbeat,
}


# ------------------------------------------------------------------ decode


def decode(frame: str | bytes) -> FuturesInbound | UnknownFrame:
    """Decode one inbound Futures v1 frame; see the module docstring."""
    msg = load_object(frame)
    event = msg.get("event")
    if event is not None:
        if type(event) is not str:
            raise FrameError("event is not text")
        if event.strip() not in KNOWN_EVENTS:
            return UnknownFrame(msg)
        return validate_model(FuturesEvent, msg)
    feed = msg.get("feed")
    if type(feed) is not str:
        if feed is None:
            return UnknownFrame(msg)
        raise FrameError("feed is not text")
    if feed == "book":
        return _decode_delta(msg)
    if feed == "book_snapshot":
        return _decode_snapshot(msg)
    model = _FEED_MODELS.get(feed)
    if model is None:
        return UnknownFrame(msg)
    return validate_model(model, msg)  # type: ignore[return-value]


def decode_request(frame: str | bytes) -> FuturesRequest | UnknownFrame:
    """Decode one client request (``subscribe``/``unsubscribe``/``challenge``) for the server."""
    msg = load_object(frame)
    event = msg.get("event")
    if isinstance(event, str) and event.strip() in ("subscribe", "unsubscribe", "challenge"):
        return validate_model(FuturesRequest, msg)
    return UnknownFrame(msg)


def _int_field(msg: dict[str, Any], key: str, default: int | None = None) -> int:
    value = msg.get(key, default)
    if type(value) is not int:
        raise FrameError(f"{msg.get('feed')} {key} is not an integer")
    return value


def _product(msg: dict[str, Any]) -> str:
    product = msg.get("product_id")
    if type(product) is not str:
        raise FrameError(f"{msg.get('feed')} without product_id")
    return product


def _decode_snapshot(msg: dict[str, Any]) -> FuturesBookSnapshot:
    tick = msg.get("tickSize")
    return FuturesBookSnapshot(
        product_id=_product(msg),
        seq=_int_field(msg, "seq"),
        bids=_levels(msg.get("bids"), "bids"),
        asks=_levels(msg.get("asks"), "asks"),
        timestamp=_int_field(msg, "timestamp", 0),
        tick_size=tick if is_number(tick) else None,
    )


def _decode_delta(msg: dict[str, Any]) -> FuturesBookDelta:
    side = msg.get("side")
    if type(side) is not str:
        raise FrameError("book delta without side")
    price = msg.get("price")
    qty = msg.get("qty")
    if not is_number(price):
        raise FrameError("book delta without numeric price")
    if not is_number(qty):
        raise FrameError("book delta without numeric qty")
    return FuturesBookDelta(
        product_id=_product(msg),
        side=side,
        seq=_int_field(msg, "seq"),
        price=price,
        qty=qty,
        timestamp=_int_field(msg, "timestamp", 0),
    )


def _levels(raw: Any, side: str) -> list[RawLevel]:
    if type(raw) is not list:
        raise FrameError(f"book_snapshot {side} is not a list")
    levels: list[RawLevel] = []
    for level in raw:
        if type(level) is not dict:
            raise FrameError(f"book_snapshot {side} level is not an object")
        price = level.get("price")
        qty = level.get("qty")
        if is_number(price) and is_number(qty):
            levels.append((price, qty))
        else:
            raise FrameError(f"book_snapshot {side} level without numeric price/qty")
    return levels


# -------------------------------------------------------- client requests


def subscribe(feed: str, product_ids: Sequence[str] | None = None) -> str:
    """``{"event":"subscribe","feed":...,"product_ids":[...]}`` (no ids for ``heartbeat``)."""
    return _request("subscribe", feed, product_ids)


def unsubscribe(feed: str, product_ids: Sequence[str] | None = None) -> str:
    """The matching ``unsubscribe`` request."""
    return _request("unsubscribe", feed, product_ids)


def _request(event: str, feed: str, product_ids: Sequence[str] | None) -> str:
    msg: dict[str, Any] = {"event": event, "feed": feed}
    if product_ids is not None:
        msg["product_ids"] = list(product_ids)
    return dump(msg)
