"""Pure layout for the account panes, no Textual: columns that drop out when the pane is
narrow, prices at their instrument's precision, quantities aligned on the point, and
the words for a private feed that is not signed in."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from rich.cells import cell_len

from kraken_tui.feeds.account_store import AuthState, PrivateStatus
from kraken_tui.feeds.stores import MarketStore
from kraken_tui.model import Venue
from kraken_tui.ui.widgets.formatting import decimal_text, decimals_needed, plain_decimal_text
from kraken_tui.ui.widgets.pane import Cell, Line, crop_line

GAP = "  "
"""Between two columns."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an account table."""

    title: str
    right: bool = False
    """Right-aligned (numbers) rather than left-aligned (names)."""
    drop: int = 0
    """When the pane is too narrow the column with the highest ``drop`` goes first; 0 stays."""


@dataclass(frozen=True, slots=True)
class Record:
    """One row before layout: what it is (for the cursor and the filter) and its cells."""

    key: Hashable
    venue: Venue
    symbol: str
    cells: tuple[Cell, ...]


KeyedLine = tuple[Hashable, Line]


def _align(text: str, width: int, right: bool) -> str:
    pad = " " * max(0, width - cell_len(text))
    return pad + text if right else text + pad


def layout_table(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int
) -> tuple[Line, list[Line], int]:
    """Header line, one line per row, and how many columns were dropped to fit ``width``."""
    widths = [
        max([cell_len(column.title), *(cell_len(row[i][0]) for row in rows)])
        for i, column in enumerate(columns)
    ]
    keep = list(range(len(columns)))

    def total() -> int:
        return 1 + sum(widths[i] for i in keep) + len(GAP) * (len(keep) - 1)

    while total() > width:
        droppable = [i for i in keep if columns[i].drop > 0]
        if not droppable:
            break
        keep.remove(max(droppable, key=lambda i: (columns[i].drop, i)))
    titles = GAP.join(_align(columns[i].title, widths[i], columns[i].right) for i in keep)
    header = crop_line([(" " + titles, "header")], width)
    lines: list[Line] = []
    for row in rows:
        line: Line = [(" ", "")]
        for n, i in enumerate(keep):
            if n:
                line.append((GAP, ""))
            text, role = row[i]
            line.append((_align(text, widths[i], columns[i].right), role))
        lines.append(crop_line(line, width))
    return header, lines, len(columns) - len(keep)


# ------------------------------------------------------------------ numbers
def price_of(store: MarketStore, venue: Venue, symbol: str, value: Decimal | None) -> Cell:
    """A price at its instrument's precision when the instrument is known, else as sent."""
    if value is None:
        return ("—", "muted")
    instrument = store.instruments.get((venue, symbol))
    if instrument is None:
        return (plain_decimal_text(value), "value")
    return (decimal_text(value, instrument.price_precision), "value")


def qty_cap(store: MarketStore, venue: Venue, symbol: str) -> int:
    """Most decimals a quantity of this market can have (8 when the market is unknown)."""
    instrument = store.instruments.get((venue, symbol))
    return 8 if instrument is None else instrument.qty_precision


def aligned_qty_texts(values: Sequence[tuple[Decimal, int]]) -> list[str]:
    """Quantities (value, decimals cap) with one shared number of decimals, so a right-
    aligned column lines up on the point; each value stays exact."""
    decimals = max((decimals_needed(value, cap) for value, cap in values), default=0)
    return [decimal_text(value, decimals) for value, _ in values]


# ------------------------------------------------------------------ private state
def private_problem(venue: Venue, status: PrivateStatus) -> Cell | None:
    """Why a venue's private data is missing, as a line a user can act on; None when OK."""
    name = venue.value
    message = status.message.strip()
    if status.state is AuthState.OK:
        return None
    if status.state is AuthState.PENDING:
        return (f"{name}: {message or 'authenticating…'}", "pending")
    if status.state is AuthState.FAILED:
        if message.lower().startswith("auth failed"):
            return (f"{name}: {message}", "bad")
        return (f"{name}: auth failed" + (f": {message}" if message else ""), "bad")
    if not message:
        return (f"{name}: private feed off (no keys)", "muted")
    return (message if name in message else f"{name}: {message}", "muted")


PROBLEM_WORD = {
    AuthState.PENDING: ("authenticating…", "$warning"),
    AuthState.FAILED: ("auth failed", "$error"),
}
"""A venue's state as the border subtitle notes it while rows of the other venue show."""
