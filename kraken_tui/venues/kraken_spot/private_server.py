"""Server-side Spot v2 private encoders: ``executions``, ``balances`` and their acks.

Shapes follow Kraken's documentation (kraken-protocol.md §1.10, §1.11, §5).
Quantities and prices are exact Decimals written as JSON numbers with their own
digits; values the server computes (cost, average price) are written without
trailing zeros. Every channel message carries the subscription's ``sequence``.

Execution reports are built as plain dicts by the ``*_report`` helpers so the
caller can make them sparse (only changed fields after the first message for
an order, as Kraken does) before :func:`encode_executions` frames them.
"""

from __future__ import annotations

import hashlib
import json
import random
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from kraken_tui.model.account import Balance, Fill, Liquidity, Order
from kraken_tui.venues.jsontext import Number, decimal_number, dump
from kraken_tui.venues.timefmt import ms_to_rfc3339, now_rfc3339

MAX_RATE_COUNT = 125
"""``maxratecount`` of the executions ack (Kraken's intermediate-tier ceiling)."""

TOKEN_EXPIRES = 900
"""Seconds a fresh GetWebSocketsToken token may wait before its first use."""

AVG_PRICE_PLACES = 10
_LIQUIDITY = {Liquidity.MAKER: "m", Liquidity.TAKER: "t"}

Report = dict[str, Any]
"""One entry of an ``executions`` message's ``data`` array."""


def number(value: Decimal | int) -> Number:
    """A JSON number with the value's own digits."""
    return decimal_number(value)


def computed(value: Decimal) -> Number:
    """A computed amount without trailing fractional zeros (never an exponent)."""
    if value == 0:
        return decimal_number(0)
    return decimal_number(value.normalize())


def average_price(cum_cost: Decimal, cum_qty: Decimal) -> Decimal:
    """Cost-weighted average fill price (0 before the first fill)."""
    if not cum_qty:
        return Decimal(0)
    return (cum_cost / cum_qty).quantize(Decimal(1).scaleb(-AVG_PRICE_PLACES))


def fee_usd_equiv(fill: Fill) -> Decimal:
    """The fill's fee in USD: as is when paid in USD, at the fill price when paid in
    the base of a USD pair, else 0 (the embedded exchange quotes everything in USD)."""
    if fill.fee is None:
        return Decimal(0)
    base, _, quote = fill.symbol.partition("/")
    if fill.fee_currency == "USD":
        return fill.fee
    if fill.fee_currency == base and quote == "USD":
        return fill.fee * fill.price
    return Decimal(0)


# ------------------------------------------------------------- reports
def order_detail(order: Order) -> Report:
    """The fields that describe an order (sent in its first message to a client)."""
    detail: Report = {
        "symbol": order.symbol,
        "side": order.side.value,
        "order_type": order.order_type,
        "order_qty": number(order.qty),
        "time_in_force": "GTC",
        "limit_price_type": "static",
        "limit_price": number(order.limit_price if order.limit_price is not None else 0),
        "stop_price": number(order.stop_price if order.stop_price is not None else 0),
        "post_only": False,
        "reduce_only": order.reduce_only,
        "fee_ccy_pref": "fciq",
    }
    if order.cl_ord_id:
        detail["cl_ord_id"] = order.cl_ord_id
    return detail


def open_order_report(order: Order, cum_cost: Decimal, timestamp_ms: int) -> Report:
    """A snapshot entry for a working order: ``exec_type`` ``new``, full fields."""
    status = "partially_filled" if order.filled > 0 else "new"
    report: Report = {"order_id": order.order_id, "exec_type": "new", "order_status": status}
    report.update(order_detail(order))
    report.update(
        {
            "cum_qty": number(order.filled),
            "cum_cost": computed(cum_cost),
            "avg_price": computed(average_price(cum_cost, order.filled)),
            "fee_usd_equiv": decimal_number(0),
            "amended": False,
            "timestamp": ms_to_rfc3339(timestamp_ms),
        }
    )
    return report


