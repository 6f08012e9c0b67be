"""Order entry on the embedded exchange (issue 4).

One desk serves both venues' protocols (futures REST v3 ``sendorder`` & co., spot
WS v2 ``add_order`` & co.): it validates a request, places it in the practice
account, matches it against the synthetic market's book (walking levels for
marketable orders, price-time priority), applies post-only / IOC / reduce-only /
stop semantics, and amends or cancels working orders. Fills, order events,
position and balance changes reach the private feeds through the account's
:class:`~kraken_tui.sim.practice.AccountEvent` stream, exactly as resting-order
fills already do. Pure and synchronous: callers pass the time.

Matching rules:

- A marketable limit order (``limit``, ``ioc``) takes liquidity at once: it walks
  the opposite side best-first, one taker fill per level at that level's price,
  up to its limit. What is left of a ``limit`` rests and later fills as a maker
  when the market trades through it (``PracticeAccount.on_trade``); what is left
  of an ``ioc`` is cancelled (nothing takeable: rejected ``iocWouldNotExecute``).
- ``market`` walks the book; on futures never beyond 1 % of the best opposite
  price at entry (Kraken's ``mkt`` price protection), on spot without a bound.
  The unfilled rest is cancelled.
- ``post`` rests only if it would not take. Otherwise futures refuses it
  (``sendStatus`` ``postWouldExecute``, kraken-protocol §4.4) while spot accepts it
  and cancels it at once: Kraken's spot ``add_order`` docs define ``post_only`` as
  "Cancels the order if it will take liquidity on arrival"
  (docs.kraken.com/exchange/api-reference/spot-websocket-v2/add_order), so the ack
  is followed by ``executions`` ``canceled`` with reason ``Post only order``.
- ``stop`` / ``take_profit`` rest until a trade crosses the trigger
  (``PracticeAccount.on_trade`` hands the order to :meth:`OrderDesk.trigger`). With a
  limit price (futures ``stp`` + ``limitPrice``, spot ``stop-loss-limit`` /
  ``take-profit-limit``) the order then becomes a limit order at that price: it
  takes what the book offers up to the limit and the rest rests. Futures reports
  this as Kraken's open-orders reasons say: the stop is removed
  (``stop_order_triggered``) and a limit order with the same id placed
  (``limit_order_from_stop``); a spot order keeps working under its id and type.
  Without a limit price the triggered order is a market order (futures with the
  1 % ``mkt`` protection), its unfilled rest cancelled.
- Futures reduce-only: capped at the opposite position; rejected
  ``wouldNotReducePosition`` when there is nothing to reduce.
- Taker fills consume the book: once an order has walked the book, the desk calls
  its ``consume(symbol, is_bid, levels, now_ms)`` hook with the (price, qty) it took
  per level (``ExchangeServer.take_liquidity`` shrinks those master-book levels, so
  every subscriber sees ordinary book deltas, and prints the trades). Without a hook
  the book is only read. The account does not hear of these trades (they are its
  own fills), so a practice order never fills or triggers another practice order.
- Futures post-only refused: ``open_orders_verbose`` alone reports it, as a removal
  with reason ``post_order_failed_because_it_would_filled``.
- Every accepted order, market and IOC included, is first announced as placed
  (``order`` event) so the spot ``executions`` stream gets its ``pending_new`` /
  ``new`` before the trades, then fills follow, then the remainder's close.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

from kraken_tui.model import Instrument, Venue
from kraken_tui.model.account import Fill, Liquidity, Order, OrderSide
from kraken_tui.sim.practice import INITIAL_MARGIN_RATE, SPOT_TAKER_FEE, PracticeAccount

OrderKind = Literal["limit", "market", "post", "ioc", "stop", "take_profit"]
"""Venue-neutral order kinds (futures ``lmt``/``mkt``/``post``/``ioc``/``stp``/``take_profit``;
spot ``limit``/``market``/``stop-loss``/``take-profit`` with ``post_only`` / ``time_in_force``)."""

Outcome = Literal[
    "placed",
    "filled",
    "partially_filled",
    "cancelled",
    "rejected",
]

BookLevels = list[tuple[Decimal, Decimal]]
BookReader = Callable[[str], tuple[BookLevels, BookLevels]]
"""symbol -> (bids, asks), each best-first as (price, qty)."""
LiquidityTaken = Callable[[str, bool, BookLevels, int], None]
"""(symbol, is_bid, levels, now_ms): one taker order took ``levels`` (price, qty), best
first, resting on the bid (``is_bid``) or ask side of the book."""
POST_REST_REASON = "post_order_failed_because_it_would_filled"
"""Kraken's open-orders reason for a post-only order that would have taken."""

