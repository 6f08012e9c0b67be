"""The embedded Kraken-compatible exchange (public market data for now).

Imports model, book and venues only (never feeds or ui).
"""

from kraken_tui.sim.scenarios import SCENARIOS, Scenario
from kraken_tui.sim.server import ExchangeServer

__all__ = ["SCENARIOS", "ExchangeServer", "Scenario"]
