"""The embedded exchange's Spot private side: WebSocket tokens, ``executions``, ``balances``.

:class:`SpotPrivateDesk` serves ``POST /0/private/GetWebSocketsToken`` with
Kraken's ``API-Key``/``API-Sign``/nonce checks (kraken-protocol §5) and, on the
auth port only, extends each :class:`~kraken_tui.sim.spot_ws.SpotSession` with the
two private channels (§1.10, §1.11). Public channels keep working on the same
socket: requests for any other channel go to the session's own handlers.

Token issue and the REST checks live in :mod:`kraken_tui.sim.spot_tokens`.

The desk listens to the :class:`~kraken_tui.sim.practice.PracticeAccount` and
turns spot :class:`~kraken_tui.sim.practice.AccountEvent` s into execution
reports and ledger entries: placement gives ``pending_new`` then ``new``, a fill
gives ``trade``, the end of an order ``filled``/``canceled``, and each balance
change one ledger entry sharing the fill's id as ``ref_id``. Only the first
message about an order to a connection carries the order's full description;
later ones are sparse. Every private subscription numbers its messages from 1.

A missing, unknown or expired token is refused with ``ESession:Invalid session``
(what Kraken's WebSocket API has been seen answering to a bad token; the v2
docs name no text).

Given an :class:`~kraken_tui.sim.order_desk.OrderDesk`, the desk also gives each
auth-port session the trading methods (:mod:`kraken_tui.sim.spot_trading`). While
one runs, account events are held back (:meth:`SpotPrivateDesk.hold_events`) so
the ack leads, and an order placed and filled in one go is still announced
``pending_new``/``new`` before its trades.
"""

from __future__ import annotations

import random
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from aiohttp import web

from kraken_tui.model import Venue
from kraken_tui.model.account import Fill, Order
from kraken_tui.model.secret import Credentials
from kraken_tui.sim.order_desk import OrderDesk
from kraken_tui.sim.practice import AccountEvent, PracticeAccount
from kraken_tui.sim.spot_tokens import TokenIssuer
from kraken_tui.sim.spot_trading import SpotTrading
from kraken_tui.sim.spot_ws import Handler, SpotSession
from kraken_tui.venues.kraken_spot import private_server as enc
from kraken_tui.venues.kraken_spot.server import encode_error_ack
from kraken_tui.venues.timefmt import ms_to_rfc3339, now_rfc3339

PRIVATE_CHANNELS = ("executions", "balances")
SNAPSHOT_FILLS = 50

INVALID_ARGUMENTS = "EGeneral:Invalid arguments"
INVALID_SESSION = "ESession:Invalid session"
ALREADY_SUBSCRIBED = "Already subscribed"
NOT_SUBSCRIBED = "Subscription Not Found"
RECENT_FILLS = 512
"""Fills remembered for the ledger entries that follow them (fee lookup)."""
CANCEL_REASONS = {
    "postWouldExecute": "Post only order",
    "post_order_failed_because_it_would_filled": "Post only order",
    "iocWouldNotExecute": "Immediate or cancel",
    "ioc_order_failed_because_it_would_not_be_executed": "Immediate or cancel",
    "wouldNotReducePosition": "Reduce only",
    "would_not_reduce_position": "Reduce only",
    "dead_man_switch": "Cancel all orders after",
    "dead_man_switch_triggered": "Cancel all orders after",
}
"""Account close reasons whose spot ``reason`` text is not ``User requested``."""


@dataclass
class _Subscription:
    token: str
    sequence: int = 0

    def next(self) -> int:
        self.sequence += 1
        return self.sequence


@dataclass(eq=False)
class _Client:
    """The private state of one auth-port connection."""

    session: SpotSession
    executions: _Subscription | None = None
    balances: _Subscription | None = None
    known: set[str] = field(default_factory=set)
    """Orders this connection has had a full description of (later reports are sparse)."""

    @property
    def subscribed(self) -> bool:
        return self.executions is not None or self.balances is not None

    def tokens(self) -> set[str]:
        return {s.token for s in (self.executions, self.balances) if s is not None}


@dataclass
class _OrderState:
    """What the desk knows of one spot order: its last description and fills so far."""

    order: Order | None
    cum_qty: Decimal = Decimal(0)
    cum_cost: Decimal = Decimal(0)


