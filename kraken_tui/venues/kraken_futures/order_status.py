"""Derivatives REST v3 ``POST orders/status``: what became of orders, by client order id.

Kraken's docs (docs.kraken.com/api-reference/order-management/get-specific-orders-status):
"Returns information on specified orders which are open or were filled/cancelled in
the last 5 seconds." The answer is ``orders[{order{type, orderId, cliOrdId, symbol,
side, quantity, filled, limitPrice, reduceOnly, timestamp, lastUpdateTimestamp,
priceTriggerOptions?}, status, updateReason, error}]`` with ``status`` one of
``ENTERED_BOOK``, ``FULLY_EXECUTED``, ``REJECTED``, ``CANCELLED``, ``TRIGGER_PLACED``,
``TRIGGER_ACTIVATION_FAILURE``. An order that finished more than 5 seconds ago is
simply absent: absence alone proves nothing.

The ids go as repeated ``cliOrdIds`` form fields. Reading is lenient: entries without
a status are skipped and counted; an entry whose ``order`` cannot be read keeps its
status with ``order`` None; unknown words are kept raw.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kraken_tui.model import Venue
from kraken_tui.model.account import Order, OrderSide
from kraken_tui.venues.jsontext import finite_decimal
from kraken_tui.venues.kraken_futures.trading_wire import FuturesRequest, _body, _text
from kraken_tui.venues.outcomes import Ambiguous, Rejected
from kraken_tui.venues.timefmt import rfc3339_to_ms

OPEN_STATUSES = frozenset({"ENTERED_BOOK", "TRIGGER_PLACED"})
FILLED_STATUS = "FULLY_EXECUTED"
CANCELLED_STATUS = "CANCELLED"
REFUSED_STATUSES = frozenset({"REJECTED", "TRIGGER_ACTIVATION_FAILURE"})


def order_status_request(cli_ord_ids: Iterable[str]) -> FuturesRequest:
    """``POST orders/status`` for client order ids (one ``cliOrdIds`` field per id)."""
    ids = tuple(cid for cid in cli_ord_ids if cid)
    if not ids:
        raise ValueError("give at least one client order id")
    return FuturesRequest("POST", "orders/status", tuple(("cliOrdIds", cid) for cid in ids), ids[0])


@dataclass(frozen=True, slots=True)
class OrderStatus:
    """One ``orders[]`` entry of ``orders/status``: ``status`` is Kraken's UPPER_SNAKE
    word (``ENTERED_BOOK``, ``FULLY_EXECUTED``, ``CANCELLED``...), ``order`` the order
    as it stands (None when the entry carried none)."""

    status: str
    update_reason: str = ""
    error: str = ""
    order: Order | None = None

    @property
    def cli_ord_id(self) -> str:
        return self.order.cl_ord_id if self.order is not None else ""


@dataclass(frozen=True, slots=True)
class OrderStatuses:
    """``orders/status``: orders open, or filled/cancelled in the last 5 seconds."""

    orders: tuple[OrderStatus, ...]
    skipped: int = 0

    def by_client_id(self, cli_ord_id: str) -> OrderStatus | None:
        return next((o for o in self.orders if o.cli_ord_id == cli_ord_id), None)


def _status_order(entry: Mapping[str, Any]) -> Order:
    side = _text(entry.get("side")).lower()
    qty = finite_decimal(entry.get("quantity"))
    order_id = _text(entry.get("orderId"))
    if not order_id or side not in ("buy", "sell") or qty is None:
        raise ValueError("order without id, side or size")
    trigger = entry.get("priceTriggerOptions")
    stop = finite_decimal(trigger.get("triggerPrice")) if isinstance(trigger, dict) else None
    stamp = _text(entry.get("timestamp"))
    return Order(
        venue=Venue.FUTURES,
        order_id=order_id,
        symbol=_text(entry.get("symbol")).upper(),
        side=OrderSide(side),
        order_type="stop" if _text(entry.get("type")) == "TRIGGER_ORDER" else "limit",
        qty=qty,
        filled=finite_decimal(entry.get("filled")) or Decimal(0),
        limit_price=finite_decimal(entry.get("limitPrice")) or None,
        stop_price=stop or None,
        time_ms=rfc3339_to_ms(stamp) if stamp else 0,
        cl_ord_id=_text(entry.get("cliOrdId")),
        reduce_only=entry.get("reduceOnly") is True,
    )


def _readable_order(entry: object) -> Order | None:
    if not isinstance(entry, dict):
        return None
    try:
        return _status_order(entry)
    except ValueError:
        return None


def read_order_status(
    http_status: int, raw: bytes, request: FuturesRequest
) -> OrderStatuses | Rejected | Ambiguous:
    body = _body(http_status, raw, request)
    if not isinstance(body, dict):
        return body
    entries = body.get("orders")
    if not isinstance(entries, list):
        return Ambiguous("the answer had no orders list")
    found: list[OrderStatus] = []
    skipped = 0
    for entry in entries:
        if not isinstance(entry, dict) or not _text(entry.get("status")):
            skipped += 1
            continue
        found.append(
            OrderStatus(
                status=_text(entry.get("status")),
                update_reason=_text(entry.get("updateReason")),
                error=_text(entry.get("error")),
                order=_readable_order(entry.get("order")),
            )
        )
    return OrderStatuses(tuple(found), skipped)
