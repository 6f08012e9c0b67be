"""What the practice account starts with: balances, the fills that built its
positions, and resting orders on both venues.

Prices are set relative to each instrument's mid at start and rounded to its
tick: the long perpetual was bought 1.5 % below, the short sold 1 % above; the
resting orders sit a few percent away, except one spot order close to the
market so the calm scenario fills it within a minute or so. Timestamps are a
few minutes before start; ids come from the account's seeded generator.
Also the shape of one futures account-log line (:class:`FuturesLogEntry`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from kraken_tui.model import Instrument, Venue
from kraken_tui.model.account import Fill, Liquidity, Order, OrderSide

SPOT_START_BALANCES = {
    "USD": Decimal(25000),
    "BTC": Decimal("0.5"),
    "ETH": Decimal(4),
    "SOL": Decimal(30),
}
FUTURES_START_COLLATERAL = Decimal(10000)
MINUTE_MS = 60_000
BUY, SELL = OrderSide.BUY, OrderSide.SELL

# (symbol, side, qty, price / mid, minutes before start): market orders, taker.
FUTURES_FILLS = (
    ("PF_XBTUSD", BUY, "0.04", "0.985", 15),
    ("PF_ETHUSD", SELL, "1.5", "1.01", 10),
)
SPOT_FILLS = (
    ("BTC/USD", BUY, "0.1", "0.995", 12),
    ("ETH/USD", BUY, "1.5", "0.998", 8),
)
# (venue, symbol, side, type, qty, price / mid, minutes before start, reduce-only)
ORDERS = (
    (Venue.FUTURES, "PF_XBTUSD", BUY, "limit", "0.02", "0.97", 9, False),
    (Venue.FUTURES, "PF_XBTUSD", SELL, "stop", "0.04", "0.93", 9, True),
    (Venue.FUTURES, "PF_ETHUSD", BUY, "limit", "0.5", "0.98", 7, False),
    (Venue.SPOT, "BTC/USD", BUY, "limit", "0.05", "0.98", 6, False),
    (Venue.SPOT, "ETH/USD", SELL, "limit", "1.0", "1.03", 5, False),
    # 0.05 % above the mid: the calm market's SOL trades reach it in about a minute
    # (0.15 % below, as first planned, is not reached in 1000 steps at seed 1).
    (Venue.SPOT, "SOL/USD", SELL, "limit", "2", "1.0005", 2, False),
)


def round_to_tick(value: Decimal, tick: Decimal) -> Decimal:
    """``value`` rounded half-up to a multiple of ``tick``."""
    return (value / tick).quantize(Decimal(1), rounding=ROUND_HALF_UP) * tick


@dataclass(slots=True)
class Seed:
    fills: list[Fill] = field(default_factory=list)
    """Futures then spot, each oldest first."""
    orders: list[Order] = field(default_factory=list)


def build_seed(
    instruments: Mapping[str, Instrument],
    mids: Mapping[str, Decimal],
    now_ms: int,
    new_id: Callable[[], str],
    taker_fee: Mapping[Venue, Decimal],
) -> Seed:
    """The starting fills and orders; items whose symbol lacks an instrument or mid are left out."""

    def price(symbol: str, factor: str) -> Decimal | None:
        inst, mid = instruments.get(symbol), mids.get(symbol)
        return (
            None
            if inst is None or mid is None
            else round_to_tick(mid * Decimal(factor), inst.tick_size)
        )

    seed = Seed()
    for venue, table in ((Venue.FUTURES, FUTURES_FILLS), (Venue.SPOT, SPOT_FILLS)):
        for symbol, side, qty, factor, minutes in table:
            at = price(symbol, factor)
            if at is None:
                continue
            currency = "USD" if venue is Venue.FUTURES else instruments[symbol].quote
            fee = Decimal(qty) * at * taker_fee[venue]
            fill_id, order_id = new_id(), new_id()
            seed.fills.append(
                Fill(
                    venue, fill_id, order_id, symbol, side, at, Decimal(qty),
                    now_ms - minutes * MINUTE_MS, fee, currency, Liquidity.TAKER,
                )
            )  # fmt: skip
    for venue, symbol, side, order_type, qty, factor, minutes, reduce_only in ORDERS:
        at = price(symbol, factor)
        if at is None:
            continue
        stop = order_type == "stop"
        seed.orders.append(
            Order(
                venue, new_id(), symbol, side, order_type, Decimal(qty),
                limit_price=None if stop else at, stop_price=at if stop else None,
                time_ms=now_ms - minutes * MINUTE_MS, reduce_only=reduce_only,
                status="untouched" if venue is Venue.FUTURES else "new",
            )
        )  # fmt: skip
    return seed


@dataclass(frozen=True, slots=True)
class FuturesLogEntry:
    """One futures account-log line (what Kraken's ``account_log`` feed reports)."""

    log_id: int
    time_ms: int
    symbol: str
    info: str
    """``futures trade`` for fills."""
    old_balance: Decimal
    """Position size before (signed)."""
    new_balance: Decimal
    old_entry: Decimal
    new_entry: Decimal
    trade_price: Decimal
    mark_price: Decimal
    realized_pnl: Decimal
    fee: Decimal
    fill_id: str
    collateral: str = "USD"


def seed_log(fills: list[Fill]) -> list[FuturesLogEntry]:
    """The account-log lines of the seeded futures fills (each opened its position
    from flat, so ``new_balance``/``new_entry`` are the starting position)."""
    out: list[FuturesLogEntry] = []
    for fill in fills:
        if fill.venue is not Venue.FUTURES:
            continue
        size = fill.qty if fill.side is BUY else -fill.qty
        out.append(
            FuturesLogEntry(
                len(out) + 1, fill.time_ms, fill.symbol, "futures trade", Decimal(0), size,
                Decimal(0), fill.price, fill.price, fill.price, Decimal(0),
                fill.fee or Decimal(0), fill.fill_id,
            )
        )  # fmt: skip
    return out
