"""The venue trading layers against a real embedded exchange with its practice keys.

Futures REST client: place, list, move and cancel; refusals in plain words; a 5xx
or a read timeout after the exchange accepted the order is Ambiguous, never resent,
and reconciles to one order. Spot: the WS v2 encoders and ack decoder on the auth port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest_asyncio
import websockets
from websockets.asyncio.client import ClientConnection

from kraken_tui.model import Venue
from kraken_tui.model.account import OrderSide
from kraken_tui.sim import ExchangeServer
from kraken_tui.venues.kraken_futures.trading import (
    Accepted,
    Ambiguous,
    FuturesTradingClient,
    OpenOrders,
    Rejected,
)
from kraken_tui.venues.kraken_spot import trading as spot
from kraken_tui.venues.kraken_spot.private_rest import get_websockets_token
from kraken_tui.venues.kraken_spot.trading import TradingAck, decode_trading_ack
from kraken_tui.venues.signing import NonceSource

SYMBOL = "PF_XBTUSD"
SIZE = Decimal("0.001")


@pytest_asyncio.fixture
async def client(exchange: ExchangeServer) -> AsyncIterator[FuturesTradingClient]:
    credentials = exchange.practice_credentials[Venue.FUTURES]
    async with FuturesTradingClient(
        exchange.urls.futures_rest, credentials, NonceSource(), timeout=5.0
    ) as trading:
        yield trading


def deepest_bid(exchange: ExchangeServer) -> Decimal:
    """A valid tick price below the market: a buy there rests."""
    bids, _ = exchange.book_levels(SYMBOL)
    return bids[-1][0]


def ticks_below(exchange: ExchangeServer, price: Decimal) -> Decimal:
    """``price`` moved down by ten of the market's ticks."""
    return price - 10 * exchange.account.instruments[SYMBOL].tick_size


def exchange_orders(exchange: ExchangeServer, cli_ord_id: str) -> list[str]:
    return [
        o.order_id for o in exchange.account.open_orders(Venue.FUTURES) if o.cl_ord_id == cli_ord_id
    ]


async def test_order_placed_listed_moved_and_cancelled(
    exchange: ExchangeServer, client: FuturesTradingClient
) -> None:
    price = deepest_bid(exchange)
    placed = await client.send_order(
        symbol=SYMBOL,
        side=OrderSide.BUY,
        order_type="lmt",
        size=SIZE,
        limit_price=price,
        cli_ord_id="integration-ticket-1",
    )
    assert isinstance(placed, Accepted), placed
    assert placed.status == "placed"
    listed = await client.open_orders()
    assert isinstance(listed, OpenOrders)
    mine = [o for o in listed.orders if o.cl_ord_id == "integration-ticket-1"]
    assert [(o.order_id, o.symbol, o.side, o.limit_price, o.qty) for o in mine] == [
        (placed.order_id, SYMBOL, OrderSide.BUY, price, SIZE)
    ]

    lower = ticks_below(exchange, price)
    moved = await client.edit_order(order_id=placed.order_id, limit_price=lower)
    assert isinstance(moved, Accepted), moved
    relisted = await client.open_orders()
    assert isinstance(relisted, OpenOrders)
    assert [o.limit_price for o in relisted.orders if o.order_id == placed.order_id] == [lower]

    cancelled = await client.cancel_order(cli_ord_id="integration-ticket-1")
    assert isinstance(cancelled, Accepted), cancelled
    again = await client.cancel_order(order_id=placed.order_id)
    assert isinstance(again, Rejected) and again.reconcile
    assert exchange_orders(exchange, "integration-ticket-1") == []


async def test_post_only_that_would_take_is_refused_in_plain_words(
    exchange: ExchangeServer, client: FuturesTradingClient
) -> None:
    _, asks = exchange.book_levels(SYMBOL)
    outcome = await client.send_order(
        symbol=SYMBOL, side="buy", order_type="post", size=SIZE, limit_price=asks[-1][0]
    )  # the deepest ask shown: crosses even if the market moves a little meanwhile
    assert isinstance(outcome, Rejected), outcome
    assert outcome.status == "postWouldExecute"
    assert outcome.message == "post-only order would have taken liquidity, so it was not placed"


async def test_marketable_ioc_fills_and_says_so(
    exchange: ExchangeServer, client: FuturesTradingClient
) -> None:
    _, asks = exchange.book_levels(SYMBOL)
    outcome = await client.send_order(
        symbol=SYMBOL, side="buy", order_type="ioc", size=SIZE, limit_price=asks[-1][0]
    )
    assert isinstance(outcome, Accepted), outcome
    assert outcome.filled == SIZE
    assert outcome.message == "order filled (0.001)"
    assert all(e.price is not None and e.price <= asks[-1][0] for e in outcome.events)


