"""Orders whose placement outcome is unknown: shown as UNKNOWN, then reconciled.

A timeout, HTTP 5xx or dropped socket leaves an order that may or may not exist.
It is never resent. :meth:`OrderReconciler.unknown` puts a placeholder order
(id ``?<cl_ord_id>``, status ``UNKNOWN``) in the account store so the panes show
it, then asks the exchange what became of it:

* futures: the private feed (an order or fill with the client id), then REST
  ``orders/status`` (open orders and those finished in the last 5 seconds:
  working → "placed", ``FULLY_EXECUTED`` → "filled", ``CANCELLED`` → "cancelled"
  with Kraken's reason, ``REJECTED`` → "not placed" with the reason), then REST
  ``openorders``; found → the real order replaces the placeholder ("placed");
  absent from three ``openorders`` answers in a row → removed, "not placed";
* spot: the ``executions`` feed (an order or fill with the client id) and REST
  ``OpenOrders`` / ``ClosedOrders`` filtered by ``cl_ord_id``: open → the real
  order replaces the placeholder; closed → removed with what happened (filled, or
  cancelled / expired with Kraken's reason; fills still arrive on ``executions``);
  absent from both in three rounds in a row → removed, "not placed". Without a
  REST client, or once REST fails (network, refused), the feed alone is watched
  until a timeout, after which the placeholder says "check the exchange".

Every lookup is a read; nothing here ever places an order.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from decimal import Decimal

from kraken_tui.feeds.account_store import PLACEHOLDER_PREFIX, AccountStore
from kraken_tui.feeds.order_gateway import Ticket
from kraken_tui.feeds.tasks import cancel_and_wait
from kraken_tui.model import Venue
from kraken_tui.model.account import Order
from kraken_tui.model.secret import CredentialError
from kraken_tui.venues.kraken_futures import order_status as fst
from kraken_tui.venues.kraken_futures.trading import FuturesTradingClient, OpenOrders
from kraken_tui.venues.kraken_futures.trading_status import update_reason_message
from kraken_tui.venues.kraken_spot.orders_rest import SpotOrdersClient, SpotRestOrder
from kraken_tui.venues.kraken_spot.private_rest import SpotRestError, SpotTransientError

log = logging.getLogger("kraken_tui.trading")

UNKNOWN = "UNKNOWN"
"""Status of a placeholder order whose placement outcome is not known yet."""
UNKNOWN_CHECK = "UNKNOWN: check the exchange"
ABSENT_VERDICT = 3
"""Answers without the order (futures ``openorders``; spot ``OpenOrders`` and
``ClosedOrders``), and no fill on the feed, before it counts as not placed: a request
can still be in flight, and a fill can reach the feed a moment after the answer."""


def placeholder_id(cl_ord_id: str) -> str:
    return PLACEHOLDER_PREFIX + cl_ord_id


def is_placeholder(order: Order) -> bool:
    return order.order_id.startswith(PLACEHOLDER_PREFIX)


def short_id(cl_ord_id: str) -> str:
    return cl_ord_id[:8]


class OrderReconciler:
    """See the module docstring. ``settled`` is called whenever a placeholder resolves."""

    def __init__(
        self,
        account: AccountStore,
        futures: FuturesTradingClient | None,
        *,
        spot: SpotOrdersClient | None = None,
        delay: float = 0.5,
        attempts: int = 8,
        spot_timeout: float = 15.0,
        settled: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.account = account
        self.futures = futures
        self.spot = spot
        """Spot REST lookups; None leaves spot to the ``executions`` feed alone."""
        self.delay = delay
        self.attempts = attempts
        self.spot_timeout = spot_timeout
        self._settled = settled
        self._clock = clock
        self._tasks: set[asyncio.Task[None]] = set()

    def unknown(self, ticket: Ticket, reason: str) -> str:
        """Show the ticket's order as UNKNOWN and start reconciling it; returns its id."""
        cid = ticket.cl_ord_id
        placeholder = Order(
            venue=ticket.venue,
            order_id=placeholder_id(cid),
            symbol=ticket.symbol,
            side=ticket.side,
            order_type=ticket.kind.value,
            qty=ticket.qty,
            limit_price=ticket.limit_price,
            stop_price=ticket.stop_price,
            time_ms=int(time.time() * 1000),
            cl_ord_id=cid,
            reduce_only=ticket.reduce_only,
            status=UNKNOWN,
        )
        self.account.upsert_order(placeholder)
        log.warning("order %s: outcome unknown (%s); reconciling", short_id(cid), reason)
        if ticket.venue is Venue.FUTURES and self.futures is not None:
            self._spawn(self._futures(ticket, self.futures))
        else:
            self._spawn(self._spot(ticket))
        return placeholder_id(cid)

    async def close(self) -> None:
        await cancel_and_wait(self._tasks)

    # ------------------------------------------------------------ checks
    def _working(self, venue: Venue, cid: str) -> Order | None:
        for order in self.account.orders.values():
            if order.venue is venue and order.cl_ord_id == cid and not is_placeholder(order):
                return order
        return None

    def _filled(self, venue: Venue, cid: str) -> bool:
        return any(f.venue is venue and f.cl_ord_id == cid for f in self.account.fills.values())

    def _known(self, venue: Venue, cid: str) -> bool:
        """Settle from what the private feed already shows; True when settled."""
        if self._working(venue, cid) is not None:
            self._settle(venue, cid, f"order {short_id(cid)}: placed")
            return True
        if self._filled(venue, cid):
            self._settle(venue, cid, f"order {short_id(cid)}: filled")
            return True
        return False

    def _settle(self, venue: Venue, cid: str, notice: str) -> None:
        self.account.remove_order(venue, placeholder_id(cid))
        self.account.add_notice(notice)
        log.info("%s", notice)
        self._settled()

    def _leave_unknown(self, ticket: Ticket) -> None:
        cid = ticket.cl_ord_id
        held = self.account.order(ticket.venue, placeholder_id(cid))
        if held is not None:
            self.account.upsert_order(replace(held, status=UNKNOWN_CHECK))
        self.account.add_notice(f"order {short_id(cid)}: outcome unknown, check the exchange")

    # -------------------------------------------------------- the venues
    async def _futures(self, ticket: Ticket, client: FuturesTradingClient) -> None:
        venue, cid = Venue.FUTURES, ticket.cl_ord_id
        absent = 0
        for attempt in range(self.attempts):
            await asyncio.sleep(self.delay * (1 + attempt // 2))
            if self._known(venue, cid) or await self._futures_status(ticket, client):
                return
            listed = await client.open_orders()
            if not isinstance(listed, OpenOrders):
                continue  # the exchange cannot say now: ask again, never resend
            found = [o for o in listed.orders if o.cl_ord_id == cid]
            if found:
                self.account.upsert_order(found[0])
                self._settle(venue, cid, f"order {short_id(cid)}: placed")
                return
            absent += 1
            if self._known(venue, cid):
                return
            if absent >= ABSENT_VERDICT:
                self._settle(venue, cid, f"order {short_id(cid)}: not placed (not open, no fill)")
                return
        self._leave_unknown(ticket)

    async def _futures_status(self, ticket: Ticket, client: FuturesTradingClient) -> bool:
        """Settle from ``orders/status``; True when settled. Absence proves nothing
        (finished orders leave that list after 5 seconds)."""
        venue, cid = Venue.FUTURES, ticket.cl_ord_id
        answer = await client.order_status([cid])
        found = answer.by_client_id(cid) if isinstance(answer, fst.OrderStatuses) else None
        if found is None:
            return False
        why = update_reason_message(found.update_reason or found.error)
        order = found.order
        label = f"order {short_id(cid)}"
        if found.status in fst.OPEN_STATUSES and order is not None:
            self.account.upsert_order(order)
            self._settle(venue, cid, f"{label}: placed")
        elif found.status == fst.FILLED_STATUS:
            self._settle(venue, cid, f"{label}: filled")
        elif found.status == fst.CANCELLED_STATUS:
            filled = order.filled if order is not None else 0
            done = _done_words(filled, order.qty if order is not None else None, "cancelled")
            self._settle(venue, cid, f"{label}: {done}" + (f" ({why})" if why else ""))
        elif found.status in fst.REFUSED_STATUSES:
            self._settle(venue, cid, f"{label}: not placed" + (f" ({why})" if why else ""))
        else:
            return False  # a status word we do not know: keep asking
        return True

    async def _spot(self, ticket: Ticket) -> None:
        deadline = self._clock() + self.spot_timeout
        if self.spot is not None and await self._spot_rest(ticket, self.spot):
            return
        while self._clock() < deadline:
            await asyncio.sleep(self.delay / 5)
            if self._known(ticket.venue, ticket.cl_ord_id):
                return
        self._leave_unknown(ticket)

    async def _spot_rest(self, ticket: Ticket, client: SpotOrdersClient) -> bool:
        """Ask ``OpenOrders`` then ``ClosedOrders`` by client id; True when settled,
        False when REST could not answer (the feed is then watched alone)."""
        venue, cid = Venue.SPOT, ticket.cl_ord_id
        absent = 0
        for attempt in range(self.attempts):
            await asyncio.sleep(self.delay * (1 + attempt // 2))
            if self._known(venue, cid):
                return True
            try:
                working = (await client.open_orders(cid)).by_client_id(cid)
                closed = None
                if working is None:
                    closed = (await client.closed_orders(cid)).by_client_id(cid)
            except (SpotRestError, SpotTransientError, CredentialError) as exc:
                log.warning("order %s: spot order lookup failed (%s)", short_id(cid), exc)
                return False
            if working is not None:
                self.account.upsert_order(working.to_order(ticket.symbol))
                self._settle(venue, cid, f"order {short_id(cid)}: placed")
                return True
            if closed is not None:
                self._settle(venue, cid, f"order {short_id(cid)}: {_closed_words(closed)}")
                return True
            absent += 1
            if self._known(venue, cid):
                return True
            if absent >= ABSENT_VERDICT:
                self._settle(
                    venue, cid, f"order {short_id(cid)}: not placed (neither open nor closed)"
                )
                return True
        return False

    def _spawn(self, work: Awaitable[None]) -> None:
        async def guarded() -> None:
            try:
                await work
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug here must not take the session down
                log.exception("reconciling an order failed")

        task = asyncio.get_running_loop().create_task(guarded(), name="trading:reconcile")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _done_words(filled: Decimal | int, qty: Decimal | None, ending: str) -> str:
    """``cancelled, nothing traded`` or ``partly filled (f of q), rest cancelled``."""
    if not filled:
        return f"{ending}, nothing traded"
    of = f" of {format(qty, 'f')}" if qty is not None else ""
    return f"partly filled ({format(Decimal(filled), 'f')}{of}), rest {ending}"


def _closed_words(order: SpotRestOrder) -> str:
    """What a spot ``ClosedOrders`` entry says happened, in plain words."""
    if order.fully_filled:
        return "filled"
    ending = "expired" if order.status == "expired" else "cancelled"
    words = _done_words(order.filled, order.qty, ending)
    return words + (f" ({order.reason})" if order.reason else "")
