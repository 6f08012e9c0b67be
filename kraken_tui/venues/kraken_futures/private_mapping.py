"""Futures v1 private wire models -> the venue-neutral account types of ``model.account``.

Conventions decided here (kraken-protocol §3.6): ``direction`` 0 is a buy and 1 a
sell; a price of 0 means "none" (a limit order's ``stop_price``, a position's
``liquidation_threshold``); product ids are upper case as on the public feed.
Balances become one row per (wallet, asset): ``flex`` for the multi-collateral
currencies, ``holding`` for the holding wallet, and the lower-cased account name
(``f-xbt:usd``) for each single-collateral wallet.
"""

from __future__ import annotations

from decimal import Decimal

from kraken_tui.model import Venue
from kraken_tui.model.account import (
    Balance,
    Fill,
    Liquidity,
    MarginSummary,
    Order,
    OrderSide,
    Position,
)
from kraken_tui.venues.errors import FrameError
from kraken_tui.venues.kraken_futures.private import (
    FuturesBalances,
    FuturesFill,
    FuturesFlexWallet,
    FuturesOpenOrder,
    FuturesPosition,
)

FLEX_WALLET = "flex"
HOLDING_WALLET = "holding"
FLEX_CURRENCY = "USD"
"""The multi-collateral account is valued in USD."""

_LIQUIDITY = {
    "maker": Liquidity.MAKER,
    "taker": Liquidity.TAKER,
    # An edit that crossed the book at once took liquidity like any taker order.
    "takerafteredit": Liquidity.TAKER,
}


def side_of_direction(direction: int) -> OrderSide:
    """WS ``direction``: 0 buy, 1 sell; anything else is a broken order."""
    if direction == 0:
        return OrderSide.BUY
    if direction == 1:
        return OrderSide.SELL
    raise FrameError(f"unknown order direction {direction!r}")


def _positive(value: Decimal | None) -> Decimal | None:
    """None for an absent or zero price (Kraken writes 0.0 for "not set")."""
    return value if value else None


def order_from_wire(order: FuturesOpenOrder) -> Order:
    """An open order as :class:`Order`; ``status`` says whether it has begun to fill."""
    return Order(
        venue=Venue.FUTURES,
        order_id=order.order_id,
        symbol=order.instrument.upper(),
        side=side_of_direction(order.direction),
        order_type=order.type,
        qty=order.qty,
        filled=order.filled,
        limit_price=_positive(order.limit_price),
        stop_price=_positive(order.stop_price),
        time_ms=order.time or order.last_update_time or 0,
        cl_ord_id=order.cli_ord_id or "",
        reduce_only=order.reduce_only,
        status="partially_filled" if order.filled > 0 else "untouched",
    )


def fill_from_wire(fill: FuturesFill) -> Fill:
    """One fill as :class:`Fill`; ``fill_type`` maker/taker sets the liquidity, others OTHER."""
    return Fill(
        venue=Venue.FUTURES,
        fill_id=fill.fill_id,
        order_id=fill.order_id,
        symbol=fill.instrument.upper(),
        side=OrderSide.BUY if fill.buy else OrderSide.SELL,
        price=fill.price,
        qty=fill.qty,
        time_ms=fill.time,
        fee=fill.fee_paid,
        fee_currency=fill.fee_currency or "",
        liquidity=_LIQUIDITY.get(fill.fill_type.lower(), Liquidity.OTHER),
        cl_ord_id=fill.cli_ord_id or "",
    )


def fills_oldest_first(fills: list[FuturesFill]) -> list[Fill]:
    """Map a fills list in time order (the store wants oldest first; Kraken's order varies)."""
    ordered = sorted(fills, key=lambda f: (f.time, f.seq if f.seq is not None else 0))
    return [fill_from_wire(f) for f in ordered]


def position_from_wire(position: FuturesPosition) -> Position:
    """A position as :class:`Position`; a liquidation threshold of 0 becomes None."""
    return Position(
        symbol=position.instrument.upper(),
        size=position.balance,
        entry_price=position.entry_price,
        mark_price=position.mark_price,
        unrealized_pnl=position.pnl,
        pnl_currency=position.pnl_currency or "",
        liquidation_price=_positive(position.liquidation_threshold),
        effective_leverage=position.effective_leverage,
        unrealized_funding=position.unrealized_funding,
        initial_margin=position.initial_margin,
        maintenance_margin=position.maintenance_margin,
    )


def balances_from_wire(msg: FuturesBalances) -> list[Balance]:
    """One :class:`Balance` per asset of every wallet group the message carries.

    Holding wallets report only a quantity (``available`` stays None); flex
    currencies their ``quantity`` and ``available``; single-collateral wallets
    their ``balance`` and ``available`` in the settlement ``unit``.
    """
    rows: list[Balance] = []
    for asset, qty in (msg.holding or {}).items():
        rows.append(Balance(Venue.FUTURES, asset.upper(), qty, None, HOLDING_WALLET))
    flex = msg.flex_futures
    for asset, cur in ((flex.currencies if flex is not None else None) or {}).items():
        if cur.quantity is None:
            continue  # nothing to show without the quantity
        rows.append(Balance(Venue.FUTURES, asset.upper(), cur.quantity, cur.available, FLEX_WALLET))
    for name, wallet in (msg.futures or {}).items():
        if wallet.balance is None:
            continue
        asset = (wallet.unit or name).upper()
        rows.append(Balance(Venue.FUTURES, asset, wallet.balance, wallet.available, name.lower()))
    return rows


def margin_from_flex(flex: FuturesFlexWallet) -> MarginSummary | None:
    """The flex account summary, or None when the wallet lacks the figures to build one.

    ``equity`` is ``margin_equity`` (else ``portfolio_value``). Kraken's ``initial_margin``
    includes open orders, so :attr:`MarginSummary.initial_margin` (positions only) is
    ``initial_margin_without_orders`` when sent, and the with-orders figure is kept
    beside it. ``unrealized_pnl`` is ``pnl`` (funding excluded, as in Kraken's UI).
    """
    equity = flex.margin_equity if flex.margin_equity is not None else flex.portfolio_value
    with_orders = flex.initial_margin
    used = flex.initial_margin_without_orders
    if used is None:
        used = with_orders
    if equity is None or flex.available_margin is None or used is None:
        return None
    return MarginSummary(
        currency=FLEX_CURRENCY,
        equity=equity,
        available_margin=flex.available_margin,
        initial_margin=used,
        maintenance_margin=flex.maintenance_margin,
        unrealized_pnl=flex.pnl,
        balance_value=flex.balance_value,
        initial_margin_with_orders=with_orders,
    )


def merge_flex(previous: FuturesFlexWallet | None, update: FuturesFlexWallet) -> FuturesFlexWallet:
    """Apply a flex wallet update on top of what was known: fields it omits stay.

    Currencies merge per currency, so an update naming one currency keeps the others.
    """
    if previous is None:
        return update
    fields = previous.model_dump(exclude_none=True, by_alias=False)
    changes = update.model_dump(exclude_none=True, by_alias=False)
    currencies = {**(fields.get("currencies") or {}), **(changes.get("currencies") or {})}
    fields.update(changes)
    if currencies:
        fields["currencies"] = currencies
    return FuturesFlexWallet.model_validate(fields)