async def test_http_500_after_accept_is_ambiguous_and_reconciles_to_one_order(
    exchange: ExchangeServer, client: FuturesTradingClient
) -> None:
    exchange.sendorder_faults.fail_status = 500
    outcome = await client.send_order(
        symbol=SYMBOL,
        side="buy",
        order_type="lmt",
        size=SIZE,
        limit_price=deepest_bid(exchange),
        cli_ord_id="integration-500",
    )
    assert isinstance(outcome, Ambiguous), outcome
    assert outcome.cli_ord_id == "integration-500"
    (exchange_id,) = exchange_orders(exchange, "integration-500")
    listed = await client.open_orders()
    assert isinstance(listed, OpenOrders)
    assert [o.order_id for o in listed.orders if o.cl_ord_id == "integration-500"] == [exchange_id]


async def test_read_timeout_after_accept_is_ambiguous_and_not_resent(
    exchange: ExchangeServer,
) -> None:
    credentials = exchange.practice_credentials[Venue.FUTURES]
    exchange.sendorder_faults.delay_s = 1.0
    async with FuturesTradingClient(
        exchange.urls.futures_rest, credentials, NonceSource(), timeout=0.3
    ) as impatient:
        outcome = await impatient.send_order(
            symbol=SYMBOL,
            side="buy",
            order_type="lmt",
            size=SIZE,
            limit_price=deepest_bid(exchange),
            cli_ord_id="integration-slow",
        )
    assert isinstance(outcome, Ambiguous), outcome
    assert len(exchange_orders(exchange, "integration-slow")) == 1


async def test_dead_man_switch_arms_and_disarms(client: FuturesTradingClient) -> None:
    armed = await client.cancel_all_after(60)
    assert isinstance(armed, Accepted), armed
    assert armed.status == "armed" and armed.trigger_time
    disarmed = await client.cancel_all_after(0)
    assert isinstance(disarmed, Accepted) and disarmed.status == "disarmed"


# ------------------------------------------------------------- spot WS v2


async def spot_ack(ws: ClientConnection, frame: str, req_id: int) -> TradingAck:
    """Send one trading frame and wait for its ack (other frames are skipped)."""
    await ws.send(frame)
    async with asyncio.timeout(5.0):
        while True:
            decoded = decode_trading_ack(await ws.recv())
            if isinstance(decoded, TradingAck) and decoded.req_id == req_id:
                return decoded


async def test_spot_order_placed_amended_and_cancelled_with_the_encoders(
    exchange: ExchangeServer,
) -> None:
    token = await get_websockets_token(
        exchange.urls.rest, exchange.practice_credentials[Venue.SPOT], NonceSource()
    )
    bids, asks = exchange.book_levels("BTC/USD")
    price = bids[-1][0]
    tick = exchange.account.instruments["BTC/USD"].tick_size
    async with websockets.connect(exchange.urls.spot_auth_ws, proxy=None) as ws:
        added = await spot_ack(
            ws,
            spot.add_order(
                token.token,
                order_type="limit",
                side="buy",
                order_qty=Decimal("0.001"),
                symbol="BTC/USD",
                limit_price=price,
                cl_ord_id="spot-int-1",
                req_id=1,
            ),
            1,
        )
        placed = added.outcome(cli_ord_id="spot-int-1")
        assert isinstance(placed, Accepted), placed
        assert placed.order_id and placed.cli_ord_id == "spot-int-1"

        amended = await spot_ack(
            ws,
            spot.amend_order(
                token.token,
                cl_ord_id="spot-int-1",
                order_qty=Decimal("0.001"),
                limit_price=price - 10 * tick,
                req_id=2,
            ),
            2,
        )
        assert isinstance(amended.outcome(), Accepted), amended
        (working,) = [
            o for o in exchange.account.open_orders(Venue.SPOT) if o.cl_ord_id == "spot-int-1"
        ]
        assert working.limit_price == price - 10 * tick

        post = await spot_ack(
            ws,
            spot.add_order(
                token.token,
                order_type="limit",
                side="buy",
                order_qty=Decimal("0.001"),
                symbol="BTC/USD",
                limit_price=asks[-1][0],
                post_only=True,
                cl_ord_id="spot-int-2",
                req_id=3,
            ),
            3,
        )
        # Kraken's add_order docs: post_only "Cancels the order if it will take liquidity
        # on arrival" -- acknowledged, then cancelled (executions: reason Post only order).
        accepted = post.outcome(cli_ord_id="spot-int-2")
        assert isinstance(accepted, Accepted), accepted
        working_ids = {o.cl_ord_id for o in exchange.account.open_orders(Venue.SPOT)}
        assert "spot-int-2" not in working_ids

        cancelled = await spot_ack(
            ws, spot.cancel_order(token.token, order_ids=[placed.order_id], req_id=4), 4
        )
        assert isinstance(cancelled.outcome(), Accepted), cancelled
        gone = await spot_ack(
            ws, spot.cancel_order(token.token, order_ids=[placed.order_id], req_id=5), 5
        )
        unknown = gone.outcome()
        assert isinstance(unknown, Rejected) and unknown.reconcile, unknown
    assert [
        o for o in exchange.account.open_orders(Venue.SPOT) if o.cl_ord_id == "spot-int-1"
    ] == []
