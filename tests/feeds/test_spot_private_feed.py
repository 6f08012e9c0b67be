"""SpotPrivateFeed against a scripted token route and ws-auth socket on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.backoff import Backoff
from kraken_tui.feeds.spot_private import FEED_NAME, SpotPrivateFeed
from kraken_tui.feeds.stores import ConnState, MarketStore
from kraken_tui.model import Venue
from kraken_tui.model.account import Liquidity, OrderSide
from kraken_tui.model.secret import Credentials, Secret
from tests.feeds.scripted_spot_private import ScriptedSpotPrivate, scripted_spot_private
from tests.helpers import wait_for

API_KEY = "spot-key-1234"
SECRET_TEXT = base64.b64encode(
    b"kraken-tui spot private feed test secret, 64 bytes long!!!!!!!"
).decode()
WRONG_SECRET_TEXT = base64.b64encode(b"some other secret entirely").decode()


class CeilingRng:
    def uniform(self, a: float, b: float) -> float:
        return b


def order(order_id: str, qty: float, price: float, **extra: Any) -> dict[str, Any]:
    """The full first event of a resting limit buy on BTC/USD."""
    return {
        "order_id": order_id,
        "exec_type": "new",
        "order_status": "new",
        "symbol": "BTC/USD",
        "side": "buy",
        "order_type": "limit",
        "order_qty": qty,
        "limit_price": price,
        "cum_qty": 0,
        "time_in_force": "GTC",
        "timestamp": "2024-03-01T12:00:00.000000Z",
        **extra,
    }


def trade(
    order_id: str, exec_id: str, qty: float, price: float, status: str, **extra: Any
) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "exec_id": exec_id,
        "exec_type": "trade",
        "trade_id": 1000 + len(exec_id),
        "symbol": "BTC/USD",
        "side": "buy",
        "last_qty": qty,
        "last_price": price,
        "liquidity_ind": "m",
        "order_status": status,
        "fees": [{"asset": "USD", "qty": 0.25}],
        "timestamp": "2024-03-01T12:01:00.000000Z",
        **extra,
    }


SNAPSHOT_ORDERS = [order("O-REST", 0.5, 60000.0)]
SNAPSHOT_TRADES = [trade("O-OLD", "E-OLD", 0.1, 59000.0, "filled")]
BALANCES = [
    {
        "asset": "BTC",
        "asset_class": "currency",
        "balance": 1.25,
        "wallets": [{"type": "spot", "id": "main", "balance": 1.25}],
    },
    {
        "asset": "USD",
        "asset_class": "currency",
        "balance": 10000.5,
        "wallets": [{"type": "spot", "id": "main", "balance": 10000.5}],
    },
]


@contextlib.asynccontextmanager
async def running_feed(
    secret_text: str = SECRET_TEXT, **options: Any
) -> AsyncIterator[tuple[ScriptedSpotPrivate, SpotPrivateFeed, asyncio.Task[None]]]:
    async with scripted_spot_private({API_KEY: Secret(SECRET_TEXT)}) as server:
        server.executions_snapshot = [*SNAPSHOT_ORDERS, *SNAPSHOT_TRADES]
        server.balances_snapshot = list(BALANCES)
        options.setdefault("backoff", Backoff(base=0.05, cap=0.1, rng=CeilingRng()))
        feed = SpotPrivateFeed(
            server.ws_url,
            server.base,
            MarketStore(),
            Credentials(API_KEY, Secret(secret_text), source="keyring"),
            **options,
        )
        task = asyncio.create_task(feed.run())
        try:
            yield server, feed, task
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def private_state(feed: SpotPrivateFeed) -> AuthState:
    return feed.store.account.private[Venue.SPOT].state


async def ready(feed: SpotPrivateFeed, snapshots: int = 2) -> None:
    """Wait for OK and both snapshots of the current socket."""
    await wait_for(
        lambda: private_state(feed) is AuthState.OK and len(feed._snapshots) == snapshots
    )


def spot_orders(feed: SpotPrivateFeed) -> dict[str, Any]:
    return {oid: o for (venue, oid), o in feed.store.account.orders.items() if venue is Venue.SPOT}


def fill_ids(feed: SpotPrivateFeed) -> list[str]:
    return [fid for (_, fid) in feed.store.account.fills]


def assert_no_secret_text(feed: SpotPrivateFeed, server: ScriptedSpotPrivate) -> None:
    status = feed.store.account.private[Venue.SPOT]
    texts = [status.message, feed.conn.status.last_error, repr(feed.credentials)]
    for text in texts:
        assert SECRET_TEXT not in text and WRONG_SECRET_TEXT not in text
        for token in server.issued:
            assert token not in text


# ------------------------------------------------------------------------- data


async def test_snapshots_then_sparse_updates_land() -> None:
    async with running_feed() as (server, feed, _):
        await ready(feed)
        account = feed.store.account
        assert account.private[Venue.SPOT].source == "keyring"
        assert feed.conn.status.state is ConnState.CONNECTED
        ping = feed.conn.settings.app_ping
        assert ping is not None and ping()["method"] == "ping"  # Kraken's app-level keepalive
        (resting,) = spot_orders(feed).values()
        assert (resting.order_id, resting.side, resting.qty) == (
            "O-REST",
            OrderSide.BUY,
            Decimal("0.5"),
        )
        assert resting.limit_price == Decimal("60000.0")
        assert fill_ids(feed) == ["E-OLD"]
        assert account.balances[(Venue.SPOT, "spot", "BTC")].total == Decimal("1.25")
        assert account.balances[(Venue.SPOT, "spot", "USD")].total == Decimal("10000.5")

        await server.push(
            "executions",
            [order("O-NEW", 0.2, 61000.0, exec_type="pending_new", order_status="pending_new")],
        )
        await wait_for(lambda: "O-NEW" in spot_orders(feed))
        assert spot_orders(feed)["O-NEW"].status == "pending_new"
        # Sparse: only status and time; quantity and price stay from the first event.
        await server.push(
            "executions",
            [
                {
                    "order_id": "O-NEW",
                    "exec_type": "new",
                    "order_status": "new",
                    "timestamp": "2024-03-01T12:00:01Z",
                }
            ],
        )
        await wait_for(lambda: spot_orders(feed)["O-NEW"].status == "new")
        new = spot_orders(feed)["O-NEW"]
        assert (new.qty, new.limit_price, new.symbol) == (
            Decimal("0.2"),
            Decimal("61000.0"),
            "BTC/USD",
        )

        await server.push(
            "balances",
            [
                {
                    "ledger_id": "L1",
                    "ref_id": "R1",
                    "type": "trade",
                    "asset": "USD",
                    "asset_class": "currency",
                    "wallet_type": "spot",
                    "wallet_id": "main",
                    "amount": -100,
                    "fee": 0,
                    "balance": 9900.5,
                }
            ],
        )
        await wait_for(
            lambda: account.balances[(Venue.SPOT, "spot", "USD")].total == Decimal("9900.5")
        )
        assert feed.conn.status.malformed == 0


async def test_partial_then_full_fill_removes_the_order_and_adds_each_fill_once() -> None:
    async with running_feed() as (server, feed, _):
        await ready(feed)
        account = feed.store.account
        await server.push(
            "executions", [trade("O-REST", "E1", 0.2, 60000.0, "partially_filled", cum_qty=0.2)]
        )
        await wait_for(lambda: spot_orders(feed)["O-REST"].filled == Decimal("0.2"))
        assert spot_orders(feed)["O-REST"].status == "partially_filled"
        await server.push(
            "executions",
            [
                trade(
                    "O-REST", "E2", 0.3, 60000.0, "partially_filled", cum_qty=0.5, liquidity_ind="t"
                ),
                {
                    "order_id": "O-REST",
                    "exec_type": "filled",
                    "order_status": "filled",
                    "timestamp": "2024-03-01T12:02:00Z",
                },
            ],
        )
        await wait_for(lambda: "O-REST" not in spot_orders(feed))
        assert fill_ids(feed) == ["E-OLD", "E1", "E2"]
        e2 = account.fills[(Venue.SPOT, "E2")]
        assert (e2.qty, e2.price, e2.fee, e2.liquidity) == (
            Decimal("0.3"),
            Decimal("60000.0"),
            Decimal("0.25"),
            Liquidity.TAKER,
        )
        assert account.fills_duplicates == 0


async def test_a_reconnect_uses_a_new_token_and_a_replayed_snapshot_adds_no_fills() -> None:
    async with running_feed() as (server, feed, _):
        await ready(feed)
        await server.push(
            "executions", [trade("O-REST", "E1", 0.2, 60000.0, "partially_filled", cum_qty=0.2)]
        )
        await wait_for(lambda: "E1" in fill_ids(feed))
        # The exchange's snapshot now includes that fill too.
        server.executions_snapshot = [
            order("O-REST", 0.5, 60000.0, cum_qty=0.2, order_status="partially_filled"),
            *SNAPSHOT_TRADES,
            trade("O-REST", "E1", 0.2, 60000.0, "partially_filled"),
        ]
        await server.drop()
        await wait_for(lambda: feed.conn.connections == 2 and len(feed._snapshots) == 2)
        await ready(feed)
        assert server.issued == ["tok-1", "tok-2"]
        assert feed.tokens_fetched == 2
        assert [p["token"] for p in server.subscribes("executions", socket=1)] == ["tok-2"]
        assert [p["token"] for p in server.subscribes("balances", socket=1)] == ["tok-2"]
        assert fill_ids(feed) == ["E-OLD", "E1"]
        assert feed.store.account.fills_duplicates == 2  # E-OLD and E1 replayed
        assert spot_orders(feed)["O-REST"].filled == Decimal("0.2")
        assert feed.conn.status.reconnects == 1
        assert_no_secret_text(feed, server)


async def test_data_stays_shown_while_reconnecting() -> None:
    async with running_feed() as (server, feed, _):
        await ready(feed)
        server.token_gate = asyncio.Event()
        await server.drop()
        await wait_for(lambda: server.token_requests == 2)
        status = feed.store.account.private[Venue.SPOT]
        assert status.state is AuthState.PENDING
        assert "O-REST" in spot_orders(feed)
        assert (Venue.SPOT, "spot", "BTC") in feed.store.account.balances
        server.token_gate.set()
        await ready(feed)


# ------------------------------------------------------------------- failures


async def test_bad_signature_fails_for_good_without_a_retry_loop() -> None:
    async with running_feed(WRONG_SECRET_TEXT) as (server, feed, task):
        await wait_for(lambda: task.done())  # run() returned: the manager gave up
        status = feed.store.account.private[Venue.SPOT]
        assert status.state is AuthState.FAILED
        assert "spot" in status.message and "keyring" in status.message
        assert "EAPI:Invalid signature" in status.message
        assert feed.conn.status.state is ConnState.DOWN
        assert feed.conn.status.last_error == status.message
        assert server.token_requests == 1 and server.issued == []
        assert feed.store.feeds[FEED_NAME].state is ConnState.DOWN
        assert_no_secret_text(feed, server)
        assert task.exception() is None


async def test_a_secret_that_cannot_sign_fails_without_asking_the_exchange() -> None:
    async with running_feed("not*base64*canary") as (server, feed, task):
        await wait_for(lambda: task.done())
        status = feed.store.account.private[Venue.SPOT]
        assert status.state is AuthState.FAILED and "base64" in status.message
        assert "canary" not in status.message
        assert feed.conn.status.state is ConnState.DOWN
        assert server.token_requests == 0


async def test_permission_denied_on_subscribe_is_terminal() -> None:
    async with running_feed() as (server, feed, task):
        server.refuse["executions"] = ["EGeneral:Permission denied"]
        await wait_for(lambda: task.done())
        status = feed.store.account.private[Venue.SPOT]
        assert status.state is AuthState.FAILED
        assert "WebSocket" in status.message and "spot" in status.message
        assert feed.conn.status.state is ConnState.DOWN
        assert feed.conn.connections == 1


async def test_invalid_nonce_is_retried_once() -> None:
    async with running_feed() as (server, feed, _):
        server.token_errors = [["EAPI:Invalid nonce"]]
        await ready(feed)
        assert server.token_requests == 2 and server.issued == ["tok-1"]
        assert feed.conn.connections == 1


async def test_invalid_nonce_twice_is_terminal() -> None:
    async with running_feed() as (server, feed, task):
        server.token_errors = [["EAPI:Invalid nonce"], ["EAPI:Invalid nonce"]]
        await wait_for(lambda: task.done())
        assert private_state(feed) is AuthState.FAILED
        assert "nonce" in feed.store.account.private[Venue.SPOT].message
        assert server.token_requests == 2


@pytest.mark.parametrize("errors", [["EService:Unavailable"], ["EGeneral:Temporary lockout"]])
async def test_rest_failure_reconnects_with_backoff(errors: list[str]) -> None:
    async with running_feed() as (server, feed, _):
        server.token_errors = [errors]
        await ready(feed)
        assert feed.conn.connections == 2  # the first socket was dropped for want of a token
        assert feed.conn.status.last_error == f"token request refused: {errors[0]}"
        assert server.issued == ["tok-1"]
        assert [i for i, r in server.requests if r.get("method") == "subscribe"] == [1, 1]


async def test_rejected_token_reconnects_with_a_fresh_one() -> None:
    async with running_feed() as (server, feed, _):
        server.refuse["balances"] = ["EAPI:Invalid token"]
        await wait_for(lambda: feed.conn.connections == 2)
        await ready(feed)
        assert server.issued == ["tok-1", "tok-2"]
        assert [p["token"] for p in server.subscribes("balances")] == ["tok-1", "tok-2"]


async def test_sequence_gap_resubscribes_executions_with_snapshots() -> None:
    async with running_feed() as (server, feed, _):
        await ready(feed)
        await server.push("executions", [order("O-2", 1.0, 50000.0)])
        await wait_for(lambda: "O-2" in spot_orders(feed))
        server.executions_snapshot = [*SNAPSHOT_ORDERS, *SNAPSHOT_TRADES]  # O-2 is gone meanwhile
        await server.push("executions", [order("O-3", 1.0, 50001.0)], skip=2)
        await wait_for(lambda: len(server.subscribes("executions", socket=0)) == 2)
        assert server.methods(0)[-2:] == [
            ("unsubscribe", "executions"),
            ("subscribe", "executions"),
        ]
        resubscribe = server.subscribes("executions", socket=0)[-1]
        assert resubscribe["snap_orders"] is True and resubscribe["snap_trades"] is True
        await wait_for(lambda: "O-2" not in spot_orders(feed))
        assert set(spot_orders(feed)) == {"O-REST"}
        assert feed.sequence_gaps == 1 and feed.resubscribes == 1
        assert feed.conn.connections == 1
        # The fresh snapshot restarted the count: the next update is no gap.
        await server.push("executions", [order("O-4", 1.0, 50002.0)])
        await wait_for(lambda: "O-4" in spot_orders(feed))
        assert feed.sequence_gaps == 1


async def test_balances_gap_resubscribes_balances() -> None:
    async with running_feed() as (server, feed, _):
        await ready(feed)
        await server.push(
            "balances", [{"asset": "BTC", "balance": 2, "wallet_type": "spot"}], skip=1
        )
        await wait_for(lambda: len(server.subscribes("balances", socket=0)) == 2)
        await wait_for(
            lambda: (
                feed.store.account.balances[(Venue.SPOT, "spot", "BTC")].total == Decimal("1.25")
            )
        )
        assert feed.sequence_gaps == 1


async def test_malformed_frames_are_counted_not_raised() -> None:
    async with running_feed() as (server, feed, task):
        await ready(feed)
        await server.push_raw("not json")
        await server.push_raw(
            '{"channel":"executions","type":"update","data":[{"order_qty":1}],"sequence":2}'
        )
        await server.push_raw(
            '{"channel":"balances","type":"update","data":{"asset":"BTC"},"sequence":2}'
        )
        await server.push(
            "executions",
            [trade("O-REST", "E9", 0.1, 60000.0, "partially_filled", timestamp="not a time")],
        )
        await wait_for(lambda: feed.conn.status.malformed == 4)
        assert "dropped" in feed.conn.status.last_error or "skipped" in feed.conn.status.last_error
        await server.push("executions", [order("O-5", 1.0, 50000.0)])
        await wait_for(lambda: "O-5" in spot_orders(feed))
        assert not task.done() and feed.conn.connections == 1
        assert feed.skipped_events == 1 and "E9" not in fill_ids(feed)


async def test_unreachable_rest_keeps_retrying_and_stays_pending() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    async with scripted_spot_private({API_KEY: Secret(SECRET_TEXT)}) as server:
        feed = SpotPrivateFeed(
            server.ws_url,
            f"http://127.0.0.1:{closed_port}",
            MarketStore(),
            Credentials(API_KEY, Secret(SECRET_TEXT), source="keyring"),
            backoff=Backoff(base=0.05, cap=0.1, rng=CeilingRng()),
        )
        task = asyncio.create_task(feed.run())
        try:
            status = feed.store.account.private[Venue.SPOT]
            # Between attempts (each one shows "authenticating" while it runs).
            await wait_for(
                lambda: (
                    feed.conn.connections >= 3 and status.message.startswith("token request failed")
                )
            )
            assert status.state is AuthState.PENDING
            assert feed.conn.status.last_error.startswith("token request failed")
            assert not task.done() and server.requests == []
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
