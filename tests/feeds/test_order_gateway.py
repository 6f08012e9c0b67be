"""LiveOrderGateway, DeadManSwitch and SpotTradingChannel with fakes: what is sent for a
ticket, what each outcome becomes, never resending, reconciliation verdicts, the
dead-man schedule, and the spot channel's ack matching."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import pytest

from kraken_tui.endpoints import from_exchange_url
from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.dead_man import DeadManSwitch
from kraken_tui.feeds.order_gateway import Ticket, TicketKind
from kraken_tui.feeds.reconcile import UNKNOWN, UNKNOWN_CHECK, placeholder_id
from kraken_tui.feeds.spot_trading_channel import SpotTradingChannel
from kraken_tui.feeds.stores import MarketStore
from kraken_tui.feeds.trading import LiveOrderGateway
from kraken_tui.model import Venue
from kraken_tui.model.account import Order, OrderSide
from kraken_tui.model.secret import Credentials, Secret
from kraken_tui.venues.kraken_futures.order_status import OrderStatus, OrderStatuses
from kraken_tui.venues.kraken_futures.trading import OpenOrders
from kraken_tui.venues.kraken_spot import trading as spot
from kraken_tui.venues.outcomes import Accepted, Ambiguous, NotSent, Outcome, Rejected
from tests.helpers import wait_for

ENDPOINTS = from_exchange_url("http://127.0.0.1:9")
KEYS = Credentials("key-abc", Secret("c2VjcmV0LXNlY3JldC1zZWNyZXQ="), source="test")
PRICE = Decimal("60000")


class FakeFutures:
    """Stands in for FuturesTradingClient: records calls, answers from a script."""

    def __init__(
        self, *send: Outcome, listed: list[Any] | None = None, statuses: list[Any] | None = None
    ) -> None:
        self.send_script = list(send)
        self.listed = list(listed or [])
        self.statuses = list(statuses or [])
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def send_order(self, **kw: Any) -> Outcome:
        self.calls.append(("send_order", kw))
        return self.send_script.pop(0)

    async def open_orders(self) -> Any:
        self.calls.append(("open_orders", {}))
        return self.listed.pop(0) if self.listed else Ambiguous("no answer")

    async def order_status(self, cli_ord_ids: list[str]) -> Any:
        self.calls.append(("order_status", {"cli_ord_ids": list(cli_ord_ids)}))
        return self.statuses.pop(0) if self.statuses else Ambiguous("no answer")

    async def cancel_order(self, **kw: Any) -> Outcome:
        self.calls.append(("cancel_order", kw))
        return Accepted("cancelled", "order cancelled")

    async def cancel_all(self, symbol: str | None = None) -> Outcome:
        self.calls.append(("cancel_all", {"symbol": symbol}))
        return Accepted("cancelled", "2 orders cancelled")

    async def edit_order(self, **kw: Any) -> Outcome:
        self.calls.append(("edit_order", kw))
        return Accepted("edited", "order changed")

    async def cancel_all_after(self, timeout_s: int) -> Outcome:
        self.calls.append(("cancel_all_after", {"timeout": timeout_s}))
        return Accepted("armed" if timeout_s else "disarmed", "ok")

    async def close(self) -> None:
        pass


def gateway_with(fake: FakeFutures, *, allowed: bool = True) -> LiveOrderGateway:
    gateway = LiveOrderGateway(
        ENDPOINTS,
        MarketStore(),
        {Venue.FUTURES: KEYS},
        allowed=allowed,
        disabled_reason="read-only",
        reconcile_delay=0.01,
        reconcile_attempts=4,
    )
    gateway.store.account.set_private(Venue.FUTURES, AuthState.OK)
    gateway.futures = fake  # type: ignore[assignment]
    gateway.reconciler.futures = fake  # type: ignore[assignment]
    return gateway


def ticket(kind: TicketKind = TicketKind.LIMIT, **kw: Any) -> Ticket:
    prices: dict[str, Any] = {"limit_price": PRICE}
    if kind is TicketKind.MARKET:
        prices = {}
    if kind is TicketKind.STOP:
        prices = {"stop_price": Decimal("59000")}
    return Ticket(Venue.FUTURES, "PF_XBTUSD", OrderSide.BUY, kind, Decimal("0.01"), **(prices | kw))


@pytest.mark.parametrize(
    ("kind", "order_type", "limit", "stop"),
    [
        (TicketKind.LIMIT, "lmt", PRICE, None),
        (TicketKind.MARKET, "mkt", None, None),
        (TicketKind.POST_ONLY, "post", PRICE, None),
        (TicketKind.IOC, "ioc", PRICE, None),
        (TicketKind.STOP, "stp", None, Decimal("59000")),
    ],
)
async def test_ticket_kinds_become_futures_order_types(
    kind: TicketKind, order_type: str, limit: Decimal | None, stop: Decimal | None
) -> None:
    fake = FakeFutures(Accepted("placed", "order placed", order_id="o-1"))
    gateway = gateway_with(fake)
    sent = ticket(kind)
    result = await gateway.place(sent)
    assert (result.ok, result.order_id) == (True, "o-1")
    [(name, kw)] = fake.calls
    assert name == "send_order"
    assert (kw["order_type"], kw["limit_price"], kw["stop_price"]) == (order_type, limit, stop)
    assert kw["cli_ord_id"] == sent.cl_ord_id


async def test_rejection_is_plain_words_and_not_unknown() -> None:
    fake = FakeFutures(Rejected("postWouldExecute", "post-only order would take"))
    gateway = gateway_with(fake)
    result = await gateway.place(ticket(TicketKind.POST_ONLY))
    assert (result.ok, result.unknown) == (False, False)
    assert result.message.endswith("post-only order would take")
    assert gateway.store.account.orders == {}


async def test_not_sent_may_be_retried_with_the_same_ticket() -> None:
    fake = FakeFutures(
        NotSent("could not connect to the exchange"), Accepted("placed", "order placed")
    )
    gateway = gateway_with(fake)
    sent = ticket()
    first = await gateway.place(sent)
    assert not first.ok and "not sent: could not connect" in first.message
    second = await gateway.place(sent)
    assert second.ok
    assert [name for name, _ in fake.calls] == ["send_order", "send_order"]


async def test_ambiguous_absent_thrice_is_not_placed_and_never_resent() -> None:
    empty = OpenOrders(orders=())
    fake = FakeFutures(Ambiguous("no answer before the timeout"), listed=[empty] * 3)
    gateway = gateway_with(fake)
    sent = ticket()
    result = await gateway.place(sent)
    assert result.unknown and result.order_id == placeholder_id(sent.cl_ord_id)
    account = gateway.store.account
    held = account.order(Venue.FUTURES, placeholder_id(sent.cl_ord_id))
    assert held is not None and held.status == UNKNOWN
    await wait_for(lambda: account.order(Venue.FUTURES, placeholder_id(sent.cl_ord_id)) is None)
    assert account.notices == [f"order {sent.cl_ord_id[:8]}: not placed (not open, no fill)"]
    assert [name for name, _ in fake.calls].count("send_order") == 1


async def test_ambiguous_that_cannot_be_checked_says_check_the_exchange() -> None:
    fake = FakeFutures(Ambiguous("HTTP 502"))  # every open_orders answer is ambiguous too
    gateway = gateway_with(fake)
    sent = ticket()
    await gateway.place(sent)
    account = gateway.store.account
    await wait_for(lambda: bool(account.notices))
    held = account.order(Venue.FUTURES, placeholder_id(sent.cl_ord_id))
    assert held is not None and held.status == UNKNOWN_CHECK
    assert "check the exchange" in account.notices[0]
    assert [name for name, _ in fake.calls].count("send_order") == 1


async def test_disabled_gateway_makes_no_calls() -> None:
    fake = FakeFutures()
    gateway = gateway_with(fake, allowed=False)
    order = Order(Venue.FUTURES, "o-1", "PF_XBTUSD", OrderSide.BUY, "limit", Decimal(1))
    results = [
        await gateway.place(ticket()),
        await gateway.cancel(order),
        await gateway.cancel_all(),
        await gateway.move(order, PRICE),
    ]
    await gateway.shutdown(cancel_all=True)
    assert {(r.ok, r.message) for r in results} == {(False, "read-only")}
    assert (gateway.enabled, gateway.why_disabled) == (False, "read-only")
    assert fake.calls == []


async def test_new_orders_wait_for_the_private_feed_but_cancels_do_not() -> None:
    fake = FakeFutures()
    gateway = gateway_with(fake)
    gateway.store.account.set_private(Venue.FUTURES, AuthState.PENDING, "reconnecting")
    result = await gateway.place(ticket())
    assert not result.ok and "account feed is not live (pending)" in result.message
    order = Order(Venue.FUTURES, "o-1", "PF_XBTUSD", OrderSide.BUY, "limit", Decimal(1))
    assert (await gateway.cancel(order)).ok
    assert [name for name, _ in fake.calls] == ["cancel_order"]


def test_live_needs_trade_sim_and_demo_do_not() -> None:
    from kraken_tui.cli import build_parser
    from kraken_tui.ui.run import LIVE_READ_ONLY, trading_permission

    assert trading_permission("live", None, False) == (False, LIVE_READ_ONLY)
    assert trading_permission("live", None, True) == (True, "")
    assert trading_permission("live", "http://127.0.0.1:8765", False) == (True, "")
    assert trading_permission("sim", None, False) == (True, "")
    assert trading_permission("demo", None, False) == (True, "")
    assert build_parser().parse_args(["--env", "live", "--trade"]).trade is True
    assert build_parser().parse_args(["--env", "live"]).trade is False


async def test_venue_without_keys_is_refused() -> None:
    gateway = gateway_with(FakeFutures())
    spot_ticket = Ticket(Venue.SPOT, "BTC/USD", OrderSide.BUY, TicketKind.MARKET, Decimal(1))
    result = await gateway.place(spot_ticket)
    assert not result.ok and "no API keys for spot" in result.message


async def test_move_keeps_size_and_cancel_uses_the_order_id() -> None:
    fake = FakeFutures()
    gateway = gateway_with(fake)
    order = Order(
        Venue.FUTURES, "o-7", "PF_XBTUSD", OrderSide.SELL, "limit", Decimal(2), limit_price=PRICE
    )
    assert (await gateway.move(order, Decimal("60010"))).ok
    assert (await gateway.cancel(order)).ok
    assert (await gateway.cancel_all(Venue.FUTURES, "PF_XBTUSD")).ok
    assert fake.calls == [
        ("edit_order", {"order_id": "o-7", "limit_price": Decimal("60010")}),
        ("cancel_order", {"order_id": "o-7"}),
        ("cancel_all", {"symbol": "PF_XBTUSD"}),
    ]


# ------------------------------------------------------------ dead man


async def test_dead_man_arms_refreshes_and_disarms_once() -> None:
    store = MarketStore()
    now = [1000.0]
    armed: list[tuple[Venue, int]] = []

    async def arm(venue: Venue, seconds: int) -> Outcome:
        armed.append((venue, seconds))
        return Accepted("armed" if seconds else "disarmed", "ok")

    switch = DeadManSwitch(
        store.account, [Venue.FUTURES], arm, timeout=60, refresh=15, clock=lambda: now[0]
    )
    await switch.keep(Venue.FUTURES)
    assert armed == [] and switch.seconds(Venue.FUTURES) is None
    order = Order(Venue.FUTURES, "o-1", "PF_XBTUSD", OrderSide.BUY, "limit", Decimal(1))
    store.account.upsert_order(order)
    await switch.keep(Venue.FUTURES)
    assert armed == [(Venue.FUTURES, 60)]
    now[0] += 10
    await switch.keep(Venue.FUTURES)
    assert armed == [(Venue.FUTURES, 60)]  # not yet due
    assert switch.seconds(Venue.FUTURES) == 50
    now[0] += 5
    await switch.keep(Venue.FUTURES)
    assert armed == [(Venue.FUTURES, 60)] * 2
    store.account.remove_order(Venue.FUTURES, "o-1")
    await switch.keep(Venue.FUTURES)
    await switch.keep(Venue.FUTURES)
    assert armed == [(Venue.FUTURES, 60)] * 2 + [(Venue.FUTURES, 0)]
    assert switch.seconds(Venue.FUTURES) is None


# ---------------------------------------------------------- spot channel


def channel(ack_timeout: float = 5.0) -> SpotTradingChannel:
    chan = SpotTradingChannel(
        "ws://127.0.0.1:9/v2", "http://127.0.0.1:9", MarketStore(), KEYS, ack_timeout=ack_timeout
    )
    chan._token = Secret("session-token")  # as if on_open had fetched one
    return chan


def recorder(sent: list[str]) -> Any:
    def send(frame: str) -> bool:
        sent.append(frame)
        return True

    return send


def cancel_all_frame(token: Secret, req_id: int) -> str:
    return spot.cancel_all(token, req_id=req_id)


async def test_spot_ack_is_matched_by_req_id(monkeypatch: pytest.MonkeyPatch) -> None:
    chan = channel()
    sent: list[str] = []
    monkeypatch.setattr(chan.conn, "send", recorder(sent))
    waiting = asyncio.create_task(chan.request(cancel_all_frame, wait_ready=False))
    await wait_for(lambda: bool(sent))
    req_id = json.loads(sent[0])["req_id"]
    other = {"method": "cancel_all", "success": True, "result": {"count": 9}, "req_id": req_id + 1}
    mine = {"method": "cancel_all", "success": True, "result": {"count": 3}, "req_id": req_id}
    chan.on_frame(json.dumps(other))
    chan.on_frame("not json")
    chan.on_frame(json.dumps(mine))
    ack = await waiting
    assert isinstance(ack, spot.TradingAck) and ack.result is not None
    assert ack.result.count == 3
    assert chan.malformed == 1


async def test_spot_socket_dropping_while_waiting_is_ambiguous(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chan = channel()
    sent: list[str] = []
    monkeypatch.setattr(chan.conn, "send", recorder(sent))
    waiting = asyncio.create_task(chan.request(cancel_all_frame, wait_ready=False))
    await wait_for(lambda: bool(sent))
    chan.on_close()
    outcome = await waiting
    assert isinstance(outcome, Ambiguous) and "dropped" in outcome.reason


async def test_spot_ack_timeout_is_ambiguous_and_no_socket_is_not_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chan = channel(ack_timeout=0.05)
    monkeypatch.setattr(chan.conn, "send", lambda frame: True)
    outcome = await chan.request(cancel_all_frame, wait_ready=False)
    assert isinstance(outcome, Ambiguous) and "timeout" in outcome.reason
    monkeypatch.setattr(chan.conn, "send", lambda frame: False)
    assert isinstance(await chan.request(cancel_all_frame, wait_ready=False), NotSent)
    assert "session-token" not in repr(chan.conn.status)


class ClosingFutures(FakeFutures):
    """Counts closes, as the real client's ``close`` releases its HTTP session."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = 0

    async def close(self) -> None:
        self.closed += 1


