"""Spot WebSocket v2 private channels (``executions``, ``balances``): wire models and codec.

Client side::

    msg = decode_private(frame)    # ExecutionsMessage | BalancesSnapshot | ... | UnknownFrame
    ws.send(subscribe_executions(token, req_id=1))

Frames that are not private (``heartbeat``, ``status``, ``pong``) are handed to the
public :func:`kraken_tui.venues.kraken_spot.codec.decode`, so one call decodes
everything the ws-auth socket sends. Like the public codec, numbers keep their
exact JSON text (Decimal), unknown fields are kept, enum-like fields stay plain
``str``, and the only exception raised is :class:`~kraken_tui.venues.FrameError`.

Execution messages after the first one for an order are *sparse*: a field absent
from the wire stays ``None`` here and is absent from ``model_fields_set``, which
is what :mod:`~kraken_tui.venues.kraken_spot.private_mapping` merges on.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import Field, StrictBool

from kraken_tui.model.secret import Secret
from kraken_tui.venues.errors import FrameError, UnknownFrame, validate_model
from kraken_tui.venues.jsontext import dump, load_object
from kraken_tui.venues.kraken_spot import codec
from kraken_tui.venues.kraken_spot.messages import SpotInbound, WireModel

__all__ = [
    "AssetBalance",
    "BalancesSnapshot",
    "BalancesUpdate",
    "ExecutionData",
    "ExecutionsMessage",
    "FeeEntry",
    "LedgerEntry",
    "PrivateAck",
    "PrivateAckResult",
    "PrivateInbound",
    "WalletBalance",
    "decode_private",
    "subscribe_balances",
    "subscribe_executions",
    "unsubscribe_balances",
    "unsubscribe_executions",
]

EXECUTIONS = "executions"
BALANCES = "balances"


# --------------------------------------------------------------- executions


class FeeEntry(WireModel):
    asset: str
    qty: Decimal


class ExecutionData(WireModel):
    """One ``executions`` event. Only ``order_id`` is always present (later events are sparse)."""

    order_id: str
    exec_type: str | None = None
    """``pending_new``, ``new``, ``trade``, ``filled``, ``canceled``, ``expired``, ``amended``..."""
    order_status: str | None = None
    """``pending_new``, ``new``, ``partially_filled``, ``filled``, ``canceled``, ``expired``."""
    symbol: str | None = None
    side: str | None = None
    order_type: str | None = None
    order_qty: Decimal | None = None
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    time_in_force: str | None = None
    cum_qty: Decimal | None = None
    cum_cost: Decimal | None = None
    avg_price: Decimal | None = None
    cl_ord_id: str | None = None
    order_userref: int | str | None = None
    exec_id: str | None = None
    trade_id: int | str | None = None
    last_qty: Decimal | None = None
    last_price: Decimal | None = None
    cost: Decimal | None = None
    liquidity_ind: str | None = None
    """``m`` (maker) or ``t`` (taker) on trades."""
    fees: list[FeeEntry] | None = None
    fee_usd_equiv: Decimal | None = None
    fee_ccy_pref: str | None = None
    post_only: bool | None = None
    reduce_only: bool | None = None
    reason: str | None = None
    amended: bool | None = None
    triggers: dict[str, Any] | None = None
    timestamp: str | None = None


class ExecutionsMessage(WireModel):
    channel: str = EXECUTIONS
    type: str
    """``snapshot`` or ``update`` (anything else is treated as an update by the feed)."""
    data: list[ExecutionData]
    sequence: int | None = None


# ----------------------------------------------------------------- balances


class WalletBalance(WireModel):
    type: str
    """``spot`` or ``earn``."""
    id: str | None = None
    balance: Decimal


class AssetBalance(WireModel):
    """One asset of a ``balances`` snapshot: the total and its split over wallets."""

    asset: str
    asset_class: str | None = None
    balance: Decimal
    wallets: list[WalletBalance] = Field(default_factory=list)


class LedgerEntry(WireModel):
    """One ``balances`` update: a ledger transaction and the wallet's balance after it."""

    asset: str
    balance: Decimal | None = None
    amount: Decimal | None = None
    fee: Decimal | None = None
    ledger_id: str | None = None
    ref_id: str | None = None
    timestamp: str | None = None
    type: str | None = None
    subtype: str | None = None
    category: str | None = None
    asset_class: str | None = None
    wallet_type: str | None = None
    wallet_id: str | None = None


