"""The live :class:`~kraken_tui.feeds.order_gateway.OrderGateway`: tickets become venue calls.

Futures orders go over REST v3 (:class:`FuturesTradingClient`), spot orders over the
WS v2 trading socket (:class:`SpotTradingChannel`). Rules that hold everywhere:

* **Never resend.** One ticket (one ``cl_ord_id``) makes at most one placement
  call; a second ``place`` of the same ticket, in flight or done, makes none.
  Only a :class:`NotSent` outcome (provably never left) lets the user try again.
* **Ambiguous is shown, then reconciled.** A timeout, 5xx or dropped socket puts
  an ``UNKNOWN`` order (id ``?<cl_ord_id>``) in the account store, then the
  exchange is asked (:mod:`~kraken_tui.feeds.reconcile`): futures by ``orders/status``
  and ``openorders`` (and the fills feed), spot by REST ``OpenOrders`` /
  ``ClosedOrders`` (and the ``executions`` feed); the placeholder is replaced by
  the real order, or removed with a notice ("not placed", "filled", "cancelled"),
  or left saying "check the exchange".
* **Dead-man's switch.** While a venue has working orders, its cancel-all-after
  switch is re-armed every ``dead_man_refresh`` seconds with ``dead_man_timeout``;
  when none work it is disarmed once; ``shutdown`` disarms both venues.
* **Disabled means silent.** With trading off (live without ``--trade``), every
  call returns a refusal without touching the network.

Messages are plain words from the venue layer; no secret, token or signature.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal

from kraken_tui.endpoints import Endpoints
from kraken_tui.feeds.account_store import PLACEHOLDER_PREFIX, AuthState
from kraken_tui.feeds.backoff import Backoff
from kraken_tui.feeds.dead_man import DeadManSwitch
from kraken_tui.feeds.order_gateway import Ticket, TicketKind, TradeResult
from kraken_tui.feeds.reconcile import (
    UNKNOWN,
    UNKNOWN_CHECK,
    OrderReconciler,
    placeholder_id,
)
from kraken_tui.feeds.spot_trading_channel import SpotTradingChannel
from kraken_tui.feeds.stores import MarketStore
from kraken_tui.feeds.tasks import run_until_cancelled
from kraken_tui.model import Venue
from kraken_tui.model.account import Order
from kraken_tui.model.secret import Credentials, Secret
from kraken_tui.venues.kraken_futures.trading import FuturesTradingClient
from kraken_tui.venues.kraken_spot import trading as spot
from kraken_tui.venues.kraken_spot.orders_rest import SpotOrdersClient
from kraken_tui.venues.outcomes import Accepted, Ambiguous, NotSent, Outcome, Rejected
from kraken_tui.venues.signing import NonceSource

__all__ = ["UNKNOWN", "UNKNOWN_CHECK", "LiveOrderGateway", "placeholder_id"]

log = logging.getLogger("kraken_tui.trading")

FUTURES_TYPES = {
    TicketKind.LIMIT: "lmt",
    TicketKind.MARKET: "mkt",
    TicketKind.POST_ONLY: "post",
    TicketKind.IOC: "ioc",
    TicketKind.STOP: "stp",
}
NO_TRADING = "trading is off"
Clock = Callable[[], float]


class LiveOrderGateway:
    """See the module docstring. Run :meth:`run` in a task while the session runs."""

    def __init__(
        self,
        endpoints: Endpoints,
        store: MarketStore,
        credentials: Mapping[Venue, Credentials],
        *,
        allowed: bool = True,
        disabled_reason: str = "",
        request_timeout: float = 10.0,
        reconcile_delay: float = 0.5,
        reconcile_attempts: int = 8,
        spot_reconcile_timeout: float = 15.0,
        dead_man_timeout: int = 60,
        dead_man_refresh: float = 15.0,
        poll_interval: float = 0.5,
        backoff: Backoff | None = None,
        spot_nonces: NonceSource | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.store = store
        self.allowed = allowed
        self.disabled_reason = disabled_reason
        self._permitted = asyncio.Event()
        """Set while allowed: :meth:`run` starts the order socket and dead-man only then."""
        if allowed:
            self._permitted.set()
        self.futures: FuturesTradingClient | None = None
        self.spot: SpotTradingChannel | None = None
        if Venue.FUTURES in credentials:
            self.futures = FuturesTradingClient(
                endpoints.futures_rest, credentials[Venue.FUTURES], timeout=request_timeout
            )
        if Venue.SPOT in credentials:
            self.spot = SpotTradingChannel(
                endpoints.spot_auth_ws,
                endpoints.rest,
                store,
                credentials[Venue.SPOT],
                backoff=backoff,
                nonces=spot_nonces,
                ack_timeout=request_timeout,
            )
        self._sent: dict[str, TradeResult | None] = {}
        """cl_ord_id -> the first result (None while in flight)."""
        self.dead_man = DeadManSwitch(
            store.account,
            self.venues,
            self._cancel_all_after,
            timeout=dead_man_timeout,
            refresh=dead_man_refresh,
            poll_interval=poll_interval,
            clock=clock,
        )
        spot_orders = None
        if self.spot is not None:
            # Same key, same nonce sequence as the trading socket's token requests.
            spot_orders = SpotOrdersClient(
                endpoints.rest,
                credentials[Venue.SPOT],
                self.spot.nonces,
                timeout=request_timeout,
            )
        self.reconciler = OrderReconciler(
            store.account,
            self.futures,
            spot=spot_orders,
            delay=reconcile_delay,
            attempts=reconcile_attempts,
            spot_timeout=spot_reconcile_timeout,
            settled=self.dead_man.wake,
            clock=clock,
        )
        self._closing = False
        self.place_calls = 0
        """Placement requests that went to a venue (tests and diagnostics)."""

    # ------------------------------------------------------------ state
    @property
    def venues(self) -> tuple[Venue, ...]:
        found = []
        if self.spot is not None:
            found.append(Venue.SPOT)
        if self.futures is not None:
            found.append(Venue.FUTURES)
        return tuple(found)

    @property
    def enabled(self) -> bool:
        return self.allowed and bool(self.venues)

    @property
    def why_disabled(self) -> str:
        if not self.allowed:
            return self.disabled_reason or NO_TRADING
        if not self.venues:
            return "no API keys: order entry needs keys for a venue"
        return ""

    def allow(self) -> None:
        """Turn order entry on after the user confirmed it (``LIVE`` typed at start)."""
        self.allowed = True
        self.disabled_reason = ""
        self._permitted.set()

    def dead_man_seconds(self, venue: Venue) -> float | None:
        return self.dead_man.seconds(venue)

    def _refusal(self, venue: Venue | None) -> TradeResult | None:
        if not self.enabled:
            return TradeResult(False, self.why_disabled)
        if venue is not None and venue not in self.venues:
            return TradeResult(False, f"no API keys for {venue.value}: order entry is off there")
        if self._closing:
            return TradeResult(False, "shutting down: no new requests")
        return None

    # ------------------------------------------------------------ place
    async def place(self, ticket: Ticket) -> TradeResult:
        refused = self._refusal(ticket.venue)
        if refused is not None:
            return refused
        cid = ticket.cl_ord_id
        feed = self.store.account.private[ticket.venue]
        if feed.state is not AuthState.OK and cid not in self._sent:
            # Submission gate: an order we could not follow on the private feed could
            # not be reconciled either. Cancels stay available.
            return TradeResult(
                False,
                f"{ticket.venue.value} account feed is not live ({feed.state.value}): "
                "new orders wait until it is back; cancels still work",
            )
        if cid in self._sent:
            first = self._sent[cid]
            if first is None:
                return TradeResult(False, "already sent: waiting for the exchange's answer")
            return TradeResult(
                first.ok, f"already sent: {first.message}", first.order_id, first.unknown
            )
        self._sent[cid] = None
        try:
            self.place_calls += 1
            if ticket.venue is Venue.FUTURES:
                outcome = await self._place_futures(ticket)
            else:
                outcome = await self._place_spot(ticket)
        except asyncio.CancelledError:
            # The request may be on the wire: the ticket stays "sent", shown as UNKNOWN.
            self._sent[cid] = self._ambiguous(ticket, Ambiguous("the request was interrupted"))
            raise
        result = self._place_result(ticket, outcome)
        if isinstance(outcome, NotSent):
            del self._sent[cid]  # provably never left: the user may send it again
        else:
            self._sent[cid] = result
        return result

    async def _place_futures(self, ticket: Ticket) -> Outcome:
        assert self.futures is not None
        return await self.futures.send_order(
            symbol=ticket.symbol,
            side=ticket.side,
            order_type=FUTURES_TYPES[ticket.kind],
            size=ticket.qty,
            limit_price=None if ticket.kind is TicketKind.MARKET else ticket.limit_price,
            stop_price=ticket.stop_price if ticket.kind is TicketKind.STOP else None,
            reduce_only=ticket.reduce_only,
            cli_ord_id=ticket.cl_ord_id,
        )

    async def _place_spot(self, ticket: Ticket) -> Outcome:
        kind = ticket.kind
        order_type = "limit"
        limit = ticket.limit_price
        trigger: Decimal | None = None
        if kind is TicketKind.MARKET:
            order_type, limit = "market", None
        elif kind is TicketKind.STOP:
            order_type = "stop-loss-limit" if limit is not None else "stop-loss"
            trigger = ticket.stop_price

        def build(token: Secret, req_id: int) -> str:
            return spot.add_order(
                token,
                order_type=order_type,
                side=ticket.side,
                order_qty=ticket.qty,
                symbol=ticket.symbol,
                cl_ord_id=ticket.cl_ord_id,
                limit_price=limit,
                trigger_price=trigger,
                time_in_force="ioc" if kind is TicketKind.IOC else None,
                post_only=kind is TicketKind.POST_ONLY,
                reduce_only=ticket.reduce_only,
                req_id=req_id,
            )

        return await self._spot_request(build, ticket.cl_ord_id)

    async def _spot_request(
        self, build: Callable[[Secret, int], str], cid: str = "", *, wait_ready: bool = True
    ) -> Outcome:
        assert self.spot is not None
        answer = await self.spot.request(build, cli_ord_id=cid, wait_ready=wait_ready)
        return answer.outcome(cid) if isinstance(answer, spot.TradingAck) else answer

    def _place_result(self, ticket: Ticket, outcome: Outcome) -> TradeResult:
        what = f"{ticket.side.value} {ticket.qty} {ticket.symbol}"
        if isinstance(outcome, Accepted):
            self.dead_man.wake()  # arm the dead-man switch without waiting for the feed
            return TradeResult(True, f"{what}: {outcome.message}", outcome.order_id)
        if isinstance(outcome, Rejected):
            if outcome.reconcile:  # e.g. the client id exists: the order may be there
                self._ambiguous(ticket, Ambiguous(outcome.message))
                return TradeResult(False, f"{what}: {outcome.message}", unknown=True)
            return TradeResult(False, f"{what}: {outcome.message}")
        if isinstance(outcome, Ambiguous):
            return self._ambiguous(ticket, outcome)
        return TradeResult(False, f"{what}: {outcome.message}")

    def _ambiguous(self, ticket: Ticket, outcome: Ambiguous) -> TradeResult:
        order_id = self.reconciler.unknown(ticket, outcome.reason)
        return TradeResult(False, outcome.message, order_id, unknown=True)

    # ------------------------------------------------- cancel and move
    async def cancel(self, order: Order) -> TradeResult:
        refused = self._refusal(order.venue)
        if refused is not None:
            return refused
        by_cid = order.order_id.startswith(PLACEHOLDER_PREFIX)
        if order.venue is Venue.FUTURES:
            assert self.futures is not None
            if by_cid:
                outcome = await self.futures.cancel_order(cli_ord_id=order.cl_ord_id)
            else:
                outcome = await self.futures.cancel_order(order_id=order.order_id)
        else:
            ids = ([], [order.cl_ord_id]) if by_cid else ([order.order_id], [])

            def build(token: Secret, req_id: int) -> str:
                return spot.cancel_order(token, order_ids=ids[0], cl_ord_ids=ids[1], req_id=req_id)

            outcome = await self._spot_request(build)
        return _simple(outcome, order.order_id)

    async def cancel_all(
        self, venue: Venue | None = None, symbol: str | None = None
    ) -> TradeResult:
        refused = self._refusal(venue)
        if refused is not None:
            return refused
        results = []
        for each in (venue,) if venue is not None else self.venues:
            results.append(await self._cancel_all_on(each, symbol))
        return TradeResult(all(r.ok for r in results), "; ".join(r.message for r in results))

    async def _cancel_all_on(self, venue: Venue, symbol: str | None) -> TradeResult:
        label = venue.value + (f" {symbol}" if symbol else "")
        if venue is Venue.FUTURES:
            assert self.futures is not None
            outcome = await self.futures.cancel_all(symbol)
        elif symbol is None:
            outcome = await self._spot_request(
                lambda token, rid: spot.cancel_all(token, req_id=rid)
            )
        else:
            ids = [
                o.order_id
                for o in self.store.account.orders.values()
                if o.venue is Venue.SPOT
                and o.symbol == symbol
                and not o.order_id.startswith(PLACEHOLDER_PREFIX)
            ]
            if not ids:
                return TradeResult(True, f"{label}: no working orders")

            def build(token: Secret, req_id: int) -> str:
                return spot.cancel_order(token, order_ids=ids, req_id=req_id)

            outcome = await self._spot_request(build)
        result = _simple(outcome)
        return TradeResult(result.ok, f"{label}: {result.message}", unknown=result.unknown)

    async def move(self, order: Order, new_price: Decimal) -> TradeResult:
        refused = self._refusal(order.venue)
        if refused is not None:
            return refused
        if order.order_id.startswith(PLACEHOLDER_PREFIX):
            return TradeResult(False, "this order's state is unknown: wait for the check")
        by_limit = order.limit_price is not None
        if order.venue is Venue.FUTURES:
            assert self.futures is not None
            if by_limit:
                outcome = await self.futures.edit_order(
                    order_id=order.order_id, limit_price=new_price
                )
            else:
                outcome = await self.futures.edit_order(
                    order_id=order.order_id, stop_price=new_price
                )
        else:

            def build(token: Secret, req_id: int) -> str:
                return spot.amend_order(
                    token,
                    order_id=order.order_id,
                    order_qty=order.qty,
                    limit_price=new_price if by_limit else None,
                    trigger_price=None if by_limit else new_price,
                    req_id=req_id,
                )

            outcome = await self._spot_request(build)
        return _simple(outcome, order.order_id)

    # ------------------------------------------------ dead-man switch
    async def _cancel_all_after(self, venue: Venue, seconds: int) -> Outcome:
        if venue is Venue.FUTURES:
            assert self.futures is not None
            return await self.futures.cancel_all_after(seconds)

        def build(token: Secret, req_id: int) -> str:
            return spot.cancel_all_orders_after(token, seconds, req_id=req_id)

        # Refreshes never wait for a reconnecting socket (that would hold up futures);
        # a disarm on exit may.
        return await self._spot_request(build, wait_ready=seconds == 0)

    # ------------------------------------------------------- lifecycle
    async def run(self) -> None:
        """The spot socket and the dead-man refresher, until cancelled; never raises."""
        if not self.venues:
            await asyncio.Event().wait()
        # Not allowed yet: no socket, no dead-man call until :meth:`allow` (or ever).
        await self._permitted.wait()
        jobs: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("trading:dead-man", self.dead_man.run)
        ]
        if self.spot is not None:
            jobs.append(("trading:spot", self.spot.run))
        try:
            await run_until_cancelled((name, _guarded(name, job)) for name, job in jobs)
        finally:
            await self.reconciler.close()
            # The REST session may have been opened by a refresh; a later shutdown that
            # still needs it (cancel all on exit) opens a fresh one.
            if self.futures is not None:
                await self.futures.close()

    async def shutdown(self, *, cancel_all: bool) -> None:
        if not self.enabled:
            return
        if cancel_all:
            result = await self.cancel_all()
            log.info("cancel all on exit: %s", result.message)
        self._closing = True
        await self.dead_man.disarm_all()
        await self.reconciler.close()
        if self.futures is not None:
            await self.futures.close()


async def _guarded(name: str, job: Callable[[], Awaitable[None]]) -> None:
    try:
        await job()
    except asyncio.CancelledError:
        raise
    except Exception:  # a bug here must not stop the market feeds
        log.exception("%s stopped", name)


def _simple(outcome: Outcome, order_id: str = "") -> TradeResult:
    """A cancel / move / cancel-all outcome as a result."""
    if isinstance(outcome, Accepted):
        return TradeResult(True, outcome.message, outcome.order_id or order_id)
    if isinstance(outcome, Ambiguous):
        return TradeResult(False, outcome.message, order_id, unknown=True)
    return TradeResult(False, outcome.message, order_id)