def status_report(
    order_id: str, exec_type: str, order_status: str, timestamp: str | None = None, **extra: Any
) -> Report:
    """A sparse report: the order id, what happened, and ``extra`` fields."""
    report: Report = {
        "order_id": order_id,
        "exec_type": exec_type,
        "order_status": order_status,
        "timestamp": timestamp or now_rfc3339(),
    }
    report.update(extra)
    return report


def trade_report(
    fill: Fill,
    trade_id: int,
    order_status: str,
    cum_qty: Decimal,
    cum_cost: Decimal,
    order_type: str = "limit",
) -> Report:
    """An ``exec_type`` ``trade`` report for one fill of one of our orders."""
    report: Report = {
        "order_id": fill.order_id,
        "exec_id": fill.fill_id,
        "exec_type": "trade",
        "trade_id": trade_id,
        "symbol": fill.symbol,
        "side": fill.side.value,
        "last_qty": number(fill.qty),
        "last_price": number(fill.price),
    }
    liquidity = _LIQUIDITY.get(fill.liquidity)
    if liquidity is not None:
        report["liquidity_ind"] = liquidity
    report["cost"] = computed(fill.price * fill.qty)
    report["order_type"] = order_type
    report["timestamp"] = ms_to_rfc3339(fill.time_ms)
    report["order_status"] = order_status
    report["cum_qty"] = number(cum_qty)
    report["cum_cost"] = computed(cum_cost)
    report["avg_price"] = computed(average_price(cum_cost, cum_qty))
    report["fee_usd_equiv"] = computed(fee_usd_equiv(fill))
    fees = []
    if fill.fee is not None and fill.fee_currency:
        fees.append({"asset": fill.fee_currency, "qty": number(fill.fee)})
    report["fees"] = fees
    if fill.cl_ord_id:
        report["cl_ord_id"] = fill.cl_ord_id
    return report


def fill_history(
    fills: Sequence[Fill], open_orders: Mapping[str, Order], limit: int
) -> list[Report]:
    """The last ``limit`` of ``fills`` (oldest first) as ``trade`` reports, each with
    its order's totals at that fill; the last fill of an order no longer open is
    reported ``filled``."""
    last_of = {fill.order_id: index for index, fill in enumerate(fills)}
    cum: dict[str, tuple[Decimal, Decimal]] = {}
    start = max(0, len(fills) - limit)
    reports = []
    for index, fill in enumerate(fills):
        qty, cost = cum.get(fill.order_id, (Decimal(0), Decimal(0)))
        qty, cost = qty + fill.qty, cost + fill.qty * fill.price
        cum[fill.order_id] = (qty, cost)
        if index < start:
            continue
        order = open_orders.get(fill.order_id)
        done = order is None and last_of[fill.order_id] == index
        status = "filled" if done else "partially_filled"
        order_type = order.order_type if order is not None else "limit"
        reports.append(trade_report(fill, trade_id_of(fill.fill_id), status, qty, cost, order_type))
    return reports


# ------------------------------------------------------------------ ids
_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def kraken_id(rng: random.Random, prefix: str) -> str:
    """An id in Kraken's ``XXXXXX-XXXXX-XXXXXX`` form starting with ``prefix``."""
    chars = prefix + "".join(rng.choice(_ID_ALPHABET) for _ in range(17 - len(prefix)))
    return f"{chars[:6]}-{chars[6:11]}-{chars[11:]}"


def trade_id_of(fill_id: str) -> int:
    """Kraken's integer ``trade_id``: the fill id itself when numeric, else a stable hash."""
    if fill_id.isdigit():
        return int(fill_id)
    return int.from_bytes(hashlib.blake2b(fill_id.encode(), digest_size=6).digest(), "big")


