"""Fat-finger checks for an order ticket: size, notional and a price band (pure).

A *soft* breach asks the user again; a *hard* breach blocks the ticket. Limits are
per instrument with defaults per venue; the reference price is the mark (futures)
or last/mid (spot) and must be fresh: no fresh price, no ticket.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from kraken_tui.feeds.order_gateway import Ticket, TicketKind
from kraken_tui.model.account import OrderSide


class Level(enum.IntEnum):
    OK = 0
    SOFT = 1
    HARD = 2


@dataclass(frozen=True, slots=True)
class Limits:
    soft_notional: Decimal = Decimal(25_000)
    hard_notional: Decimal = Decimal(250_000)
    soft_band: Decimal = Decimal("0.02")
    """Limit price further than this fraction from the reference, on the losing side."""
    hard_band: Decimal = Decimal("0.10")
    max_price_age: float = 10.0
    """Seconds; an older reference price is not fresh."""


@dataclass(frozen=True, slots=True)
class Verdict:
    level: Level
    reasons: tuple[str, ...] = ()


def check(
    ticket: Ticket,
    reference: Decimal | None,
    price_age: float | None,
    limits: Limits | None = None,
) -> Verdict:
    """How risky ``ticket`` looks against ``reference`` (mark or last), and why."""
    limits = limits or Limits()
    if reference is None or reference <= 0 or price_age is None or price_age > limits.max_price_age:
        return Verdict(Level.HARD, ("no fresh price for this market: wait for the feed",))
    if ticket.qty <= 0:
        return Verdict(Level.HARD, ("size must be above zero",))
    reasons: list[tuple[Level, str]] = []
    price = ticket.limit_price if ticket.kind is not TicketKind.MARKET else None
    notional = ticket.qty * (price or ticket.stop_price or reference)
    if notional > limits.hard_notional:
        reasons.append(
            (
                Level.HARD,
                f"notional {notional:,.2f} is above the hard limit {limits.hard_notional:,.0f}",
            )
        )
    elif notional > limits.soft_notional:
        reasons.append(
            (Level.SOFT, f"notional {notional:,.2f} is above {limits.soft_notional:,.0f}")
        )
    if price is not None:
        # Only the side that gives money away matters: a buy far above, a sell far below.
        away = (price - reference) / reference
        if ticket.side is OrderSide.SELL:
            away = -away
        if away > limits.hard_band:
            reasons.append(
                (
                    Level.HARD,
                    f"price is {away:.1%} through the market (hard band {limits.hard_band:.0%})",
                )
            )
        elif away > limits.soft_band:
            reasons.append((Level.SOFT, f"price is {away:.1%} through the market"))
    if not reasons:
        return Verdict(Level.OK)
    return Verdict(max(level for level, _ in reasons), tuple(text for _, text in reasons))
