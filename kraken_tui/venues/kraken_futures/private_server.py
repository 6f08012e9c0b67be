"""Server-side Futures v1 private-feed encoders (what the embedded exchange sends).

Shapes and field names follow Kraken's futures WebSocket docs (kraken-protocol
§3.3, §3.6): ``open_orders``/``open_orders_verbose``, ``open_positions``,
``fills``, ``balances``, ``account_log`` and ``notifications_auth``. Inputs are
the venue-neutral types of :mod:`kraken_tui.model.account`; numbers are exact
Decimals rounded to :data:`DECIMALS` places with padding zeros dropped, as
Kraken's own feed prints them. Kraken writes ``0`` for "no price" (a limit
order's ``stop_price``, a position without a liquidation threshold).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kraken_tui.model.account import Fill, Liquidity, MarginSummary, Order, OrderSide, Position
from kraken_tui.venues.jsontext import Number, dump
from kraken_tui.venues.kraken_futures.server import encode_event, plain_number

DECIMALS = 8
ZERO = Decimal(0)
AUTH_FAILED = "Failed to subscribe to authenticated feed"
UNSUB_AUTH_FAILED = "Failed to unsubscribe from authenticated feed"


def num(value: Decimal | int | None) -> Number:
    """A number rounded to :data:`DECIMALS` places (None is written as 0)."""
    return plain_number(ZERO if value is None else value, DECIMALS)


# --------------------------------------------------------------- challenge


def encode_challenge(message: str) -> str:
    """The answer to a challenge request: ``{"event":"challenge","message":<uuid>}``."""
    return encode_event("challenge", message=message)


# ------------------------------------------------------------- open orders


def _direction(side: OrderSide) -> int:
    return 0 if side is OrderSide.BUY else 1


def wire_order(order: Order, last_update_ms: int | None = None) -> dict[str, Any]:
    """One order in the ``open_orders`` structure.

    A stop without a limit (a stop-market order) has no ``limit_price``, as
    Kraken leaves it out of trailing stops; a plain limit order has ``stop_price`` 0.
    """
    out: dict[str, Any] = {
        "instrument": order.symbol,
        "time": order.time_ms,
        "last_update_time": order.time_ms if last_update_ms is None else last_update_ms,
        "qty": num(order.qty),
        "filled": num(order.filled),
    }
    if order.limit_price is not None:
        out["limit_price"] = num(order.limit_price)
    out["stop_price"] = num(order.stop_price)
    out["type"] = order.order_type
    out["order_id"] = order.order_id
    if order.cl_ord_id:
        out["cli_ord_id"] = order.cl_ord_id
    out["direction"] = _direction(order.side)
    out["reduce_only"] = order.reduce_only
    if order.stop_price is not None:
        out["triggerSignal"] = "last"
    return out


def _orders_feed(verbose: bool) -> str:
    return "open_orders_verbose" if verbose else "open_orders"


def encode_open_orders_snapshot(account: str, orders: Iterable[Order], *, verbose: bool) -> str:
    """``open_orders_snapshot`` (or ``open_orders_verbose_snapshot``)."""
    return dump(
        {
            "feed": _orders_feed(verbose) + "_snapshot",
            "account": account,
            "orders": [wire_order(o) for o in orders],
        }
    )


def encode_open_order(order: Order, reason: str, *, verbose: bool, time_ms: int) -> str:
    """An ``open_orders`` delta for a new or changed order (``is_cancel`` false)."""
    return dump(
        {
            "feed": _orders_feed(verbose),
            "order": wire_order(order, time_ms),
            "is_cancel": False,
            "reason": reason,
        }
    )


def encode_order_removed(order_id: str, reason: str, *, verbose: bool) -> str:
    """An ``open_orders`` delta removing an order (filled, cancelled, rejected)."""
    return dump(
        {
            "feed": _orders_feed(verbose),
            "order_id": order_id,
            "is_cancel": True,
            "reason": reason,
        }
    )


# ------------------------------------------------------------------- fills


@dataclass(frozen=True, slots=True)
class FillContext:
    """What a fill message carries beyond :class:`Fill`."""

    seq: int
    remaining_order_qty: Decimal
    order_type: str
    taker_order_type: str = "market"


def _fill_type(liquidity: Liquidity) -> str:
    return "maker" if liquidity is Liquidity.MAKER else "taker"


def wire_fill(fill: Fill, ctx: FillContext) -> dict[str, Any]:
    """One fill in the ``fills`` structure."""
    out: dict[str, Any] = {
        "instrument": fill.symbol,
        "time": fill.time_ms,
        "price": num(fill.price),
        "seq": ctx.seq,
        "buy": fill.side is OrderSide.BUY,
        "qty": num(fill.qty),
        "remaining_order_qty": num(ctx.remaining_order_qty),
        "order_id": fill.order_id,
    }
    if fill.cl_ord_id:
        out["cli_ord_id"] = fill.cl_ord_id
    out.update(
        {
            "fill_id": fill.fill_id,
            "fill_type": _fill_type(fill.liquidity),
            "fee_paid": num(fill.fee),
            "fee_currency": fill.fee_currency,
            "taker_order_type": ctx.taker_order_type,
            "order_type": ctx.order_type,
        }
    )
    return out


def encode_fills(account: str, fills: Sequence[tuple[Fill, FillContext]], *, snapshot: bool) -> str:
    """``fills_snapshot`` or a ``fills`` delta (both ``account`` + ``fills[]``)."""
    return dump(
        {
            "feed": "fills_snapshot" if snapshot else "fills",
            "account": account,
            "fills": [wire_fill(f, ctx) for f, ctx in fills],
        }
    )


# --------------------------------------------------------------- positions


@dataclass(frozen=True, slots=True)
class PositionExtras:
    """Per-position figures the model does not hold."""

    index_price: Decimal | None
    initial_margin_with_orders: Decimal


def wire_position(position: Position, extras: PositionExtras) -> dict[str, Any]:
    """One position in the ``open_positions`` structure (``balance`` is the signed size)."""
    im = position.initial_margin or ZERO
    pnl = position.unrealized_pnl or ZERO
    roe = (pnl / im).quantize(Decimal("1e-8")) if im else ZERO
    mark = position.mark_price
    return {
        "instrument": position.symbol,
        "balance": num(position.size),
        "pnl": num(pnl),
        "entry_price": num(position.entry_price),
        "mark_price": num(mark),
        "index_price": num(extras.index_price if extras.index_price is not None else mark),
        "liquidation_threshold": num(position.liquidation_price),
        "effective_leverage": num(position.effective_leverage),
        "return_on_equity": num(roe),
        "unrealized_funding": num(position.unrealized_funding),
        "initial_margin": num(im),
        "initial_margin_with_orders": num(extras.initial_margin_with_orders),
        "maintenance_margin": num(position.maintenance_margin),
        "pnl_currency": position.pnl_currency or "USD",
    }


def encode_open_positions(
    account: str,
    positions: Sequence[tuple[Position, PositionExtras]],
    seq: int,
    timestamp_ms: int,
) -> str:
    """``open_positions`` (the same feed name for snapshot and updates)."""
    return dump(
        {
            "feed": "open_positions",
            "account": account,
            "positions": [wire_position(p, x) for p, x in positions],
            "seq": seq,
            "timestamp": timestamp_ms,
        }
    )


# ---------------------------------------------------------------- balances


def flex_wallet(
    margin: MarginSummary,
    collateral: Mapping[str, tuple[Decimal, Decimal]],
    total_position_size: Decimal,
) -> dict[str, Any]:
    """The ``flex_futures`` (multi-collateral) structure.

    ``collateral`` maps a currency to (quantity, USD value); the practice account
    holds USD only, so haircut and conversion spread are 0. Per Kraken's docs
    ``initial_margin`` includes open orders and ``initial_margin_without_orders``
    does not.
    """
    with_orders = margin.initial_margin_with_orders or margin.initial_margin
    upnl = margin.unrealized_pnl or ZERO
    balance_value = margin.balance_value if margin.balance_value is not None else margin.equity
    leverage = (total_position_size / margin.equity) if margin.equity > 0 else ZERO
    figures: dict[str, Any] = {
        "balance_value": num(balance_value),
        "portfolio_value": num(margin.equity),
        "collateral_value": num(balance_value),
        "initial_margin": num(with_orders),
        "initial_margin_without_orders": num(margin.initial_margin),
        "maintenance_margin": num(margin.maintenance_margin),
        "pnl": num(upnl),
        "unrealized_funding": num(ZERO),
        "total_unrealized": num(upnl),
        "total_unrealized_as_margin": num(upnl),
        "margin_equity": num(margin.equity),
        "available_margin": num(margin.available_margin),
    }
    cross = dict(figures)
    cross["effective_leverage"] = num(leverage.quantize(Decimal("1e-8")))
    cross["total_position_size"] = num(total_position_size)
    currencies = {
        asset: {
            "quantity": num(quantity),
            "value": num(value),
            "collateral_value": num(value),
            "available": num(margin.available_margin),
            "haircut": num(ZERO),
            "conversion_spread": num(ZERO),
        }
        for asset, (quantity, value) in collateral.items()
    }
    return {
        "currencies": currencies,
        **figures,
        "total_position_size": num(total_position_size),
        "unified_balances": False,
        "isolated": {},
        "cross": cross,
    }


def encode_balances(
    account: str,
    flex: Mapping[str, Any],
    seq: int,
    timestamp_ms: int,
    *,
    snapshot: bool,
) -> str:
    """``balances_snapshot`` (all wallet groups) or a ``balances`` delta (flex only)."""
    msg: dict[str, Any] = {
        "feed": "balances_snapshot" if snapshot else "balances",
        "account": account,
    }
    if snapshot:
        msg["holding"] = {}
        msg["futures"] = {}
    msg["flex_futures"] = flex
    msg["timestamp"] = timestamp_ms
    msg["seq"] = seq
    return dump(msg)


# ------------------------------------------------------------- account log


def log_entry(
    *,
    log_id: int,
    date: str,
    contract: str,
    info: str,
    booking_uid: str,
    old_balance: Decimal,
    new_balance: Decimal,
    old_entry: Decimal,
    new_entry: Decimal,
    trade_price: Decimal,
    mark_price: Decimal,
    realized_pnl: Decimal,
    fee: Decimal,
    execution: str,
    collateral: str,
    margin_account: str = "flex",
) -> dict[str, Any]:
    """One account-log entry with every documented field (asset lower-cased as Kraken does)."""
    return {
        "id": log_id,
        "date": date,
        "asset": contract.lower(),
        "contract": contract,
        "info": info,
        "booking_uid": booking_uid,
        "margin_account": margin_account,
        "old_balance": num(old_balance),
        "new_balance": num(new_balance),
        "old_average_entry_price": num(old_entry),
        "new_average_entry_price": num(new_entry),
        "trade_price": num(trade_price),
        "mark_price": num(mark_price),
        "realized_pnl": num(realized_pnl),
        "fee": num(fee),
        "execution": execution,
        "collateral": collateral,
        "funding_rate": num(ZERO),
        "realized_funding": num(ZERO),
        "conversion_spread_percentage": num(ZERO),
        "liquidation_fee": num(ZERO),
    }


def encode_account_log_snapshot(newest_first: Sequence[Mapping[str, Any]]) -> str:
    """``account_log_snapshot`` with ``logs[]`` (newest first, as in Kraken's example)."""
    return dump({"feed": "account_log_snapshot", "logs": list(newest_first)})


def encode_account_log_entry(entry: Mapping[str, Any]) -> str:
    """An ``account_log`` delta: ``{"feed":"account_log","new_entry":{...}}``."""
    return dump({"feed": "account_log", "new_entry": dict(entry)})


# ----------------------------------------------------------- notifications


@dataclass(frozen=True, slots=True)
class Notice:
    notice_id: int
    kind: str
    """market, general, new_feature, bug_fix, maintenance, settlement."""
    priority: str
    """low, medium, high."""
    note: str
    effective_time_ms: int
    expected_downtime_minutes: int | None = None


def encode_notifications(notices: Iterable[Notice]) -> str:
    """``notifications_auth`` with ``notifications[]``."""
    rows: list[dict[str, Any]] = []
    for n in notices:
        row: dict[str, Any] = {
            "id": n.notice_id,
            "type": n.kind,
            "priority": n.priority,
            "note": n.note,
            "effective_time": n.effective_time_ms,
        }
        if n.expected_downtime_minutes is not None:
            row["expected_downtime_minutes"] = n.expected_downtime_minutes
        rows.append(row)
    return dump({"feed": "notifications_auth", "notifications": rows})
