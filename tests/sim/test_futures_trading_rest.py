"""Futures REST trading endpoints of the embedded exchange, over real HTTP.

Orders are placed far from the moving synthetic market (20 % below the mid) so
they rest for the whole test; the marketable cases check quantities and the
position, which do not depend on where the market happens to be.
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import aiohttp
import msgspec
import pytest

from kraken_tui.model import Venue
from kraken_tui.model.secret import Secret
from kraken_tui.sim import ExchangeServer
from kraken_tui.sim.practice import AccountEvent
from kraken_tui.venues.signing import NonceSource, futures_authent
from kraken_tui.venues.timefmt import rfc3339_to_ms
from tests.sim.test_futures_private import _connect, _feed, _subscribe

_DECODER = msgspec.json.Decoder(float_hook=str)
_NONCES = NonceSource()
F = Venue.FUTURES


async def _post(
    exchange: ExchangeServer,
    endpoint: str,
    params: dict[str, str],
    *,
    secret: Secret | None = None,
    read_within: float | None = None,
) -> tuple[int, Any]:
    """A signed form POST exactly as Kraken's SDKs send it."""
    credentials = exchange.practice_credentials[F]
    path = f"/derivatives/api/v3/{endpoint}"
    body = urlencode(params)
    nonce = _NONCES.next()
    headers = {
        "APIKey": credentials.api_key,
        "Authent": futures_authent(secret or credentials.api_secret, body, nonce, path),
        "Nonce": nonce,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    client_timeout = aiohttp.ClientTimeout(total=read_within)
    async with (
        aiohttp.ClientSession(timeout=client_timeout) as session,
        session.post(f"{exchange.urls.futures_rest}{path}", data=body, headers=headers) as resp,
    ):
        return resp.status, _DECODER.decode(await resp.read())


def _far_bid(exchange: ExchangeServer, symbol: str = "PF_XBTUSD") -> str:
    """A limit price 20 % under the mid, on the tick (PF_XBTUSD's tick is 1)."""
    return str(int(exchange.markets[symbol].mid * Decimal("0.8")))


def _spot_cancels(exchange: ExchangeServer) -> list[AccountEvent]:
    """Spot orders cancelled from now on (a seeded spot order may fill meanwhile: that's fine)."""
    seen: list[AccountEvent] = []

    def on_event(event: AccountEvent) -> None:
        if event.venue is Venue.SPOT and event.kind == "order_closed" and event.status != "filled":
            seen.append(event)

    exchange.account.listen(on_event)
    return seen


def _working(exchange: ExchangeServer, cl_ord_id: str) -> list[Any]:
    return [o for o in exchange.account.open_orders(F) if o.cl_ord_id == cl_ord_id]


async def test_sendorder_places_and_the_feed_shows_it(exchange: ExchangeServer) -> None:
    client = await _connect(exchange)
    await _subscribe(client, exchange, "open_orders")
    price = _far_bid(exchange)
    params = {
        "orderType": "lmt",
        "symbol": "pf_xbtusd",
        "side": "buy",
        "size": "0.0123",
        "limitPrice": price,
        "cliOrdId": "ticket-1",
    }
    status, body = await _post(exchange, "sendorder", params)
    assert status == 200 and body["result"] == "success", body
    send = body["sendStatus"]
    assert send["status"] == "placed" and send["cliOrdId"] == "ticket-1"
    (event,) = send["orderEvents"]
    assert event["type"] == "PLACE"
    order = event["order"]
    assert order["orderId"] == send["order_id"] and order["type"] == "lmt"
    assert (order["symbol"], order["side"], order["quantity"]) == ("PF_XBTUSD", "buy", "0.0123")
    assert order["filled"] == 0 and order["limitPrice"] == int(price)  # integral: a JSON int
    assert order["reduceOnly"] is False and order["timestamp"].endswith("Z")
    delta = await client.recv_until(_feed("open_orders"))
    await client.close()
    assert delta["is_cancel"] is False and delta["reason"] == "new_placed_order_by_user"
    assert delta["order"]["order_id"] == send["order_id"]
    assert delta["order"]["cli_ord_id"] == "ticket-1"
    status, listed = await _post(exchange, "openorders", {})
    assert send["order_id"] in {row["order_id"] for row in listed["openOrders"]}


async def test_bad_authent_places_nothing(exchange: ExchangeServer) -> None:
    params = {"orderType": "lmt", "symbol": "PF_XBTUSD", "side": "buy", "size": "0.01"}
    params |= {"limitPrice": _far_bid(exchange), "cliOrdId": "forged"}
    status, body = await _post(
        exchange, "sendorder", params, secret=Secret("c2VjcmV0c2VjcmV0c2VjcmV0")
    )
    assert (status, body["result"], body["error"]) == (401, "error", "authenticationError")
    assert _working(exchange, "forged") == []


async def test_bad_requests_are_errors(exchange: ExchangeServer) -> None:
    base = {"orderType": "lmt", "symbol": "PF_XBTUSD", "side": "buy", "size": "0.01"}
    cases = [
        ({k: v for k, v in base.items() if k != "size"}, "requiredArgumentMissing"),
        (base, "requiredArgumentMissing"),  # lmt without limitPrice
        (base | {"limitPrice": "1000", "side": "long"}, "invalidArgument"),
        (base | {"limitPrice": "1000", "orderType": "fok"}, "invalidArgument"),
        (base | {"limitPrice": "abc"}, "invalidArgument"),
        (base | {"limitPrice": "1000", "symbol": "PF_NOPEUSD"}, "invalidArgument"),
    ]
    for params, code in cases:
        status, body = await _post(exchange, "sendorder", params)
        assert (status, body["result"], body.get("error")) == (400, "error", code), params
    status, body = await _post(exchange, "cancelallordersafter", {})
    assert (status, body["error"]) == (400, "requiredArgumentMissing")


async def test_refusals_are_send_statuses(exchange: ExchangeServer) -> None:
    through = str(int(exchange.markets["PF_XBTUSD"].mid * Decimal("1.2")))
    params = {"orderType": "post", "symbol": "PF_XBTUSD", "side": "buy", "size": "0.01"}
    status, body = await _post(exchange, "sendorder", params | {"limitPrice": through})
    send = body["sendStatus"]
    assert status == 200 and send["status"] == "postWouldExecute"
    (event,) = send["orderEvents"]
    assert event["type"] == "REJECT" and event["reason"] == "POST_WOULD_EXECUTE"
    assert event["uid"] == send["order_id"] == event["order"]["orderId"]
    assert exchange.account.order(send["order_id"]) is None
    status, body = await _post(
        exchange, "sendorder", params | {"limitPrice": "1000.5", "orderType": "lmt"}
    )
    assert body["sendStatus"]["status"] == "invalidPrice"  # tick 1
    status, body = await _post(
        exchange,
        "sendorder",
        params | {"orderType": "mkt", "side": "buy", "reduceOnly": "true"},
    )
    assert body["sendStatus"]["status"] == "wouldNotReducePosition"  # the seeded long


async def test_market_order_fills_and_moves_the_position(exchange: ExchangeServer) -> None:
    params = {"orderType": "mkt", "symbol": "PF_XBTUSD", "side": "buy", "size": "0.001"}
    status, body = await _post(exchange, "sendorder", params)
    send = body["sendStatus"]
    assert status == 200 and send["status"] == "placed"
    executions = [e for e in send["orderEvents"] if e["type"] == "EXECUTION"]
    assert sum(Decimal(e["amount"]) for e in executions) == Decimal("0.001")
    assert executions[0]["orderPriorExecution"]["filled"] == 0
    assert executions[0]["orderPriorExecution"]["type"] == "mkt"
    assert exchange.account.position_size("PF_XBTUSD") == Decimal("0.041")  # 0.04 + 0.001


async def test_edit_then_cancel(exchange: ExchangeServer) -> None:
    price = _far_bid(exchange)
    params = {"orderType": "lmt", "symbol": "PF_XBTUSD", "side": "buy", "size": "0.01"}
    _, body = await _post(exchange, "sendorder", params | {"limitPrice": price})
    order_id = body["sendStatus"]["order_id"]
    lower = str(int(price) - 10)
    status, body = await _post(
        exchange, "editorder", {"orderId": order_id, "limitPrice": lower, "size": "0.02"}
    )
    edit = body["editStatus"]
    assert status == 200 and edit["status"] == "edited" and edit["orderId"] == order_id
    (event,) = edit["orderEvents"]
    assert event["type"] == "EDIT"
    assert (event["old"]["limitPrice"], event["old"]["quantity"]) == (int(price), "0.01")
    assert (event["new"]["limitPrice"], event["new"]["quantity"]) == (int(lower), "0.02")
    working = exchange.account.order(order_id)
    assert working is not None and working.limit_price == Decimal(lower)
    _, body = await _post(exchange, "editorder", {"orderId": "nope", "size": "1"})
    assert body["editStatus"]["status"] == "orderForEditNotFound"
    status, body = await _post(exchange, "cancelorder", {"order_id": order_id})
    cancel = body["cancelStatus"]
    assert status == 200 and cancel["status"] == "cancelled" and cancel["order_id"] == order_id
    assert [e["type"] for e in cancel["orderEvents"]] == ["CANCEL"]
    assert exchange.account.order(order_id) is None
    _, body = await _post(exchange, "cancelorder", {"order_id": order_id})
    assert body["cancelStatus"]["status"] == "notFound"


async def test_cancel_all_for_one_symbol_then_everything(exchange: ExchangeServer) -> None:
    # seeded: PF_XBTUSD buy limit + reduce-only stop, PF_ETHUSD buy limit
    spot_cancels = _spot_cancels(exchange)
    _, body = await _post(exchange, "cancelallorders", {"symbol": "PF_XBTUSD"})
    cancel = body["cancelStatus"]
    assert cancel["cancelOnly"] == "PF_XBTUSD" and cancel["status"] == "cancelled"
    assert len(cancel["cancelledOrders"]) == 2 and len(cancel["orderEvents"]) == 2
    _, body = await _post(exchange, "cancelallorders", {})
    assert body["cancelStatus"]["cancelOnly"] == "all"
    assert len(body["cancelStatus"]["cancelledOrders"]) == 1
    _, body = await _post(exchange, "cancelallorders", {})
    assert body["cancelStatus"]["status"] == "noOrdersToCancel"
    assert exchange.account.open_orders(F) == []
    assert spot_cancels == []


async def test_dead_man_switch_cancels_when_not_refreshed(exchange: ExchangeServer) -> None:
    spot_cancels = _spot_cancels(exchange)
    _, body = await _post(exchange, "cancelallordersafter", {"timeout": "60"})
    times = body["status"]
    assert rfc3339_to_ms(times["triggerTime"]) - rfc3339_to_ms(times["currentTime"]) == 60_000
    _, body = await _post(exchange, "cancelallordersafter", {"timeout": "0"})
    assert body["status"]["triggerTime"] == "0"
    assert exchange.order_desk.dead_man_trigger(F) is None
    _, body = await _post(exchange, "cancelallordersafter", {"timeout": "1"})
    assert exchange.order_desk.dead_man_trigger(F) is not None
    deadline = time.monotonic() + 5
    while exchange.account.open_orders(F):
        assert time.monotonic() < deadline, "dead-man switch did not fire"
        await asyncio.sleep(0.05)
    assert spot_cancels == []  # the futures switch leaves spot orders alone


async def test_5xx_after_accepting_leaves_exactly_one_order(exchange: ExchangeServer) -> None:
    exchange.fail_next_sendorder_after_accepting(status=502)
    params = {"orderType": "lmt", "symbol": "PF_XBTUSD", "side": "buy", "size": "0.01"}
    params |= {"limitPrice": _far_bid(exchange), "cliOrdId": "ambiguous-1"}
    status, body = await _post(exchange, "sendorder", params)
    assert (status, body["result"]) == (502, "error")
    assert len(_working(exchange, "ambiguous-1")) == 1
    _, listed = await _post(exchange, "openorders", {})
    assert [r["cliOrdId"] for r in listed["openOrders"] if "cliOrdId" in r] == ["ambiguous-1"]
    status, body = await _post(exchange, "sendorder", params | {"cliOrdId": "next"})
    assert status == 200 and body["sendStatus"]["status"] == "placed"  # the fault was one-shot


async def test_delayed_answer_still_places(exchange: ExchangeServer) -> None:
    exchange.delay_next_sendorder(1.0)
    params = {"orderType": "lmt", "symbol": "PF_XBTUSD", "side": "buy", "size": "0.01"}
    params |= {"limitPrice": _far_bid(exchange), "cliOrdId": "slow-1"}
    with pytest.raises(TimeoutError):
        await _post(exchange, "sendorder", params, read_within=0.2)
    assert len(_working(exchange, "slow-1")) == 1


async def test_dead_man_switch_fires_during_a_stall(exchange: ExchangeServer) -> None:
    exchange.stall(5.0)  # the feeds fall silent; the exchange's own promise still holds
    _, body = await _post(exchange, "cancelallordersafter", {"timeout": "1"})
    assert body["result"] == "success"
    deadline = time.monotonic() + 4
    while exchange.account.open_orders(F):
        assert time.monotonic() < deadline, "dead-man switch did not fire during the stall"
        await asyncio.sleep(0.05)


async def test_market_fill_reaches_the_fills_feed(exchange: ExchangeServer) -> None:
    client = await _connect(exchange)
    await _subscribe(client, exchange, "fills")
    params = {"orderType": "mkt", "symbol": "PF_XBTUSD", "side": "sell", "size": "0.002"}
    _, body = await _post(exchange, "sendorder", params | {"cliOrdId": "hit-bid"})
    order_id = body["sendStatus"]["order_id"]
    delta = await client.recv_until(_feed("fills"))
    await client.close()
    fill = delta["fills"][0]
    assert fill["order_id"] == order_id and fill["buy"] is False
    assert fill["fill_type"] == "taker" and fill["order_type"] == "market"
    assert fill["instrument"] == "PF_XBTUSD"
    assert exchange.account.position_size("PF_XBTUSD") == Decimal("0.038")  # 0.04 - 0.002


async def test_take_profit_listed_as_take_profit(exchange: ExchangeServer) -> None:
    above = str(int(exchange.markets["PF_XBTUSD"].mid * Decimal("1.2")))
    params = {"orderType": "take_profit", "symbol": "PF_XBTUSD", "side": "sell", "size": "0.01"}
    _, body = await _post(exchange, "sendorder", params | {"stopPrice": above})
    assert body["sendStatus"]["status"] == "placed"
    _, listed = await _post(exchange, "openorders", {})
    row = next(r for r in listed["openOrders"] if r["order_id"] == body["sendStatus"]["order_id"])
    assert row["orderType"] == "take_profit" and row["stopPrice"] == int(above)