MARKET_PROTECTION = Decimal("0.01")
"""Futures ``mkt``: never fill beyond 1 % of the best opposite price at entry."""
LIMIT_KINDS = frozenset({"limit", "post", "ioc"})
TRIGGER_KINDS = frozenset({"stop", "take_profit"})
IMMEDIATE_KINDS = frozenset({"ioc", "market"})
IOC_REST_REASON = "ioc_order_failed_because_it_would_not_be_executed"


@dataclass(frozen=True, slots=True)
class OrderRequest:
    venue: Venue
    symbol: str
    side: OrderSide
    kind: OrderKind
    qty: Decimal
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    reduce_only: bool = False
    cl_ord_id: str = ""


@dataclass(frozen=True, slots=True)
class PlaceResult:
    outcome: Outcome
    """``placed``: working, nothing filled now; ``partially_filled``: working after some
    fills; ``filled``: done; ``cancelled``: the unfilled rest of an IOC/market order (or
    a cancelled order) is gone; ``rejected``: nothing happened."""
    order: Order | None
    """The order as it stands after matching (None when rejected before it existed)."""
    reason: str = ""
    """Why rejected/cancelled, as a Kraken futures ``sendStatus.status`` word
    (``postWouldExecute``, ``iocWouldNotExecute``, ``wouldNotReducePosition``,
    ``insufficientAvailableFunds``, ``invalidPrice``, ``invalidSize``,
    ``clientOrderIdAlreadyExist``, ``marketSuspended``...); protocols translate it.
    ``invalidArgument`` for an unknown symbol, ``orderForEditNotFound`` /
    ``notFound`` for amend / cancel of an order that is not working."""
    fills: list[Fill] = field(default_factory=list)


PlacementWatcher = Callable[["OrderRequest", "PlaceResult"], None]
"""Told of every :meth:`OrderDesk.place` call and its result."""


def _rejected(reason: str, order: Order | None = None) -> PlaceResult:
    return PlaceResult("rejected", order, reason)


def _order_type(venue: Venue, kind: str, has_limit: bool) -> str:
    """The venue's spelling of an order's type (futures ``open_orders``, spot ``executions``)."""
    if kind in LIMIT_KINDS:
        return "limit"
    if kind == "market":
        return "market"
    if venue is Venue.FUTURES:
        return kind
    name = "stop-loss" if kind == "stop" else "take-profit"
    return name + "-limit" if has_limit else name


def _within(side: OrderSide, price: Decimal, bound: Decimal | None) -> bool:
    if bound is None:
        return True
    return price <= bound if side is OrderSide.BUY else price >= bound


