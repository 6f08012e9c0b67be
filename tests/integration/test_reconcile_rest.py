"""UNKNOWN orders settled from the exchange's REST lookups, on a real embedded exchange.

Spot: OpenOrders / ClosedOrders by ``cl_ord_id`` settle an order whose ack was lost
while every socket is stalled (so the ``executions`` feed cannot be what settled
it), an order that never reached the matching engine ("not placed", not "check the
exchange"), and an order accepted and cancelled at once ("cancelled"). Futures:
``orders/status`` settles a 5xx-after-accept. And the new endpoints refuse bad
signatures as Kraken does.
"""

from __future__ import annotations

import asyncio
import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from kraken_tui.feeds.order_gateway import Ticket, TicketKind
from kraken_tui.feeds.trading import placeholder_id
from kraken_tui.model import Venue
from kraken_tui.model.account import OrderSide
from kraken_tui.model.secret import Credentials, Secret
from kraken_tui.sim import ExchangeServer
from kraken_tui.venues.kraken_futures.order_status import OrderStatuses
from kraken_tui.venues.kraken_futures.trading import Accepted, FuturesTradingClient, Rejected
from kraken_tui.venues.kraken_spot.orders_rest import SpotOrdersClient
from kraken_tui.venues.kraken_spot.private_rest import SpotAuthError
from tests.helpers import wait_for
from tests.integration.test_trading_gateway import (
    FUT,
    FUT_SIZE,
    SPOT,
    SPOT_SIZE,
    count_placements,
    exchange_orders,
    resting_buy,
    running,
    store_order,
)

STALL = 6.0
"""Long enough that the settling below must come from REST, not from a socket."""
WRONG_SECRET = Secret("d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==")


def settled(session: Any, venue: Venue, cid: str) -> bool:
    """A verdict was given and the UNKNOWN placeholder is gone."""
    said = any(n.startswith(f"order {cid[:8]}:") for n in session.store.account.notices)
    return said and session.store.account.order(venue, placeholder_id(cid)) is None


def notices(session: Any) -> str:
    return " | ".join(session.store.account.notices)


