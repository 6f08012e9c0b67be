"""FuturesTradingClient against a small aiohttp server on 127.0.0.1 that checks Authent
over the raw body it received and counts every request."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiohttp import web

from kraken_tui.model import Venue
from kraken_tui.model.account import OrderSide
from kraken_tui.model.secret import Credentials, Secret
from kraken_tui.venues.kraken_futures.trading import (
    Accepted,
    Ambiguous,
    FuturesTradingClient,
    NotSent,
    OpenOrders,
    Rejected,
)
from kraken_tui.venues.kraken_futures.trading_status import error_message, status_message
from kraken_tui.venues.signing import futures_authent

API_KEY = "futures-test-key-01"
SECRET_TEXT = base64.b64encode(bytes(range(7, 71))).decode()
OTHER_SECRET_TEXT = base64.b64encode(bytes(range(9, 73))).decode()
ORDER_ID = "179f9af8-e45e-469d-b3e9-2fd4675cb7d0"

Answer = tuple[int, str]
"""HTTP status and body text."""


@dataclass
class Seen:
    method: str
    path: str
    body: str
    query: str
    headers: dict[str, str]
    authent_ok: bool

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body, keep_blank_values=True).items()}


@dataclass
class FakeFutures:
    """Kraken's trading endpoints as far as signing and answer shapes go."""

    base: str = ""
    requests: list[Seen] = field(default_factory=list)
    answer: Callable[[Seen], Answer] | None = None
    hold: asyncio.Event = field(default_factory=asyncio.Event)
    delay: float = 0.0

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.text()
        nonce = request.headers.get("Nonce", "")
        post_data = request.query_string + body
        expected = futures_authent(Secret(SECRET_TEXT), post_data, nonce, request.path)
        seen = Seen(
            method=request.method,
            path=request.path,
            body=body,
            query=request.query_string,
            headers=dict(request.headers),
            authent_ok=request.headers.get("APIKey") == API_KEY
            and request.headers.get("Authent") == expected,
        )
        self.requests.append(seen)
        if self.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.hold.wait(), self.delay)
        if not seen.authent_ok:
            status, text = 401, _error("authenticationError")
        elif self.answer is not None:
            status, text = self.answer(seen)
        else:
            status, text = 200, default_answer(seen)
        return web.Response(status=status, text=text, content_type="application/json")


def _error(code: str) -> str:
    return json.dumps({"result": "error", "serverTime": "2026-11-21T12:00:00.000Z", "error": code})


def success(**fields: Any) -> str:
    return json.dumps({"result": "success", "serverTime": "2026-11-21T12:00:00.000Z"} | fields)


def send_status(status: str, events: list[dict[str, Any]] | None = None, **extra: Any) -> str:
    block = {"order_id": ORDER_ID, "status": status, "receivedTime": "2026-11-21T12:00:00.000Z"}
    return success(sendStatus=block | {"orderEvents": events or []} | extra)


def default_answer(seen: Seen) -> str:
    endpoint = seen.path.rsplit("/", 1)[-1]
    form = seen.form
    if endpoint == "sendorder":
        order = {"orderId": ORDER_ID, "cliOrdId": form.get("cliOrdId"), "type": form["orderType"]}
        return send_status("placed", [{"type": "PLACE", "order": order}])
    if endpoint == "editorder":
        return success(
            editStatus={
                "status": "edited",
                "orderId": form.get("orderId", ORDER_ID),
                "orderEvents": [{"type": "EDIT", "new": {"orderId": ORDER_ID}}],
            }
        )
    if endpoint == "cancelorder":
        return success(cancelStatus={"status": "cancelled", "order_id": ORDER_ID})
    if endpoint == "cancelallorders":
        return success(
            cancelStatus={
                "status": "cancelled",
                "cancelOnly": form.get("symbol", "all"),
                "cancelledOrders": [{"order_id": "o-1"}, {"order_id": "o-2"}],
                "orderEvents": [],
            }
        )
    if endpoint == "cancelallordersafter":
        trigger = "0" if form["timeout"] == "0" else "2026-11-21T12:01:00.000Z"
        return success(status={"currentTime": "2026-11-21T12:00:00.000Z", "triggerTime": trigger})
    if endpoint == "openorders":
        return success(openOrders=OPEN_ORDERS)
    raise AssertionError(f"unexpected endpoint {endpoint}")


