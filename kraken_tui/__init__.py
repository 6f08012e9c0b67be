"""kraken-tui: a keyboard-driven terminal dashboard for the Kraken exchange.

Importing this package is cheap on purpose: it pulls in nothing heavy (no textual,
no websockets), so `kraken-tui --help` and the pure layers start fast.
"""

__version__ = "0.1.0"
