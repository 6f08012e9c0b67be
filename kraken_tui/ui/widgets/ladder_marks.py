"""What the ladder marks beside its levels: our resting orders and our position's prices.

Pure (no Textual). Orders are marked ``◀ 0.2`` (sells, on the ask side) and ``▶ 0.1``
(buys, on the bid side), summed per level; a futures position's entry, mark and
liquidation prices are tagged ``entry`` / ``mark`` / ``liq`` on the level that holds
them. A marked price with no level in the view gets an empty row (size 0) when it lies
inside the shown book: practice orders are not in the public book (in ``paper`` they
never are), and a position's prices rarely sit exactly on a resting level. Nothing is
marked through the spread or beyond the book's shown range.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kraken_tui.book import BookView, LevelRow
from kraken_tui.ui.widgets.formatting import trimmed_text
from kraken_tui.ui.widgets.pane import Line


@dataclass(frozen=True, slots=True)
class OwnOrder:
    """One of our resting limit orders on the ladder's market."""

    sell: bool
    price: Decimal
    remaining: Decimal


@dataclass(frozen=True, slots=True)
class PriceTag:
    """A price of our position on this market (``entry``, ``mark``, ``liq``)."""

    label: str
    price: Decimal
    role: str = "position"


def bucket(price: Decimal, ask_side: bool, price_precision: int, group_size: int) -> int:
    """The scaled level price that holds ``price`` on that side (asks round up, bids
    down, as ``build_view`` buckets them)."""
    size = max(1, group_size)
    units = price.scaleb(price_precision) / size
    return (math.ceil(units) if ask_side else math.floor(units)) * size


def tag_side(view: BookView, price: Decimal) -> bool | None:
    """True for the ask side, False for the bid side, None when ``price`` lies in the
    spread more than one bucket away from both sides (a grouped view's best buckets
    can sit a little apart from the touch, so a price within a bucket of one of them
    belongs to it: the nearer one)."""
    scaled = price.scaleb(view.price_precision)
    ask, bid = view.best_ask, view.best_bid
    if ask is not None and scaled >= ask:
        return True
    if bid is not None and scaled <= bid:
        return False
    size = max(1, view.group_size)
    to_ask = ask - scaled if ask is not None else None
    to_bid = scaled - bid if bid is not None else None
    if to_ask is not None and to_ask < size and (to_bid is None or to_ask <= to_bid):
        return True
    if to_bid is not None and to_bid < size:
        return False
    return None


def _anchors(
    view: BookView, own: Sequence[OwnOrder], tags: Sequence[PriceTag]
) -> list[tuple[bool, int]]:
    """(ask side, scaled bucket) of every order and tag that can be marked."""
    pp, group = view.price_precision, view.group_size
    anchors = [(order.sell, bucket(order.price, order.sell, pp, group)) for order in own]
    for tag in tags:
        side = tag_side(view, tag.price)
        if side is not None:
            anchors.append((side, bucket(tag.price, side, pp, group)))
    return anchors


def with_marked_levels(
    view: BookView, own: Sequence[OwnOrder] = (), tags: Sequence[PriceTag] = ()
) -> tuple[Sequence[LevelRow], Sequence[LevelRow]]:
    """The view's asks and bids plus an empty row at each marked price that lies inside
    the book's shown range and has no level (never through the other side)."""
    if not own and not tags:
        return view.asks, view.bids
    asks, bids = list(view.asks), list(view.bids)
    for ask_side, price in _anchors(view, own, tags):
        if ask_side:
            through = bool(bids) and price <= bids[0].price
            _insert_empty(asks, price, better=lambda a, b: a < b, allowed=not through)
        else:
            through = bool(asks) and price >= asks[0].price
            _insert_empty(bids, price, better=lambda a, b: a > b, allowed=not through)
    return asks, bids


def _insert_empty(
    side: list[LevelRow], price: int, *, better: Callable[[int, int], bool], allowed: bool
) -> None:
    """Insert a size-0 row at ``price`` into ``side`` (best first), if it is missing and
    no worse than the side's worst shown level."""
    if not allowed or not side or better(side[-1].price, price):
        return
    for index, row in enumerate(side):
        if row.price == price:
            return
        if better(price, row.price):
            above = side[index - 1] if index else None
            cum_qty = above.cum_qty if above else 0
            cum_notional = above.cum_notional if above else 0
            side.insert(index, LevelRow(price, 0, cum_qty, cum_notional))
            return


def level_marks(
    items: Sequence[tuple[str, int | None]],
    view: BookView,
    own: Sequence[OwnOrder] = (),
    tags: Sequence[PriceTag] = (),
) -> dict[int, Line]:
    """Mark cells per item index. ``items`` are (side, scaled price or None) top to
    bottom; orders and tags whose level is not among them are not marked."""
    if not own and not tags:
        return {}  # the common case; the lookup below walks every item
    lines = {(side, price): index for index, (side, price) in enumerate(items) if price}
    pp, group = view.price_precision, view.group_size
    totals: dict[int, list[Decimal]] = {}
    for order in own:
        side = "ask" if order.sell else "bid"
        line = lines.get((side, bucket(order.price, order.sell, pp, group)))
        if line is not None:
            pair = totals.setdefault(line, [Decimal(0), Decimal(0)])
            pair[0 if order.sell else 1] += order.remaining
    marks: dict[int, Line] = {}
    for line, (sold, bought) in totals.items():
        parts = []
        if sold:
            parts.append("◀ " + trimmed_text(sold, view.qty_precision))
        if bought:
            parts.append("▶ " + trimmed_text(bought, view.qty_precision))
        role = "own" if sold and bought else "own-ask" if sold else "own-bid"
        marks[line] = [(" ".join(parts), role)]
    for tag in tags:
        ask_side = tag_side(view, tag.price)
        if ask_side is None:
            continue
        side = "ask" if ask_side else "bid"
        line = lines.get((side, bucket(tag.price, ask_side, pp, group)))
        if line is not None:
            cells = marks.setdefault(line, [])
            cells.append(((" " if cells else "") + tag.label, tag.role))
    return marks
