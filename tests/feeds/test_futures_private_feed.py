"""FuturesPrivateFeed against the scripted private server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from kraken_tui.feeds import futures_private
from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.futures_private import FEED_NAME, PRIVATE_FEEDS, FuturesPrivateFeed
from kraken_tui.feeds.stores import ConnState, MarketStore
from kraken_tui.model import Venue
from kraken_tui.model.account import Liquidity, OrderSide
from kraken_tui.model.secret import Credentials, Secret
from kraken_tui.venues.signing import sign_challenge
from tests.feeds.conftest import quick_backoff
from tests.feeds.scripted import running_task
from tests.feeds.scripted_futures_private import (
    API_KEY,
    FILL_1,
    FILL_2,
    ORDER_A,
    SECRET_TEXT,
    WRONG_SECRET_TEXT,
    ScriptedFuturesPrivate,
    balances_frame,
    default_snapshots,
    fills_frame,
    scripted_futures_private,
)
from tests.helpers import wait_for

FUT = Venue.FUTURES


def credentials(secret: str = SECRET_TEXT, source: str = "keyring") -> Credentials:
    return Credentials(API_KEY, Secret(secret), source)


@pytest_asyncio.fixture
async def server() -> AsyncIterator[ScriptedFuturesPrivate]:
    async with scripted_futures_private() as state:
        state.snapshots = default_snapshots()
        yield state


def make_feed(
    server: ScriptedFuturesPrivate, secret: str = SECRET_TEXT, **options: Any
) -> tuple[FuturesPrivateFeed, MarketStore]:
    store = MarketStore()
    options.setdefault("backoff", quick_backoff())
    return FuturesPrivateFeed(server.url, store, credentials(secret), **options), store


def record_private_messages(store: MarketStore) -> list[str]:
    """Every FUTURES private status the feed set, in order (repeats of the last one skipped)."""
    seen: list[str] = []
    account = store.account
    original = account.set_private

    def recording(
        venue: Venue, state: AuthState, message: str = "", source: str | None = None
    ) -> None:
        entry = f"{state.value}: {message}"
        if venue is FUT and (not seen or seen[-1] != entry):
            seen.append(entry)
        original(venue, state, message, source)

    account.set_private = recording  # type: ignore[method-assign]
    return seen


def snapshots_in(store: MarketStore) -> Callable[[], bool]:
    account = store.account
    return lambda: (
        len(account.orders) == 2
        and len(account.fills) == 2
        and bool(account.positions)
        and account.margin is not None
        and bool(account.notices)
    )


async def test_snapshots_then_deltas_land_in_the_store(server: ScriptedFuturesPrivate) -> None:
    feed, store = make_feed(server)
    account = store.account
    async with running_task(feed.run()):
        await wait_for(snapshots_in(store))
        await wait_for(lambda: len(feed.account_log) == 1)
        assert account.private[FUT].state is AuthState.OK
        assert account.private[FUT].source == "keyring"
        assert store.feeds[FEED_NAME].state is ConnState.CONNECTED
        assert [f for _, f in server.accepted] == list(PRIVATE_FEEDS)

        order_b = account.orders[(FUT, "order-b")]
        assert (order_b.symbol, order_b.side, order_b.qty, order_b.filled) == (
            "PF_ETHUSD",
            OrderSide.SELL,
            Decimal("2.0"),
            Decimal("0.5"),
        )
        assert order_b.limit_price == Decimal("2100.25") and order_b.stop_price is None
        assert order_b.reduce_only and order_b.cl_ord_id == "my-b"
        assert account.orders[(FUT, "order-a")].side is OrderSide.BUY

        # Snapshot came newest first; the store holds them oldest first.
        assert [f.fill_id for f in account.fills.values()] == ["fill-1", "fill-2"]
        assert account.fills[(FUT, "fill-1")].liquidity is Liquidity.MAKER
        assert account.fills[(FUT, "fill-2")].fee == Decimal("1.25")

        position = account.positions["PF_XBTUSD"]
        assert (position.size, position.entry_price, position.liquidation_price) == (
            Decimal("0.5"),
            Decimal("29900.0"),
            Decimal("21000.5"),
        )
        margin = account.margin
        assert margin is not None
        assert (margin.equity, margin.available_margin, margin.initial_margin) == (
            Decimal("12975.0"),
            Decimal("12665.0"),
            Decimal("299.5"),
        )
        assert account.balances[(FUT, "flex", "XBT")].total == Decimal("0.1")
        assert account.balances[(FUT, "holding", "USD")].total == Decimal("50.0")
        assert account.notices == [
            "Futures maintenance (high): Trading engine upgrade. "
            "[2023-11-14 23:13 UTC, ~30 min downtime]"
        ]

        # Deltas: a new order, a partial fill of order-a, a fill, a positions update.
        await server.push(
            {
                "feed": "open_orders_verbose",
                "order": {**ORDER_A, "order_id": "order-c"},
                "is_cancel": False,
                "reason": "new_placed_order_by_user",
            }
        )
        await server.push(
            {
                "feed": "open_orders_verbose",
                "order": {**ORDER_A, "filled": 0.2},
                "is_cancel": False,
                "reason": "partial_fill",
            }
        )
        fill_3 = {**FILL_1, "fill_id": "fill-3", "time": 1700000005000, "qty": 0.2}
        await server.push(fills_frame(fill_3, snapshot=False))
        await server.push({"feed": "open_positions", "account": "practice", "positions": []})
        await wait_for(lambda: not account.positions)
        assert (FUT, "order-c") in account.orders
        assert account.orders[(FUT, "order-a")].filled == Decimal("0.2")
        assert account.orders[(FUT, "order-a")].status == "partially_filled"
        assert list(account.fills)[-1] == (FUT, "fill-3")

        await server.push(
            {
                "feed": "account_log",
                "new_entry": {
                    "id": 8,
                    "date": "2023-11-14T22:14:00Z",
                    "info": "funding rate change",
                },
            }
        )
        await wait_for(lambda: len(feed.account_log) == 2)
        assert [e.id for e in feed.account_log] == [7, 8]


async def test_a_cancel_delta_removes_the_order(server: ScriptedFuturesPrivate) -> None:
    feed, store = make_feed(server)
    async with running_task(feed.run()):
        await wait_for(snapshots_in(store))
        await server.push(
            {
                "feed": "open_orders_verbose",
                "order_id": "order-a",
                "is_cancel": True,
                "reason": "cancelled_by_user",
            }
        )
        await wait_for(lambda: (FUT, "order-a") not in store.account.orders)
        assert list(store.account.orders) == [(FUT, "order-b")]
        # A rejected post-only order arrives with the whole order and is_cancel true.
        await server.push(
            {
                "feed": "open_orders_verbose",
                "order": {**ORDER_A, "order_id": "order-b", "direction": 1},
                "is_cancel": True,
                "reason": "post_order_failed_because_it_would_be_filled",
            }
        )
        await wait_for(lambda: not store.account.orders)


async def test_a_replayed_fills_snapshot_adds_nothing(server: ScriptedFuturesPrivate) -> None:
    feed, store = make_feed(server)
    account = store.account
    async with running_task(feed.run()):
        await wait_for(snapshots_in(store))
        version = account.fills_version
        await server.push(fills_frame(FILL_1, FILL_2, snapshot=True))
        await server.push(fills_frame(FILL_2, snapshot=False))
        await wait_for(lambda: account.fills_duplicates == 3)
        assert [f.fill_id for f in account.fills.values()] == ["fill-1", "fill-2"]
        assert account.fills_version == version


async def test_balance_deltas_merge_and_never_wipe(server: ScriptedFuturesPrivate) -> None:
    feed, store = make_feed(server)
    account = store.account
    async with running_task(feed.run()):
        await wait_for(snapshots_in(store))
        # A holding-only delta leaves the flex rows and the margin alone.
        await server.push(balances_frame(snapshot=False, seq=1, holding={"USD": 75.5}, futures={}))
        await wait_for(lambda: account.balances[(FUT, "holding", "USD")].total == Decimal("75.5"))
        assert account.balances[(FUT, "flex", "USD")].total == Decimal("10000.0")
        assert account.margin is not None and account.margin.equity == Decimal("12975.0")
        # A flex delta naming one currency and two figures keeps the rest.
        partial = {
            "currencies": {"XBT": {"quantity": 0.2, "available": 0.18}},
            "margin_equity": 13000.0,
            "available_margin": 12700.0,
        }
        await server.push(balances_frame(snapshot=False, seq=2, flex_futures=partial))
        await wait_for(
            lambda: account.margin is not None and account.margin.equity == Decimal("13000.0")
        )
        assert account.margin.available_margin == Decimal("12700.0")
        assert account.margin.initial_margin == Decimal("299.5")
        assert account.balances[(FUT, "flex", "XBT")].total == Decimal("0.2")
        assert account.balances[(FUT, "flex", "USD")].total == Decimal("10000.0")
        assert account.balances[(FUT, "holding", "USD")].total == Decimal("75.5")


async def test_reconnect_requests_a_new_challenge(server: ScriptedFuturesPrivate) -> None:
    feed, store = make_feed(server, challenge_timeout=0.5)
    account = store.account
    async with running_task(feed.run()):
        await wait_for(snapshots_in(store))
        server.silent.add(2)  # hold the next challenge so the in-between state is visible
        server.drop()
        await wait_for(lambda: len(server.connections) == 2)
        await wait_for(lambda: account.private[FUT].message == "authenticating")
        assert account.private[FUT].state is AuthState.PENDING
        assert len(account.orders) == 2 and len(account.fills) == 2  # last data kept
        assert server.subscribes(2) == []  # nothing is subscribed before a challenge
        # The held challenge times out; the third socket asks again and resubscribes.
        await wait_for(lambda: len(server.accepted) == 2 * len(PRIVATE_FEEDS))
        await wait_for(lambda: account.private[FUT].state is AuthState.OK)
    assert [n for n, _ in server.challenges] == [1, 3]
    first, second = (c for _, c in server.challenges)
    assert first != second
    assert {s["original_challenge"] for s in server.subscribes(1)} == {first}
    assert {s["original_challenge"] for s in server.subscribes(3)} == {second}
    assert [s["feed"] for s in server.subscribes(3)] == list(PRIVATE_FEEDS)
    assert server.rejected == []
    assert len(account.fills) == 2  # the replayed snapshot counted nothing twice


async def test_wrong_secret_retries_once_then_fails_for_good(
    server: ScriptedFuturesPrivate,
) -> None:
    feed, store = make_feed(server, WRONG_SECRET_TEXT)
    seen = record_private_messages(store)
    async with running_task(feed.run()) as task:
        await wait_for(task.done)
        status = store.account.private[FUT]
        assert status.state is AuthState.FAILED
        assert store.feeds[FEED_NAME].state is ConnState.DOWN
    assert len(server.connections) == 2
    assert len({n for n, _ in server.rejected}) == 2
    assert len({c for _, c in server.challenges}) == 2
    message = status.message
    assert seen[:4] == [
        "pending: connecting",
        "pending: authenticating",
        "pending: reconnecting: authentication refused, retrying once with a new challenge",
        "pending: authenticating",
    ]
    assert seen[4:] == [f"failed: {message}"]
    assert "Futures" in message and "keyring" in message and "…" + API_KEY[-4:] in message
    assert "secret" in message
    assert store.feeds[FEED_NAME].last_error == message
    sent = [json.dumps(r) for _, r in server.requests]
    signatures = [s["signed_challenge"] for s in server.subscribes()]
    for leak in (WRONG_SECRET_TEXT, *signatures, *(c for _, c in server.challenges)):
        assert leak not in message
        assert leak not in store.feeds[FEED_NAME].last_error
    assert all(WRONG_SECRET_TEXT not in text for text in sent)


async def test_subscribed_failed_counts_as_a_rejection(server: ScriptedFuturesPrivate) -> None:
    server.snapshots = {}
    feed, store = make_feed(server)
    async with running_task(feed.run()) as task:
        await wait_for(lambda: len(server.accepted) == len(PRIVATE_FEEDS))
        await server.push({"event": "subscribed_failed", "feed": "fills"})
        await wait_for(lambda: len(server.connections) == 2)
        assert feed.auth_failures == 1 and not task.done()
        await wait_for(lambda: len(server.accepted) == 2 * len(PRIVATE_FEEDS))
        await server.push(
            json.dumps({"event": "alert", "message": "Failed to subscribe to authenticated feed"})
        )
        await wait_for(task.done)
    assert store.account.private[FUT].state is AuthState.FAILED


async def test_a_snapshot_resets_the_failure_count(server: ScriptedFuturesPrivate) -> None:
    feed, store = make_feed(server)
    async with running_task(feed.run()) as task:
        await wait_for(snapshots_in(store))
        await server.push(
            {"event": "alert", "message": "Failed to subscribe to authenticated feed"}
        )
        await wait_for(lambda: len(server.connections) == 2)
        await wait_for(lambda: store.account.private[FUT].state is AuthState.OK)
        assert feed.auth_failures == 0
        await server.push(
            {"event": "alert", "message": "Failed to subscribe to authenticated feed"}
        )
        await wait_for(lambda: len(server.connections) == 3)
        assert not task.done()


async def test_benign_alerts_do_not_count(server: ScriptedFuturesPrivate) -> None:
    feed, store = make_feed(server)
    async with running_task(feed.run()):
        await wait_for(snapshots_in(store))
        await server.push(
            {"event": "alert", "message": "Already subscribed to feed, re-requesting"}
        )
        await server.push({"event": "error", "message": "Invalid feed"})
        await wait_for(lambda: store.feeds[FEED_NAME].last_error == "error: Invalid feed")
        assert feed.auth_failures == 0 and len(server.connections) == 1


async def test_challenge_timeout_reconnects(server: ScriptedFuturesPrivate) -> None:
    server.silent.add(1)
    feed, store = make_feed(server, challenge_timeout=0.4)
    seen = record_private_messages(store)
    async with running_task(feed.run()):
        await wait_for(lambda: len(server.connections) == 2)
        await wait_for(snapshots_in(store))
        assert store.account.private[FUT].state is AuthState.OK
    first_requests = [r["event"] for n, r in server.requests if n == 1]
    assert first_requests == ["challenge"]
    assert [n for n, _ in server.challenges] == [2]
    assert store.feeds[FEED_NAME].reconnects == 1
    assert seen[:5] == [
        "pending: connecting",
        "pending: authenticating",
        "pending: reconnecting: no challenge within 0.4s",
        "pending: authenticating",
        "ok: ",
    ]


async def test_malformed_frames_are_counted_not_raised(server: ScriptedFuturesPrivate) -> None:
    feed, store = make_feed(server)
    status = store.feeds[FEED_NAME]
    async with running_task(feed.run()):
        await wait_for(snapshots_in(store))
        await server.push("not json at all")
        await server.push({"feed": "open_orders_verbose", "is_cancel": False})
        await server.push({"feed": "fills", "fills": [{"fill_id": "x"}]})
        await server.push(
            {
                "feed": "open_orders_verbose",
                "order": {**ORDER_A, "direction": 7},
                "is_cancel": False,
            }
        )
        await server.push({"feed": "some_new_feed", "x": 1})
        await server.push({"event": "some_new_event"})
        await server.push({"feed": "open_orders_verbose", "order_id": "order-b", "is_cancel": True})
        await wait_for(lambda: (FUT, "order-b") not in store.account.orders)
        assert status.malformed == 4
        assert status.state is ConnState.CONNECTED and len(server.connections) == 1
        assert store.account.private[FUT].state is AuthState.OK


@pytest.mark.parametrize("source", ["embedded exchange", "environment"])
async def test_status_names_the_credential_source(
    server: ScriptedFuturesPrivate, source: str
) -> None:
    store = MarketStore()
    feed = FuturesPrivateFeed(
        server.url, store, credentials(source=source), backoff=quick_backoff()
    )
    async with running_task(feed.run()):
        await wait_for(snapshots_in(store))
        assert store.account.private[FUT].source == source


async def test_a_secret_that_is_not_base64_fails_before_connecting(
    server: ScriptedFuturesPrivate,
) -> None:
    canary = "not-base64-CANARY-secret!"
    feed, store = make_feed(server, canary)
    await feed.run()  # returns at once: nothing to retry
    status = store.account.private[FUT]
    assert status.state is AuthState.FAILED and "not valid base64" in status.message
    assert store.feeds[FEED_NAME].state is ConnState.DOWN
    assert server.connections == []
    assert canary not in status.message and canary not in store.feeds[FEED_NAME].last_error


async def test_a_signing_failure_sends_nothing_and_reconnects(
    server: ScriptedFuturesPrivate, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def broken_sign(secret: Secret, challenge: str) -> str:
        calls.append(challenge)
        if len(calls) == 1:
            raise RuntimeError("signing exploded")
        return sign_challenge(secret, challenge)

    monkeypatch.setattr(futures_private, "sign_challenge", broken_sign)
    feed, store = make_feed(server, challenge_timeout=0.4)
    async with running_task(feed.run()):
        await wait_for(snapshots_in(store))
    assert server.subscribes(1) == []  # no half-built subscription went out
    assert [n for n, _ in server.challenges] == [1, 2]
    assert {s["original_challenge"] for s in server.subscribes(2)} == {server.challenges[1][1]}
    assert server.rejected == []
    assert store.feeds[FEED_NAME].malformed == 1
    for _, challenge in server.challenges:
        assert challenge not in store.feeds[FEED_NAME].last_error
        assert challenge not in store.account.private[FUT].message
