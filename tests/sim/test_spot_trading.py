"""Spot WS v2 trading methods on the auth port, against a fake order desk (§1.12).

These drive :class:`SpotPrivateDesk` with :class:`FakeOrderDesk` over a real
aiohttp server on loopback: every outcome and every account event is chosen by
the test, so the wire shapes and the error texts are checked on their own. The
real exchange with its real order desk is in ``test_spot_trading_exchange.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web

from kraken_tui.model import Venue
from kraken_tui.model.secret import Credentials, Secret
from kraken_tui.sim.order_desk import OrderRequest
from kraken_tui.sim.practice import AccountEvent
from kraken_tui.sim.spot_private import SpotPrivateDesk
from kraken_tui.venues.kraken_spot.trading_server import dead_man_result, spot_error_for
from kraken_tui.venues.timefmt import rfc3339_to_ms
from tests.sim.spot_trading_helpers import LIMIT_BUY, FakeOrderDesk, call
from tests.sim.test_spot_private import (
    API_KEY,
    API_SECRET,
    DeskServer,
    FakeAccount,
    _auth_ws,
    channel,
    subscribe,
    token_for,
)
from tests.sim.wsclient import WsClient, is_ack

D = Decimal


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[tuple[DeskServer, FakeOrderDesk]]:
    account = FakeAccount()
    order_desk = FakeOrderDesk(account)
    clock = [1000.0]
    desk = SpotPrivateDesk(
        account,
        Credentials(API_KEY, Secret(API_SECRET)),
        clock=lambda: clock[0],
        order_desk=order_desk,
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
        yield DeskServer(f"http://127.0.0.1:{port}", desk, account, clock), order_desk
    finally:
        await runner.cleanup()


async def trading_client(server: DeskServer) -> tuple[WsClient, str]:
    """A connection subscribed to executions (no snapshot), and its token."""
    token = await token_for(server)
    client = await WsClient.connect(server.ws)
    ack = await subscribe(client, {"channel": "executions", "token": token, "snap_orders": False})
    assert ack["success"] is True
    return client, token


# -------------------------------------------------------------- add_order
async def test_add_limit_order_ack_then_pending_new_and_new(
    fake: tuple[DeskServer, FakeOrderDesk],
) -> None:
    server, desk = fake
    client, token = await trading_client(server)
    params = {**LIMIT_BUY, "cl_ord_id": "ticket-1", "token": token}
    await client.send({"method": "add_order", "params": params, "req_id": 9})
    ack = await client.recv()  # the ack leads the executions it causes
    pending, new = await client.collect(channel("executions"), 2)
    await client.close()
    assert ack["method"] == "add_order" and ack["req_id"] == 9 and ack["success"] is True
    assert ack["result"] == {"order_id": "OFAKE1-AAAAA-BBBBBB", "cl_ord_id": "ticket-1"}
    assert ack["time_in"].endswith("Z") and ack["time_out"].endswith("Z")
    (request,) = desk.requests
    assert request == OrderRequest(
        Venue.SPOT, "BTC/USD", request.side, "limit", D("0.25"), D("29000.5"), cl_ord_id="ticket-1"
    )
    assert request.side.value == "buy"
    (p,), (n,) = pending["data"], new["data"]
    assert (p["exec_type"], p["order_status"], p["order_id"]) == (
        "pending_new",
        "pending_new",
        "OFAKE1-AAAAA-BBBBBB",
    )
    assert (p["symbol"], p["side"], p["order_type"], p["time_in_force"]) == (
        "BTC/USD",
        "buy",
        "limit",
        "GTC",
    )
    assert (p["order_qty"], p["limit_price"], p["cl_ord_id"], p["post_only"]) == (
        "0.25",
        "29000.5",
        "ticket-1",
        False,
    )
    assert (n["exec_type"], n["order_status"]) == ("new", "new") and "symbol" not in n


@pytest.mark.parametrize(
    ("extra", "kind", "tif", "post_only"),
    [
        ({"post_only": True}, "post", "GTC", True),
        ({"time_in_force": "ioc"}, "ioc", "IOC", False),
        ({"time_in_force": "gtc", "reduce_only": True}, "limit", "GTC", False),
    ],
)
async def test_limit_flavours_reach_the_desk_and_executions(
    fake: tuple[DeskServer, FakeOrderDesk],
    extra: dict[str, Any],
    kind: str,
    tif: str,
    post_only: bool,
) -> None:
    server, desk = fake
    client, token = await trading_client(server)
    params = {**LIMIT_BUY, **extra, "order_userref": 77, "token": token}
    ack = await call(client, "add_order", params)
    pending = await client.recv_until(channel("executions"))
    await client.close()
    assert ack["result"] == {"order_id": "OFAKE1-AAAAA-BBBBBB", "order_userref": 77}
    (request,) = desk.requests
    assert request.kind == kind and request.cl_ord_id == ""
    assert request.reduce_only is bool(extra.get("reduce_only"))
    (p,) = pending["data"]
    assert (p["time_in_force"], p["post_only"], p["order_userref"]) == (tif, post_only, 77)


@pytest.mark.parametrize(
    ("order_type", "kind"), [("stop-loss", "stop"), ("take-profit", "take_profit")]
)
async def test_triggered_orders_carry_the_trigger_price(
    fake: tuple[DeskServer, FakeOrderDesk], order_type: str, kind: str
) -> None:
    server, desk = fake
    client, token = await trading_client(server)
    params = {
        "order_type": order_type,
        "side": "sell",
        "order_qty": 1,
        "symbol": "ETH/USD",
        "triggers": {"reference": "last", "price": 1800.25},
        "token": token,
    }
    ack = await call(client, "add_order", params)
    await client.close()
    assert ack["success"] is True
    (request,) = desk.requests
    assert (request.kind, request.stop_price, request.limit_price, request.qty) == (
        kind,
        D("1800.25"),
        None,
        D(1),
    )


async def test_stop_limit_and_uuid_client_ids(fake: tuple[DeskServer, FakeOrderDesk]) -> None:
    server, desk = fake
    client, token = await trading_client(server)
    long_id = "2c6be801-1f53-4f79-a0bb-4ea1c95dfae9"
    params = {
        "order_type": "stop-loss-limit",
        "side": "sell",
        "order_qty": 1,
        "symbol": "ETH/USD",
        "limit_price": 1790,
        "triggers": {"price": 1800.25, "price_type": "static"},
        "cl_ord_id": long_id,
        "deadline": "2999-01-01T00:00:00Z",
        "token": token,
    }
    stop = await call(client, "add_order", params)
    short = await call(client, "add_order", {**LIMIT_BUY, "cl_ord_id": "ab" * 16, "token": token})
    await client.close()
    assert stop["result"]["cl_ord_id"] == long_id and short["success"] is True
    request = desk.requests[0]
    assert (request.kind, request.stop_price, request.limit_price) == (
        "stop",
        D("1800.25"),
        D(1790),
    )


async def test_market_order_filled_at_once_is_still_announced_first(
    fake: tuple[DeskServer, FakeOrderDesk],
) -> None:
    server, desk = fake
    desk.fill_at_once = True
    client, token = await trading_client(server)
    params = {"order_type": "market", "side": "buy", "order_qty": 0.001, "symbol": "BTC/USD"}
    ack = await call(client, "add_order", {**params, "token": token})
    reports = await client.collect(channel("executions"), 4)
    await client.close()
    assert ack["result"] == {"order_id": "OFAKE1-AAAAA-BBBBBB"}
    assert desk.requests[0].kind == "market" and desk.requests[0].limit_price is None
    kinds = [(m["data"][0]["exec_type"], m["data"][0]["order_status"]) for m in reports]
    assert kinds == [
        ("pending_new", "pending_new"),
        ("new", "new"),
        ("trade", "filled"),
        ("filled", "filled"),
    ]
    assert [m["sequence"] for m in reports] == [1, 2, 3, 4]
    pending, trade = reports[0]["data"][0], reports[2]["data"][0]
    assert (pending["order_type"], pending["order_qty"]) == ("market", "0.001")
    assert (trade["last_price"], trade["last_qty"]) == ("30010.5", "0.001")
    assert D(trade["cum_qty"]) == D("0.001")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"token": "not-a-token"}, "ESession:Invalid session"),
        ({"token": None}, "ESession:Invalid session"),
        ({"order_type": "iceberg"}, "EGeneral:Invalid arguments:order_type"),
        ({"side": "long"}, "EGeneral:Invalid arguments:side"),
        ({"order_qty": None}, "EGeneral:Invalid arguments:order_qty"),
        ({"order_qty": -1}, "EGeneral:Invalid arguments:order_qty"),
        ({"order_qty": "lots"}, "EGeneral:Invalid arguments:order_qty"),
        ({"symbol": None}, "EGeneral:Invalid arguments:symbol"),
        ({"limit_price": None}, "EGeneral:Invalid arguments:limit_price"),
        ({"limit_price": 0}, "EOrder:Invalid price"),
        ({"time_in_force": "gtd"}, "EGeneral:Invalid arguments:time_in_force"),
        ({"post_only": "yes"}, "EGeneral:Invalid arguments:post_only"),
        ({"post_only": True, "time_in_force": "ioc"}, "EGeneral:Invalid arguments:post_only"),
        ({"cl_ord_id": "a", "order_userref": 1}, "EGeneral:Invalid arguments:cl_ord_id"),
        ({"cl_ord_id": "x" * 19}, "EGeneral:Invalid arguments:cl_ord_id"),
        ({"deadline": "2020-01-01T00:00:00.000Z"}, "EService:Deadline elapsed"),
        ({"deadline": "soon"}, "EGeneral:Invalid arguments:deadline"),
        ({"order_userref": "1"}, "EGeneral:Invalid arguments:order_userref"),
        ({"order_type": "stop-loss"}, "EGeneral:Invalid arguments:triggers"),
    ],
)
async def test_bad_add_order_is_refused_before_the_desk(
    fake: tuple[DeskServer, FakeOrderDesk], change: dict[str, Any], error: str
) -> None:
    server, desk = fake
    client, token = await trading_client(server)
    params = {**LIMIT_BUY, "token": token, **change}
    params = {k: v for k, v in params.items() if v is not None}
    ack = await call(client, "add_order", params, req_id=5)
    await client.close()
    assert ack == {
        "error": error,
        "method": "add_order",
        "req_id": 5,
        "success": False,
        "time_in": ack["time_in"],
        "time_out": ack["time_out"],
    }
    assert desk.requests == []


async def test_params_must_be_an_object(fake: tuple[DeskServer, FakeOrderDesk]) -> None:
    server, _ = fake
    client = await WsClient.connect(server.ws)
    await client.send({"method": "cancel_all", "params": [1], "req_id": 3})
    ack = await client.recv_until(is_ack)
    await client.close()
    assert (ack["success"], ack["error"], ack["method"]) == (
        False,
        "EGeneral:Invalid arguments",
        "cancel_all",
    )


async def test_validate_checks_without_placing(fake: tuple[DeskServer, FakeOrderDesk]) -> None:
    server, desk = fake
    client, token = await trading_client(server)
    ack = await call(client, "add_order", {**LIMIT_BUY, "validate": True, "token": token})
    await client.close()
    assert ack["success"] is True and ack["result"] == {}
    assert desk.requests == []


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("insufficientAvailableFunds", "EOrder:Insufficient funds"),
        ("invalidSize", "EOrder:Order minimum not met"),
        ("tickSizeCheckFailed", "EOrder:Tick size check failed"),
        ("invalidPrice", "EOrder:Tick size check failed"),
        ("postWouldExecute", "EOrder:Post only order"),
        ("wouldNotReducePosition", "EOrder:Reduce only:No position exists"),
        ("clientOrderIdAlreadyExist", "EGeneral:Invalid arguments:cl_ord_id"),
        ("someWordNobodyKnows", "EGeneral:Invalid arguments"),
    ],
)
async def test_desk_refusals_become_kraken_errors(
    fake: tuple[DeskServer, FakeOrderDesk], reason: str, error: str
) -> None:
    server, desk = fake
    desk.refuse = reason
    client, token = await trading_client(server)
    ack = await call(client, "add_order", {**LIMIT_BUY, "token": token})
    with pytest.raises(TimeoutError):
        await client.recv_until(channel("executions"), within=0.2)
    await client.close()
    assert (ack["success"], ack["error"]) == (False, error)
    assert "result" not in ack


def test_spot_error_for_unknown_words() -> None:
    assert spot_error_for("notFound") == "EOrder:Unknown order"
    assert spot_error_for("") == "EGeneral:Invalid arguments"


# ------------------------------------------------------------ amend / cancel
async def test_amend_by_cl_ord_id(fake: tuple[DeskServer, FakeOrderDesk]) -> None:
    server, desk = fake
    client, token = await trading_client(server)
    await call(client, "add_order", {**LIMIT_BUY, "cl_ord_id": "c-1", "token": token})
    await client.collect(channel("executions"), 2)
    amend = {"cl_ord_id": "c-1", "order_qty": 0.5, "limit_price": 29001, "token": token}
    ack = await call(client, "amend_order", amend, req_id=12)
    amended = await client.recv_until(channel("executions"))
    missing = await call(client, "amend_order", {**amend, "cl_ord_id": "nope"})
    no_qty = await call(client, "amend_order", {"order_id": "OFAKE1-AAAAA-BBBBBB", "token": token})
    await client.close()
    assert ack["success"] is True and ack["req_id"] == 12
    assert ack["result"]["cl_ord_id"] == "c-1" and "order_id" not in ack["result"]
    assert ack["result"]["amend_id"].startswith("T") and len(ack["result"]["amend_id"]) == 19
    assert desk.amends[0] == {
        "order_id": "",
        "cl_ord_id": "c-1",
        "qty": D("0.5"),
        "limit_price": D(29001),
        "stop_price": None,
    }
    (a,) = amended["data"]
    assert (a["exec_type"], a["order_qty"], a["limit_price"], a["amended"]) == (
        "amended",
        "0.5",
        29001,
        True,
    )
    assert (missing["success"], missing["error"]) == (False, "EOrder:Unknown order")
    assert no_qty["error"] == "EGeneral:Invalid arguments:order_qty"


async def test_cancel_order_answers_once_per_order(
    fake: tuple[DeskServer, FakeOrderDesk],
) -> None:
    server, _ = fake
    client, token = await trading_client(server)
    first = await call(client, "add_order", {**LIMIT_BUY, "token": token})
    await client.collect(channel("executions"), 2)
    second = await call(client, "add_order", {**LIMIT_BUY, "order_userref": 5, "token": token})
    await client.collect(channel("executions"), 2)
    params = {
        "order_id": [first["result"]["order_id"], "OUNKNO-WNXXX-XXXXXX"],
        "order_userref": [5],
        "token": token,
    }
    await client.send({"method": "cancel_order", "params": params, "req_id": 8})
    replies = await client.collect(is_ack, 3)
    canceled = await client.collect(channel("executions"), 2)
    again = await call(client, "cancel_order", {"order_userref": [5], "token": token})
    empty = await call(client, "cancel_order", {"order_id": [], "token": token})
    await client.close()
    assert [r["method"] for r in replies] == ["cancel_order"] * 3
    assert [r["req_id"] for r in replies] == [8, 8, 8]
    assert replies[0]["result"] == {"order_id": first["result"]["order_id"]}
    assert (replies[1]["success"], replies[1]["error"]) == (False, "EOrder:Unknown order")
    assert replies[2]["result"] == {"order_id": second["result"]["order_id"]}
    for msg in canceled:
        (c,) = msg["data"]
        assert (c["exec_type"], c["order_status"], c["reason"]) == (
            "canceled",
            "canceled",
            "User requested",
        )
    assert again["error"] == "EOrder:Unknown order"
    assert empty["error"] == "EGeneral:Invalid arguments:order_id"


async def test_cancel_all_counts(fake: tuple[DeskServer, FakeOrderDesk]) -> None:
    server, _ = fake
    client, token = await trading_client(server)
    for _ in range(3):
        await call(client, "add_order", {**LIMIT_BUY, "token": token})
    ack = await call(client, "cancel_all", {"token": token}, req_id=77)
    again = await call(client, "cancel_all", {"token": token})
    await client.close()
    assert ack["result"] == {"count": 3} and ack["req_id"] == 77
    assert again["result"] == {"count": 0}


async def test_cancel_all_orders_after(fake: tuple[DeskServer, FakeOrderDesk]) -> None:
    server, desk = fake
    client, token = await trading_client(server)
    armed = await call(client, "cancel_all_orders_after", {"timeout": 60, "token": token})
    assert desk.trigger_ms is not None
    disarmed = await call(client, "cancel_all_orders_after", {"timeout": 0, "token": token})
    bad = [
        await call(client, "cancel_all_orders_after", {"timeout": value, "token": token})
        for value in (86400, -1, 1.5, True)
    ]
    await client.close()
    current = rfc3339_to_ms(armed["result"]["currentTime"])
    assert rfc3339_to_ms(armed["result"]["triggerTime"]) - current == 60_000
    assert disarmed["result"]["triggerTime"] == "0" and desk.trigger_ms is None
    assert [b["error"] for b in bad] == ["EGeneral:Invalid arguments:timeout"] * 4


def test_dead_man_result_writes_whole_seconds() -> None:
    assert dead_man_result(1_695_311_369_627, 1_695_311_469_627) == {
        "currentTime": "2023-09-21T15:49:29Z",
        "triggerTime": "2023-09-21T15:51:09Z",
    }


async def test_without_an_order_desk_there_are_no_trading_methods() -> None:
    desk = SpotPrivateDesk(FakeAccount(), Credentials(API_KEY, Secret(API_SECRET)))
    assert desk.trading is None


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        ("cancelled_by_user", "User requested"),
        ("ioc_order_failed_because_it_would_not_be_executed", "Immediate or cancel"),
        ("dead_man_switch", "Cancel all orders after"),
    ],
)
async def test_cancel_reasons_on_executions(
    fake: tuple[DeskServer, FakeOrderDesk], reason: str, text: str
) -> None:
    server, desk = fake
    client, token = await trading_client(server)
    ack = await call(client, "add_order", {**LIMIT_BUY, "token": token})
    await client.collect(channel("executions"), 2)
    order = desk.working.pop(ack["result"]["order_id"])
    server.account.emit(AccountEvent("order_closed", Venue.SPOT, order=order, reason=reason,
                                     status="canceled"))  # fmt: skip
    closed = await client.recv_until(channel("executions"))
    await client.close()
    assert (closed["data"][0]["exec_type"], closed["data"][0]["reason"]) == ("canceled", text)
