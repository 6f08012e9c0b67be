"""The practice account behind the embedded exchange's private side.

One account holds both venues: a spot wallet with balances, open spot orders and
fills, and a futures multi-collateral (flex) account with positions, open orders
and fills. It is seeded so a fresh ``kraken-tui`` shows something real: positions
on the perpetuals, resting orders on both venues and the fills that built the
positions. Resting orders fill when the synthetic market trades through them.

Pure and synchronous (no asyncio, no clock: callers pass the time). The protocol
sessions (``sim/futures_private.py``, ``sim/spot_private.py``) read snapshots from
it and listen for :class:`AccountEvent` to send deltas.

Money rules (all exact Decimals, USD-quoted linear contracts): margin, liquidation
and bankruptcy prices are in :mod:`kraken_tui.sim.practice_margin`; futures fees
0.02 % maker / 0.05 % taker of notional, in USD, from collateral; spot fees 0.16 %
maker / 0.26 % taker of cost, in the quote currency; funding accrues per position
at the ticker's hourly rate (longs pay a positive rate) and is realised into
collateral whenever the position changes. When a mark move puts margin equity
below maintenance margin the account liquidates (:meth:`PracticeAccount.liquidate`).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal

from kraken_tui.model import Instrument, Venue
from kraken_tui.model.account import (
    Balance,
    Fill,
    Liquidity,
    MarginSummary,
    Order,
    OrderSide,
    Position,
)
from kraken_tui.sim.practice_events import AccountEvent, EventKind, Listener
from kraken_tui.sim.practice_fills import book_priority, position_after, spot_reserved
from kraken_tui.sim.practice_margin import (
    INITIAL_MARGIN_RATE,
    LEVERAGE_STEP,
    MAINTENANCE_MARGIN_RATE,
    MARGIN_CURRENCY,
    Holding,
    liquidation_fill_price,
    liquidation_price,
    margin_summary,
    next_to_liquidate,
    position_rows,
)
from kraken_tui.sim.practice_seed import (
    FUTURES_START_COLLATERAL,
    SPOT_START_BALANCES,
    FuturesLogEntry,
    build_seed,
    seed_log,
)

__all__ = [
    "INITIAL_MARGIN_RATE",
    "LEVERAGE_STEP",
    "MAINTENANCE_MARGIN_RATE",
    "MARGIN_CURRENCY",
    "AccountEvent",
    "EventKind",
    "Listener",
    "PracticeAccount",
]

FUTURES_MAKER_FEE = Decimal("0.0002")
FUTURES_TAKER_FEE = Decimal("0.0005")
SPOT_MAKER_FEE = Decimal("0.0016")
SPOT_TAKER_FEE = Decimal("0.0026")
TAKE_PROFIT_TYPES = frozenset({"take_profit", "take-profit", "take-profit-limit"})


class PracticeAccount:
    """Seeded practice account; see the module docstring."""

    def __init__(
        self,
        instruments: Mapping[str, Instrument],
        mids: Mapping[str, Decimal],
        now_ms: int,
        *,
        seed: int = 1,
    ) -> None:
        """``instruments``/``mids`` by symbol (spot ``BTC/USD``, futures ``PF_XBTUSD``).

        Seeded items whose symbol is missing from either mapping are left out.
        """
        self._instruments = dict(instruments)
        self._rng = random.Random(f"practice:{seed}")
        self._listeners: list[Listener] = []
        self._orders: dict[str, Order] = {}
        self._fills: dict[Venue, list[Fill]] = {Venue.SPOT: [], Venue.FUTURES: []}
        self._spot: dict[str, Decimal] = dict(SPOT_START_BALANCES)
        self.collateral = FUTURES_START_COLLATERAL
        self._holdings: dict[str, Holding] = {}
        self._marks: dict[str, Decimal] = {s: m for s, m in mids.items() if s in self._instruments}
        self._log: list[FuturesLogEntry] = []
        self._fill_orders: dict[str, tuple[Decimal, str]] = {}
        self.start_ms = now_ms
        self._clock_ms = now_ms  # the latest time told (a liquidating mark move uses it)
        self.triggered: set[str] = set()  # spot stops triggered, now working as limits
        self.stop_trigger: Callable[[Order, int], None] | None = None  # see on_trade
        self._seed(mids, now_ms)

    # ------------------------------------------------------------- seeding
    def new_id(self) -> str:
        """A deterministic UUID-like id (order, fill) from the account's seeded generator."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def _seed(self, mids: Mapping[str, Decimal], now_ms: int) -> None:
        taker = {Venue.FUTURES: FUTURES_TAKER_FEE, Venue.SPOT: SPOT_TAKER_FEE}
        seed = build_seed(self._instruments, mids, now_ms, self.new_id, taker)
        for fill in seed.fills:
            self._fills[fill.venue].append(fill)
        for entry in seed_log(seed.fills):
            self._holdings[entry.symbol] = Holding(entry.new_balance, entry.new_entry)
            self._log.append(entry)
        self._orders = {order.order_id: order for order in seed.orders}

    # ----------------------------------------------------------- listeners
    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unlisten(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _emit(self, event: AccountEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    # ----------------------------------------------------------- snapshots
    def open_orders(self, venue: Venue) -> list[Order]:
        """Oldest first."""
        return sorted(
            (o for o in self._orders.values() if o.venue is venue), key=lambda o: o.time_ms
        )

    def fills(self, venue: Venue) -> list[Fill]:
        """Oldest first."""
        return list(self._fills[venue])

    def futures_log(self) -> list[FuturesLogEntry]:
        """The futures account log, oldest first (one entry per futures fill)."""
        return list(self._log)

    def log_entry(self, fill_id: str) -> FuturesLogEntry | None:
        """The account-log entry a futures fill made."""
        for entry in reversed(self._log):
            if entry.fill_id == fill_id:
                return entry
        return None

    def fill_order(self, fill_id: str) -> tuple[Decimal, str]:
        """(the order's remaining quantity right after the fill, the order's type).

        Seeded fills came from market orders that filled completely: ``(0, "market")``.
        """
        return self._fill_orders.get(fill_id, (Decimal(0), "market"))

    def mark(self, symbol: str) -> Decimal | None:
        return self._marks.get(symbol)

    def _spot_reserved(self, asset: str) -> Decimal:
        return spot_reserved(self._orders.values(), self._instruments, asset)

    def _spot_balance(self, asset: str) -> Balance:
        total = self._spot.get(asset, Decimal(0))
        return Balance(Venue.SPOT, asset, total, total - self._spot_reserved(asset), "spot")

    def balances(self, venue: Venue) -> list[Balance]:
        """Spot: wallet ``spot``; futures: the flex account's currencies (wallet ``flex``)."""
        if venue is Venue.SPOT:
            return [self._spot_balance(asset) for asset in self._spot]
        available = self.margin().available_margin
        return [Balance(Venue.FUTURES, MARGIN_CURRENCY, self.collateral, available, "flex")]

    def liquidation_price(self, symbol: str) -> Decimal | None:
        """Cross-margin liquidation price of one position (unrounded); see the module doc."""
        return liquidation_price(symbol, self._holdings, self._marks, self.collateral)

    def positions(self) -> list[Position]:
        """With mark, unrealised PnL, liquidation price and leverage at the current marks."""
        equity = self.margin().equity
        return position_rows(
            self._holdings, self._marks, self.collateral, self._instruments, equity
        )

    def margin(self) -> MarginSummary:
        return margin_summary(self._holdings, self._marks, self.collateral, self._orders.values())

    # -------------------------------------------------------- market input
    def set_mark(self, symbol: str, mark: Decimal, now_ms: int | None = None) -> None:
        """New mark price of a futures product (uPnL, liquidation, margin follow).

        Emits nothing for the move itself (marks move every second and the futures
        private session re-sends positions on its own schedule), but when the move
        puts the account's margin equity below its maintenance margin the exchange
        liquidates (:meth:`liquidate`), which emits what a liquidation emits.
        """
        if symbol not in self._instruments:
            return
        self._marks[symbol] = mark
        when = self._clock_ms if now_ms is None else now_ms
        while True:
            target = next_to_liquidate(
                symbol, self._holdings, self._marks, self.collateral, self._orders.values()
            )
            if target is None:
                return
            self.liquidate(target, when)

    def accrue_funding(self, symbol: str, rate: Decimal) -> None:
        """Funding for a slice of time at ``rate`` of notional (longs pay a positive rate)."""
        holding = self._holdings.get(symbol)
        if holding is not None and holding.size:
            mark = self._marks.get(symbol, holding.entry)
            holding.funding -= (holding.size * mark * rate).quantize(Decimal("1e-8"))

    def on_trade(self, symbol: str, price: Decimal, qty: Decimal, now_ms: int) -> None:
        """A market trade printed: fill resting orders it crosses, emit events.

        Limit orders (and triggered spot stop-limits) fill at their own price (maker),
        best price first then oldest, sharing the trade's quantity. Stop orders the
        trade crosses trigger: with :attr:`stop_trigger` set (the order desk does it)
        they are handed to it to become limit or market orders against the book;
        without it they fill in full at the trade price (taker).
        """
        self._clock_ms = max(self._clock_ms, now_ms)
        resting = [o for o in self._orders.values() if o.symbol == symbol]
        limits = [o for o in resting if o.limit_price is not None and self._working_limit(o)]
        limits.sort(key=lambda o: (book_priority(o), o.time_ms))
        left = qty
        for order in limits:
            if left <= 0:
                break
            assert order.limit_price is not None
            crossed = (
                price <= order.limit_price
                if order.side is OrderSide.BUY
                else price >= order.limit_price
            )
            if crossed:
                left -= self.execute(order, order.limit_price, left, Liquidity.MAKER, now_ms)
        for order in resting:
            if self._working_limit(order) or order.order_id not in self._orders:
                continue
            assert order.stop_price is not None
            # A stop buys on a rise and sells on a fall; a take-profit the other way round.
            rising = (order.side is OrderSide.BUY) != (order.order_type in TAKE_PROFIT_TYPES)
            triggered = price >= order.stop_price if rising else price <= order.stop_price
            if not triggered:
                continue
            if self.stop_trigger is not None:
                self.stop_trigger(order, now_ms)
            else:
                self.execute(order, price, order.remaining, Liquidity.TAKER, now_ms)

    def _working_limit(self, order: Order) -> bool:
        """True for an order that works in the book (not a stop still waiting to trigger)."""
        return order.stop_price is None or order.order_id in self.triggered

    def mark_triggered(self, order: Order) -> None:
        """A spot stop order triggered: from now on it works as a limit order at its
        limit price (same id, same type, its trigger price kept for display)."""
        self.triggered.add(order.order_id)

    def reducible(self, order: Order) -> Decimal:
        """How much of ``order`` would reduce the futures position (0: it only adds)."""
        size = self.position_size(order.symbol)
        reduces = size > 0 if order.side is OrderSide.SELL else size < 0
        return abs(size) if reduces else Decimal(0)

    # --------------------------------------------- order entry (order desk)
    @property
    def instruments(self) -> Mapping[str, Instrument]:
        return self._instruments

    def order(self, order_id: str) -> Order | None:
        return self._orders.get(order_id)

    def add_order(
        self, order: Order, reason: str = "new_placed_order_by_user", *, announce: bool = True
    ) -> None:
        """A new working order: stored and (unless not ``announce``) announced as a
        placement (``order`` event); ``reason`` is the futures reason word
        (``limit_order_from_stop`` for the limit order a triggered futures stop becomes)."""
        self._orders[order.order_id] = order
        if announce:
            self._emit(AccountEvent("order", order.venue, order=order, reason=reason, status="new"))

    def update_order(self, order: Order) -> None:
        """A working order changed in place (amend: same id, new qty or prices)."""
        self._orders[order.order_id] = order
        status = "partially_filled" if order.filled > 0 else "new"
        self._emit(
            AccountEvent("order", order.venue, order=order, reason="edited_by_user", status=status)
        )

    def position_size(self, symbol: str) -> Decimal:
        """Signed futures position (0 when flat)."""
        holding = self._holdings.get(symbol)
        return holding.size if holding else Decimal(0)

    def available_margin(self) -> Decimal:
        return self.margin().available_margin

    def spot_available(self, asset: str) -> Decimal:
        """Spot balance of ``asset`` not reserved by working orders."""
        return self._spot.get(asset, Decimal(0)) - self._spot_reserved(asset)

    def execute(
        self, order: Order, price: Decimal, up_to: Decimal, liquidity: Liquidity, now_ms: int
    ) -> Decimal:
        """Fill ``order`` (its current state) for up to ``up_to`` at ``price``; returns the
        quantity filled. Emits fill, then order / order_closed, then balances etc."""
        qty = min(order.remaining, up_to)
        futures = order.venue is Venue.FUTURES
        if futures and order.reduce_only:
            qty = min(qty, self.reducible(order))
            if qty <= 0:
                self.close(order, "would_not_reduce_position", "canceled")
                return Decimal(0)
        if qty <= 0:
            return Decimal(0)
        if futures:
            rate = FUTURES_MAKER_FEE if liquidity is Liquidity.MAKER else FUTURES_TAKER_FEE
            fee_currency = MARGIN_CURRENCY
        else:
            rate = SPOT_MAKER_FEE if liquidity is Liquidity.MAKER else SPOT_TAKER_FEE
            fee_currency = self._instruments[order.symbol].quote
        fee = qty * price * rate
        fill = Fill(
            order.venue, self.new_id(), order.order_id, order.symbol, order.side, price, qty,
            now_ms, fee, fee_currency, liquidity, order.cl_ord_id,
        )  # fmt: skip
        self._fills[order.venue].append(fill)
        self._fill_orders[fill.fill_id] = (order.remaining - qty, order.order_type)
        if futures:
            self._apply_futures_fill(fill, now_ms)
        self._emit(AccountEvent("fill", order.venue, fill=fill))
        filled = replace(order, filled=order.filled + qty)
        # Without an order desk a crossed stop fills in one go here and is done.
        waiting_stop = order.stop_price is not None and order.order_id not in self.triggered
        if filled.remaining <= 0 or waiting_stop:
            reason = "stop_order_triggered" if waiting_stop else "full_fill"
            self.close(replace(filled, status="filled"), reason, "filled")
        else:
            status = "partiallyFilled" if futures else "partially_filled"
            filled = replace(filled, status=status)
            self._orders[order.order_id] = filled
            self._emit(
                AccountEvent(
                    "order", order.venue, order=filled, reason="partial_fill",
                    status="partially_filled",
                )
            )  # fmt: skip
        if futures:
            self._emit_futures_state(fill.fill_id)
        else:
            self._apply_spot_fill(fill)
        return qty

    def close(self, order: Order, reason: str, status: str) -> None:
        self._orders.pop(order.order_id, None)
        self.triggered.discard(order.order_id)
        self._emit(
            AccountEvent("order_closed", order.venue, order=order, reason=reason, status=status)
        )

    def liquidate(self, symbol: str, now_ms: int) -> Fill | None:
        """The exchange closes the whole ``symbol`` position (Kraken's equity protection).

        Its working orders on ``symbol`` are cancelled first (reason ``liquidation``),
        then one fill closes the position at the mark rounded to the tick: Kraken sends
        an IOC into the book, which the mark (the book's mid here) stands for. The price
        is never worse than the bankruptcy price, so the collateral does not go below
        what the other positions need (Kraken: the balance never goes negative). The
        fill has liquidity OTHER (``fill_type: liquidation`` on the wire), its own order
        id, no fee (Kraken's liquidation fee amounts are not in our sources), and the
        account log calls it ``futures liquidation``. Returns the fill (None if flat).
        """
        holding = self._holdings.get(symbol)
        if holding is None or not holding.size:
            return None
        self._clock_ms = max(self._clock_ms, now_ms)
        for order in list(self._orders.values()):
            if order.venue is Venue.FUTURES and order.symbol == symbol:
                self.close(replace(order, status="cancelled"), "liquidation", "canceled")
        tick = self._instruments[symbol].tick_size
        price = liquidation_fill_price(symbol, self._holdings, self._marks, self.collateral, tick)
        side = OrderSide.SELL if holding.size > 0 else OrderSide.BUY
        fill = Fill(
            Venue.FUTURES, self.new_id(), self.new_id(), symbol, side, price, abs(holding.size),
            now_ms, Decimal(0), MARGIN_CURRENCY, Liquidity.OTHER,
        )  # fmt: skip
        self._fills[Venue.FUTURES].append(fill)
        self._fill_orders[fill.fill_id] = (Decimal(0), "liquidation")
        self._apply_futures_fill(fill, now_ms, info="futures liquidation")
        self._emit(AccountEvent("fill", Venue.FUTURES, fill=fill))
        self._emit_futures_state(fill.fill_id)
        return fill

    def _apply_futures_fill(self, fill: Fill, now_ms: int, info: str = "futures trade") -> None:
        holding = self._holdings.setdefault(fill.symbol, Holding(Decimal(0), Decimal(0)))
        old_size, old_entry = holding.size, holding.entry
        delta = fill.qty if fill.side is OrderSide.BUY else -fill.qty
        new_size, new_entry, realized = position_after(old_size, old_entry, delta, fill.price)
        holding.size, holding.entry = new_size, new_entry
        fee = fill.fee or Decimal(0)
        # A position change realises the funding accrued so far, as at Kraken.
        self.collateral += realized - fee + holding.funding
        holding.funding = Decimal(0)
        if new_size == 0:
            del self._holdings[fill.symbol]
        self._log.append(
            FuturesLogEntry(
                len(self._log) + 1, now_ms, fill.symbol, info, old_size, new_size,
                old_entry, new_entry, fill.price, self._marks.get(fill.symbol, fill.price),
                realized, fee, fill.fill_id,
            )
        )  # fmt: skip

    def _emit_futures_state(self, fill_id: str) -> None:
        margin = self.margin()
        balance = Balance(
            Venue.FUTURES, MARGIN_CURRENCY, self.collateral, margin.available_margin, "flex"
        )
        entry = self.log_entry(fill_id)
        amount = entry.realized_pnl - entry.fee if entry else None
        self._emit(
            AccountEvent("balance", Venue.FUTURES, balance=balance, amount=amount, ref_id=fill_id)
        )
        self._emit(AccountEvent("positions", Venue.FUTURES))
        self._emit(AccountEvent("margin", Venue.FUTURES))

    def _apply_spot_fill(self, fill: Fill) -> None:
        inst = self._instruments[fill.symbol]
        cost = fill.qty * fill.price
        fee = fill.fee or Decimal(0)
        if fill.side is OrderSide.BUY:
            changes = ((inst.base, fill.qty), (inst.quote, -cost - fee))
        else:
            changes = ((inst.base, -fill.qty), (inst.quote, cost - fee))
        for asset, amount in changes:
            self._spot[asset] = self._spot.get(asset, Decimal(0)) + amount
            self._emit(
                AccountEvent(
                    "balance", Venue.SPOT, balance=self._spot_balance(asset), amount=amount,
                    ref_id=fill.fill_id,
                )
            )  # fmt: skip
