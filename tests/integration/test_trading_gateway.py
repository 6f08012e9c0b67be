"""The live order gateway inside a LiveMarketSession against a real embedded exchange.

Orders placed through the gateway must show up in the account store through the
private feeds (the exchange is the only source of truth), an ambiguous placement
must be shown UNKNOWN and reconciled without a second ``sendorder``, a double
submit must make one order, the dead-man's switch must be kept armed while orders
work, and a gateway that is not allowed to trade must make no call at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import pytest

from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.backoff import Backoff
from kraken_tui.feeds.market_session import LiveMarketSession
from kraken_tui.feeds.order_gateway import Ticket, TicketKind
from kraken_tui.feeds.trading import UNKNOWN, LiveOrderGateway, placeholder_id
from kraken_tui.model import Venue
from kraken_tui.model.account import Order, OrderSide
from kraken_tui.sim import ExchangeServer
from tests.helpers import wait_for

FUT = "PF_XBTUSD"
SPOT = "BTC/USD"
FUT_SIZE = Decimal("0.001")
SPOT_SIZE = Decimal("0.001")


def quick_backoff() -> Backoff:
    return Backoff(base=0.05, cap=0.2)


@contextlib.asynccontextmanager
async def running(
    exchange: ExchangeServer, **kwargs: Any
) -> AsyncIterator[tuple[LiveMarketSession, LiveOrderGateway]]:
    session = LiveMarketSession(
        exchange.urls,
        credentials=exchange.practice_credentials,
        spot_backoff=quick_backoff(),
        futures_backoff=quick_backoff(),
        private_backoff=quick_backoff,
        **kwargs,
    )
    gateway = session.gateway
    assert gateway is not None and session.trading is gateway
    task = asyncio.create_task(session.run())
    try:
        if gateway.enabled:
            account = session.store.account
            await wait_for(
                lambda: all(account.private[v].state is AuthState.OK for v in Venue), 10.0
            )
            assert gateway.spot is not None
            await wait_for(lambda: gateway.spot is not None and gateway.spot.ready, 10.0)
        yield session, gateway
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if gateway.futures is not None:
            await gateway.futures.close()


def count_placements(exchange: ExchangeServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every order the exchange's desk is asked to place (both venues), by client id."""
    calls: list[str] = []
    real: Callable[..., Any] = exchange.order_desk.place

    def counting(request: Any, now_ms: int) -> Any:
        calls.append(request.cl_ord_id)
        return real(request, now_ms)

    monkeypatch.setattr(exchange.order_desk, "place", counting)
    return calls


def exchange_orders(exchange: ExchangeServer, venue: Venue, cid: str) -> list[Order]:
    return [o for o in exchange.account.open_orders(venue) if o.cl_ord_id == cid]


def store_order(session: LiveMarketSession, venue: Venue, cid: str) -> Order | None:
    for order in session.store.account.orders.values():
        if order.venue is venue and order.cl_ord_id == cid and order.status != UNKNOWN:
            return order
    return None


def resting_buy(exchange: ExchangeServer, venue: Venue, symbol: str, qty: Decimal) -> Ticket:
    bids, _ = exchange.book_levels(symbol)
    return Ticket(venue, symbol, OrderSide.BUY, TicketKind.LIMIT, qty, limit_price=bids[-1][0])


# ---------------------------------------------------------------- futures


