"""Pure order-book engine: no asyncio, no pydantic, no textual, no clock.

Prices and quantities are ints scaled by the instrument's precisions
(see :mod:`kraken_tui.model.scaled`).
"""

from kraken_tui.book.checksum import level_text, spot_checksum
from kraken_tui.book.core import ApplyResult, BookHealth, L2Book
from kraken_tui.book.futures import FuturesBook
from kraken_tui.book.spot import SpotBook
from kraken_tui.book.view import BookView, LevelRow, build_view

__all__ = [
    "ApplyResult",
    "BookHealth",
    "BookView",
    "FuturesBook",
    "L2Book",
    "LevelRow",
    "SpotBook",
    "build_view",
    "level_text",
    "spot_checksum",
]
