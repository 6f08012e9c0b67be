"""Starts the dashboard for the command line: endpoints, embedded exchange, session, app."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from kraken_tui.endpoints import LIVE, Endpoints, from_exchange_url
from kraken_tui.feeds.session import Selection
from kraken_tui.launch import EmbeddedExchange
from kraken_tui.model import Venue

ENV_LABELS = {"sim": "SIM", "live": "LIVE"}


def run_dashboard(
    *,
    env: str,
    exchange_url: str | None,
    symbol: str,
    venue: str,
    depth: int,
    theme: str | None,
    seed: int,
    scenario: str,
) -> int:
    """Run the dashboard until the user quits; returns the process exit status."""
    exchange: EmbeddedExchange | None = None
    endpoints: Endpoints
    try:
        if exchange_url:
            endpoints = from_exchange_url(exchange_url)
        elif env == "live":
            endpoints = LIVE
        else:
            exchange = EmbeddedExchange(seed=seed, scenario=scenario)
            endpoints = exchange.start()
    except (ValueError, RuntimeError) as exc:
        print(f"kraken-tui: {exc}", file=sys.stderr)
        return 2

    from kraken_tui.feeds.market_session import LiveMarketSession
    from kraken_tui.ui.app import KrakenApp

    initial = Selection(Venue(venue), symbol.upper() if venue == "futures" else symbol, depth)
    session = LiveMarketSession(endpoints, initial=initial)
    # A running `kraken-tui sim` is the embedded exchange, whatever --env says.
    label = "SIM" if exchange_url else ENV_LABELS[env]
    try:
        KrakenApp(session, env_label=label, theme=theme).run()
    finally:
        if exchange is not None:
            exchange.stop()
    return 0


def run_screenshots(out: str) -> int:
    """Render every theme of the dashboard from a fixed, seeded market into ``out``."""
    from kraken_tui.feeds.static import StaticSession
    from kraken_tui.ui.screenshots import export_screenshots

    paths = asyncio.run(export_screenshots(Path(out), StaticSession))
    for path in paths:
        print(path)
    return 0