async def test_the_futures_client_is_closed_when_run_ends_without_a_shutdown() -> None:
    fake = ClosingFutures()
    gateway = gateway_with(fake)
    task = asyncio.create_task(gateway.run())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert fake.closed == 1


# ------------------------------------------------- reconciliation verdicts


def status_of(sent: Ticket, status: str, reason: str = "", filled: str = "0") -> OrderStatuses:
    order = Order(
        Venue.FUTURES, "o-9", sent.symbol, sent.side, "limit", sent.qty,
        filled=Decimal(filled), limit_price=sent.limit_price, cl_ord_id=sent.cl_ord_id,
    )  # fmt: skip
    return OrderStatuses((OrderStatus(status, reason, order=order),))


@pytest.mark.parametrize(
    ("status", "reason", "filled", "notice"),
    [
        ("CANCELLED", "CANCELLED_BY_USER", "0", "cancelled, nothing traded (cancelled by you)"),
        ("CANCELLED", "DEAD_MAN_SWITCH", "0.004", "partly filled (0.004 of 0.01), rest cancelled"),
        ("REJECTED", "IOC_WOULD_NOT_EXECUTE_REASON", "0", "not placed (immediate-or-cancel"),
        ("FULLY_EXECUTED", "FULL_FILL", "0.01", "filled"),
    ],
)
async def test_futures_order_status_settles_finished_orders_without_openorders(
    status: str, reason: str, filled: str, notice: str
) -> None:
    sent = ticket()
    fake = FakeFutures(Ambiguous("HTTP 500"), statuses=[status_of(sent, status, reason, filled)])
    gateway = gateway_with(fake)
    await gateway.place(sent)
    account = gateway.store.account
    await wait_for(lambda: account.order(Venue.FUTURES, placeholder_id(sent.cl_ord_id)) is None)
    assert account.notices[0].startswith(f"order {sent.cl_ord_id[:8]}: {notice}")
    assert [name for name, _ in fake.calls] == ["send_order", "order_status"]
    assert fake.calls[1][1] == {"cli_ord_ids": [sent.cl_ord_id]}
    assert account.orders == {}


async def test_futures_order_status_entered_book_puts_the_real_order_in_place() -> None:
    sent = ticket()
    fake = FakeFutures(Ambiguous("HTTP 500"), statuses=[status_of(sent, "ENTERED_BOOK")])
    gateway = gateway_with(fake)
    await gateway.place(sent)
    account = gateway.store.account
    await wait_for(lambda: account.order(Venue.FUTURES, "o-9") is not None)
    assert account.order(Venue.FUTURES, placeholder_id(sent.cl_ord_id)) is None
    assert account.notices == [f"order {sent.cl_ord_id[:8]}: placed"]
