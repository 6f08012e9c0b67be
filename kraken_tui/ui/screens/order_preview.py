"""What an order ticket would do, worked out before it is sent (pure, no Textual).

Size presets, price freshness, whether the order crosses the book, the average
price it would fill at by walking the current book, an estimated fee, and the
distance from the reference (mark for futures, last for spot).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from decimal import Decimal

from kraken_tui.book import BookHealth, L2Book
from kraken_tui.feeds.order_gateway import Ticket, TicketKind
from kraken_tui.feeds.stores import ConnState, MarketStore
from kraken_tui.model import Instrument, Venue
from kraken_tui.model.account import OrderSide
from kraken_tui.model.scaled import from_scaled

FEE_RATES: dict[Venue, tuple[Decimal, Decimal]] = {
    Venue.SPOT: (Decimal("0.0026"), Decimal("0.0016")),
    Venue.FUTURES: (Decimal("0.0005"), Decimal("0.0002")),
}
"""(taker, maker) base-tier rates; the review says "est." because accounts differ."""

PRESET_MULTIPLES = (1, 5, 10, 50)
PUBLIC_FEEDS = {Venue.SPOT: "spot", Venue.FUTURES: "futures"}


def size_presets(instrument: Instrument, reference: Decimal) -> list[Decimal]:
    """qty_min ×1/×5/×10/×50; without a qty_min, a power of ten worth about 100 quote."""
    unit = instrument.qty_min
    if unit <= 0:
        exponent = math.floor(math.log10(100 / reference)) if reference > 0 else 0
        unit = Decimal(1).scaleb(max(exponent, -instrument.qty_precision))
    return [unit * multiple for multiple in PRESET_MULTIPLES]


@dataclass(frozen=True, slots=True)
class PriceCheck:
    """The reference price for a market and how old it is, or why there is none."""

    reference: Decimal | None
    age: float | None
    problem: str = ""

    @property
    def fresh(self) -> bool:
        return not self.problem


def price_check(
    store: MarketStore, venue: Venue, symbol: str, max_age: float, now: float | None = None
) -> PriceCheck:
    """Mark (futures) or last (spot), falling back to the book's mid; fresh only when the
    book is SYNCED, the public feed is connected and its last frame is recent."""
    key = (venue, symbol)
    book = store.books.get(key)
    if book is None or not (book.asks(1) and book.bids(1)):
        return PriceCheck(None, None, f"no book for {symbol} yet")
    if book.health is not BookHealth.SYNCED:
        return PriceCheck(None, None, f"{symbol} book is {book.health.value}")
    feed = store.feeds.get(PUBLIC_FEEDS[venue])
    if feed is None or feed.state is not ConnState.CONNECTED:
        return PriceCheck(None, None, f"{PUBLIC_FEEDS[venue]} feed is not connected")
    age = feed.age(time.monotonic() if now is None else now)
    if age is None or age > max_age:
        return PriceCheck(None, age, f"{symbol} price is stale (no update for {max_age:.0f}s)")
    ticker = store.tickers.get(key)
    reference = None
    if ticker is not None:
        reference = ticker.mark if venue is Venue.FUTURES and ticker.mark else ticker.last
    if reference is None:
        (ask, _), (bid, _) = book.asks(1)[0], book.bids(1)[0]
        reference = from_scaled(ask + bid, book.price_precision) / 2
    return PriceCheck(reference, age)


def best_price(book: L2Book, side: OrderSide) -> Decimal | None:
    """What a buy pays first (best ask) or a sell gets first (best bid)."""
    levels = book.asks(1) if side is OrderSide.BUY else book.bids(1)
    return from_scaled(levels[0][0], book.price_precision) if levels else None


def crosses(ticket: Ticket, book: L2Book | None) -> bool:
    """Whether the ticket would take liquidity the moment it reaches the book."""
    if ticket.kind in (TicketKind.MARKET, TicketKind.STOP):
        return True
    if book is None or ticket.limit_price is None:
        return False
    touch = best_price(book, ticket.side)
    if touch is None:
        return False
    if ticket.side is OrderSide.BUY:
        return ticket.limit_price >= touch
    return ticket.limit_price <= touch


@dataclass(frozen=True, slots=True)
class Walk:
    """Walking the book for a marketable order: how much fills and at what average."""

    filled: Decimal
    average: Decimal | None


def walk_book(book: L2Book, side: OrderSide, qty: Decimal, limit: Decimal | None) -> Walk:
    """Fill ``qty`` level by level from the touch, stopping at ``limit`` (None: no limit)."""
    pp, qp = book.price_precision, book.qty_precision
    levels = book.asks() if side is OrderSide.BUY else book.bids()
    left, filled, cost = qty, Decimal(0), Decimal(0)
    for price_scaled, qty_scaled in levels:
        price = from_scaled(price_scaled, pp)
        if limit is not None and (price > limit if side is OrderSide.BUY else price < limit):
            break
        take = min(left, from_scaled(qty_scaled, qp))
        filled += take
        cost += take * price
        left -= take
        if left <= 0:
            break
    return Walk(filled, cost / filled if filled else None)


@dataclass(frozen=True, slots=True)
class Preview:
    """The review's numbers."""

    price: Decimal | None
    """The price the notional is computed at (limit, stop, or the walked average)."""
    notional: Decimal | None
    taker: bool
    fee_rate: Decimal
    fee: Decimal | None
    distance_pct: Decimal | None
    """Signed: (price - reference) / reference × 100."""
    walk: Walk | None


def preview(ticket: Ticket, book: L2Book | None, reference: Decimal | None) -> Preview:
    taker = crosses(ticket, book) and ticket.kind is not TicketKind.POST_ONLY
    walk = None
    if taker and book is not None and ticket.kind is not TicketKind.STOP:
        limit = ticket.limit_price if ticket.kind is not TicketKind.MARKET else None
        walk = walk_book(book, ticket.side, ticket.qty, limit)
    order_price = ticket.limit_price if ticket.kind is not TicketKind.MARKET else None
    if ticket.kind is TicketKind.STOP:
        order_price = ticket.stop_price
    price = order_price
    if walk is not None and walk.average is not None and walk.filled >= ticket.qty:
        price = walk.average
    price = price if price is not None else reference
    notional = None if price is None else ticket.qty * price
    rate = FEE_RATES[ticket.venue][0 if taker else 1]
    distance = None
    at = order_price if order_price is not None else price
    if at is not None and reference:
        distance = (at - reference) / reference * 100
    return Preview(
        price, notional, taker, rate, None if notional is None else notional * rate, distance, walk
    )
