"""SpotPublicFeed bookkeeping against a scripted server: batching, per-symbol resync,
refused symbols, malformed frames, depth changes."""

from __future__ import annotations

from kraken_tui.book import BookHealth, SpotBook
from kraken_tui.feeds.backoff import Backoff
from kraken_tui.feeds.spot_public import SpotPublicFeed
from kraken_tui.feeds.stores import MarketStore
from kraken_tui.model import Venue
from tests.feeds.polling import until
from tests.feeds.scripted import BTC, ETH, ScriptedSpot, book_frame, running_task, scripted_spot

BTC_BIDS = [(970000, 25_000_000), (969990, 10_000_000)]
BTC_ASKS = [(970010, 5_000_000), (970020, 7_500_000)]
ETH_BIDS = [(341000, 300_000_000)]
ETH_ASKS = [(341010, 200_000_000)]


def feed_for(server: ScriptedSpot, store: MarketStore) -> SpotPublicFeed:
    return SpotPublicFeed(
        server.url, store, stale_after=None, backoff=Backoff(base=0.01, cap=0.02)
    )


def book(store: MarketStore, symbol: str) -> SpotBook:
    found = store.books[(Venue.SPOT, symbol)]
    assert isinstance(found, SpotBook)
    return found


def synced(store: MarketStore, *symbols: str) -> bool:
    return all(
        (Venue.SPOT, s) in store.books and store.books[(Venue.SPOT, s)].health is BookHealth.SYNCED
        for s in symbols
    )


def prepare(server: ScriptedSpot) -> None:
    server.snapshots["BTC/USD"] = book_frame(BTC, BTC_BIDS, BTC_ASKS, snapshot=True)
    server.snapshots["ETH/USD"] = book_frame(ETH, ETH_BIDS, ETH_ASKS, snapshot=True)


async def test_instrument_first_then_books_batched_in_one_request() -> None:
    async with scripted_spot([BTC, ETH]) as server:
        prepare(server)
        store = MarketStore()
        feed = feed_for(server, store)
        feed.want_book("BTC/USD", 10)
        feed.want_book("ETH/USD", 10)
        async with running_task(feed.run()):
            await until(lambda: synced(store, "BTC/USD", "ETH/USD"), what="both books synced")
    assert server.requests[0]["params"] == {"channel": "instrument"}
    assert server.book_requests() == [
        {"channel": "book", "symbol": ["BTC/USD", "ETH/USD"], "depth": 10}
    ]
    btc = book(store, "BTC/USD")
    assert btc.bids() == BTC_BIDS and btc.asks() == BTC_ASKS
    assert (btc.price_precision, btc.qty_precision) == (1, 8)
    assert book(store, "ETH/USD").price_precision == 2
    assert store.instruments[(Venue.SPOT, "ETH/USD")].tick_size == ETH.tick_size


async def test_checksum_mismatch_resyncs_that_symbol_alone() -> None:
    async with scripted_spot([BTC, ETH]) as server:
        prepare(server)
        store = MarketStore()
        feed = feed_for(server, store)
        feed.want_book("BTC/USD", 10)
        feed.want_book("ETH/USD", 10)
        async with running_task(feed.run()):
            await until(lambda: synced(store, "BTC/USD", "ETH/USD"))
            eth_version = book(store, "ETH/USD").version
            await server.push(
                book_frame(BTC, [(969990, 0)], [], snapshot=False, checksum=12345)
            )
            await until(lambda: len(server.book_requests()) == 2, what="a book resubscribe")
            await until(lambda: synced(store, "BTC/USD"), what="BTC synced again")
            btc, eth = book(store, "BTC/USD"), book(store, "ETH/USD")
            assert (btc.resyncs, btc.checksum_bad) == (1, 1)
            assert btc.bids() == BTC_BIDS  # rebuilt from the fresh snapshot
            assert eth.resyncs == 0 and eth.health is BookHealth.SYNCED
            assert eth.version == eth_version
    assert server.book_requests("unsubscribe") == [
        {"channel": "book", "symbol": ["BTC/USD"], "depth": 10}
    ]
    assert server.book_requests()[1] == {"channel": "book", "symbol": ["BTC/USD"], "depth": 10}


