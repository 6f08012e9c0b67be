"""Spot REST ``OpenOrders`` and ``ClosedOrders`` by client order id, for reconciliation.

``POST {rest}/0/private/OpenOrders`` and ``/0/private/ClosedOrders`` are signed like
every spot private call (:func:`~kraken_tui.venues.kraken_spot.private_rest.signed_post`);
both take ``cl_ord_id`` ("Restrict results to given client order id",
docs.kraken.com/api-reference/account-data/get-open-orders and .../get-closed-orders).
The answers are ``result.open`` / ``result.closed``: objects keyed by Kraken's order id
(txid), each with ``status`` (``pending``, ``open``, ``closed``, ``canceled``,
``expired``), ``reason`` (why it closed, e.g. ``User requested``), ``vol`` /
``vol_exec`` and ``descr{pair, type, ordertype, price, price2}``.

Reading is lenient: an entry that is not an object, or lacks a side or a size, is
skipped and counted; unknown fields and statuses are kept raw. Errors are those of
:mod:`~kraken_tui.venues.kraken_spot.private_rest` (auth, Kraken error, transient).
Both calls are reads: repeating them is safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kraken_tui.model import Venue
from kraken_tui.model.account import Order, OrderSide
from kraken_tui.model.secret import Credentials
from kraken_tui.venues.jsontext import finite_decimal
from kraken_tui.venues.kraken_spot.private_rest import signed_post
from kraken_tui.venues.signing import NonceSource

OPEN_ORDERS_PATH = "/0/private/OpenOrders"
CLOSED_ORDERS_PATH = "/0/private/ClosedOrders"

FILLED = "closed"
"""Spot REST status of an order that traded in full (``canceled`` / ``expired`` did not)."""
TRIGGER_TYPES = ("stop-loss", "take-profit", "trailing-stop")


@dataclass(frozen=True, slots=True)
class SpotRestOrder:
    """One entry of ``result.open`` / ``result.closed``."""

    order_id: str
    status: str
    side: OrderSide
    order_type: str
    qty: Decimal
    filled: Decimal = Decimal(0)
    pair: str = ""
    """REST pair name (``XBTUSD``), not the WebSocket symbol."""
    price: Decimal | None = None
    """``descr.price``: the limit price, or the trigger price of a stop / take-profit."""
    price2: Decimal | None = None
    """``descr.price2``: the limit price of a ``*-limit`` stop / take-profit."""
    average_price: Decimal | None = None
    cl_ord_id: str = ""
    reason: str = ""
    opened_ms: int = 0

    @property
    def fully_filled(self) -> bool:
        return self.status == FILLED or (self.qty > 0 and self.filled >= self.qty)

    def to_order(self, symbol: str) -> Order:
        """As a working :class:`Order` of ``symbol`` (REST names pairs its own way)."""
        trigger = self.order_type.startswith(TRIGGER_TYPES)
        limit = self.price2 if trigger else self.price
        return Order(
            venue=Venue.SPOT,
            order_id=self.order_id,
            symbol=symbol,
            side=self.side,
            order_type=self.order_type,
            qty=self.qty,
            filled=self.filled,
            limit_price=limit if limit else None,
            stop_price=self.price if trigger and self.price else None,
            time_ms=self.opened_ms,
            cl_ord_id=self.cl_ord_id,
            status="partially_filled" if self.filled > 0 else "new",
        )


@dataclass(frozen=True, slots=True)
class SpotRestOrders:
    orders: tuple[SpotRestOrder, ...]
    skipped: int = 0
    """Entries too broken to read."""

    def by_client_id(self, cl_ord_id: str) -> SpotRestOrder | None:
        return next((o for o in self.orders if o.cl_ord_id == cl_ord_id), None)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _epoch_ms(value: object) -> int:
    seconds = finite_decimal(value)
    return int(seconds * 1000) if seconds is not None and seconds > 0 else 0


def order_from_rest(txid: str, entry: Mapping[str, Any], cl_ord_id: str = "") -> SpotRestOrder:
    """One ``open``/``closed`` entry; ValueError when it has no side or size.

    ``cl_ord_id`` stands in when the entry does not carry its client id (the
    request was filtered by it, so every entry is that order)."""
    descr = entry.get("descr")
    descr = descr if isinstance(descr, dict) else {}
    side = _text(descr.get("type")).lower()
    qty = finite_decimal(entry.get("vol"))
    if not txid or side not in ("buy", "sell") or qty is None:
        raise ValueError("order without id, side or size")
    return SpotRestOrder(
        order_id=txid,
        status=_text(entry.get("status")),
        side=OrderSide(side),
        order_type=_text(descr.get("ordertype")),
        qty=qty,
        filled=finite_decimal(entry.get("vol_exec")) or Decimal(0),
        pair=_text(descr.get("pair")),
        price=finite_decimal(descr.get("price")) or None,
        price2=finite_decimal(descr.get("price2")) or None,
        average_price=finite_decimal(entry.get("price")) or None,
        cl_ord_id=_text(entry.get("cl_ord_id")) or cl_ord_id,
        reason=_text(entry.get("reason")),
        opened_ms=_epoch_ms(entry.get("opentm")),
    )


def read_orders(result: Mapping[str, Any], key: str, cl_ord_id: str = "") -> SpotRestOrders:
    """``result[key]`` (``open`` or ``closed``) leniently; a missing key is no orders."""
    entries = result.get(key)
    if not isinstance(entries, dict):
        return SpotRestOrders(())
    orders: list[SpotRestOrder] = []
    skipped = 0
    for txid, entry in entries.items():
        try:
            if not isinstance(entry, dict):
                raise ValueError("not an object")
            orders.append(order_from_rest(str(txid), entry, cl_ord_id))
        except ValueError:
            skipped += 1
    return SpotRestOrders(tuple(orders), skipped)


class SpotOrdersClient:
    """Signed ``OpenOrders`` / ``ClosedOrders`` lookups for one API key."""

    def __init__(
        self,
        rest_base: str,
        credentials: Credentials,
        nonces: NonceSource | None = None,
        *,
        timeout: float = 10.0,
    ) -> None:
        self.rest_base = rest_base
        self.credentials = credentials
        self.nonces = nonces if nonces is not None else NonceSource()
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"SpotOrdersClient({self.rest_base!r}, {self.credentials!r})"

    async def open_orders(self, cl_ord_id: str) -> SpotRestOrders:
        """The open orders with this client id (none or one)."""
        return await self._lookup(OPEN_ORDERS_PATH, "open", cl_ord_id)

    async def closed_orders(self, cl_ord_id: str) -> SpotRestOrders:
        """The closed orders with this client id (most recent first)."""
        return await self._lookup(CLOSED_ORDERS_PATH, "closed", cl_ord_id)

    async def _lookup(self, path: str, key: str, cl_ord_id: str) -> SpotRestOrders:
        result = await signed_post(
            self.rest_base,
            path,
            self.credentials,
            self.nonces,
            (("cl_ord_id", cl_ord_id),),
            timeout=self.timeout,
            what=path.rsplit("/", 1)[-1],
        )
        return read_orders(result, key, cl_ord_id)