OPEN_ORDERS: list[Any] = [
    {
        "order_id": "59302619-41d2-4f0b-941f-7e7914760ad3",
        "cliOrdId": "my-order-1",
        "symbol": "PF_XBTUSD",
        "side": "sell",
        "orderType": "lmt",
        "limitPrice": 10640.5,
        "unfilledSize": 304,
        "receivedTime": "2019-09-05T17:01:17.410Z",
        "status": "partiallyFilled",
        "filledSize": 0.25,
        "reduceOnly": True,
        "lastUpdateTime": "2019-09-05T17:01:17.410Z",
    },
    {"order_id": "broken-no-side", "unfilledSize": 1},
    "not an object",
]


@contextlib.asynccontextmanager
async def fake_futures() -> AsyncIterator[FakeFutures]:
    state = FakeFutures()
    app = web.Application()
    app.router.add_route("*", "/derivatives/api/v3/{endpoint}", state.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield state
    finally:
        state.hold.set()
        await runner.cleanup()


@contextlib.asynccontextmanager
async def client_for(
    server: FakeFutures, secret: str = SECRET_TEXT, limit_s: float = 5.0
) -> AsyncIterator[FuturesTradingClient]:
    creds = Credentials(API_KEY, Secret(secret), source="test")
    async with FuturesTradingClient(server.base, creds, timeout=limit_s) as client:
        yield client


def assert_clean(outcome: object, server: FakeFutures) -> None:
    """No secret, signature or nonce in anything the caller may print."""
    text = repr(outcome) + str(getattr(outcome, "message", ""))
    for canary in (SECRET_TEXT, OTHER_SECRET_TEXT):
        assert canary not in text
    for seen in server.requests:
        assert seen.headers["Authent"] not in text
        assert seen.headers["Nonce"] not in text


async def limit_buy(client: FuturesTradingClient, **extra: Any) -> Any:
    return await client.send_order(
        symbol="PF_XBTUSD",
        side=OrderSide.BUY,
        order_type="lmt",
        size=Decimal("0.0100"),
        limit_price=Decimal("60000.5"),
        **extra,
    )


# ---------------------------------------------------------------- sendorder


async def test_placed_order_is_accepted_with_its_ids_and_events() -> None:
    async with fake_futures() as server, client_for(server) as client:
        outcome = await limit_buy(client)
    assert isinstance(outcome, Accepted)
    assert outcome.status == "placed"
    assert outcome.message == "order placed"
    assert outcome.order_id == ORDER_ID
    (seen,) = server.requests
    assert seen.authent_ok
    assert seen.method == "POST"
    assert seen.path == "/derivatives/api/v3/sendorder"
    assert seen.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert seen.headers["Nonce"].isdigit()
    form = seen.form
    assert form["orderType"] == "lmt"
    assert form["symbol"] == "PF_XBTUSD"
    assert form["side"] == "buy"
    assert form["size"] == "0.0100"
    assert form["limitPrice"] == "60000.5"
    assert "reduceOnly" not in form
    assert uuid.UUID(form["cliOrdId"]).version == 4
    assert outcome.cli_ord_id == form["cliOrdId"]
    assert [(e.type, e.order_id) for e in outcome.events] == [("PLACE", ORDER_ID)]
    assert_clean(outcome, server)


async def test_client_order_id_needing_url_encoding_is_signed_as_sent() -> None:
    awkward = "a+b/c=d e&f%"
    async with fake_futures() as server, client_for(server) as client:
        outcome = await limit_buy(client, cli_ord_id=awkward, reduce_only=True)
    assert isinstance(outcome, Accepted)
    (seen,) = server.requests
    assert seen.authent_ok
    assert "cliOrdId=a%2Bb%2Fc%3Dd%20e%26f%25" in seen.body
    assert seen.form["cliOrdId"] == awkward
    assert seen.form["reduceOnly"] == "true"
    assert outcome.cli_ord_id == awkward


async def test_stop_and_market_orders_carry_the_right_fields() -> None:
    async with fake_futures() as server, client_for(server) as client:
        stop = await client.send_order(
            symbol="PF_ETHUSD",
            side="sell",
            order_type="stp",
            size=3,
            stop_price="2500",
            limit_price="2490",
            trigger_signal="mark",
        )
        market = await client.send_order(
            symbol="PF_ETHUSD", side="buy", order_type="mkt", size=1, limit_price="1"
        )
    assert isinstance(stop, Accepted) and isinstance(market, Accepted)
    stop_form, market_form = (s.form for s in server.requests)
    assert stop_form["stopPrice"] == "2500"
    assert stop_form["limitPrice"] == "2490"
    assert stop_form["triggerSignal"] == "mark"
    assert stop_form["size"] == "3"
    assert "limitPrice" not in market_form


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("insufficientAvailableFunds", "not enough available margin for this order"),
        ("postWouldExecute", "post-only order would have taken liquidity, so it was not placed"),
        (
            "iocWouldNotExecute",
            "immediate-or-cancel order found nothing to trade at its price, so nothing was done",
        ),
        (
            "wouldNotReducePosition",
            "reduce-only order would not reduce the position, so it was not placed",
        ),
        (
            "outsidePriceCollar",
            "the price is too far from the market (outside the price collar)",
        ),
        ("marketSuspended", "the market is suspended, so the order was not placed"),
        (
            "tooManySmallOrders",
            "too many small orders are open on this market; cancel some first",
        ),
        ("invalidArgument", "a field of the request was not accepted"),
        ("someNewStatus2027", "refused by the exchange (someNewStatus2027)"),
    ],
)
async def test_refused_statuses_are_rejected_in_plain_words(status: str, message: str) -> None:
    reject = [{"type": "REJECT", "uid": ORDER_ID, "reason": "X", "order": {"orderId": ORDER_ID}}]
    async with fake_futures() as server, client_for(server) as client:
        server.answer = lambda seen: (200, send_status(status, reject))
        outcome = await limit_buy(client)
    assert isinstance(outcome, Rejected)
    assert outcome.status == status
    assert outcome.message == message
    assert not outcome.reconcile
    assert outcome.cli_ord_id == server.requests[0].form["cliOrdId"]
    assert [e.type for e in outcome.events] == ["REJECT"]
    assert len(server.requests) == 1