class SpotPrivateDesk:
    """Spot private REST + WebSocket channels over one practice account."""

    def __init__(
        self,
        account: PracticeAccount,
        credentials: Credentials,
        *,
        clock: Callable[[], float] = time.monotonic,
        order_desk: OrderDesk | None = None,
    ) -> None:
        self._account = account
        self.tokens = TokenIssuer(credentials, clock=clock)
        self.trading = None if order_desk is None else SpotTrading(order_desk, self.tokens, self)
        self._held: list[AccountEvent] | None = None
        self._details: dict[str, dict[str, Any]] = {}
        """Spot-only fields of orders placed over WS (time in force, post-only...)."""
        self._clients: dict[SpotSession, _Client] = {}
        self._orders: dict[str, _OrderState] = {}
        self._recent_fills: OrderedDict[str, Fill] = OrderedDict()
        self._ids = random.Random()
        fills = account.fills(Venue.SPOT)
        for order in account.open_orders(Venue.SPOT):
            qty, cost = _cum_of(order, fills)
            self._orders[order.order_id] = _OrderState(order, qty, cost)
        account.listen(self._on_event)

    def close(self) -> None:
        """Stop listening to the account."""
        self._account.unlisten(self._on_event)

    # ------------------------------------------------------------ REST
    def add_rest_routes(self, app: web.Application) -> None:
        """Register ``POST /0/private/GetWebSocketsToken`` on ``app``."""
        self.tokens.add_rest_routes(app)

    # --------------------------------------------------------- sessions
    def attach(self, session: SpotSession) -> None:
        """Give an auth-port session the ``executions`` and ``balances`` channels."""
        client = _Client(session)
        self._clients[session] = client
        public_sub = session.methods["subscribe"]
        public_unsub = session.methods["unsubscribe"]

        def subscribe(msg: dict[str, Any], time_in: str) -> None:
            self._request(client, msg, time_in, True, public_sub)

        def unsubscribe(msg: dict[str, Any], time_in: str) -> None:
            self._request(client, msg, time_in, False, public_unsub)

        session.methods["subscribe"] = subscribe
        session.methods["unsubscribe"] = unsubscribe
        if self.trading is not None:
            self.trading.attach(session)

    def detach(self, session: SpotSession) -> None:
        """Forget a closed session and release the tokens it held."""
        client = self._clients.pop(session, None)
        if client is None:
            return
        for text in client.tokens():
            self.tokens.release(text, client)
        client.executions = client.balances = None

    def heartbeat_due(self, session: SpotSession, now: float) -> bool:
        """A private subscription alone also earns heartbeats, as any channel does."""
        client = self._clients.get(session)
        return client is not None and client.subscribed and now - session.outbox.last_sent >= 1.0

    def _request(
        self,
        client: _Client,
        msg: dict[str, Any],
        time_in: str,
        subscribe: bool,
        public: Handler,
    ) -> None:
        params = msg.get("params")
        channel = params.get("channel") if isinstance(params, dict) else None
        if not isinstance(params, dict) or channel not in PRIVATE_CHANNELS:
            public(msg, time_in)
            return
        method = "subscribe" if subscribe else "unsubscribe"
        req_id = msg.get("req_id") if type(msg.get("req_id")) is int else None
        outbox = client.session.outbox

        def fail(error: str, reply_method: str = method) -> None:
            outbox.put(encode_error_ack(error, method=reply_method, req_id=req_id, time_in=time_in))

        token = params.get("token")
        if not self.tokens.valid(token):
            fail(INVALID_SESSION)
            return
        assert isinstance(token, str)
        held = client.executions if channel == "executions" else client.balances
        if not subscribe:
            if held is None:
                fail(NOT_SUBSCRIBED, "subscribe")  # Kraken's failed-unsubscribe method
                return
            self._set(client, channel, None)
            outbox.put(
                enc.encode_private_ack(method, {"channel": channel}, req_id=req_id, time_in=time_in)
            )
            return
        if held is not None:
            fail(ALREADY_SUBSCRIBED)
            return
        flags = {}
        for name, default in (
            ("snap_orders", True),
            ("snap_trades", False),
            ("snapshot", True),
        ):
            value = params.get(name, default)
            if not isinstance(value, bool):
                fail(f"{INVALID_ARGUMENTS}:{name}")
                return
            flags[name] = value
        sub = _Subscription(token)
        self._set(client, channel, sub)
        if channel == "executions":
            result = {
                "channel": channel,
                "maxratecount": enc.MAX_RATE_COUNT,
                "snap_orders": flags["snap_orders"],
                "snap_trades": flags["snap_trades"],
            }
            outbox.put(enc.encode_private_ack(method, result, req_id=req_id, time_in=time_in))
            if flags["snap_orders"] or flags["snap_trades"]:
                reports = self._snapshot(client, flags["snap_orders"], flags["snap_trades"])
                outbox.put(enc.encode_executions(reports, snapshot=True, sequence=sub.next()))
        else:
            result = {"channel": channel, "snapshot": flags["snapshot"]}
            outbox.put(enc.encode_private_ack(method, result, req_id=req_id, time_in=time_in))
            if flags["snapshot"]:
                balances = self._account.balances(Venue.SPOT)
                outbox.put(enc.encode_balances_snapshot(balances, sequence=sub.next()))

    def _set(self, client: _Client, channel: str, sub: _Subscription | None) -> None:
        """Install or drop one subscription and keep the tokens' holders in step."""
        before = client.tokens()
        if channel == "executions":
            client.executions = sub
            if sub is None:
                client.known.clear()
        else:
            client.balances = sub
        after = client.tokens()
        for text in before - after:
            self.tokens.release(text, client)
        for text in after:
            self.tokens.hold(text, client)

    # --------------------------------------------------------- snapshot
    def _snapshot(self, client: _Client, orders: bool, trades: bool) -> list[enc.Report]:
        reports: list[enc.Report] = []
        fills = self._account.fills(Venue.SPOT)
        open_orders = self._account.open_orders(Venue.SPOT)
        if trades:
            open_by_id = {o.order_id: o for o in open_orders}
            reports.extend(enc.fill_history(fills, open_by_id, SNAPSHOT_FILLS))
        if orders:
            for order in open_orders:
                state = self._orders.get(order.order_id)
                if state is not None and state.cum_qty == order.filled:
                    cost = state.cum_cost
                else:
                    cost = _cum_of(order, fills)[1]
                reports.append(enc.open_order_report(order, cost, order.time_ms))
                client.known.add(order.order_id)
        return reports

    # ----------------------------------------------------------- events
    def hold_events(self) -> None:
        """Queue account events until :meth:`release_events` (a trading request runs)."""
        if self._held is None:
            self._held = []

    def release_events(
        self, placed: Order | None = None, detail: Mapping[str, Any] | None = None
    ) -> None:
        """Report the queued events. ``placed`` is an order just placed: when the first
        queued event about it is not its placement (it filled or closed at once), its
        placement is reported first, as Kraken does."""
        held, self._held = self._held or [], None
        if placed is not None:
            if detail:
                self._details[placed.order_id] = dict(detail)
            first = next(
                (e for e in held if placed.order_id in _order_ids_of(e)),
                None,
            )
            announced = placed.order_id in self._orders
            if not announced and (first is None or first.kind != "order"):
                fresh = replace(placed, filled=Decimal(0), status="new")
                self._on_event(AccountEvent("order", Venue.SPOT, order=fresh, status="new"))
        for event in held:
            self._on_event(event)

    def _detail(self, order: Order) -> enc.Report:
        return {**enc.order_detail(order), **self._details.get(order.order_id, {})}

    def _on_event(self, event: AccountEvent) -> None:
        if event.venue is not Venue.SPOT:
            return
        if self._held is not None:
            self._held.append(event)
            return
        if event.kind == "order" and event.order is not None:
            self._on_order(event.order)
        elif event.kind == "fill" and event.fill is not None:
            self._on_fill(event.fill)
        elif event.kind == "order_closed" and event.order is not None:
            self._on_closed(event.order, event.status, event.reason)
        elif event.kind == "balance" and event.balance is not None:
            self._on_balance(event)

    def _on_order(self, order: Order) -> None:
        state = self._orders.get(order.order_id)
        if state is None or state.order is None:
            if state is None:
                self._orders[order.order_id] = _OrderState(order)
            else:
                state.order = order
            stamp = ms_to_rfc3339(order.time_ms) if order.time_ms else now_rfc3339()
            pending = enc.status_report(
                order.order_id,
                "pending_new",
                "pending_new",
                stamp,
                cum_qty=enc.number(0),
                cum_cost=enc.number(0),
                fee_usd_equiv=enc.number(0),
            )
            self._publish(order.order_id, pending, self._detail(order))
            self._publish(order.order_id, enc.status_report(order.order_id, "new", "new", stamp))
            return
        old, state.order = state.order, order
        if old.qty != order.qty or old.limit_price != order.limit_price:
            extra: dict[str, Any] = {"order_qty": enc.number(order.qty), "amended": True}
            if order.limit_price is not None:
                extra["limit_price"] = enc.number(order.limit_price)
            status = "partially_filled" if order.filled > 0 else "new"
            amended = enc.status_report(order.order_id, "amended", status, **extra)
            self._publish(order.order_id, amended, self._detail(order))

    def _on_fill(self, fill: Fill) -> None:
        self._recent_fills[fill.fill_id] = fill
        while len(self._recent_fills) > RECENT_FILLS:
            self._recent_fills.popitem(last=False)
        state = self._orders.setdefault(fill.order_id, _OrderState(None))
        state.cum_qty += fill.qty
        state.cum_cost += fill.qty * fill.price
        order = state.order
        done = order is not None and state.cum_qty >= order.qty
        report = enc.trade_report(
            fill,
            enc.trade_id_of(fill.fill_id),
            "filled" if done else "partially_filled",
            state.cum_qty,
            state.cum_cost,
            order.order_type if order is not None else "limit",
        )
        self._publish(fill.order_id, report, self._detail(order) if order else None)

    def _on_closed(self, order: Order, status: str, reason: str = "") -> None:
        state = self._orders.pop(order.order_id, None)
        if state is not None and state.cum_qty:
            qty, cost = state.cum_qty, state.cum_cost
        else:
            qty, cost = order.filled, order.filled * (order.limit_price or Decimal(0))
        if status not in ("filled", "canceled", "expired"):
            status = "filled" if order.filled >= order.qty else "canceled"
        extra: dict[str, Any] = {
            "cum_qty": enc.number(qty),
            "cum_cost": enc.computed(cost),
            "avg_price": enc.computed(enc.average_price(cost, qty)),
        }
        if status == "canceled":
            extra["reason"] = CANCEL_REASONS.get(reason, "User requested")
        report = enc.status_report(order.order_id, status, status, **extra)
        self._publish(order.order_id, report, self._detail(order), closes=True)
        self._details.pop(order.order_id, None)

    def _on_balance(self, event: AccountEvent) -> None:
        balance = event.balance
        assert balance is not None
        change = event.amount if event.amount is not None else Decimal(0)
        fill = self._recent_fills.get(event.ref_id)
        fee = Decimal(0)
        if fill is not None and fill.fee and fill.fee_currency == balance.asset:
            fee = fill.fee
        entry = enc.ledger_entry(
            ledger_id=self._ledger_id(),
            ref_id=event.ref_id,
            timestamp=ms_to_rfc3339(fill.time_ms) if fill is not None else now_rfc3339(),
            asset=balance.asset,
            amount=change + fee,
            fee=fee,
            balance=balance.total,
        )
        for client in list(self._clients.values()):
            if client.balances is not None:
                text = enc.encode_balances_update([entry], sequence=client.balances.next())
                client.session.outbox.put(text)

    def _publish(
        self,
        order_id: str,
        report: enc.Report,
        detail: enc.Report | None = None,
        *,
        closes: bool = False,
    ) -> None:
        """Send one report to every executions subscriber, in full to those new to the order."""
        for client in list(self._clients.values()):
            sub = client.executions
            if sub is None:
                continue
            data = report
            if detail and order_id not in client.known:
                data = {"order_id": order_id, **detail, **report}
            if closes:
                client.known.discard(order_id)
            else:
                client.known.add(order_id)
            text = enc.encode_executions([data], snapshot=False, sequence=sub.next())
            client.session.outbox.put(text)

    def _ledger_id(self) -> str:
        return enc.kraken_id(self._ids, "L")


# ---------------------------------------------------------------- helpers
def _order_ids_of(event: AccountEvent) -> tuple[str, ...]:
    ids = []
    if event.order is not None:
        ids.append(event.order.order_id)
    if event.fill is not None:
        ids.append(event.fill.order_id)
    return tuple(ids)


def _cum_of(order: Order, fills: list[Fill]) -> tuple[Decimal, Decimal]:
    """An order's filled quantity and cost, from its fills where they account for it."""
    own = [f for f in fills if f.order_id == order.order_id]
    qty = sum((f.qty for f in own), Decimal(0))
    cost = sum((f.qty * f.price for f in own), Decimal(0))
    if qty != order.filled:
        # Seeded fills may not cover the order; price the rest at its limit.
        cost += (order.filled - qty) * (order.limit_price or Decimal(0))
    return order.filled, cost
