"""Shared fixtures: the embedded exchange on an ephemeral loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from kraken_tui.sim import ExchangeServer


@pytest_asyncio.fixture
async def exchange() -> AsyncIterator[ExchangeServer]:
    """A running ExchangeServer(seed=1, scenario="calm"); stopped after the test."""
    server = ExchangeServer(seed=1, scenario="calm")
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
