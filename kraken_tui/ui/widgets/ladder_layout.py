"""Pure layout of the price ladder: rows, columns, spread row, title; no Textual.

The ladder is one list of items, top to bottom: asks from worst to best, the
spread row, then bids from best to worst. A viewport is a window of that list
whose first item is ``top`` (negative ``top`` leaves blank lines above, so the
spread can stay centred even when one side is short). Our own resting orders are
marked at the right of their level (``◀ size`` for sells, ``▶ size`` for buys).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

from kraken_tui.book import BookHealth, BookView, LevelRow
from kraken_tui.ui.widgets.formatting import (
    bar_text,
    bps_text,
    mid_text,
    needed_decimals,
    price_text,
    qty_text,
)
from kraken_tui.ui.widgets.ladder_marks import OwnOrder, PriceTag, level_marks, with_marked_levels
from kraken_tui.ui.widgets.pane import Cell, Line, crop_line, line_width

GROUPS = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000)
"""Price grouping steps, in ticks, from finest to coarsest."""

HEALTH_GLYPH = {
    BookHealth.SYNCED: "✓",
    BookHealth.RESYNCING: "↻",
    BookHealth.STALE: "⏸",
    BookHealth.CROSSED: "✕",
    BookHealth.DEGRADED: "!",
}
MIN_BAR = 6
"""Narrowest depth bar worth drawing; sizes lose decimals before the bar goes."""
WAITING = "waiting for snapshot…"


@dataclass(frozen=True, slots=True)
class Item:
    """One ladder line: a level on a side, or the spread row (``row`` is None)."""

    side: str
    """``"ask"``, ``"bid"`` or ``"spread"``."""
    row: LevelRow | None


SPREAD = Item("spread", None)


def ladder_items(
    view: BookView, own: Sequence[OwnOrder] = (), tags: Sequence[PriceTag] = ()
) -> tuple[list[Item], int]:
    """All items top to bottom and the index of the spread row, with an empty row at
    each marked price that has no level (see :mod:`ladder_marks`)."""
    asks, bids = with_marked_levels(view, own, tags)
    items = [Item("ask", row) for row in reversed(asks)]
    spread_index = len(items)
    items.append(SPREAD)
    items.extend(Item("bid", row) for row in bids)
    return items, spread_index


def locate(items: Sequence[Item], price: int) -> int | None:
    """Index of the level at ``price``, else of the level nearest to it; None if no levels."""
    best: int | None = None
    best_distance = 0
    for index, item in enumerate(items):
        if item.row is None:
            continue
        distance = abs(item.row.price - price)
        if best is None or distance < best_distance:
            best, best_distance = index, distance
            if distance == 0:
                break
    return best


def step(items: Sequence[Item], start: int, delta: int) -> int:
    """Move ``delta`` items from ``start``, never stopping on the spread row or off the list."""
    if not any(item.row is not None for item in items):
        return start
    target = max(0, min(len(items) - 1, start + delta))
    if items[target].row is None:
        direction = 1 if delta > 0 else -1
        if 0 <= target + direction < len(items):
            target += direction
        else:
            target -= direction
    return target


@dataclass(frozen=True, slots=True)
class Columns:
    """Widths of the ladder's columns for one frame."""

    price: int
    size: int
    cum: int
    bar: int
    decimals: int
    """Decimals shown for sizes and cumulative sizes."""


LevelTexts = tuple[str, str, str]
"""Price, size and cumulative size of one level, formatted for a frame."""


def fit_columns(
    rows: Sequence[LevelRow],
    price_precision: int,
    qty_precision: int,
    width: int,
    decimals: int,
    reserve: int = 0,
) -> tuple[Columns, list[LevelTexts]]:
    """Column widths and texts for ``rows`` so that everything lines up within ``width``
    (less ``reserve`` cells kept free at the right for order marks)."""
    prices = [price_text(r.price, price_precision) for r in rows]
    price_w = max([len("price"), *map(len, prices)])
    chosen, sizes, cums, size_w, cum_w, bar = decimals, [], [], 0, 0, 0
    for cap in dict.fromkeys((decimals, 4, 2)):
        chosen = min(decimals, cap)
        sizes = [qty_text(r.qty, qty_precision, chosen) for r in rows]
        cums = [qty_text(r.cum_qty, qty_precision, chosen) for r in rows]
        size_w = max([len("size"), *map(len, sizes)])
        cum_w = max([len("cum"), *map(len, cums)])
        # One blank cell on the right so a full bar never touches the next pane.
        bar = width - (1 + price_w + 2 + size_w + 2 + cum_w + 1) - 1 - reserve
        if bar >= MIN_BAR:
            break
    columns = Columns(price_w, size_w, cum_w, max(0, bar), chosen)
    return columns, list(zip(prices, sizes, cums, strict=True))


def qty_decimals(rows: Sequence[LevelRow], qty_precision: int) -> int:
    """Fewest decimals that show every size in ``rows`` exactly."""
    return max((needed_decimals(r.qty, qty_precision) for r in rows), default=0)


def header_line(columns: Columns) -> Line:
    text = f" {'price':>{columns.price}}  {'size':>{columns.size}}  {'cum':>{columns.cum}} " + (
        "▏depth" if columns.bar >= len("▏depth") else ""
    )
    return [(text, "header")]


def level_line(
    side: str, row: LevelRow, texts: LevelTexts, columns: Columns, max_cum: int, live: bool
) -> Line:
    """One price level: price, size, cumulative size and the depth bar."""
    price, size, cum = texts
    bar = bar_text(row.cum_qty, max_cum, columns.bar)
    return [
        (" " + price.rjust(columns.price), side if live else f"{side}-muted"),
        ("  " + size.rjust(columns.size), "size" if live else "stale"),
        ("  " + cum.rjust(columns.cum), "cum" if live else "stale"),
        (" ", ""),
        (bar.ljust(columns.bar), f"bar-{side}" if live else "stale"),
    ]


