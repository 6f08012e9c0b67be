"""The paper relay against a second embedded exchange as its upstream (loopback only):
books, trades and tickers arrive downstream exactly, with the paper exchange's own
checksums and seqs, and upstream faults heal without showing downstream."""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest

from kraken_tui.book import BookHealth
from kraken_tui.endpoints import from_exchange_url
from kraken_tui.model import Venue
from kraken_tui.model.scaled import from_scaled
from kraken_tui.sim.catalog import FUTURES_LISTINGS, SPOT_LISTINGS, Catalog
from kraken_tui.sim.relay import Relay, UpstreamUnavailable
from kraken_tui.sim.relay_exchange import PaperExchange
from kraken_tui.sim.relay_market import RelayMarket
from kraken_tui.sim.server import ExchangeServer
from tests.helpers import wait_for
from tests.sim.relay_helpers import (
    FUTURES,
    SPOT,
    Downstream,
    downstream,
    frozen_upstream_started,
    mirrors,
    paper_pair,
    step_upstream,
)


def all_mirrored(down: Downstream, up: ExchangeServer, spot_depth: int) -> bool:
    spot = all(mirrors(down.book(Venue.SPOT, s), up, s, spot_depth) for s in SPOT)
    futures = all(mirrors(down.book(Venue.FUTURES, p), up, p, None) for p in FUTURES)
    return spot and futures


def no_integrity_errors(down: Downstream) -> bool:
    books = [down.book(Venue.SPOT, s) for s in SPOT]
    books += [down.book(Venue.FUTURES, p) for p in FUTURES]
    return all(b.checksum_bad == 0 and b.seq_gaps == 0 and b.crossed_count == 0 for b in books)


async def test_relayed_instruments_carry_the_upstream_precisions() -> None:
    async with paper_pair() as (up, paper):
        relayed = {inst.symbol: inst for inst in paper.server.instruments}
        assert set(relayed) == {inst.symbol for inst in up.instruments}
        for inst in up.instruments:
            assert relayed[inst.symbol].price_precision == inst.price_precision
            assert relayed[inst.symbol].tick_size == inst.tick_size
        assert all(isinstance(m, RelayMarket) for m in paper.server.markets.values())


@pytest.mark.parametrize("spot_depth", [10, 100])
async def test_downstream_books_equal_the_upstream_master_books(spot_depth: int) -> None:
    async with paper_pair() as (up, paper), downstream(paper, spot_depth=spot_depth) as down:
        assert all_mirrored(down, up, spot_depth)
        await step_upstream(up, SPOT + FUTURES, 300)
        await wait_for(lambda: all_mirrored(down, up, spot_depth), timeout=10.0)
        assert no_integrity_errors(down)
        # The paper exchange stepped only because the upstream did.
        assert paper.server.stats.market_steps > 0
        btc = down.book(Venue.SPOT, "BTC/USD")
        assert btc.checksum_ok > 0


async def test_upstream_trades_and_tickers_arrive_downstream() -> None:
    async with paper_pair() as (up, paper), downstream(paper, tickers=True) as down:
        before = len(up.markets["BTC/USD"].trades)
        for _ in range(40):
            await step_upstream(up, SPOT + FUTURES, 25)
            if len(up.markets["BTC/USD"].trades) > before:
                break
        btc = up.markets["BTC/USD"]
        last = btc.trades[-1]
        last_price = from_scaled(last.price, btc.pp)

        def spot_trade_and_ticker_arrived() -> bool:
            tape = down.store.trades.get((Venue.SPOT, "BTC/USD"))
            ticker = down.store.tickers.get((Venue.SPOT, "BTC/USD"))
            return (
                tape is not None
                and len(tape) > 0
                and tape[-1].price == last_price
                and ticker is not None
                and ticker.last == btc.stats.last
                and ticker.volume == btc.stats.volume
            )

        await wait_for(spot_trade_and_ticker_arrived, timeout=5.0)
        pf = up.markets["PF_XBTUSD"]
        upstream_ticker = up.futures_feeds["PF_XBTUSD"].ticker()

        def futures_ticker_arrived() -> bool:
            ticker = down.store.tickers.get((Venue.FUTURES, "PF_XBTUSD"))
            return (
                ticker is not None
                and ticker.last == pf.stats.last
                and ticker.volume == pf.stats.volume
                and ticker.mark == upstream_ticker.mark
                and ticker.funding_rate == pf.stats.funding_rate
            )

        # Futures tickers go out once a second on both exchanges.
        await wait_for(futures_ticker_arrived, timeout=5.0)
        # The practice account values positions at the relayed (upstream) mark.
        assert upstream_ticker.mark is not None
        assert paper.server.futures_feeds["PF_XBTUSD"].ticker().mark == upstream_ticker.mark


