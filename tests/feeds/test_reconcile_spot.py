"""OrderReconciler on spot with a scripted REST client: OpenOrders / ClosedOrders
answers become verdicts (placed, filled, cancelled / expired with Kraken's reason,
not placed), and a failing lookup falls back to "check the exchange"."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kraken_tui.feeds.order_gateway import Ticket, TicketKind
from kraken_tui.feeds.reconcile import UNKNOWN, UNKNOWN_CHECK, OrderReconciler, placeholder_id
from kraken_tui.feeds.stores import MarketStore
from kraken_tui.model import Venue
from kraken_tui.model.account import OrderSide
from kraken_tui.venues.kraken_spot.orders_rest import SpotRestOrder, SpotRestOrders
from kraken_tui.venues.kraken_spot.private_rest import SpotTransientError
from tests.helpers import wait_for

PRICE = Decimal("60000")


class FakeSpotOrders:
    """Stands in for SpotOrdersClient: answers OpenOrders / ClosedOrders from scripts."""

    def __init__(self, opened: list[Any] | None = None, closed: list[Any] | None = None) -> None:
        self.opened = list(opened or [])
        self.closed = list(closed or [])
        self.calls: list[str] = []

    async def _next(self, script: list[Any]) -> SpotRestOrders:
        answer = script.pop(0) if script else SpotRestOrders(())
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, SpotRestOrders)
        return answer

    async def open_orders(self, cl_ord_id: str) -> SpotRestOrders:
        self.calls.append(f"open:{cl_ord_id[:8]}")
        return await self._next(self.opened)

    async def closed_orders(self, cl_ord_id: str) -> SpotRestOrders:
        self.calls.append(f"closed:{cl_ord_id[:8]}")
        return await self._next(self.closed)


def spot_ticket() -> Ticket:
    return Ticket(
        Venue.SPOT, "BTC/USD", OrderSide.BUY, TicketKind.IOC, Decimal("0.01"), limit_price=PRICE
    )


def rest_order(sent: Ticket, status: str, filled: str = "0", reason: str = "") -> SpotRestOrders:
    entry = SpotRestOrder(
        "OABCDE-12345-FGHIJK", status, sent.side, "limit", sent.qty, Decimal(filled),
        pair="XBTUSD", price=sent.limit_price, cl_ord_id=sent.cl_ord_id, reason=reason,
    )  # fmt: skip
    return SpotRestOrders((entry,))


async def settle_spot(fake: FakeSpotOrders, sent: Ticket) -> MarketStore:
    store = MarketStore()
    reconciler = OrderReconciler(
        store.account, None, spot=fake,  # type: ignore[arg-type]
        delay=0.01, attempts=6, spot_timeout=0.3,
    )  # fmt: skip
    reconciler.unknown(sent, "no answer before the timeout")
    held = store.account.order(Venue.SPOT, placeholder_id(sent.cl_ord_id))
    assert held is not None and held.status == UNKNOWN
    await wait_for(lambda: bool(store.account.notices))
    await reconciler.close()
    return store


@pytest.mark.parametrize(
    ("status", "filled", "reason", "notice"),
    [
        ("canceled", "0", "Post only order", "cancelled, nothing traded (Post only order)"),
        ("canceled", "0.004", "", "partly filled (0.004 of 0.01), rest cancelled"),
        ("expired", "0", "", "expired, nothing traded"),
        ("closed", "0.01", "", "filled"),
    ],
)
async def test_spot_closed_order_says_what_happened(
    status: str, filled: str, reason: str, notice: str
) -> None:
    sent = spot_ticket()
    fake = FakeSpotOrders(closed=[rest_order(sent, status, filled, reason)])
    store = await settle_spot(fake, sent)
    assert store.account.notices == [f"order {sent.cl_ord_id[:8]}: {notice}"]
    assert store.account.orders == {}
    assert fake.calls == [f"open:{sent.cl_ord_id[:8]}", f"closed:{sent.cl_ord_id[:8]}"]


async def test_spot_open_order_replaces_the_placeholder() -> None:
    sent = spot_ticket()
    store = await settle_spot(FakeSpotOrders(opened=[rest_order(sent, "open", "0.002")]), sent)
    [order] = store.account.orders.values()
    assert (order.order_id, order.symbol, order.filled) == (
        "OABCDE-12345-FGHIJK",
        "BTC/USD",
        Decimal("0.002"),
    )
    assert store.account.notices == [f"order {sent.cl_ord_id[:8]}: placed"]


async def test_spot_absent_from_both_three_times_is_not_placed() -> None:
    sent = spot_ticket()
    fake = FakeSpotOrders()
    store = await settle_spot(fake, sent)
    assert store.account.notices == [
        f"order {sent.cl_ord_id[:8]}: not placed (neither open nor closed)"
    ]
    assert len(fake.calls) == 6 and store.account.orders == {}


async def test_spot_lookup_failing_falls_back_to_check_the_exchange() -> None:
    sent = spot_ticket()
    fake = FakeSpotOrders(opened=[SpotTransientError("OpenOrders failed: timed out")])
    store = await settle_spot(fake, sent)
    held = store.account.order(Venue.SPOT, placeholder_id(sent.cl_ord_id))
    assert held is not None and held.status == UNKNOWN_CHECK
    assert "check the exchange" in store.account.notices[0]