async def test_malformed_frames_are_counted_and_dropped() -> None:
    async with scripted_spot([BTC]) as server:
        prepare(server)
        store = MarketStore()
        feed = feed_for(server, store)
        feed.want_book("BTC/USD", 10)
        async with running_task(feed.run()):
            await until(lambda: synced(store, "BTC/USD"))
            await server.push("{not json")
            await server.push("[1, 2, 3]")
            await server.push('{"channel":"book","type":"update","data":"nope"}')
            await server.push('{"channel":"ticker","type":"update","data":[{"bid":1}]}')
            new_bids = [(970000, 0), (969995, 1_000_000)]
            after = ([(969995, 1_000_000), (969990, 10_000_000)], BTC_ASKS)
            await server.push(book_frame(BTC, new_bids, [], snapshot=False, book_after=after))
            await until(lambda: book(store, "BTC/USD").bids(1) == [(969995, 1_000_000)],
                        what="the good update")
            assert feed.conn.status.malformed == 4
            btc = book(store, "BTC/USD")
            assert btc.health is BookHealth.SYNCED and btc.resyncs == 0
            assert feed.conn.connections == 1
            assert server.book_requests("unsubscribe") == []
    # Once the feed stops, its books are no longer claimed live.
    assert book(store, "BTC/USD").health is BookHealth.DEGRADED


async def test_a_book_level_that_cannot_be_read_drops_and_resyncs_that_book() -> None:
    async with scripted_spot([BTC]) as server:
        prepare(server)
        store = MarketStore()
        feed = feed_for(server, store)
        feed.want_book("BTC/USD", 10)
        async with running_task(feed.run()):
            await until(lambda: synced(store, "BTC/USD"))
            await server.push('{"channel":"book","type":"update","data":[{"symbol":"BTC/USD",'
                              '"bids":[{"price":"x","qty":1}],"asks":[],"checksum":1}]}')
            await until(lambda: len(server.book_requests()) == 2, what="a book resubscribe")
            await until(lambda: synced(store, "BTC/USD"), what="synced again")
            assert feed.conn.status.malformed == 1
            assert book(store, "BTC/USD").resyncs == 1
            assert book(store, "BTC/USD").bids() == BTC_BIDS


async def test_a_refused_symbol_does_not_disturb_others_and_is_not_retried() -> None:
    async with scripted_spot([BTC, ETH]) as server:
        prepare(server)
        server.refuse[("book", "ETH/USD")] = "Currency pair not supported ETH/USD"
        store = MarketStore()
        feed = feed_for(server, store)
        feed.want_book("BTC/USD", 10)
        feed.want_book("ETH/USD", 10)
        async with running_task(feed.run()):
            await until(lambda: synced(store, "BTC/USD"))
            await until(lambda: ("book", "ETH/USD") in feed.rejected, what="ETH refused")
            assert book(store, "ETH/USD").health is BookHealth.DEGRADED
            await server.connections[-1].close()
            await until(lambda: len(server.connections) == 2, what="a reconnect")
            await until(lambda: synced(store, "BTC/USD") and len(server.book_requests()) == 2)
    assert server.book_requests()[1] == {"channel": "book", "symbol": ["BTC/USD"], "depth": 10}
    assert feed.rejected == {("book", "ETH/USD"): "Currency pair not supported ETH/USD"}


async def test_depth_change_unsubscribes_old_depth_and_subscribes_new() -> None:
    async with scripted_spot([BTC]) as server:
        prepare(server)
        store = MarketStore()
        feed = feed_for(server, store)
        feed.want_book("BTC/USD", 10)
        async with running_task(feed.run()):
            await until(lambda: synced(store, "BTC/USD"))
            feed.want_book("BTC/USD", 25)
            await until(lambda: len(server.book_requests()) == 2, what="the depth-25 subscribe")
            await until(lambda: synced(store, "BTC/USD") and book(store, "BTC/USD").depth == 25)
            await until(lambda: feed.confirmed.get(("book", "BTC/USD")) == 25, what="ack")
    assert server.book_requests("unsubscribe") == [
        {"channel": "book", "symbol": ["BTC/USD"], "depth": 10}
    ]
    assert server.book_requests()[1]["depth"] == 25
