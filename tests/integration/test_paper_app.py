"""The real dashboard on a paper exchange whose upstream is another embedded exchange:
the ladder shows the upstream's book, the badge says PAPER, and an order placed from
the keyboard fills at the upstream's price. Also the command line when the upstream
cannot be reached."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from decimal import Decimal

from kraken_tui.book import BookHealth
from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.market_session import LiveMarketSession
from kraken_tui.launch import EmbeddedExchange
from kraken_tui.model import Venue
from kraken_tui.model.account import OrderSide
from kraken_tui.model.scaled import from_scaled
from kraken_tui.ui.app import KrakenApp
from kraken_tui.ui.widgets.status_bar import StatusBar
from tests.helpers import wait_for
from tests.integration.test_trading_app import send_ticket
from tests.sim.relay_helpers import frozen_upstream_started, paper_pair, step_upstream
from tests.sim.wsclient import WsClient, is_book

BOOK = (Venue.SPOT, "BTC/USD")


async def test_paper_dashboard_mirrors_upstream_and_fills_a_keyboard_order() -> None:
    async with paper_pair() as (up, paper):
        session = LiveMarketSession(paper.urls, credentials=paper.practice_credentials)
        app = KrakenApp(session, env_label="PAPER")
        async with app.run_test(size=(140, 45)) as pilot:
            account = session.store.account
            await wait_for(
                lambda: (
                    BOOK in session.store.books
                    and session.store.books[BOOK].health is BookHealth.SYNCED
                    and all(s.state is AuthState.OK for s in account.private.values())
                    and session.trading is not None
                    and session.trading.enabled
                ),
                timeout=15,
            )
            upstream = up.markets["BTC/USD"]
            await step_upstream(up, ["BTC/USD"], 40)
            book = session.store.books[BOOK]
            await wait_for(
                lambda: (
                    book.health is BookHealth.SYNCED
                    and book.bids(10) == upstream.bids.top(10)
                    and book.asks(10) == upstream.asks.top(10)
                ),
                timeout=10,
            )
            bar = app.dashboard.query_one(StatusBar)
            assert bar.lines()[0][0][0] == " PAPER "

            # A marketable sell from the ladder fills at the upstream's best bid.
            app.dashboard.query_one("#ladder").focus()
            await pilot.pause()
            best_bid, _ = upstream.bids.level(0)
            bid_price = from_scaled(best_bid, upstream.pp)
            fills_before = set(account.fills)
            await send_ticket(pilot, app, "s", "0.001", str(bid_price - Decimal(5)))

            def our_sell() -> list[Decimal]:
                return [
                    fill.price
                    for key, fill in account.fills.items()
                    if key not in fills_before
                    and fill.symbol == "BTC/USD"
                    and fill.side is OrderSide.SELL
                ]

            await wait_for(lambda: bool(our_sell()), timeout=10)
            assert our_sell() == [bid_price]


async def test_embedded_exchange_with_an_upstream_is_a_paper_exchange() -> None:
    async with frozen_upstream_started() as up:
        exchange = EmbeddedExchange(upstream=up.urls)
        # start() blocks its caller until ready; the upstream must keep serving meanwhile.
        urls = await asyncio.to_thread(exchange.start)
        try:
            assert urls.spot_ws != up.urls.spot_ws
            assert set(exchange.credentials) == {Venue.SPOT, Venue.FUTURES}
            client = await WsClient.connect(urls.spot_ws)
            try:
                await client.send(
                    {
                        "method": "subscribe",
                        "params": {"channel": "book", "symbol": ["ETH/USD"], "depth": 10},
                    }
                )
                snapshot = await client.recv_until(is_book("ETH/USD"))
            finally:
                await client.close()
            market = up.markets["ETH/USD"]
            best = snapshot["data"][0]["asks"][0]
            assert Decimal(str(best["price"])) == from_scaled(market.asks.level(0)[0], market.pp)
        finally:
            await asyncio.to_thread(exchange.stop)


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_paper_with_an_unreachable_upstream_exits_2_with_a_plain_message() -> None:
    upstream = f"http://127.0.0.1:{_dead_port()}"
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "kraken_tui", "--env", "paper", "--upstream", upstream],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert "paper needs internet: could not reach ws://127.0.0.1:" in done.stderr
    assert "try --env sim" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