async def test_a_bad_upstream_checksum_is_healed_without_a_downstream_resync() -> None:
    async with paper_pair() as (up, paper), downstream(paper) as down:
        resyncs = down.book(Venue.SPOT, "BTC/USD").resyncs
        relay_book = paper.relay.store.books[(Venue.SPOT, "BTC/USD")]
        up.inject_bad_checksum("BTC/USD")
        await step_upstream(up, ["BTC/USD"], 5)
        await wait_for(lambda: relay_book.checksum_bad >= 1, timeout=5.0)
        await step_upstream(up, SPOT, 100)
        await wait_for(lambda: relay_book.health is BookHealth.SYNCED, timeout=5.0)
        await wait_for(lambda: all_mirrored(down, up, 100), timeout=10.0)
        assert no_integrity_errors(down)
        assert down.book(Venue.SPOT, "BTC/USD").resyncs == resyncs


async def test_an_upstream_seq_gap_is_healed_without_a_downstream_gap() -> None:
    async with paper_pair() as (up, paper), downstream(paper) as down:
        relay_book = paper.relay.store.books[(Venue.FUTURES, "PF_XBTUSD")]
        up.inject_seq_gap("PF_XBTUSD")
        await step_upstream(up, ["PF_XBTUSD"], 5)
        await wait_for(lambda: relay_book.seq_gaps >= 1, timeout=5.0)
        await step_upstream(up, FUTURES, 100)
        await wait_for(lambda: all_mirrored(down, up, 100), timeout=10.0)
        assert no_integrity_errors(down)


async def test_dropped_upstream_connections_reconnect_and_downstream_stays_exact() -> None:
    async with paper_pair() as (up, paper), downstream(paper) as down:
        opened = paper.relay.spot.conn.connections, paper.relay.futures.conn.connections
        await up.drop_connections()
        await step_upstream(up, SPOT + FUTURES, 50)
        await wait_for(
            lambda: (
                paper.relay.spot.conn.connections > opened[0]
                and paper.relay.futures.conn.connections > opened[1]
            ),
            timeout=10.0,
        )
        await step_upstream(up, SPOT + FUTURES, 100)
        await wait_for(lambda: all_mirrored(down, up, 100), timeout=10.0)
        assert no_integrity_errors(down)
        # The downstream sockets never noticed.
        assert down.spot.conn.connections == 1
        assert down.futures.conn.connections == 1


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_an_unreachable_upstream_is_a_plain_error() -> None:
    upstream = from_exchange_url(f"http://127.0.0.1:{_dead_port()}")
    paper = PaperExchange(upstream, start_timeout=5.0)
    with pytest.raises(UpstreamUnavailable, match=r"could not reach ws://127\.0\.0\.1:[0-9]+/v2: "):
        await paper.start()
    await paper.stop()


async def test_only_listed_symbols_are_relayed_and_a_refused_book_is_left_out() -> None:
    async with frozen_upstream_started() as up:
        # Listed in the instrument snapshot, but its book subscription is refused.
        up._spot_instrument_text()
        del up.spot_feeds["ETH/USD"], up.markets["ETH/USD"]
        unlisted = replace(
            SPOT_LISTINGS[0],
            instrument=replace(SPOT_LISTINGS[0].instrument, symbol="ZZZ/USD", base="ZZZ"),
        )
        wanted = Catalog(spot=(*SPOT_LISTINGS, unlisted), futures=FUTURES_LISTINGS)
        relay = Relay(up.urls, wanted)
        await relay.start(timeout=5.0)
        try:
            assert "ZZZ/USD" not in relay.markets
            assert "ETH/USD" not in relay.markets and relay.dropped == ["ETH/USD"]
            assert "BTC/USD" in relay.markets and "PF_ETHUSD" in relay.markets
            assert {ls.symbol for ls in relay.catalog.spot} == set(relay.markets) & {
                ls.symbol for ls in SPOT_LISTINGS
            }
        finally:
            await relay.stop()