class OrderDesk:
    """See the module docstring. Methods raise nothing for bad requests: they return a
    rejected result with a reason."""

    def __init__(
        self, account: PracticeAccount, book: BookReader, consume: LiquidityTaken | None = None
    ) -> None:
        self.account = account
        self.book = book
        self.consume = consume
        account.stop_trigger = self.trigger
        self._post_only: set[str] = set()
        self._dead_man: dict[Venue, int] = {}
        self._placement_watchers: list[PlacementWatcher] = []

    # ------------------------------------------------------------ lookup
    def find(self, venue: Venue, *, order_id: str = "", cl_ord_id: str = "") -> Order | None:
        """A working order of ``venue`` by id (or, when no id, by client order id)."""
        for order in self.account.open_orders(venue):
            if order_id and order.order_id == order_id:
                return order
            if not order_id and cl_ord_id and order.cl_ord_id == cl_ord_id:
                return order
        return None

    def is_post_only(self, order_id: str) -> bool:
        """True for a working order placed as post-only (the account's type says ``limit``)."""
        return order_id in self._post_only

    def _opposite(self, order: Order) -> BookLevels:
        bids, asks = self.book(order.symbol)
        return asks if order.side is OrderSide.BUY else bids

    @staticmethod
    def _number_problem(inst: Instrument, qty: Decimal, prices: tuple[Decimal | None, ...]) -> str:
        step = Decimal(1).scaleb(-inst.qty_precision)
        if qty <= 0 or qty % step or qty < inst.qty_min:
            return "invalidSize"
        for price in prices:
            if price is not None and (price <= 0 or price % inst.tick_size):
                return "invalidPrice"
        return ""

    @staticmethod
    def _takeable(order: Order, opposite: BookLevels, bound: Decimal | None) -> Decimal:
        total = Decimal(0)
        for price, qty in opposite:
            if not _within(order.side, price, bound) or total >= order.remaining:
                break
            total += qty
        return min(total, order.remaining)

    def _funds_problem(
        self, order: Order, opposite: BookLevels, price: Decimal, extra_from: Order | None = None
    ) -> bool:
        """True when the account cannot carry ``order`` (or the change from ``extra_from``)."""
        account = self.account
        before = (
            extra_from.remaining * (extra_from.limit_price or extra_from.stop_price or price)
            if extra_from is not None
            else Decimal(0)
        )
        if order.venue is Venue.FUTURES:
            if order.reduce_only:
                return False
            needed = INITIAL_MARGIN_RATE * (order.remaining * price - before)
            return needed > 0 and needed > account.available_margin()
        inst = account.instruments[order.symbol]
        if order.side is OrderSide.SELL:
            held = extra_from.remaining if extra_from is not None else Decimal(0)
            return order.remaining - held > account.spot_available(inst.base)
        if order.limit_price is None and order.stop_price is None:
            cost, left = Decimal(0), order.remaining
            for level_price, qty in opposite:  # a market buy pays what walking the book costs
                take = min(left, qty)
                cost, left = cost + take * level_price, left - take
                if left <= 0:
                    break
        else:
            cost = order.remaining * price
        needed = cost * (1 + SPOT_TAKER_FEE) - before
        return needed > 0 and needed > account.spot_available(inst.quote)

    def _take(
        self, order_id: str, opposite: BookLevels, bound: Decimal | None, now_ms: int
    ) -> None:
        """Walk ``opposite`` best-first with the working order ``order_id`` (taker fills
        up to ``bound``), then tell :attr:`consume` what it took, in one go."""
        start = self.account.order(order_id)
        if start is None:
            return
        taken: BookLevels = []
        for price, qty in opposite:
            current = self.account.order(order_id)
            if current is None or current.remaining <= 0 or not _within(current.side, price, bound):
                break
            filled = self.account.execute(current, price, qty, Liquidity.TAKER, now_ms)
            if filled > 0:
                taken.append((price, filled))
        if taken and self.consume is not None:
            self.consume(start.symbol, start.side is OrderSide.SELL, taken, now_ms)

    def _outcome(self, order: Order, fills: list[Fill], cancel_rest: bool) -> PlaceResult:
        """Close an IOC/market remainder if asked; describe where ``order`` ended up."""
        futures = order.venue is Venue.FUTURES
        filled = sum((f.qty for f in fills), Decimal(0))
        current = self.account.order(order.order_id)
        if current is not None and cancel_rest:
            self.account.close(replace(current, status="cancelled"), IOC_REST_REASON, "canceled")
            current = None
        if current is not None:
            outcome: Outcome = "partially_filled" if fills else "placed"
            return PlaceResult(outcome, current, fills=fills)
        total = order.filled + filled
        if total >= order.qty:
            return PlaceResult("filled", replace(order, filled=total, status="filled"), fills=fills)
        status = "cancelled" if futures else "canceled"
        return PlaceResult("cancelled", replace(order, filled=total, status=status), fills=fills)

    def _new_fills(self, venue: Venue, since: int, order_id: str) -> list[Fill]:
        return [f for f in self.account.fills(venue)[since:] if f.order_id == order_id]

    # ------------------------------------------------------------ place
    def watch_placements(self, watcher: PlacementWatcher) -> None:
        """Call ``watcher`` with every placement request and its result, refusals
        included (the account sees only the orders that were accepted)."""
        self._placement_watchers.append(watcher)

    def place(self, request: OrderRequest, now_ms: int) -> PlaceResult:
        result = self._place(request, now_ms)
        for watcher in self._placement_watchers:
            watcher(request, result)
        return result

    def _place(self, request: OrderRequest, now_ms: int) -> PlaceResult:
        account = self.account
        inst = account.instruments.get(request.symbol)
        if inst is None or inst.venue is not request.venue:
            return _rejected("invalidArgument")
        kind = request.kind
        limit = request.limit_price if kind != "market" else None
        stop = request.stop_price if kind in TRIGGER_KINDS else None
        if (kind in LIMIT_KINDS and limit is None) or (kind in TRIGGER_KINDS and stop is None):
            return _rejected("invalidPrice")
        problem = self._number_problem(inst, request.qty, (limit, stop))
        if problem:
            return _rejected(problem)
        if request.cl_ord_id and self.find(request.venue, cl_ord_id=request.cl_ord_id):
            return _rejected("clientOrderIdAlreadyExist")
        futures = request.venue is Venue.FUTURES
        order = Order(
            request.venue, account.new_id(), request.symbol, request.side,
            _order_type(request.venue, kind, limit is not None), request.qty,
            limit_price=limit, stop_price=stop, time_ms=now_ms, cl_ord_id=request.cl_ord_id,
            reduce_only=request.reduce_only and futures,
            status="untouched" if futures else "new",
        )  # fmt: skip
        if order.reduce_only:
            reducible = account.reducible(order)
            if reducible <= 0:
                return _rejected("wouldNotReducePosition", order)
            order = replace(order, qty=min(order.qty, reducible))
        opposite = [] if kind in TRIGGER_KINDS else self._opposite(order)
        bound = self._market_bound(order, opposite) if kind == "market" else limit
        takeable = self._takeable(order, opposite, bound) if opposite else Decimal(0)
        if kind == "post" and takeable > 0:
            if futures:
                # Refused (sendStatus postWouldExecute); open_orders_verbose alone tells
                # of it, as a removal "rejected (for post-only)" (Kraken's is_cancel doc).
                account.close(replace(order, status="rejected"), POST_REST_REASON, "rejected")
                return _rejected("postWouldExecute", order)
            account.add_order(order)  # spot: accepted, then cancelled (module docstring)
            gone = replace(order, status="canceled")
            account.close(gone, POST_REST_REASON, "canceled")
            return PlaceResult("cancelled", gone, "postWouldExecute")
        if kind in IMMEDIATE_KINDS and takeable <= 0:
            return _rejected("iocWouldNotExecute", order)
        reference = limit or stop or (opposite[0][0] if opposite else Decimal(0))
        if self._funds_problem(order, opposite, reference):
            return _rejected("insufficientAvailableFunds", order)
        since = len(account.fills(order.venue))
        account.add_order(order)
        if kind == "post":
            self._post_only.add(order.order_id)
        if takeable > 0:
            self._take(order.order_id, opposite, bound, now_ms)
        fills = self._new_fills(order.venue, since, order.order_id)
        return self._outcome(order, fills, cancel_rest=kind in IMMEDIATE_KINDS)

    # ---------------------------------------------------------- trigger
    def _market_bound(self, order: Order, opposite: BookLevels) -> Decimal | None:
        if order.venue is not Venue.FUTURES or not opposite:
            return None
        factor = 1 + MARKET_PROTECTION if order.side is OrderSide.BUY else 1 - MARKET_PROTECTION
        return opposite[0][0] * factor

    def trigger(self, order: Order, now_ms: int) -> None:
        """A trade crossed ``order``'s trigger price: it becomes a limit order at its
        limit price, or a market order without one (see the module docstring)."""
        account = self.account
        limit = order.limit_price
        if order.venue is Venue.FUTURES:
            account.close(replace(order, status="triggered"), "stop_order_triggered", "canceled")
            working = replace(
                order,
                order_type="limit" if limit is not None else "market",
                stop_price=None,
                status="untouched",
            )
            account.add_order(working, "limit_order_from_stop", announce=limit is not None)
        else:
            account.mark_triggered(order)
            working = order
        opposite = self._opposite(working)
        bound = limit if limit is not None else self._market_bound(working, opposite)
        self._take(working.order_id, opposite, bound, now_ms)
        rest = account.order(working.order_id)
        if limit is None and rest is not None:
            status = "cancelled" if rest.venue is Venue.FUTURES else "canceled"
            account.close(replace(rest, status=status), IOC_REST_REASON, "canceled")

    # ------------------------------------------------------------ amend
    def amend(
        self,
        venue: Venue,
        *,
        order_id: str = "",
        cl_ord_id: str = "",
        qty: Decimal | None = None,
        limit_price: Decimal | None = None,
        stop_price: Decimal | None = None,
        now_ms: int,
    ) -> PlaceResult:
        """Change a working order in place (keeps its id; may fill if it now crosses).

        ``qty`` is the new total quantity (past fills included) and must exceed what
        has filled already.
        """
        account = self.account
        order = self.find(venue, order_id=order_id, cl_ord_id=cl_ord_id)
        if order is None:
            return _rejected("orderForEditNotFound")
        if stop_price is not None and order.stop_price is None:
            return _rejected("orderForEditNotAStop", order)
        if limit_price is not None and order.limit_price is None:
            return _rejected("invalidPrice", order)
        inst = account.instruments[order.symbol]
        new = replace(
            order,
            qty=order.qty if qty is None else qty,
            limit_price=order.limit_price if limit_price is None else limit_price,
            stop_price=order.stop_price if stop_price is None else stop_price,
        )
        if new.qty <= order.filled:
            return _rejected("invalidSize", order)
        problem = self._number_problem(inst, new.qty, (limit_price, stop_price))
        if problem:
            return _rejected(problem, order)
        if new.reduce_only:
            reducible = account.reducible(new)
            if reducible <= 0:
                return _rejected("wouldNotReducePosition", order)
            new = replace(new, qty=new.filled + min(new.remaining, reducible))
        # A triggered spot stop-limit keeps its trigger price but works as a limit order.
        working = new.stop_price is None or new.order_id in account.triggered
        crosses = working and new.limit_price is not None
        opposite = self._opposite(new) if crosses else []
        takeable = self._takeable(new, opposite, new.limit_price) if crosses else Decimal(0)
        if takeable > 0 and order.order_id in self._post_only:
            return _rejected("postWouldExecute", order)
        price = new.limit_price or new.stop_price or Decimal(0)
        if self._funds_problem(new, opposite, price, extra_from=order):
            return _rejected("insufficientAvailableFunds", order)
        since = len(account.fills(venue))
        account.update_order(new)
        if takeable > 0:
            self._take(new.order_id, opposite, new.limit_price, now_ms)
        fills = self._new_fills(venue, since, new.order_id)
        return self._outcome(new, fills, cancel_rest=False)

    # ----------------------------------------------------------- cancel
    def _cancel(self, order: Order, reason: str) -> Order:
        status = "cancelled" if order.venue is Venue.FUTURES else "canceled"
        closed = replace(order, status=status)
        self.account.close(closed, reason, "canceled")
        self._post_only.discard(order.order_id)
        return closed

    def cancel(self, venue: Venue, *, order_id: str = "", cl_ord_id: str = "") -> PlaceResult:
        order = self.find(venue, order_id=order_id, cl_ord_id=cl_ord_id)
        if order is None:
            return _rejected("notFound")
        return PlaceResult("cancelled", self._cancel(order, "cancelled_by_user"))

    def _cancel_all(self, venue: Venue, symbol: str | None, reason: str) -> list[Order]:
        return [
            self._cancel(order, reason)
            for order in self.account.open_orders(venue)
            if symbol is None or order.symbol == symbol
        ]

    def cancel_all(self, venue: Venue, symbol: str | None = None) -> list[Order]:
        """Cancel every working order of the venue (or of one symbol); returns them."""
        return self._cancel_all(venue, symbol, "cancelled_by_user")

    # --------------------------------------------------------- dead man
    def arm_dead_man(self, venue: Venue, timeout_s: int, now_ms: int) -> int | None:
        """(Re)arm the venue's cancel-all-after switch; 0 disarms. Returns the trigger
        time in ms, or None when disarmed."""
        if timeout_s <= 0:
            self._dead_man.pop(venue, None)
            return None
        trigger = now_ms + timeout_s * 1000
        self._dead_man[venue] = trigger
        return trigger

    def dead_man_trigger(self, venue: Venue) -> int | None:
        """When the venue's switch fires (epoch ms), or None when disarmed."""
        return self._dead_man.get(venue)

    def tick(self, now_ms: int) -> list[Order]:
        """Fire expired dead-man switches (cancel all on that venue); returns what was cancelled."""
        cancelled: list[Order] = []
        for venue, trigger in list(self._dead_man.items()):
            if now_ms >= trigger:
                del self._dead_man[venue]
                cancelled.extend(self._cancel_all(venue, None, "dead_man_switch"))
        return cancelled
