"""Server-side Spot v2 encoders: what the embedded exchange sends to clients.

Shapes follow Kraken's documentation (kraken-protocol.md §1). Book levels are
``(price, qty)`` **scaled ints** as the book engine stores them; they are written
with exactly the instrument's precisions (``29430.2``, ``0.00100000``) so a
client's checksum over the received text matches the server's. Timestamps are
RFC 3339 text or an ``int`` of epoch milliseconds; ``time_in``/``time_out``
default to now.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from kraken_tui.model import Instrument, Ticker, Trade
from kraken_tui.venues.jsontext import decimal_number, dump, levels_array, scaled_number
from kraken_tui.venues.timefmt import ms_to_rfc3339, now_rfc3339

ScaledLevel = tuple[int, int]
"""(price, qty) as ints scaled by the instrument's price/qty precision."""

Timestamp = str | int
"""RFC 3339 text, or epoch milliseconds."""


def _time(value: Timestamp | None) -> str:
    if value is None:
        return now_rfc3339()
    return value if isinstance(value, str) else ms_to_rfc3339(value)


def encode_book(
    symbol: str,
    bids: Sequence[ScaledLevel],
    asks: Sequence[ScaledLevel],
    checksum: int,
    timestamp: Timestamp,
    snapshot: bool,
    price_precision: int,
    qty_precision: int,
) -> str:
    """A ``book`` snapshot or update; ``checksum`` is the CRC32 after applying it."""
    entry = {
        "symbol": symbol,
        "bids": levels_array(bids, price_precision, qty_precision),
        "asks": levels_array(asks, price_precision, qty_precision),
        "checksum": checksum,
        "timestamp": _time(timestamp),
    }
    kind = "snapshot" if snapshot else "update"
    return dump({"channel": "book", "type": kind, "data": [entry]})


def encode_ticker(
    ticker: Ticker,
    price_precision: int,
    qty_precision: int,
    *,
    change: Decimal | None = None,
    snapshot: bool = False,
    timestamp: Timestamp | None = None,
) -> str:
    """A ``ticker`` message from a :class:`~kraken_tui.model.Ticker`.

    ``None`` fields are left out. ``change`` (absolute 24h change) has no slot in
    the model, so it is passed separately; ``change_pct`` is written with 2 decimals.
    """
    pp, qp = price_precision, qty_precision
    fields: list[tuple[str, Decimal | None, int]] = [
        ("bid", ticker.bid, pp),
        ("bid_qty", ticker.bid_qty, qp),
        ("ask", ticker.ask, pp),
        ("ask_qty", ticker.ask_qty, qp),
        ("last", ticker.last, pp),
        ("volume", ticker.volume, qp),
        ("vwap", ticker.vwap, pp),
        ("low", ticker.low, pp),
        ("high", ticker.high, pp),
        ("change", change, pp),
        ("change_pct", ticker.change_pct, 2),
    ]
    entry: dict[str, Any] = {"symbol": ticker.symbol}
    for key, value, precision in fields:
        if value is not None:
            entry[key] = decimal_number(value, precision)
    if timestamp is None and ticker.time_ms is not None:
        timestamp = ticker.time_ms
    entry["timestamp"] = _time(timestamp)
    kind = "snapshot" if snapshot else "update"
    return dump({"channel": "ticker", "type": kind, "data": [entry]})


def encode_trade(
    trades: Sequence[Trade],
    price_precision: int,
    qty_precision: int,
    *,
    snapshot: bool = False,
    ord_type: str = "limit",
) -> str:
    """A ``trade`` message batching ``trades`` (all from one taker, hence one ``ord_type``).

    A numeric ``trade_id`` is written as a JSON integer, as Kraken does.
    """
    data = [
        {
            "symbol": t.symbol,
            "side": t.side.value,
            "price": decimal_number(t.price, price_precision),
            "qty": decimal_number(t.qty, qty_precision),
            "ord_type": ord_type,
            "trade_id": int(t.trade_id) if t.trade_id.isdigit() else t.trade_id,
            "timestamp": ms_to_rfc3339(t.time_ms),
        }
        for t in trades
    ]
    kind = "snapshot" if snapshot else "update"
    return dump({"channel": "trade", "type": kind, "data": data})