async def test_futures_limit_placed_moved_and_cancelled(exchange: ExchangeServer) -> None:
    async with running(exchange) as (session, gateway):
        ticket = resting_buy(exchange, Venue.FUTURES, FUT, FUT_SIZE)
        placed = await gateway.place(ticket)
        assert placed.ok, placed.message
        await wait_for(lambda: store_order(session, Venue.FUTURES, ticket.cl_ord_id) is not None)
        order = store_order(session, Venue.FUTURES, ticket.cl_ord_id)
        assert order is not None and order.order_id == placed.order_id
        assert (order.qty, order.limit_price) == (FUT_SIZE, ticket.limit_price)

        tick = exchange.account.instruments[FUT].tick_size
        assert ticket.limit_price is not None
        new_price = ticket.limit_price - 3 * tick
        moved = await gateway.move(order, new_price)
        assert moved.ok, moved.message
        await wait_for(
            lambda: (
                (o := store_order(session, Venue.FUTURES, ticket.cl_ord_id)) is not None
                and o.limit_price == new_price
            )
        )
        assert [
            o.limit_price for o in exchange_orders(exchange, Venue.FUTURES, ticket.cl_ord_id)
        ] == [new_price]

        cancelled = await gateway.cancel(order)
        assert cancelled.ok, cancelled.message
        await wait_for(lambda: store_order(session, Venue.FUTURES, ticket.cl_ord_id) is None)
        assert exchange_orders(exchange, Venue.FUTURES, ticket.cl_ord_id) == []


async def test_futures_market_order_fills_and_moves_the_position(exchange: ExchangeServer) -> None:
    async with running(exchange) as (session, gateway):
        account = session.store.account
        await wait_for(lambda: account.positions_version > 0)
        held = account.positions.get(FUT)
        before = held.size if held is not None else Decimal(0)
        ticket = Ticket(Venue.FUTURES, FUT, OrderSide.BUY, TicketKind.MARKET, FUT_SIZE)
        result = await gateway.place(ticket)
        assert result.ok, result.message
        await wait_for(
            lambda: any(
                f.cl_ord_id == ticket.cl_ord_id and f.venue is Venue.FUTURES
                for f in account.fills.values()
            )
        )

        def size_now() -> Decimal:
            position = account.positions.get(FUT)
            return position.size if position is not None else Decimal(0)

        await wait_for(lambda: size_now() == before + FUT_SIZE)