# ------------------------------------------------------------ messages
def encode_executions(reports: Sequence[Report], *, snapshot: bool, sequence: int) -> str:
    """One ``executions`` message."""
    kind = "snapshot" if snapshot else "update"
    return dump(
        {"channel": "executions", "type": kind, "data": list(reports), "sequence": sequence}
    )


def balance_entry(
    asset: str, total: Decimal, wallets: Iterable[tuple[str, str, Decimal]]
) -> Report:
    """A balances snapshot entry; ``wallets`` are ``(type, id, balance)``."""
    return {
        "asset": asset,
        "asset_class": "currency",
        "balance": number(total),
        "wallets": [
            {"type": kind, "id": wallet_id, "balance": number(amount)}
            for kind, wallet_id, amount in wallets
        ],
    }


def encode_balances_snapshot(balances: Iterable[Balance], *, sequence: int) -> str:
    """The ``balances`` snapshot: every asset of the spot wallet (``spot``/``main``)."""
    data = [
        balance_entry(b.asset, b.total, [("spot", "main", b.total)])
        for b in sorted(balances, key=lambda b: b.asset)
    ]
    return dump({"channel": "balances", "type": "snapshot", "data": data, "sequence": sequence})


def ledger_entry(
    *,
    ledger_id: str,
    ref_id: str,
    timestamp: str,
    asset: str,
    amount: Decimal,
    fee: Decimal,
    balance: Decimal,
    ledger_type: str = "trade",
    category: str = "trade",
) -> Report:
    """One ledger transaction of the spot wallet, as a ``balances`` update entry.

    Kraken's convention: ``amount`` is the gross change and ``fee`` is charged on
    top, so the new ``balance`` is the old one plus ``amount`` minus ``fee``.
    """
    return {
        "ledger_id": ledger_id,
        "ref_id": ref_id,
        "timestamp": timestamp,
        "type": ledger_type,
        "asset": asset,
        "asset_class": "currency",
        "category": category,
        "wallet_type": "spot",
        "wallet_id": "main",
        "amount": computed(amount),
        "fee": computed(fee),
        "balance": computed(balance),
    }


def encode_balances_update(entries: Sequence[Report], *, sequence: int) -> str:
    """A ``balances`` update carrying ledger entries."""
    return dump(
        {"channel": "balances", "type": "update", "data": list(entries), "sequence": sequence}
    )


def encode_private_ack(
    method: str,
    result: Mapping[str, Any],
    *,
    req_id: int | None = None,
    time_in: str | None = None,
    time_out: str | None = None,
) -> str:
    """A successful ``subscribe``/``unsubscribe`` reply for a private channel."""
    msg: dict[str, Any] = {"method": method}
    if req_id is not None:
        msg["req_id"] = req_id
    msg["result"] = dict(result)
    msg["success"] = True
    msg["time_in"] = time_in or now_rfc3339()
    msg["time_out"] = time_out or now_rfc3339()
    return dump(msg)


# ---------------------------------------------------------------- REST
def body_nonce(body: str, content_type: str) -> str | None:
    """The ``nonce`` of a private REST body (form ``nonce=...`` or JSON
    ``{"nonce": ...}``) as decimal text, or None when absent or not a positive integer."""
    value: object
    if content_type == "application/json" or body.lstrip().startswith("{"):
        try:
            parsed = json.loads(body)
        except ValueError:
            return None
        value = parsed.get("nonce") if isinstance(parsed, dict) else None
    else:
        value = urllib.parse.parse_qs(body, keep_blank_values=True).get("nonce", [None])[0]
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value > 0:
        return str(value)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return value
    return None


def encode_rest_error(*errors: str) -> str:
    """A spot REST failure: ``{"error": [...]}`` (Kraken answers HTTP 200)."""
    return dump({"error": list(errors)})


def encode_token_result(token: str, expires: int = TOKEN_EXPIRES) -> str:
    """The GetWebSocketsToken success body."""
    return dump({"error": [], "result": {"token": token, "expires": expires}})
