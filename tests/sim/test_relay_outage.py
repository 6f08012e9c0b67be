"""An upstream that stays away: the paper exchange stops passing its frozen books off as
live (downstream books leave SYNCED), and serves them again, exact, once it is back."""

from __future__ import annotations

import socket
from dataclasses import replace

from kraken_tui.book import BookHealth
from kraken_tui.model import Venue
from kraken_tui.sim.relay_exchange import PaperExchange
from kraken_tui.sim.server import ExchangeServer
from tests.helpers import wait_for
from tests.sim.relay_helpers import FUTURES, SPOT, downstream, mirrors, step_upstream


def _free_ports() -> tuple[int, int]:
    with socket.socket() as one, socket.socket() as two:
        one.bind(("127.0.0.1", 0))
        two.bind(("127.0.0.1", 0))
        return one.getsockname()[1], two.getsockname()[1]


def _upstream(port: int, auth_port: int) -> ExchangeServer:
    upstream = ExchangeServer(seed=5, port=port, auth_port=auth_port)
    upstream.scenario = replace(upstream.scenario, per_symbol_rate=0.0, idle_rate=0.0)
    return upstream


async def test_books_stop_showing_live_while_the_upstream_is_away_and_recover() -> None:
    port, auth_port = _free_ports()
    upstream = _upstream(port, auth_port)
    await upstream.start()
    paper = PaperExchange(upstream.urls, start_timeout=10.0)
    await paper.start()
    paper.relay.suspend_after = 0.5
    try:
        async with downstream(paper) as down:
            books = [down.book(Venue.SPOT, s) for s in SPOT]
            books += [down.book(Venue.FUTURES, p) for p in FUTURES]
            await upstream.stop()
            await wait_for(
                lambda: all(b.health is not BookHealth.SYNCED for b in books), timeout=10.0
            )
            # Reconnected to the paper exchange, the books still wait: no snapshot is owed.
            await wait_for(
                lambda: down.spot.conn.connections > 1 and down.futures.conn.connections > 1,
                timeout=10.0,
            )
            assert all(b.health is not BookHealth.SYNCED for b in books)

            upstream = _upstream(port, auth_port)
            await upstream.start()
            await step_upstream(upstream, SPOT + FUTURES, 30)
            await wait_for(
                lambda: (
                    all(mirrors(down.book(Venue.SPOT, s), upstream, s, 100) for s in SPOT)
                    and all(
                        mirrors(down.book(Venue.FUTURES, p), upstream, p, None) for p in FUTURES
                    )
                ),
                timeout=20.0,
            )
            assert all(b.checksum_bad == 0 and b.seq_gaps == 0 for b in books)
    finally:
        await paper.stop()
        await upstream.stop()