def _rule(label: str, width: int, role: str) -> Line:
    """``label`` centred in a horizontal rule of ``width`` cells."""
    label = f" {label} "
    room = width - cell_len(label)
    if room < 2:
        return crop_line([(label.strip(), role)], width)
    left = room // 2
    return [("─" * left + label + "─" * (room - left), role)]


def spread_line(view: BookView, width: int, touch: BookView | None = None) -> Line:
    """The row between the sides: spread, its bps and the exact mid; health when not live.

    ``touch`` is an ungrouped view of the best levels: with grouping the bucket
    prices would overstate the spread, so the true one comes from there.
    """
    pp = view.price_precision
    top = touch or view
    spread, mid_x2 = top.spread, top.mid_x2
    if spread is None or mid_x2 is None:
        parts = ["no asks" if not view.asks else "no bids"]
    else:
        parts = [
            f"spread {price_text(spread, pp)}",
            f"{bps_text(spread, mid_x2)} bps",
            f"mid {mid_text(mid_x2, pp)}",
        ]
    live = view.health is BookHealth.SYNCED
    if not live:
        parts.insert(0, view.health.value)
    while len(parts) > 1 and cell_len(" · ".join(parts)) + 4 > width:
        parts.pop()
    return _rule(" · ".join(parts), width, "spread" if live else "badge-bad")


def health_badge(health: BookHealth) -> Cell:
    if health is BookHealth.SYNCED:
        return (f"{health.value} {HEALTH_GLYPH[health]}", "badge-ok")
    return (f" {health.value} {HEALTH_GLYPH.get(health, '!')} ", "badge-bad")


def title_line(
    symbol: str,
    depth: int,
    group: int,
    group_price: str,
    health: BookHealth,
    crc: int | None,
    width: int,
) -> Line:
    """``LADDER BTC/USD  depth 25 · group 1 · SYNCED ✓  crc 123``, dropping extras to fit."""
    grouping = f"group {group}" + (f" ({group_price})" if group > 1 else "")
    facts = f"depth {depth} · {grouping} · "
    badge = health_badge(health)
    crc_cell: Line = [(f"  crc {crc}", "header")] if crc is not None else []
    variants: list[Line] = [
        [("LADDER", "title"), (f" {symbol}  {facts}", "header"), badge, *crc_cell],
        [("LADDER", "title"), (f" {symbol}  {facts}", "header"), badge],
        [("LADDER", "title"), (f"  {facts}", "header"), badge],
        [("LADDER ", "title"), badge, (f" {grouping}", "header")],
    ]
    for variant in variants:
        if line_width(variant) <= width:
            return variant
    return crop_line(variants[-1], width)


def message_body(height: int, width: int, message: str, role: str) -> list[Line]:
    """Blank lines with ``message`` centred in the middle one."""
    lines: list[Line] = [[] for _ in range(height)]
    if height:
        pad = max(0, (width - cell_len(message)) // 2)
        lines[height // 2] = crop_line([(" " * pad + message, role)], width)
    return lines


@dataclass(frozen=True, slots=True)
class Frame:
    """What the ladder draws: title, column header and body lines."""

    title: Line
    header: Line
    body: list[Line]
    cursor_line: int | None
    """Body line of the cursor, if it is in view."""
    decimals: int
    width: int = 0
    """Cells per line the frame was laid out for."""


def layout_body(
    view: BookView,
    items: Sequence[Item],
    top: int,
    height: int,
    width: int,
    decimals: int,
    cursor_index: int | None,
    touch: BookView | None = None,
    own: Sequence[OwnOrder] = (),
    tags: Sequence[PriceTag] = (),
) -> tuple[Line, list[Line], int | None, int]:
    """Header and body lines for the window ``items[top:top + height]``, with ``own``
    orders and the position's ``tags`` marked at the right of their levels."""
    window = [items[i] if 0 <= i < len(items) else None for i in range(top, top + height)]
    rows = [item.row for item in window if item is not None and item.row is not None]
    places = [(item.side, item.row.price if item.row else None) for item in items]
    every = level_marks(places, view, own, tags)
    marks = {i - top: mark for i, mark in every.items() if top <= i < top + height}
    # The bars give up the room the widest mark needs, so marks never cover a bar; sized
    # on every mark in the view, not just those on screen, so scrolling does not jolt it.
    reserve = 1 + max(line_width(mark) for mark in every.values()) if every else 0
    columns, texts = fit_columns(
        rows, view.price_precision, view.qty_precision, width, decimals, reserve
    )
    max_cum = max((row.cum_qty for row in rows), default=0)
    live = view.health is BookHealth.SYNCED
    body: list[Line] = []
    level_texts = iter(texts)
    for index, item in enumerate(window):
        if item is None:
            body.append([])
        elif item.row is None:
            body.append(spread_line(view, width, touch))
        else:
            line = level_line(item.side, item.row, next(level_texts), columns, max_cum, live)
            if index in marks:
                # The padding takes the first mark's style, as one cell with it.
                (first, role), *rest = marks[index]
                pad = " " * (reserve - line_width(marks[index]))
                line.append((pad + first, role if live else "stale"))
                line.extend((text, role if live else "stale") for text, role in rest)
            body.append(crop_line(line, width))
    cursor_line = None
    if cursor_index is not None and 0 <= cursor_index - top < height:
        cursor_line = cursor_index - top
    return crop_line(header_line(columns), width), body, cursor_line, columns.decimals
