"""Spot private side of the embedded exchange: GetWebSocketsToken, executions, balances.

A small fake :class:`PracticeAccount` drives the desk through a real aiohttp
server on loopback, so every event and every number is chosen by the test.
Requests are signed here with an independent HMAC implementation of Kraken's
``API-Sign`` (not the project's signing module the desk verifies with).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import hashlib
import hmac
import itertools
import json
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import aiohttp
import msgspec
import pytest
import pytest_asyncio
from aiohttp import WSMsgType, web

from kraken_tui.model import TradeSide, Venue
from kraken_tui.model.account import Balance, Fill, Liquidity, Order
from kraken_tui.model.secret import Credentials, Secret
from kraken_tui.sim import ExchangeServer
from kraken_tui.sim.outbox import Outbox, SimStats, StallGate
from kraken_tui.sim.practice import AccountEvent, Listener, PracticeAccount
from kraken_tui.sim.spot_private import SpotPrivateDesk
from kraken_tui.sim.spot_ws import SpotSession
from kraken_tui.venues.kraken_spot.private_server import body_nonce
from tests.sim.wsclient import WsClient, is_ack

API_KEY = "practice-spot-key"
API_SECRET = base64.b64encode(bytes(range(64))).decode()
D = Decimal


class FakeAccount(PracticeAccount):
    """Follows the PracticeAccount interface; the test emits every event itself."""

    def __init__(self) -> None:  # no seeded engine: the test sets the state
        self.listeners: list[Listener] = []
        self.orders: list[Order] = []
        self.fill_list: list[Fill] = []
        self.balance_list: list[Balance] = []

    def listen(self, listener: Listener) -> None:
        self.listeners.append(listener)

    def unlisten(self, listener: Listener) -> None:
        self.listeners.remove(listener)

    def open_orders(self, venue: Venue) -> list[Order]:
        return [o for o in self.orders if o.venue is venue]

    def fills(self, venue: Venue) -> list[Fill]:
        return [f for f in self.fill_list if f.venue is venue]

    def balances(self, venue: Venue) -> list[Balance]:
        return [b for b in self.balance_list if b.venue is venue]

    def emit(self, *events: AccountEvent) -> None:
        for event in events:
            for listener in list(self.listeners):
                listener(event)


RESTING = Order(
    venue=Venue.SPOT,
    order_id="OAAAAA-BBBBB-CCCCCC",
    symbol="BTC/USD",
    side=TradeSide.BUY,
    order_type="limit",
    qty=D("0.50000000"),
    filled=D("0.10000000"),
    limit_price=D("30000.0"),
    time_ms=1_700_000_000_000,
    status="partially_filled",
)
FIRST_FILL = Fill(
    venue=Venue.SPOT,
    fill_id="TFIRST-AAAAA-111111",
    order_id=RESTING.order_id,
    symbol="BTC/USD",
    side=TradeSide.BUY,
    price=D("30000.0"),
    qty=D("0.10000000"),
    time_ms=1_700_000_100_000,
    fee=D("4.80"),
    fee_currency="USD",
    liquidity=Liquidity.MAKER,
)
OLD_FILL = Fill(
    venue=Venue.SPOT,
    fill_id="TOLDER-AAAAA-000000",
    order_id="OCLOSE-DDDDD-EEEEEE",
    symbol="ETH/USD",
    side=TradeSide.SELL,
    price=D("2000.00"),
    qty=D("1.0"),
    time_ms=1_699_000_000_000,
    fee=D("5.20"),
    fee_currency="USD",
    liquidity=Liquidity.TAKER,
)


def seeded_account() -> FakeAccount:
    account = FakeAccount()
    account.orders = [RESTING]
    account.fill_list = [OLD_FILL, FIRST_FILL]
    account.balance_list = [
        Balance(Venue.SPOT, "USD", D("10000.0000"), wallet="spot"),
        Balance(Venue.SPOT, "BTC", D("1.50000000"), wallet="spot"),
        Balance(Venue.FUTURES, "USD", D("99"), wallet="flex"),
    ]
    return account


# ------------------------------------------------------------------ server
@dataclass
class DeskServer:
    base: str
    desk: SpotPrivateDesk
    account: FakeAccount
    clock: list[float]

    @property
    def ws(self) -> str:
        return self.base.replace("http", "ws") + "/v2"


async def _auth_ws(desk: SpotPrivateDesk, request: web.Request) -> web.WebSocketResponse:
    """What the exchange's auth port does: a SpotSession with the desk attached."""
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    outbox = Outbox(ws, "spot", StallGate(), SimStats())
    session = SpotSession(outbox, {}, lambda: "", random.getrandbits(64))
    desk.attach(session)
    writer = asyncio.create_task(outbox.run())
    try:
        async for msg in ws:
            if msg.type is WSMsgType.TEXT:
                session.on_text(msg.data)
    finally:
        desk.detach(session)
        session.close()
        outbox.close()
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writer
    return ws


