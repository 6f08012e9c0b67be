"""Spot WebSocket v2 codec: decode inbound frames, encode client requests.

Client side::

    msg = decode(frame)            # BookFrame | TickerMessage | ... | UnknownFrame
    ws.send(subscribe("book", ["BTC/USD"], depth=10, req_id=1))

Server side (embedded exchange)::

    req = decode_request(frame)    # SubscribeRequest | PingRequest | UnknownFrame
    ws.send(encode_book(...))      # and the other encode_* (re-exported from .server)

Every decoder raises only :class:`~kraken_tui.venues.FrameError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from kraken_tui.venues.errors import FrameError, UnknownFrame, validate_model
from kraken_tui.venues.jsontext import dump, is_number, load_object
from kraken_tui.venues.kraken_spot.messages import (
    BookFrame,
    HeartbeatMessage,
    InstrumentMessage,
    MethodResponse,
    PingRequest,
    PongMessage,
    RawLevel,
    SpotInbound,
    SpotRequest,
    StatusMessage,
    SubscribeRequest,
    TickerMessage,
    TradeMessage,
)
from kraken_tui.venues.kraken_spot.server import (
    encode_ack,
    encode_book,
    encode_error_ack,
    encode_heartbeat,
    encode_instrument_snapshot,
    encode_pong,
    encode_status,
    encode_ticker,
    encode_trade,
)

__all__ = [
    "decode",
    "decode_request",
    "encode_ack",
    "encode_book",
    "encode_error_ack",
    "encode_heartbeat",
    "encode_instrument_snapshot",
    "encode_pong",
    "encode_request",
    "encode_status",
    "encode_ticker",
    "encode_trade",
    "ping",
    "subscribe",
    "unsubscribe",
]


_CHANNEL_MODELS: dict[str, type[BaseModel]] = {
    "ticker": TickerMessage,
    "trade": TradeMessage,
    "instrument": InstrumentMessage,
    "heartbeat": HeartbeatMessage,
    "status": StatusMessage,
}


# ------------------------------------------------------------------ decode


def decode(frame: str | bytes) -> SpotInbound | UnknownFrame:
    """Decode one inbound Spot v2 frame; see the module docstring."""
    msg = load_object(frame)
    channel = msg.get("channel")
    if channel is not None:
        if type(channel) is not str:
            raise FrameError("channel is not text")
        if channel == "book":
            return _decode_book(msg)
        model = _CHANNEL_MODELS.get(channel)
        if model is None:
            return UnknownFrame(msg)
        return validate_model(model, msg)  # type: ignore[return-value]
    method = msg.get("method")
    if method == "pong":
        return validate_model(PongMessage, msg)
    if method in ("subscribe", "unsubscribe") and "success" in msg:
        return validate_model(MethodResponse, msg)
    return UnknownFrame(msg)


def decode_request(frame: str | bytes) -> SpotRequest | UnknownFrame:
    """Decode one client request as the embedded exchange receives it."""
    msg = load_object(frame)
    method = msg.get("method")
    if method in ("subscribe", "unsubscribe"):
        return validate_model(SubscribeRequest, msg)
    if method == "ping":
        return validate_model(PingRequest, msg)
    return UnknownFrame(msg)


def _decode_book(msg: dict[str, Any]) -> BookFrame:
    data = msg.get("data")
    if type(data) is not list or len(data) != 1:
        raise FrameError("book data must be a list of exactly one entry")
    entry = data[0]
    if type(entry) is not dict:
        raise FrameError("book data entry is not an object")
    symbol = entry.get("symbol")
    if type(symbol) is not str:
        raise FrameError("book entry without symbol")
    checksum = entry.get("checksum")
    if checksum is not None and type(checksum) is not int:
        raise FrameError("book checksum is not an integer")
    timestamp = entry.get("timestamp", "")
    if type(timestamp) is not str:
        raise FrameError("book timestamp is not text")
    return BookFrame(
        symbol=symbol,
        is_snapshot=msg.get("type") == "snapshot",
        bids=_levels(entry.get("bids", ()), "bids"),
        asks=_levels(entry.get("asks", ()), "asks"),
        checksum=checksum,
        timestamp=timestamp,
        data=entry,
    )


def _levels(raw: Any, side: str) -> list[RawLevel]:
    if type(raw) is not list and raw != ():
        raise FrameError(f"book {side} is not a list")
    levels: list[RawLevel] = []
    for level in raw:
        if type(level) is not dict:
            raise FrameError(f"book {side} level is not an object")
        price = level.get("price")
        qty = level.get("qty")
        if is_number(price) and is_number(qty):
            levels.append((price, qty))
        else:
            raise FrameError(f"book {side} level without numeric price/qty")
    return levels


# -------------------------------------------------------- client requests


def encode_request(
    method: str, params: dict[str, Any] | None = None, req_id: int | None = None
) -> str:
    """Any v2 request: ``{"method", "params"?, "req_id"?}``."""
    msg: dict[str, Any] = {"method": method}
    if params is not None:
        msg["params"] = params
    if req_id is not None:
        msg["req_id"] = req_id
    return dump(msg)


def subscribe(
    channel: str,
    symbols: Sequence[str] | None = None,
    *,
    depth: int | None = None,
    snapshot: bool | None = None,
    event_trigger: str | None = None,
    interval: int | None = None,
    req_id: int | None = None,
) -> str:
    """A ``subscribe`` request; ``None`` options are left to Kraken's defaults."""
    return encode_request(
        "subscribe",
        _params(channel, symbols, depth, snapshot, event_trigger, interval),
        req_id,
    )


def unsubscribe(
    channel: str,
    symbols: Sequence[str] | None = None,
    *,
    depth: int | None = None,
    event_trigger: str | None = None,
    interval: int | None = None,
    req_id: int | None = None,
) -> str:
    """An ``unsubscribe`` request (pass the same ``depth`` as the subscription for book)."""
    return encode_request(
        "unsubscribe",
        _params(channel, symbols, depth, None, event_trigger, interval),
        req_id,
    )


def ping(req_id: int | None = None) -> str:
    """The application-level ``ping`` (answered by ``pong``)."""
    return encode_request("ping", None, req_id)


def _params(
    channel: str,
    symbols: Sequence[str] | None,
    depth: int | None,
    snapshot: bool | None,
    event_trigger: str | None,
    interval: int | None,
) -> dict[str, Any]:
    params: dict[str, Any] = {"channel": channel}
    if symbols is not None:
        params["symbol"] = list(symbols)
    for key, value in (
        ("depth", depth),
        ("snapshot", snapshot),
        ("event_trigger", event_trigger),
        ("interval", interval),
    ):
        if value is not None:
            params[key] = value
    return params
