"""The embedded Kraken-compatible exchange (public market data for now).

Imports model, book and venues only (never feeds or ui). ``ExchangeServer`` is
loaded on first use, so that importing the package (as ``kraken-tui --help``
does for the ``sim`` options) does not pay for aiohttp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kraken_tui.sim.scenarios import SCENARIOS, Scenario

if TYPE_CHECKING:
    from kraken_tui.sim.server import ExchangeServer

__all__ = ["SCENARIOS", "ExchangeServer", "Scenario"]


def __getattr__(name: str) -> Any:
    if name == "ExchangeServer":
        from kraken_tui.sim.server import ExchangeServer

        return ExchangeServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