class BalancesSnapshot(WireModel):
    channel: str = BALANCES
    type: str = "snapshot"
    data: list[AssetBalance]
    sequence: int | None = None


class BalancesUpdate(WireModel):
    channel: str = BALANCES
    type: str = "update"
    data: list[LedgerEntry]
    sequence: int | None = None


# -------------------------------------------------------------------- acks


class PrivateAckResult(WireModel):
    channel: str
    snapshot: bool | None = None
    snap_orders: bool | None = None
    snap_trades: bool | None = None
    maxratecount: int | None = None
    warnings: list[str] = Field(default_factory=list)


class PrivateAck(WireModel):
    """A ``subscribe``/``unsubscribe`` reply on the private socket, success or error.

    Error replies carry no channel: match them to the request by ``req_id``.
    """

    method: str
    success: StrictBool
    result: PrivateAckResult | None = None
    error: str | None = None
    req_id: int | None = None
    time_in: str | None = None
    time_out: str | None = None

    @property
    def channel(self) -> str | None:
        return self.result.channel if self.result is not None else None


PrivateInbound = ExecutionsMessage | BalancesSnapshot | BalancesUpdate | PrivateAck
"""What ``decode_private`` returns for private traffic."""


# ------------------------------------------------------------------ decode


def decode_private(frame: str | bytes) -> PrivateInbound | SpotInbound | UnknownFrame:
    """Decode one frame of the ws-auth socket; see the module docstring."""
    msg = load_object(frame)
    channel = msg.get("channel")
    if channel == EXECUTIONS:
        return validate_model(ExecutionsMessage, msg)
    if channel == BALANCES:
        kind = msg.get("type")
        if kind == "snapshot":
            return validate_model(BalancesSnapshot, msg)
        if kind == "update":
            return validate_model(BalancesUpdate, msg)
        raise FrameError(f"balances message of unknown type {kind!r}")
    if channel is None and msg.get("method") in ("subscribe", "unsubscribe") and "success" in msg:
        return validate_model(PrivateAck, msg)
    return codec.decode(frame)


# -------------------------------------------------------- client requests
# The token is revealed inside the expression that writes the frame, never bound.


def subscribe_executions(
    token: Secret | str,
    *,
    snap_orders: bool = True,
    snap_trades: bool = True,
    req_id: int | None = None,
) -> str:
    """``subscribe`` to ``executions`` with open orders and the last 50 fills as a snapshot."""
    return _request(
        "subscribe",
        {"channel": EXECUTIONS, "snap_orders": snap_orders, "snap_trades": snap_trades},
        token,
        req_id,
    )


def subscribe_balances(
    token: Secret | str, *, snapshot: bool = True, req_id: int | None = None
) -> str:
    """``subscribe`` to ``balances`` (a snapshot of every asset first, by default)."""
    return _request("subscribe", {"channel": BALANCES, "snapshot": snapshot}, token, req_id)


def unsubscribe_executions(token: Secret | str, *, req_id: int | None = None) -> str:
    return _request("unsubscribe", {"channel": EXECUTIONS}, token, req_id)


def unsubscribe_balances(token: Secret | str, *, req_id: int | None = None) -> str:
    return _request("unsubscribe", {"channel": BALANCES}, token, req_id)


def _request(method: str, params: dict[str, Any], token: Secret | str, req_id: int | None) -> str:
    msg: dict[str, Any] = {"method": method, "params": params}
    if req_id is not None:
        msg["req_id"] = req_id
    return dump(
        msg | {"params": params | {"token": token.reveal() if isinstance(token, Secret) else token}}
    )