async def test_duplicate_client_id_asks_for_reconciliation_not_a_new_order() -> None:
    async with fake_futures() as server, client_for(server) as client:
        server.answer = lambda seen: (200, send_status("clientOrderIdAlreadyExist"))
        outcome = await limit_buy(client, cli_ord_id="ticket-7")
    assert isinstance(outcome, Rejected)
    assert outcome.reconcile
    assert outcome.cli_ord_id == "ticket-7"
    assert len(server.requests) == 1


async def test_filled_at_once_is_accepted_with_its_execution() -> None:
    execution = {
        "type": "EXECUTION",
        "executionId": "e1ec9f63-2338-4c44-b40a-43486c6732d7",
        "price": 7244.5,
        "amount": 10,
        "orderPriorExecution": {"orderId": ORDER_ID, "cliOrdId": "c-1"},
    }
    async with fake_futures() as server, client_for(server) as client:
        server.answer = lambda seen: (200, send_status("placed", [execution]))
        outcome = await limit_buy(client)
    assert isinstance(outcome, Accepted)
    (event,) = outcome.events
    assert event.type == "EXECUTION"
    assert event.order_id == ORDER_ID
    assert event.price == Decimal("7244.5")
    assert event.amount == Decimal("10")
    assert event.execution_id == "e1ec9f63-2338-4c44-b40a-43486c6732d7"
    assert outcome.filled == Decimal("10")
    assert outcome.message == "order filled (10)"


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ("CANCEL", "0.003 filled at once; the rest was cancelled"),
        ("PLACE", "order placed; 0.003 filled at once, the rest is working"),
    ],
)
async def test_partly_filled_order_says_what_became_of_the_rest(tail: str, message: str) -> None:
    events: list[dict[str, Any]] = [
        {"type": "EXECUTION", "executionId": "x1", "price": 100.5, "amount": 0.001},
        {"type": "EXECUTION", "executionId": "x2", "price": 101, "amount": 0.002},
        {"type": tail, "uid": ORDER_ID, "order": {"orderId": ORDER_ID}},
    ]
    async with fake_futures() as server, client_for(server) as client:
        server.answer = lambda seen: (200, send_status("placed", events))
        outcome = await limit_buy(client)
    assert isinstance(outcome, Accepted)
    assert outcome.filled == Decimal("0.003")
    assert outcome.message == message


# --------------------------------------------------------- ambiguity, no retry