def encode_instrument_snapshot(
    instruments: Sequence[Instrument],
    asset_precisions: Mapping[str, int] | None = None,
    *,
    snapshot: bool = True,
) -> str:
    """An ``instrument`` message: ``data`` is an object of ``assets`` and ``pairs``.

    ``asset_precisions`` maps asset id -> precision; without it every base and
    quote asset of ``instruments`` is listed with precision 8 (quote 4 at least).
    """
    if asset_precisions is None:
        derived: dict[str, int] = {}
        for inst in instruments:
            derived.setdefault(inst.base, max(8, inst.qty_precision))
            derived.setdefault(inst.quote, max(4, inst.price_precision))
        asset_precisions = derived
    assets = [
        {
            "id": asset,
            "status": "enabled",
            "precision": precision,
            "precision_display": min(precision, 5),
            "borrowable": False,
            "collateral_value": decimal_number(Decimal(0), 1),
        }
        for asset, precision in asset_precisions.items()
    ]
    pairs = [_pair(inst) for inst in instruments]
    kind = "snapshot" if snapshot else "update"
    return dump({"channel": "instrument", "type": kind, "data": {"assets": assets, "pairs": pairs}})


def _pair(inst: Instrument) -> dict[str, Any]:
    tick = decimal_number(inst.tick_size)
    return {
        "symbol": inst.symbol,
        "base": inst.base,
        "quote": inst.quote,
        "status": inst.status,
        "qty_precision": inst.qty_precision,
        "qty_increment": scaled_number(1, inst.qty_precision),
        "price_precision": inst.price_precision,
        "marginable": False,
        "has_index": True,
        "tick_size": tick,
        "price_increment": tick,
        "qty_min": decimal_number(inst.qty_min),
    }


def encode_ack(
    method: str,
    channel: str,
    symbol: str | None = None,
    *,
    depth: int | None = None,
    snapshot: bool | None = None,
    event_trigger: str | None = None,
    interval: int | None = None,
    warnings: Sequence[str] = (),
    req_id: int | None = None,
    time_in: str | None = None,
    time_out: str | None = None,
) -> str:
    """One successful per-symbol ``subscribe``/``unsubscribe`` reply."""
    result: dict[str, Any] = {"channel": channel}
    for key, value in (
        ("depth", depth),
        ("event_trigger", event_trigger),
        ("interval", interval),
        ("snapshot", snapshot),
        ("symbol", symbol),
    ):
        if value is not None:
            result[key] = value
    if warnings:
        result["warnings"] = list(warnings)
    msg: dict[str, Any] = {"method": method}
    if req_id is not None:
        msg["req_id"] = req_id
    msg["result"] = result
    msg["success"] = True
    msg["time_in"] = time_in or now_rfc3339()
    msg["time_out"] = time_out or now_rfc3339()
    return dump(msg)


def encode_error_ack(
    error: str,
    *,
    method: str = "subscribe",
    symbol: str | None = None,
    req_id: int | None = None,
    time_in: str | None = None,
    time_out: str | None = None,
) -> str:
    """A failed reply: ``{"error", "method", "req_id"?, "success": false, "symbol"?, ...}``.

    Kraken answers a failed *unsubscribe* with ``method: "subscribe"``; callers
    choose ``method`` to reproduce that.
    """
    msg: dict[str, Any] = {"error": error, "method": method}
    if req_id is not None:
        msg["req_id"] = req_id
    msg["success"] = False
    if symbol is not None:
        msg["symbol"] = symbol
    msg["time_in"] = time_in or now_rfc3339()
    msg["time_out"] = time_out or now_rfc3339()
    return dump(msg)


def encode_heartbeat() -> str:
    """``{"channel":"heartbeat"}``."""
    return '{"channel":"heartbeat"}'


def encode_status(
    system: str = "online",
    connection_id: int = 0,
    *,
    api_version: str = "v2",
    version: str = "2.0.0",
) -> str:
    """The ``status`` update sent on connect and on engine status changes."""
    entry = {
        "api_version": api_version,
        "connection_id": connection_id,
        "system": system,
        "version": version,
    }
    return dump({"channel": "status", "data": [entry], "type": "update"})


def encode_pong(
    req_id: int | None = None, *, time_in: str | None = None, time_out: str | None = None
) -> str:
    """The reply to ``ping``."""
    msg: dict[str, Any] = {"method": "pong"}
    if req_id is not None:
        msg["req_id"] = req_id
    msg["time_in"] = time_in or now_rfc3339()
    msg["time_out"] = time_out or now_rfc3339()
    return dump(msg)
