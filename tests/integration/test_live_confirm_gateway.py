"""A gateway that starts not allowed (live with --trade, LIVE not typed yet) makes no
call at all, then trades normally once :meth:`LiveOrderGateway.allow` is called, against
a real embedded exchange."""

from __future__ import annotations

import asyncio

import pytest

from kraken_tui.feeds.account_store import AuthState
from kraken_tui.model import Venue
from kraken_tui.sim import ExchangeServer
from tests.helpers import wait_for
from tests.integration.test_trading_gateway import (
    SPOT,
    SPOT_SIZE,
    count_placements,
    exchange_orders,
    resting_buy,
    running,
)

WAITING = "live is read-only until LIVE is typed"


async def test_no_calls_until_allowed_then_orders_go_through(
    exchange: ExchangeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_placements(exchange, monkeypatch)
    async with running(exchange, trading_allowed=False, trading_disabled_reason=WAITING) as (
        session,
        gateway,
    ):
        account = session.store.account
        await wait_for(lambda: all(account.private[v].state is AuthState.OK for v in Venue), 10.0)
        ticket = resting_buy(exchange, Venue.SPOT, SPOT, SPOT_SIZE)
        refused = await gateway.place(ticket)
        assert (refused.ok, refused.message) == (False, WAITING)
        await asyncio.sleep(0.1)  # give a wrongly started order socket the chance to dial
        assert gateway.spot is not None and gateway.spot.conn.connections == 0
        assert calls == []

        gateway.allow()
        assert gateway.enabled and gateway.why_disabled == ""
        await wait_for(lambda: gateway.spot is not None and gateway.spot.ready, 10.0)
        placed = await gateway.place(ticket)
        assert placed.ok, placed.message
        await wait_for(lambda: len(exchange_orders(exchange, Venue.SPOT, ticket.cl_ord_id)) == 1)
        assert calls == [ticket.cl_ord_id]