async def test_http_500_is_ambiguous_and_sent_exactly_once() -> None:
    async with fake_futures() as server, client_for(server) as client:
        server.answer = lambda seen: (500, "<html>oops</html>")
        outcome = await limit_buy(client, cli_ord_id="ticket-500")
    assert isinstance(outcome, Ambiguous)
    assert "500" in outcome.reason
    assert outcome.cli_ord_id == "ticket-500"
    assert len(server.requests) == 1
    assert_clean(outcome, server)


async def test_http_503_with_kraken_json_is_still_ambiguous() -> None:
    async with fake_futures() as server, client_for(server) as client:
        server.answer = lambda seen: (503, send_status("placed"))
        outcome = await limit_buy(client)
    assert isinstance(outcome, Ambiguous)
    assert len(server.requests) == 1


async def test_read_timeout_is_ambiguous_and_sent_exactly_once() -> None:
    async with fake_futures() as server, client_for(server, limit_s=0.3) as client:
        server.delay = 5.0
        outcome = await limit_buy(client, cli_ord_id="ticket-slow")
    assert isinstance(outcome, Ambiguous)
    assert outcome.cli_ord_id == "ticket-slow"
    assert "timeout" in outcome.reason
    assert len(server.requests) == 1


@pytest.mark.parametrize("text", ["{not json", "<!DOCTYPE html><html></html>", "[1, 2]", "{}"])
async def test_unreadable_success_answer_is_ambiguous(text: str) -> None:
    async with fake_futures() as server, client_for(server) as client:
        server.answer = lambda seen: (200, text)
        outcome = await limit_buy(client)
    assert isinstance(outcome, Ambiguous)
    assert len(server.requests) == 1


async def test_success_without_send_status_is_ambiguous() -> None:
    async with fake_futures() as server, client_for(server) as client:
        server.answer = lambda seen: (200, success(sendStatus={"receivedTime": "x"}))
        outcome = await limit_buy(client)
    assert isinstance(outcome, Ambiguous)


@pytest.mark.parametrize("code", ["Server Error", "unknownError", "Unavailable"])
async def test_error_codes_that_do_not_say_what_happened_are_ambiguous(code: str) -> None:
    async with fake_futures() as server, client_for(server) as client:
        server.answer = lambda seen: (200, _error(code))
        outcome = await limit_buy(client)
    assert isinstance(outcome, Ambiguous)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("apiLimitExceeded", "the exchange's rate limit was hit; wait a few seconds"),
        ("nonceDuplicate", "refused as a repeat (nonce used already); nothing was done"),
        ("requiredArgumentMissing", "a required field of the request is missing"),
        ("brandNewCode", "refused by the exchange (brandNewCode)"),
    ],
)
async def test_error_codes_are_rejected_in_plain_words(code: str, message: str) -> None:
    async with fake_futures() as server, client_for(server) as client:
        server.answer = lambda seen: (429 if code == "apiLimitExceeded" else 200, _error(code))
        outcome = await limit_buy(client)
    assert isinstance(outcome, Rejected)
    assert (outcome.status, outcome.message) == (code, message)


async def test_wrong_secret_is_rejected_without_leaking_anything() -> None:
    async with fake_futures() as server, client_for(server, OTHER_SECRET_TEXT) as client:
        outcome = await limit_buy(client)
    assert isinstance(outcome, Rejected)
    assert outcome.status == "authenticationError"
    assert outcome.message == "the exchange did not accept the API key or its signature"
    assert not server.requests[0].authent_ok
    assert_clean(outcome, server)


async def test_redirect_is_not_followed_and_is_a_rejection() -> None:
    async with fake_futures() as server, client_for(server) as client:
        server.answer = lambda seen: (301, "")
        outcome = await limit_buy(client)
    assert isinstance(outcome, Rejected)
    assert outcome.status == "HTTP 301"
    assert len(server.requests) == 1


# ------------------------------------------------------------- never sent


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_connection_refused_is_not_sent() -> None:
    creds = Credentials(API_KEY, Secret(SECRET_TEXT), source="test")
    base = f"http://127.0.0.1:{_closed_port()}"
    async with FuturesTradingClient(base, creds, timeout=2.0) as client:
        outcome = await limit_buy(client, cli_ord_id="ticket-refused")
    assert isinstance(outcome, NotSent)
    assert outcome.cli_ord_id == "ticket-refused"
    assert SECRET_TEXT not in outcome.message