async def test_spot_ack_lost_and_feed_dropped_is_settled_from_open_orders(
    exchange: ExchangeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_placements(exchange, monkeypatch)
    async with running(exchange, trading_timeout=0.3) as (session, gateway):
        ticket = resting_buy(exchange, Venue.SPOT, SPOT, SPOT_SIZE)
        exchange.stall(STALL)  # the ack and every executions report are held...
        result = await gateway.place(ticket)
        assert result.unknown, result.message
        await exchange.drop_connections()  # ...then the sockets die: the ack is lost
        await wait_for(lambda: settled(session, Venue.SPOT, ticket.cl_ord_id), 5.0)
        assert exchange.gate.stalled, "settled only once the sockets talked again"
        [on_exchange] = exchange_orders(exchange, Venue.SPOT, ticket.cl_ord_id)
        real = store_order(session, Venue.SPOT, ticket.cl_ord_id)
        assert real is not None and real.order_id == on_exchange.order_id
        assert (real.symbol, real.qty, real.limit_price) == (SPOT, SPOT_SIZE, ticket.limit_price)
        assert f"order {ticket.cl_ord_id[:8]}: placed" in notices(session)
    assert calls == [ticket.cl_ord_id]


async def test_spot_order_that_never_reached_the_engine_is_not_placed(
    exchange: ExchangeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_placements(exchange, monkeypatch)
    trading = exchange.spot_desk.trading
    assert trading is not None
    real_serve = trading.serve
    dropped: list[asyncio.Task[None]] = []

    def lost(outbox: Any, method: str, msg: dict[str, Any], time_in: str) -> None:
        if method != "add_order":
            real_serve(outbox, method, msg, time_in)
            return
        # The frame dies with its socket before the matching engine sees it.
        dropped.append(asyncio.get_running_loop().create_task(exchange.drop_connections()))

    monkeypatch.setattr(trading, "serve", lost)
    async with running(exchange, trading_timeout=5.0) as (session, gateway):
        ticket = resting_buy(exchange, Venue.SPOT, SPOT, SPOT_SIZE)
        result = await gateway.place(ticket)
        assert result.unknown and "dropped" in result.message, result.message
        await wait_for(lambda: settled(session, Venue.SPOT, ticket.cl_ord_id), 8.0)
        said = notices(session)
        assert f"order {ticket.cl_ord_id[:8]}: not placed" in said
        assert "check the exchange" not in said
        assert exchange_orders(exchange, Venue.SPOT, ticket.cl_ord_id) == []
        again = await gateway.place(ticket)  # still never resent
        assert not again.ok and again.message.startswith("already sent")
    assert calls == [] and len(dropped) == 1


async def test_spot_order_accepted_and_cancelled_while_the_feed_is_down_says_cancelled(
    exchange: ExchangeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_placements(exchange, monkeypatch)
    async with running(exchange, trading_timeout=0.3) as (session, gateway):
        _bids, asks = exchange.book_levels(SPOT)
        # A post-only buy at the best ask would take: Kraken accepts it, then cancels it.
        ticket = Ticket(
            Venue.SPOT, SPOT, OrderSide.BUY, TicketKind.POST_ONLY, SPOT_SIZE,
            limit_price=asks[0][0],
        )  # fmt: skip
        exchange.stall(STALL)
        result = await gateway.place(ticket)
        assert result.unknown, result.message
        await exchange.drop_connections()
        await wait_for(lambda: settled(session, Venue.SPOT, ticket.cl_ord_id), 5.0)
        assert exchange.gate.stalled
        assert (
            f"order {ticket.cl_ord_id[:8]}: cancelled, nothing traded (Post only order)"
            in notices(session)
        )
        assert store_order(session, Venue.SPOT, ticket.cl_ord_id) is None
    assert calls == [ticket.cl_ord_id]


async def test_futures_ioc_refused_behind_a_5xx_is_settled_by_order_status(
    exchange: ExchangeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_placements(exchange, monkeypatch)
    async with running(exchange) as (session, gateway):
        bids, _asks = exchange.book_levels(FUT)
        # Far below the best ask: an immediate-or-cancel buy finds nothing to trade.
        ticket = Ticket(
            Venue.FUTURES, FUT, OrderSide.BUY, TicketKind.IOC, FUT_SIZE, limit_price=bids[-1][0]
        )
        exchange.fail_next_sendorder_after_accepting(500)
        result = await gateway.place(ticket)
        assert result.unknown, result.message
        await wait_for(lambda: settled(session, Venue.FUTURES, ticket.cl_ord_id), 5.0)
        assert (
            f"order {ticket.cl_ord_id[:8]}: not placed "
            "(immediate-or-cancel order found nothing to trade)" in notices(session)
        )
        assert exchange_orders(exchange, Venue.FUTURES, ticket.cl_ord_id) == []
    assert calls == [ticket.cl_ord_id]


async def test_futures_order_cancelled_before_the_check_is_cancelled_not_absent(
    exchange: ExchangeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_placements(exchange, monkeypatch)
    async with running(exchange) as (session, gateway):
        ticket = resting_buy(exchange, Venue.FUTURES, FUT, FUT_SIZE)
        exchange.fail_next_sendorder_after_accepting(502)
        result = await gateway.place(ticket)
        assert result.unknown, result.message
        # Exactly one order reached the book; it goes before the first check.
        assert len(exchange_orders(exchange, Venue.FUTURES, ticket.cl_ord_id)) == 1
        exchange.order_desk.cancel(Venue.FUTURES, cl_ord_id=ticket.cl_ord_id)
        await wait_for(lambda: settled(session, Venue.FUTURES, ticket.cl_ord_id), 5.0)
        assert (
            f"order {ticket.cl_ord_id[:8]}: cancelled, nothing traded (cancelled by you)"
            in notices(session)
        )
    assert calls == [ticket.cl_ord_id]


async def test_new_endpoints_refuse_bad_credentials_and_answer_good_ones(
    exchange: ExchangeServer,
) -> None:
    spot_keys = exchange.practice_credentials[Venue.SPOT]
    good = SpotOrdersClient(exchange.urls.rest, spot_keys)
    assert (await good.open_orders("nobody")).orders == ()
    assert (await good.closed_orders("nobody")).orders == ()
    bad_sign = SpotOrdersClient(
        exchange.urls.rest, dataclasses.replace(spot_keys, api_secret=WRONG_SECRET)
    )
    with pytest.raises(SpotAuthError, match="EAPI:Invalid signature"):
        await bad_sign.open_orders("nobody")
    bad_key = SpotOrdersClient(
        exchange.urls.rest, Credentials("not-the-key", spot_keys.api_secret, source="test")
    )
    with pytest.raises(SpotAuthError, match="EAPI:Invalid key"):
        await bad_key.closed_orders("nobody")

    futures_keys = exchange.practice_credentials[Venue.FUTURES]
    async with FuturesTradingClient(exchange.urls.futures_rest, futures_keys) as client:
        answer = await client.order_status(["nobody"])
        assert isinstance(answer, OrderStatuses) and answer.orders == ()
    wrong = dataclasses.replace(futures_keys, api_secret=WRONG_SECRET)
    async with FuturesTradingClient(exchange.urls.futures_rest, wrong) as client:
        refused = await client.order_status(["nobody"])
        assert isinstance(refused, Rejected) and refused.status == "authenticationError"


async def test_order_status_lists_a_working_order_and_a_recently_filled_one(
    exchange: ExchangeServer,
) -> None:
    keys = exchange.practice_credentials[Venue.FUTURES]
    async with FuturesTradingClient(exchange.urls.futures_rest, keys) as client:
        bids, _asks = exchange.book_levels(FUT)
        resting = await client.send_order(
            symbol=FUT, side="buy", order_type="lmt", size=FUT_SIZE,
            limit_price=bids[-1][0], cli_ord_id="rest-1",
        )  # fmt: skip
        taken = await client.send_order(
            symbol=FUT, side="buy", order_type="mkt", size=FUT_SIZE, cli_ord_id="take-1"
        )
        assert isinstance(resting, Accepted) and isinstance(taken, Accepted)
        answer = await client.order_status(["rest-1", "take-1"])
    assert isinstance(answer, OrderStatuses)
    working, filled = answer.by_client_id("rest-1"), answer.by_client_id("take-1")
    assert working is not None and working.status == "ENTERED_BOOK"
    assert working.order is not None and working.order.limit_price == bids[-1][0]
    assert filled is not None and (filled.status, filled.update_reason) == (
        "FULLY_EXECUTED",
        "FULL_FILL",
    )
    assert filled.order is not None and filled.order.filled == Decimal(FUT_SIZE)
