"""Fixtures for feed tests against the embedded exchange."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest_asyncio

from kraken_tui.feeds.backoff import Backoff
from kraken_tui.feeds.market_session import LiveMarketSession
from kraken_tui.feeds.session import Selection
from kraken_tui.model import Venue
from kraken_tui.sim import ExchangeServer


class CeilingRng:
    """'Jitter' that always takes the ceiling: retries are short but never instant."""

    def uniform(self, a: float, b: float) -> float:
        return b


def quick_backoff() -> Backoff:
    return Backoff(base=0.1, cap=0.2, rng=CeilingRng())


SessionFactory = Callable[..., LiveMarketSession]


@pytest_asyncio.fixture
async def live_session(
    exchange: ExchangeServer,
) -> AsyncIterator[SessionFactory]:
    """Build and run LiveMarketSessions on the exchange; all are cancelled after the test."""
    tasks: list[asyncio.Task[None]] = []

    def start(initial: Selection | None = None, **options: Any) -> LiveMarketSession:
        options.setdefault("spot_backoff", quick_backoff())
        options.setdefault("futures_backoff", quick_backoff())
        session = LiveMarketSession(
            exchange.urls,
            initial=initial or Selection(Venue.SPOT, "BTC/USD", 10),
            **options,
        )
        tasks.append(asyncio.create_task(session.run()))
        return session

    try:
        yield start
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