async def test_secret_that_cannot_sign_sends_nothing() -> None:
    async with fake_futures() as server, client_for(server, "not base64!!") as client:
        outcome = await limit_buy(client)
    assert isinstance(outcome, NotSent)
    assert "base64" in outcome.reason
    assert "not base64!!" not in outcome.message
    assert server.requests == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"order_type": "lmt", "size": 1},  # no limit price
        {"order_type": "stp", "size": 1, "limit_price": "10"},  # no stop price
        {"order_type": "lmt", "size": 1.5, "limit_price": "10"},  # a binary float
        {"order_type": "lmt", "size": "-1", "limit_price": "10"},
        {"order_type": "lmt", "size": "NaN", "limit_price": "10"},
        {"order_type": "trailing_stop", "size": 1},
        {"order_type": "lmt", "size": 1, "limit_price": "10", "cli_ord_id": "x" * 101},
    ],
)
async def test_bad_order_input_is_not_sent(kwargs: dict[str, Any]) -> None:
    async with fake_futures() as server, client_for(server) as client:
        outcome = await client.send_order(symbol="PF_XBTUSD", side="buy", **kwargs)
    assert isinstance(outcome, NotSent)
    assert server.requests == []


# ------------------------------------------------- edit, cancel, dead man


async def test_edit_order_by_exchange_id() -> None:
    async with fake_futures() as server, client_for(server) as client:
        outcome = await client.edit_order(order_id=ORDER_ID, limit_price=Decimal("60001.0"))
    assert isinstance(outcome, Accepted)
    assert (outcome.status, outcome.message) == ("edited", "order changed")
    (seen,) = server.requests
    assert seen.authent_ok and seen.path.endswith("/editorder")
    assert seen.form == {"orderId": ORDER_ID, "limitPrice": "60001.0"}


async def test_edit_of_a_vanished_order_asks_for_reconciliation() -> None:
    async with fake_futures() as server, client_for(server) as client:
        server.answer = lambda seen: (
            200,
            success(editStatus={"status": "orderForEditNotFound", "orderEvents": []}),
        )
        outcome = await client.edit_order(cli_ord_id="c-9", size=2)
    assert isinstance(outcome, Rejected)
    assert outcome.reconcile
    assert outcome.message == "the order to change was not found: it may be filled or cancelled"
    assert server.requests[0].form == {"cliOrdId": "c-9", "size": "2"}


async def test_cancel_by_client_id_and_by_exchange_id() -> None:
    async with fake_futures() as server, client_for(server) as client:
        by_client = await client.cancel_order(cli_ord_id="c+1")
        by_exchange = await client.cancel_order(order_id=ORDER_ID)
    assert isinstance(by_client, Accepted) and isinstance(by_exchange, Accepted)
    assert by_client.message == "order cancelled"
    first, second = server.requests
    assert first.authent_ok and second.authent_ok
    assert first.body == "cliOrdId=c%2B1"
    assert second.form == {"order_id": ORDER_ID}


async def test_cancel_of_a_filled_order_is_not_a_success() -> None:
    async with fake_futures() as server, client_for(server) as client:
        server.answer = lambda seen: (
            200,
            success(cancelStatus={"status": "filled", "order_id": ORDER_ID}),
        )
        outcome = await client.cancel_order(order_id=ORDER_ID)
    assert isinstance(outcome, Rejected)
    assert outcome.reconcile
    assert outcome.message == "the order had already filled, so there was nothing to cancel"


async def test_cancel_needs_exactly_one_id() -> None:
    async with fake_futures() as server, client_for(server) as client:
        neither = await client.cancel_order()
        both = await client.cancel_order(order_id="a", cli_ord_id="b")
    assert isinstance(neither, NotSent) and isinstance(both, NotSent)
    assert server.requests == []


async def test_cancel_all_for_one_symbol_lists_what_it_cancelled() -> None:
    async with fake_futures() as server, client_for(server) as client:
        outcome = await client.cancel_all("PF_XBTUSD")
    assert isinstance(outcome, Accepted)
    assert outcome.cancelled_ids == ("o-1", "o-2")
    assert outcome.message == "2 order(s) cancelled"
    assert server.requests[0].body == "symbol=PF_XBTUSD"


async def test_cancel_all_with_nothing_open() -> None:
    async with fake_futures() as server, client_for(server) as client:
        server.answer = lambda seen: (
            200,
            success(cancelStatus={"status": "noOrdersToCancel", "cancelOnly": "all"}),
        )
        outcome = await client.cancel_all()
    assert isinstance(outcome, Accepted)
    assert outcome.message == "there were no open orders to cancel"
    assert server.requests[0].body == ""
    assert server.requests[0].authent_ok