@pytest_asyncio.fixture
async def server() -> AsyncIterator[DeskServer]:
    account = seeded_account()
    clock = [1000.0]
    desk = SpotPrivateDesk(
        account, Credentials(API_KEY, Secret(API_SECRET)), clock=lambda: clock[0]
    )
    app = web.Application()
    desk.add_rest_routes(app)

    async def auth_ws(request: web.Request) -> web.WebSocketResponse:
        return await _auth_ws(desk, request)

    app.router.add_get("/v2", auth_ws)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield DeskServer(f"http://127.0.0.1:{port}", desk, account, clock)
    finally:
        await runner.cleanup()


# ------------------------------------------------------------------ REST
def kraken_sign(secret_b64: str, path: str, nonce: str, body: str) -> str:
    digest = hashlib.sha256((nonce + body).encode()).digest()
    mac = hmac.new(base64.b64decode(secret_b64), path.encode() + digest, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode()


_DECODER = msgspec.json.Decoder(float_hook=str)
PATH = "/0/private/GetWebSocketsToken"


async def post_token(
    base: str,
    nonce: int,
    *,
    json_body: bool = False,
    key: str = API_KEY,
    secret: str = API_SECRET,
    sign_nonce: str | None = None,
) -> Any:
    body = json.dumps({"nonce": nonce}) if json_body else f"nonce={nonce}"
    content_type = "application/json" if json_body else "application/x-www-form-urlencoded"
    headers = {
        "API-Key": key,
        "API-Sign": kraken_sign(secret, PATH, sign_nonce or str(nonce), body),
        "Content-Type": content_type,
    }
    async with (
        aiohttp.ClientSession() as http,
        http.post(base + PATH, data=body.encode(), headers=headers) as response,
    ):
        assert response.status == 200
        return _DECODER.decode(await response.read())


async def test_token_with_a_good_signature_form_and_json(server: DeskServer) -> None:
    first = await post_token(server.base, 1_700_000_000_001)
    second = await post_token(server.base, 1_700_000_000_002, json_body=True)
    for reply in (first, second):
        assert reply["error"] == []
        assert reply["result"]["expires"] == 900
        assert len(reply["result"]["token"]) >= 40
    assert first["result"]["token"] != second["result"]["token"]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"key": "someone-else"}, "EAPI:Invalid key"),
        ({"secret": base64.b64encode(b"wrong" * 12).decode()}, "EAPI:Invalid signature"),
        ({"sign_nonce": "1700000000009"}, "EAPI:Invalid signature"),
    ],
)
async def test_bad_credentials_are_rejected(
    server: DeskServer, kwargs: dict[str, Any], error: str
) -> None:
    reply = await post_token(server.base, 1_700_000_000_005, **kwargs)
    assert reply == {"error": [error]}


async def test_nonce_must_rise(server: DeskServer) -> None:
    assert (await post_token(server.base, 500))["error"] == []
    assert await post_token(server.base, 500) == {"error": ["EAPI:Invalid nonce"]}
    assert await post_token(server.base, 499, json_body=True) == {"error": ["EAPI:Invalid nonce"]}
    # A rejected signature does not consume a nonce.
    bad = await post_token(server.base, 600, secret=base64.b64encode(b"x" * 64).decode())
    assert bad == {"error": ["EAPI:Invalid signature"]}
    assert (await post_token(server.base, 600))["error"] == []


@pytest.mark.parametrize(
    ("body", "content_type", "nonce"),
    [
        ("nonce=1616492376594&pair=XBTUSD", "application/x-www-form-urlencoded", "1616492376594"),
        ('{"nonce": 42}', "application/json", "42"),
        ('{"nonce": "43"}', "text/plain", "43"),
        ('{"nonce": 1.5}', "application/json", None),
        ('{"nonce": true}', "application/json", None),
        ("{not json", "application/json", None),
        ("pair=XBTUSD", "application/x-www-form-urlencoded", None),
        ("nonce=-5", "application/x-www-form-urlencoded", None),
    ],
)
def test_body_nonce(body: str, content_type: str, nonce: str | None) -> None:
    assert body_nonce(body, content_type) == nonce


