"""Fat-finger checks for an order ticket: size, notional and a price band (pure).

A *soft* breach asks the user again; a *hard* breach blocks the ticket. Limits are
per instrument (resolved from the settings file, see ``kraken_tui.config``); the
reference price is the mark (futures) or last/mid (spot) and must be fresh: no fresh
price, no ticket. Each reason names where its limit came from when that is known, so
the review can say "limit from config.toml [limits.PF_XBTUSD]".
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from kraken_tui.feeds.order_gateway import Ticket, TicketKind
from kraken_tui.model import Venue
from kraken_tui.model.account import OrderSide


class Level(enum.IntEnum):
    OK = 0
    SOFT = 1
    HARD = 2


@dataclass(frozen=True, slots=True)
class Limits:
    soft_notional: Decimal = Decimal(25_000)
    hard_notional: Decimal = Decimal(250_000)
    soft_size: Decimal | None = None
    """Order size in the instrument's units (base qty on spot, contracts on futures).
    None: no size limit (sizes mean too different things across instruments for one default)."""
    hard_size: Decimal | None = None
    soft_band: Decimal = Decimal("0.02")
    """Limit price further than this fraction from the reference, on the losing side."""
    hard_band: Decimal = Decimal("0.10")
    max_price_age: float = 10.0
    """Seconds; an older reference price is not fresh."""
    origins: Mapping[str, str] = field(default_factory=dict)
    """Field name -> where its value came from (e.g. ``config.toml [limits.spot]``);
    a field missing here is the built-in default."""

    def source(self, name: str) -> str:
        """`` (limit from …)`` for a configured field, empty for a built-in default."""
        origin = self.origins.get(name)
        return f" (limit from {origin})" if origin else ""


LimitsFor = Callable[[Venue, str], Limits]
"""One instrument's limits, by venue and symbol (``Settings.limits_for``)."""


def built_in_limits(venue: Venue, symbol: str) -> Limits:
    """The defaults for every instrument, when there is no settings file."""
    return Limits()


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
    if limits.hard_size is not None and ticket.qty > limits.hard_size:
        reasons.append(
            (
                Level.HARD,
                f"size {ticket.qty} is above the hard limit {limits.hard_size}"
                + limits.source("hard_size"),
            )
        )
    elif limits.soft_size is not None and ticket.qty > limits.soft_size:
        reasons.append(
            (
                Level.SOFT,
                f"size {ticket.qty} is above {limits.soft_size}" + limits.source("soft_size"),
            )
        )
    price = ticket.limit_price if ticket.kind is not TicketKind.MARKET else None
    notional = ticket.qty * (price or ticket.stop_price or reference)
    if notional > limits.hard_notional:
        reasons.append(
            (
                Level.HARD,
                f"notional {notional:,.2f} is above the hard limit {limits.hard_notional:,.0f}"
                + limits.source("hard_notional"),
            )
        )
    elif notional > limits.soft_notional:
        reasons.append(
            (
                Level.SOFT,
                f"notional {notional:,.2f} is above {limits.soft_notional:,.0f}"
                + limits.source("soft_notional"),
            )
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
                    f"price is {away:.1%} through the market"
                    f" (hard band {_percent(limits.hard_band)})" + limits.source("hard_band"),
                )
            )
        elif away > limits.soft_band:
            reasons.append(
                (
                    Level.SOFT,
                    f"price is {away:.1%} through the market" + limits.source("soft_band"),
                )
            )
    if not reasons:
        return Verdict(Level.OK)
    return Verdict(max(level for level, _ in reasons), tuple(text for _, text in reasons))


def _percent(fraction: Decimal) -> str:
    """``0.10`` -> ``10%``, ``0.015`` -> ``1.5%`` (no rounding a configured band away)."""
    return f"{(fraction * 100).normalize():f}%"