async def test_dead_man_switch_arms_and_disarms() -> None:
    async with fake_futures() as server, client_for(server) as client:
        armed = await client.cancel_all_after(60)
        disarmed = await client.cancel_all_after(0)
        bad = await client.cancel_all_after(-1)
    assert isinstance(armed, Accepted) and isinstance(disarmed, Accepted)
    assert (armed.status, armed.trigger_time) == ("armed", "2026-11-21T12:01:00.000Z")
    assert (disarmed.status, disarmed.trigger_time) == ("disarmed", "")
    assert isinstance(bad, NotSent)
    assert [s.body for s in server.requests] == ["timeout=60", "timeout=0"]


# --------------------------------------------------------------- open orders


async def test_open_orders_are_read_for_reconciliation() -> None:
    async with fake_futures() as server, client_for(server) as client:
        result = await client.open_orders()
    assert isinstance(result, OpenOrders)
    assert result.skipped == 2
    (order,) = result.orders
    assert order.venue is Venue.FUTURES
    assert order.order_id == "59302619-41d2-4f0b-941f-7e7914760ad3"
    assert order.cl_ord_id == "my-order-1"
    assert order.side is OrderSide.SELL
    assert order.order_type == "limit"
    assert order.limit_price == Decimal("10640.5")
    assert order.qty == Decimal("304.25")
    assert order.filled == Decimal("0.25")
    assert order.reduce_only
    assert order.time_ms == 1567702877410
    (seen,) = server.requests
    assert seen.method == "GET" and seen.body == "" and seen.query == ""
    assert seen.authent_ok


async def test_open_orders_answer_without_a_list_is_ambiguous() -> None:
    async with fake_futures() as server, client_for(server) as client:
        server.answer = lambda seen: (200, success(openOrders={"oops": 1}))
        result = await client.open_orders()
    assert isinstance(result, Ambiguous)


# ---------------------------------------------------------- message tables

DOCUMENTED_STATUSES = """placed partiallyFilled filled cancelled edited marketSuspended
marketInactive invalidPrice invalidSize tooManySmallOrders insufficientAvailableFunds
wouldCauseLiquidation clientOrderIdAlreadyExist clientOrderIdTooBig maxPositionViolation
outsidePriceCollar wouldIncreasePriceDislocation notFound orderForEditNotAStop
orderForEditNotFound postWouldExecute iocWouldNotExecute selfFill wouldNotReducePosition
marketIsPostOnly tooManyOrders fixedLeverageTooHigh clientOrderIdInvalid
cannotEditTriggerPriceOfTrailingStop cannotEditLimitPriceOfTrailingStop
wouldProcessAfterSpecifiedTime invalidOrderType invalidSide clientOrderIdTooLong
noOrdersToCancel""".split()
"""Every sendStatus/editStatus/cancelStatus word of kraken-protocol §4.4."""

DOCUMENTED_ERRORS = [
    "accountInactive",
    "apiLimitExceeded",
    "authenticationError",
    "insufficientFunds",
    "invalidAccount",
    "invalidAmount",
    "invalidArgument",
    "invalidUnit",
    "Json Parse Error",
    "marketUnavailable",
    "nonceBelowThreshold",
    "nonceDuplicate",
    "notFound",
    "requiredArgumentMissing",
    "Server Error",
    "Unavailable",
    "unknownError",
]
"""Every error code of kraken-protocol §4.3."""


@pytest.mark.parametrize("status", DOCUMENTED_STATUSES)
def test_every_documented_status_has_its_own_words(status: str) -> None:
    message = status_message(status)
    assert message != f"refused by the exchange ({status})"  # the fallback for unknown words
    assert message[0].islower() and len(message) < 100


@pytest.mark.parametrize("code", DOCUMENTED_ERRORS)
def test_every_documented_error_code_has_its_own_words(code: str) -> None:
    message = error_message(code)
    assert message != f"refused by the exchange ({code})"
    assert len(message) < 100


def test_client_repr_shows_no_secret() -> None:
    creds = Credentials(API_KEY, Secret(SECRET_TEXT), source="test")
    client = FuturesTradingClient("http://127.0.0.1:1", creds)
    text = repr(client)
    assert SECRET_TEXT not in text and API_KEY not in text
    assert "…y-01" in text
