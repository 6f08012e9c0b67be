"""Orders whose placement outcome is unknown: shown as UNKNOWN, then reconciled.

A timeout, HTTP 5xx or dropped socket leaves an order that may or may not exist.
It is never resent. :meth:`OrderReconciler.unknown` puts a placeholder order
(id ``?<cl_ord_id>``, status ``UNKNOWN``) in the account store so the panes show
it, then asks the exchange what became of it:

* futures: the private feed (an order or fill with the client id) and REST
  ``openorders``; found → the real order replaces the placeholder ("placed");
  a fill → "filled"; absent from three answers in a row → removed, "not placed";
* spot: the ``executions`` feed only (an order or fill with the client id),
  until a timeout, after which the placeholder says "check the exchange".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

from kraken_tui.feeds.account_store import AccountStore
from kraken_tui.feeds.order_gateway import Ticket
from kraken_tui.model import Venue
from kraken_tui.model.account import Order
from kraken_tui.venues.kraken_futures.trading import FuturesTradingClient, OpenOrders

log = logging.getLogger("kraken_tui.trading")

UNKNOWN = "UNKNOWN"
"""Status of a placeholder order whose placement outcome is not known yet."""
UNKNOWN_CHECK = "UNKNOWN: check the exchange"
PLACEHOLDER_PREFIX = "?"
ABSENT_VERDICT = 3
"""Futures: answers from ``openorders`` without the order (and no fill on the feed)
before it counts as not placed; a fill can reach the feed a moment after the answer."""


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
        delay: float = 0.5,
        attempts: int = 8,
        spot_timeout: float = 15.0,
        settled: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.account = account
        self.futures = futures
        self.delay = delay
        self.attempts = attempts
        self.spot_timeout = spot_timeout
        self._settled = settled
        self._clock = clock
        self._tasks: set[asyncio.Task[None]] = set()

    def unknown(self, ticket: Ticket, reason: str) -> str:
        """Show the ticket's order as UNKNOWN and start reconciling it; returns its id."""
        cid = ticket.cl_ord_id
        self.account.upsert_order(
            Order(
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
        )
        log.warning("order %s: outcome unknown (%s); reconciling", short_id(cid), reason)
        if ticket.venue is Venue.FUTURES and self.futures is not None:
            self._spawn(self._futures(ticket, self.futures))
        else:
            self._spawn(self._spot(ticket))
        return placeholder_id(cid)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

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
            if self._known(venue, cid):
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

    async def _spot(self, ticket: Ticket) -> None:
        deadline = self._clock() + self.spot_timeout
        while self._clock() < deadline:
            await asyncio.sleep(self.delay / 5)
            if self._known(ticket.venue, ticket.cl_ord_id):
                return
        self._leave_unknown(ticket)

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
