"""An exchange snapshot replaces a venue's orders but never our UNKNOWN placeholders:
the exchange cannot list an order whose placement it may not have seen."""

from __future__ import annotations

from decimal import Decimal

from kraken_tui.feeds.account_store import AccountStore
from kraken_tui.feeds.reconcile import UNKNOWN, placeholder_id
from kraken_tui.model import Venue
from kraken_tui.model.account import Order, OrderSide


def order(order_id: str, venue: Venue = Venue.SPOT, status: str = "new") -> Order:
    return Order(
        venue=venue,
        order_id=order_id,
        symbol="BTC/USD" if venue is Venue.SPOT else "PF_XBTUSD",
        side=OrderSide.BUY,
        order_type="limit",
        qty=Decimal("0.1"),
        limit_price=Decimal("60000"),
        time_ms=0,
        status=status,
    )


def test_snapshot_replaces_exchange_orders_and_keeps_placeholders() -> None:
    store = AccountStore()
    pending = order(placeholder_id("cid-1"), status=UNKNOWN)
    store.upsert_order(pending)
    store.upsert_order(order("OLD-1"))
    store.upsert_order(order("F-1", Venue.FUTURES))
    store.replace_orders(Venue.SPOT, [order("NEW-1")])
    assert set(store.orders) == {
        (Venue.SPOT, pending.order_id),
        (Venue.SPOT, "NEW-1"),
        (Venue.FUTURES, "F-1"),
    }
    assert store.order(Venue.SPOT, pending.order_id) == pending