@pytest.mark.parametrize("fault", ["http-500", "read-timeout"])
async def test_ambiguous_sendorder_shows_unknown_then_reconciles_without_resending(
    exchange: ExchangeServer, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    calls = count_placements(exchange, monkeypatch)
    async with running(exchange, trading_timeout=0.5) as (session, gateway):
        ticket = resting_buy(exchange, Venue.FUTURES, FUT, FUT_SIZE)
        if fault == "http-500":
            exchange.fail_next_sendorder_after_accepting(500)
        else:
            exchange.delay_next_sendorder(1.5)
        result = await gateway.place(ticket)
        assert not result.ok and result.unknown, result.message
        held = session.store.account.order(Venue.FUTURES, placeholder_id(ticket.cl_ord_id))
        assert held is not None and held.status == UNKNOWN

        await wait_for(
            lambda: (
                session.store.account.order(Venue.FUTURES, placeholder_id(ticket.cl_ord_id)) is None
            ),
            10.0,
        )
        real = store_order(session, Venue.FUTURES, ticket.cl_ord_id)
        assert real is not None and real.limit_price == ticket.limit_price
        assert len(exchange_orders(exchange, Venue.FUTURES, ticket.cl_ord_id)) == 1
        assert "placed" in " ".join(session.store.account.notices)
        again = await gateway.place(ticket)  # the user pressing Enter again
        assert not again.ok and again.message.startswith("already sent")
    assert calls == [ticket.cl_ord_id]


async def test_double_submit_makes_one_order(
    exchange: ExchangeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_placements(exchange, monkeypatch)
    async with running(exchange) as (_session, gateway):
        ticket = resting_buy(exchange, Venue.FUTURES, FUT, FUT_SIZE)
        first, second = await asyncio.gather(gateway.place(ticket), gateway.place(ticket))
        assert first.ok, first.message
        assert not second.ok and second.message.startswith("already sent")
        third = await gateway.place(ticket)
        assert third.ok and third.message.startswith("already sent")
        assert len(exchange_orders(exchange, Venue.FUTURES, ticket.cl_ord_id)) == 1
    assert calls == [ticket.cl_ord_id]


async def test_dead_man_switch_cancels_everything_when_refreshes_stop(
    exchange: ExchangeServer,
) -> None:
    async with running(exchange) as (_session, gateway):
        ticket = resting_buy(exchange, Venue.FUTURES, FUT, FUT_SIZE)
        assert (await gateway.place(ticket)).ok
        await wait_for(lambda: gateway.dead_man_seconds(Venue.FUTURES) is not None)
        countdown = gateway.dead_man_seconds(Venue.FUTURES)
        assert countdown is not None and 0 < countdown <= 60
        assert exchange.order_desk.dead_man_trigger(Venue.FUTURES) is not None
    # The session (and its refresher) is gone without a clean shutdown: nothing disarms.
    assert exchange.order_desk.dead_man_trigger(Venue.FUTURES) is not None
    assert exchange_orders(exchange, Venue.FUTURES, ticket.cl_ord_id)
    cancelled = exchange.order_desk.tick(int(time.time() * 1000) + 61_000)
    assert ticket.cl_ord_id in {o.cl_ord_id for o in cancelled}
    assert exchange.account.open_orders(Venue.FUTURES) == []


async def test_clean_shutdown_cancels_if_asked_and_disarms(exchange: ExchangeServer) -> None:
    async with running(exchange) as (_session, gateway):
        ticket = resting_buy(exchange, Venue.FUTURES, FUT, FUT_SIZE)
        assert (await gateway.place(ticket)).ok
        await wait_for(lambda: exchange.order_desk.dead_man_trigger(Venue.FUTURES) is not None)
        await wait_for(lambda: exchange.order_desk.dead_man_trigger(Venue.SPOT) is not None)
        await gateway.shutdown(cancel_all=True)
        assert exchange.account.open_orders(Venue.FUTURES) == []
        assert exchange.account.open_orders(Venue.SPOT) == []
        assert exchange.order_desk.dead_man_trigger(Venue.FUTURES) is None
        assert exchange.order_desk.dead_man_trigger(Venue.SPOT) is None
        assert gateway.dead_man_seconds(Venue.FUTURES) is None


# -------------------------------------------------------------------- spot


async def test_spot_limit_placed_moved_and_cancelled(exchange: ExchangeServer) -> None:
    async with running(exchange) as (session, gateway):
        ticket = resting_buy(exchange, Venue.SPOT, SPOT, SPOT_SIZE)
        placed = await gateway.place(ticket)
        assert placed.ok, placed.message
        await wait_for(lambda: store_order(session, Venue.SPOT, ticket.cl_ord_id) is not None)
        order = store_order(session, Venue.SPOT, ticket.cl_ord_id)
        assert order is not None and order.limit_price == ticket.limit_price

        tick = exchange.account.instruments[SPOT].tick_size
        assert ticket.limit_price is not None
        new_price = ticket.limit_price - 5 * tick
        moved = await gateway.move(order, new_price)
        assert moved.ok, moved.message
        await wait_for(
            lambda: (
                (o := store_order(session, Venue.SPOT, ticket.cl_ord_id)) is not None
                and o.limit_price == new_price
            )
        )
        [on_exchange] = exchange_orders(exchange, Venue.SPOT, ticket.cl_ord_id)
        assert (on_exchange.limit_price, on_exchange.qty) == (new_price, SPOT_SIZE)

        cancelled = await gateway.cancel(order)
        assert cancelled.ok, cancelled.message
        await wait_for(lambda: store_order(session, Venue.SPOT, ticket.cl_ord_id) is None)
        assert exchange_orders(exchange, Venue.SPOT, ticket.cl_ord_id) == []


async def test_spot_market_buy_fills_and_changes_the_balance(exchange: ExchangeServer) -> None:
    async with running(exchange) as (session, gateway):
        account = session.store.account

        def btc() -> Decimal:
            return sum(
                (
                    b.total
                    for (v, _w, a), b in account.balances.items()
                    if v is Venue.SPOT and a in ("BTC", "XBT")
                ),
                Decimal(0),
            )

        await wait_for(lambda: account.balances_version > 0)
        before = btc()
        ticket = Ticket(Venue.SPOT, SPOT, OrderSide.BUY, TicketKind.MARKET, SPOT_SIZE)
        result = await gateway.place(ticket)
        assert result.ok, result.message
        await wait_for(lambda: any(f.cl_ord_id == ticket.cl_ord_id for f in account.fills.values()))
        await wait_for(lambda: btc() == before + SPOT_SIZE)


async def test_spot_cancel_all_for_one_symbol(exchange: ExchangeServer) -> None:
    async with running(exchange) as (session, gateway):
        ticket = resting_buy(exchange, Venue.SPOT, SPOT, SPOT_SIZE)
        assert (await gateway.place(ticket)).ok
        await wait_for(lambda: store_order(session, Venue.SPOT, ticket.cl_ord_id) is not None)
        result = await gateway.cancel_all(Venue.SPOT, SPOT)
        assert result.ok, result.message
        await wait_for(lambda: store_order(session, Venue.SPOT, ticket.cl_ord_id) is None)
        assert [o for o in exchange.account.open_orders(Venue.SPOT) if o.symbol == SPOT] == []


# --------------------------------------------------------------- disabled


async def test_live_without_trade_makes_no_order_calls(
    exchange: ExchangeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_placements(exchange, monkeypatch)
    before = {v: list(exchange.account.open_orders(v)) for v in Venue}
    reason = "live is read-only: start with --trade to enable order entry"
    async with running(exchange, trading_allowed=False, trading_disabled_reason=reason) as (
        session,
        gateway,
    ):
        account = session.store.account
        await wait_for(lambda: all(account.private[v].state is AuthState.OK for v in Venue), 10.0)
        assert not gateway.enabled and gateway.why_disabled == reason
        ticket = resting_buy(exchange, Venue.FUTURES, FUT, FUT_SIZE)
        some_order = next(iter(account.orders.values()))
        results = [
            await gateway.place(ticket),
            await gateway.cancel(some_order),
            await gateway.cancel_all(),
            await gateway.move(some_order, Decimal(1)),
        ]
        await gateway.shutdown(cancel_all=True)
        assert [(r.ok, r.message) for r in results] == [(False, reason)] * 4
        assert gateway.dead_man_seconds(Venue.FUTURES) is None
    assert calls == []
    assert {v: list(exchange.account.open_orders(v)) for v in Venue} == before
    assert gateway.spot is not None and gateway.spot.conn.connections == 0
    assert gateway.spot.requests_sent == 0
    assert exchange.order_desk.dead_man_trigger(Venue.FUTURES) is None


async def test_spot_ack_lost_in_a_stall_shows_unknown_then_the_executions_feed_settles_it(
    exchange: ExchangeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_placements(exchange, monkeypatch)
    async with running(exchange, trading_timeout=0.3) as (session, gateway):
        ticket = resting_buy(exchange, Venue.SPOT, SPOT, SPOT_SIZE)
        exchange.stall(1.0)  # the order is placed, but its ack is held past the timeout
        result = await gateway.place(ticket)
        assert not result.ok and result.unknown, result.message
        held = session.store.account.order(Venue.SPOT, placeholder_id(ticket.cl_ord_id))
        assert held is not None and held.status == UNKNOWN
        await wait_for(
            lambda: (
                session.store.account.order(Venue.SPOT, placeholder_id(ticket.cl_ord_id)) is None
            ),
            10.0,
        )
        assert store_order(session, Venue.SPOT, ticket.cl_ord_id) is not None
        assert len(exchange_orders(exchange, Venue.SPOT, ticket.cl_ord_id)) == 1
    assert calls == [ticket.cl_ord_id]