# ------------------------------------------------------------------ WS
_NONCES = itertools.count(1_700_000_000_000)


async def token_for(server: DeskServer) -> str:
    reply = await post_token(server.base, next(_NONCES))
    token: str = reply["result"]["token"]
    return token


def channel(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda msg: msg.get("channel") == name


async def subscribe(client: WsClient, params: dict[str, Any], req_id: int = 7) -> dict[str, Any]:
    await client.send({"method": "subscribe", "params": params, "req_id": req_id})
    return await client.recv_until(is_ack)


async def test_executions_snapshot_then_fill_and_close(server: DeskServer) -> None:
    token = await token_for(server)
    client = await WsClient.connect(server.ws)
    ack = await subscribe(
        client, {"channel": "executions", "token": token, "snap_orders": True, "snap_trades": True}
    )
    assert ack["success"] is True and ack["req_id"] == 7
    assert ack["result"] == {
        "channel": "executions",
        "maxratecount": 125,
        "snap_orders": True,
        "snap_trades": True,
    }
    snap = await client.recv_until(channel("executions"))
    assert snap["type"] == "snapshot" and snap["sequence"] == 1
    old, first, order = snap["data"]
    assert old["exec_type"] == "trade" and old["order_status"] == "filled"
    assert old["exec_id"] == "TOLDER-AAAAA-000000" and old["liquidity_ind"] == "t"
    assert first["exec_id"] == "TFIRST-AAAAA-111111" and isinstance(first["trade_id"], int)
    assert first["order_id"] == RESTING.order_id and first["order_status"] == "partially_filled"
    assert (first["last_qty"], first["last_price"]) == ("0.10000000", "30000.0")
    assert D(first["cost"]) == D(3000) and first["liquidity_ind"] == "m"
    assert first["fees"] == [{"asset": "USD", "qty": "4.80"}]
    assert D(first["fee_usd_equiv"]) == D("4.8") and first["timestamp"].endswith("Z")
    assert order["exec_type"] == "new" and order["order_status"] == "partially_filled"
    assert order["order_id"] == RESTING.order_id and order["symbol"] == "BTC/USD"
    assert (order["side"], order["order_type"]) == ("buy", "limit")
    assert (order["order_qty"], order["limit_price"]) == ("0.50000000", "30000.0")
    assert D(order["cum_qty"]) == D("0.1") and D(order["avg_price"]) == D(30000)
    assert order["time_in_force"] == "GTC"

    completing = Fill(
        venue=Venue.SPOT,
        fill_id="TSECND-AAAAA-222222",
        order_id=RESTING.order_id,
        symbol="BTC/USD",
        side=TradeSide.BUY,
        price=D("29990.0"),
        qty=D("0.40000000"),
        time_ms=1_700_000_200_000,
        fee=D("19.19"),
        fee_currency="USD",
        liquidity=Liquidity.MAKER,
    )
    done = dataclasses.replace(RESTING, filled=D("0.5"), status="filled")
    server.account.emit(
        AccountEvent("fill", Venue.SPOT, fill=completing),
        AccountEvent("order_closed", Venue.SPOT, order=done, reason="full_fill", status="filled"),
    )
    trade, filled = await client.collect(channel("executions"), 2)
    await client.close()
    assert (trade["type"], trade["sequence"], filled["sequence"]) == ("update", 2, 3)
    (t,) = trade["data"]
    assert (t["exec_type"], t["order_status"]) == ("trade", "filled")
    assert t["exec_id"] == "TSECND-AAAAA-222222" and t["last_qty"] == "0.40000000"
    assert D(t["cum_qty"]) == D("0.5") and D(t["cum_cost"]) == D("14996")
    assert D(t["avg_price"]) == D("29992")
    (f,) = filled["data"]
    assert (f["order_id"], f["exec_type"], f["order_status"]) == (
        RESTING.order_id,
        "filled",
        "filled",
    )
    assert "symbol" not in f and "order_qty" not in f  # sparse: the client knows the order


async def test_placement_is_pending_new_then_sparse_new_then_cancel(server: DeskServer) -> None:
    token = await token_for(server)
    client = await WsClient.connect(server.ws)
    await subscribe(client, {"channel": "executions", "token": token, "snap_orders": False})
    placed = Order(
        venue=Venue.SPOT,
        order_id="ONEWER-FFFFF-GGGGGG",
        symbol="ETH/USD",
        side=TradeSide.SELL,
        order_type="limit",
        qty=D("2.5"),
        limit_price=D("2100.00"),
        time_ms=1_700_000_300_000,
        cl_ord_id="my-order-1",
        status="new",
    )
    server.account.emit(
        AccountEvent("order", Venue.SPOT, order=placed, status="new"),
        AccountEvent("order_closed", Venue.SPOT, order=placed, status="canceled"),
    )
    pending, new, canceled = await client.collect(channel("executions"), 3)
    await client.close()
    # No snapshot was asked for, so the first message of the subscription is number 1.
    assert [m["sequence"] for m in (pending, new, canceled)] == [1, 2, 3]
    (p,), (n,), (c,) = pending["data"], new["data"], canceled["data"]
    assert (p["exec_type"], p["order_status"]) == ("pending_new", "pending_new")
    assert (p["symbol"], p["side"], p["order_qty"], p["limit_price"]) == (
        "ETH/USD",
        "sell",
        "2.5",
        "2100.00",
    )
    assert p["cl_ord_id"] == "my-order-1"
    assert n == {
        "order_id": "ONEWER-FFFFF-GGGGGG",
        "exec_type": "new",
        "order_status": "new",
        "timestamp": n["timestamp"],
    }
    assert (c["exec_type"], c["order_status"], c["reason"]) == (
        "canceled",
        "canceled",
        "User requested",
    )
    assert "symbol" not in c


async def test_a_connection_new_to_an_order_gets_it_in_full(server: DeskServer) -> None:
    token = await token_for(server)
    client = await WsClient.connect(server.ws)
    await subscribe(client, {"channel": "executions", "token": token, "snap_orders": False})
    server.account.emit(
        AccountEvent("order_closed", Venue.SPOT, order=RESTING, status="canceled"),
    )
    (msg,) = await client.collect(channel("executions"), 1)
    await client.close()
    (c,) = msg["data"]
    assert c["exec_type"] == "canceled" and c["symbol"] == "BTC/USD"
    assert c["order_qty"] == "0.50000000" and D(c["cum_qty"]) == D("0.1")


async def test_balances_snapshot_then_two_ledger_entries_per_trade(server: DeskServer) -> None:
    token = await token_for(server)
    client = await WsClient.connect(server.ws)
    ack = await subscribe(client, {"channel": "balances", "token": token})
    assert ack["result"] == {"channel": "balances", "snapshot": True}
    snap = await client.recv_until(channel("balances"))
    assert (snap["type"], snap["sequence"]) == ("snapshot", 1)
    assert snap["data"] == [
        {
            "asset": "BTC",
            "asset_class": "currency",
            "balance": "1.50000000",
            "wallets": [{"type": "spot", "id": "main", "balance": "1.50000000"}],
        },
        {
            "asset": "USD",
            "asset_class": "currency",
            "balance": "10000.0000",
            "wallets": [{"type": "spot", "id": "main", "balance": "10000.0000"}],
        },
    ]
    sale = Fill(
        venue=Venue.SPOT,
        fill_id="TSALE0-AAAAA-333333",
        order_id="OSALE0-HHHHH-IIIIII",
        symbol="BTC/USD",
        side=TradeSide.SELL,
        price=D("30000.0"),
        qty=D("0.5"),
        time_ms=1_700_000_400_000,
        fee=D("39"),
        fee_currency="USD",
    )
    server.account.emit(
        AccountEvent("fill", Venue.SPOT, fill=sale),
        AccountEvent(
            "balance",
            Venue.SPOT,
            balance=Balance(Venue.SPOT, "BTC", D("1.0"), wallet="spot"),
            amount=D("-0.5"),
            ref_id=sale.fill_id,
        ),
        AccountEvent(
            "balance",
            Venue.SPOT,
            balance=Balance(Venue.SPOT, "USD", D("24961"), wallet="spot"),
            amount=D("14961"),
            ref_id=sale.fill_id,
        ),
        AccountEvent(  # the other venue's wallet is not the spot ledger
            "balance",
            Venue.FUTURES,
            balance=Balance(Venue.FUTURES, "USD", D("1"), wallet="flex"),
            amount=D("1"),
        ),
    )
    btc, usd = await client.collect(channel("balances"), 2)
    with pytest.raises(asyncio.TimeoutError):
        await client.recv_until(channel("balances"), within=0.3)
    await client.close()
    assert (btc["type"], btc["sequence"], usd["sequence"]) == ("update", 2, 3)
    (b,), (u,) = btc["data"], usd["data"]
    assert b["ref_id"] == u["ref_id"] == "TSALE0-AAAAA-333333"
    assert b["ledger_id"] != u["ledger_id"]
    for entry in (b, u):
        assert (entry["type"], entry["category"], entry["asset_class"]) == (
            "trade",
            "trade",
            "currency",
        )
        assert (entry["wallet_type"], entry["wallet_id"]) == ("spot", "main")
        assert entry["timestamp"].startswith("2023-11-14T")
    assert (b["asset"], D(b["amount"]), D(b["fee"]), D(b["balance"])) == (
        "BTC",
        D("-0.5"),
        D(0),
        D(1),
    )
    # Kraken's convention: amount is the gross proceeds, the fee is charged on top.
    assert (u["asset"], D(u["amount"]), D(u["fee"]), D(u["balance"])) == (
        "USD",
        D(15000),
        D(39),
        D(24961),
    )


@pytest.mark.parametrize("token", [None, "not-a-token", 42])
async def test_bad_token_is_an_error_ack(server: DeskServer, token: object) -> None:
    client = await WsClient.connect(server.ws)
    params: dict[str, Any] = {"channel": "executions"}
    if token is not None:
        params["token"] = token
    ack = await subscribe(client, params)
    await client.close()
    assert ack["success"] is False and ack["error"] == "ESession:Invalid session"
    assert ack["method"] == "subscribe" and ack["req_id"] == 7


async def test_token_expires_unless_held(server: DeskServer) -> None:
    stale = await token_for(server)
    held = await token_for(server)
    first = await WsClient.connect(server.ws)
    assert (await subscribe(first, {"channel": "balances", "token": held}))["success"]
    server.clock[0] += 901
    second = await WsClient.connect(server.ws)
    refused = await subscribe(second, {"channel": "balances", "token": stale})
    kept = await subscribe(second, {"channel": "balances", "token": held})
    await first.close()
    await second.close()
    assert refused["error"] == "ESession:Invalid session"
    assert kept["success"] is True


async def test_unsubscribe_and_resubscribe(server: DeskServer) -> None:
    token = await token_for(server)
    client = await WsClient.connect(server.ws)
    await subscribe(client, {"channel": "balances", "token": token, "snapshot": False})
    again = await subscribe(client, {"channel": "balances", "token": token})
    assert again["error"] == "Already subscribed"
    await client.send({"method": "unsubscribe", "params": {"channel": "balances", "token": token}})
    gone = await client.recv_until(is_ack)
    assert gone["method"] == "unsubscribe" and gone["result"] == {"channel": "balances"}
    await client.send({"method": "unsubscribe", "params": {"channel": "balances", "token": token}})
    missing = await client.recv_until(is_ack)
    assert (missing["success"], missing["error"]) == (False, "Subscription Not Found")
    await subscribe(client, {"channel": "balances", "token": token})
    snap = await client.recv_until(channel("balances"))
    await client.close()
    assert (snap["type"], snap["sequence"]) == ("snapshot", 1)


async def test_public_requests_still_reach_the_session(server: DeskServer) -> None:
    client = await WsClient.connect(server.ws)
    ack = await subscribe(client, {"channel": "ticker", "symbol": ["BTC/USD"]})
    await client.close()
    # The test app lists no pairs: the public handler's own error proves it answered.
    assert ack["error"] == "Currency pair not supported BTC/USD"


def test_close_unlistens() -> None:
    account = seeded_account()
    desk = SpotPrivateDesk(account, Credentials(API_KEY, Secret(API_SECRET)))
    assert len(account.listeners) == 1
    desk.close()
    assert account.listeners == []


# --------------------------------------------------- the real exchange
async def exchange_token(exchange: ExchangeServer) -> str:
    creds = exchange.practice_credentials[Venue.SPOT]
    reply = await post_token(
        exchange.urls.rest, next(_NONCES), key=creds.api_key, secret=creds.api_secret.reveal()
    )
    assert reply["error"] == []
    token: str = reply["result"]["token"]
    return token


async def test_exchange_rejects_a_bad_signature(exchange: ExchangeServer) -> None:
    creds = exchange.practice_credentials[Venue.SPOT]
    reply = await post_token(exchange.urls.rest, next(_NONCES), key=creds.api_key)
    assert reply == {"error": ["EAPI:Invalid signature"]}


async def test_exchange_executions_and_balances_follow_a_forced_fill(
    exchange: ExchangeServer,
) -> None:
    token = await exchange_token(exchange)
    client = await WsClient.connect(exchange.urls.spot_auth_ws)
    ack = await subscribe(
        client, {"channel": "executions", "token": token, "snap_orders": True, "snap_trades": True}
    )
    assert ack["success"] is True
    snap = await client.recv_until(channel("executions"))
    assert (snap["type"], snap["sequence"]) == ("snapshot", 1)
    trades = [r for r in snap["data"] if r["exec_type"] == "trade"]
    orders = [r for r in snap["data"] if r["exec_type"] == "new"]
    assert {t["symbol"] for t in trades} >= {"BTC/USD", "ETH/USD"}
    assert all(t["exec_id"] and t["fees"][0]["asset"] == "USD" for t in trades)
    (btc,) = [o for o in orders if o["symbol"] == "BTC/USD"]
    assert (btc["side"], btc["order_type"], btc["order_status"]) == ("buy", "limit", "new")
    assert btc["order_qty"] == "0.05"
    assert (await subscribe(client, {"channel": "balances", "token": token}))["success"]
    balances = await client.recv_until(channel("balances"))
    assert balances["type"] == "snapshot"
    before = {b["asset"]: D(b["balance"]) for b in balances["data"]}
    assert before["USD"] == D(25000) and before["BTC"] == D("0.5")

    limit = D(btc["limit_price"])
    exchange.account.on_trade("BTC/USD", limit, D("0.02"), 1_800_000_000_000)
    # Background market trades may fill other seeded orders first; every executions
    # message up to ours must still number on by one from the snapshot.
    seen: list[dict[str, Any]] = []

    def executions_until_ours(msg: dict[str, Any]) -> bool:
        if msg.get("channel") != "executions":
            return False
        seen.append(msg)
        return bool(msg["data"][0]["order_id"] == btc["order_id"])

    ours = await client.recv_until(executions_until_ours)
    (t,) = ours["data"]
    assert [m["sequence"] for m in seen] == list(range(2, 2 + len(seen)))
    assert (t["exec_type"], t["order_status"]) == ("trade", "partially_filled")
    assert D(t["last_qty"]) == D("0.02") and D(t["last_price"]) == limit
    assert D(t["cum_qty"]) == D("0.02") and t["liquidity_ind"] == "m"
    fee = D(t["fees"][0]["qty"])
    assert fee == D("0.02") * limit * D("0.0016")
    ledger = await client.collect(
        lambda m: m.get("channel") == "balances" and m["data"][0]["ref_id"] == t["exec_id"], 2
    )
    await client.close()
    assert ledger[1]["sequence"] == ledger[0]["sequence"] + 1
    entries = {m["data"][0]["asset"]: m["data"][0] for m in ledger}
    assert D(entries["BTC"]["amount"]) == D("0.02")
    assert D(entries["BTC"]["balance"]) == D("0.52")
    assert D(entries["USD"]["amount"]) == -D("0.02") * limit
    assert D(entries["USD"]["fee"]) == fee
    assert D(entries["USD"]["balance"]) == D(25000) - D("0.02") * limit - fee


async def test_exchange_auth_socket_serves_public_channels_and_heartbeats(
    exchange: ExchangeServer,
) -> None:
    token = await exchange_token(exchange)
    client = await WsClient.connect(exchange.urls.spot_auth_ws)
    assert (await subscribe(client, {"channel": "balances", "token": token}))["success"]
    # A private subscription alone earns heartbeats (clients watch for silence).
    await client.recv_until(channel("heartbeat"), within=5)
    ticker = await subscribe(client, {"channel": "ticker", "symbol": ["BTC/USD"]})
    await client.recv_until(channel("ticker"))
    await client.close()
    assert ticker["success"] is True and ticker["result"]["symbol"] == "BTC/USD"


async def test_private_channel_on_the_public_port_is_refused(exchange: ExchangeServer) -> None:
    token = await exchange_token(exchange)
    client = await WsClient.connect(exchange.urls.spot_ws)
    ack = await subscribe(client, {"channel": "executions", "token": token})
    await client.close()
    assert ack["success"] is False and ack["error"]
