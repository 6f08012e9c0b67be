"""Test-side name for the deterministic session (it lives in the package for screenshots)."""

from kraken_tui.feeds.static import (
    BASE_TIME_MS,
    INSTRUMENTS,
    MIDS,
    StaticSession,
    seeded_book,
    seeded_ticker,
    seeded_trades,
)

__all__ = [
    "BASE_TIME_MS",
    "INSTRUMENTS",
    "MIDS",
    "StaticSession",
    "seeded_book",
    "seeded_ticker",
    "seeded_trades",
]
