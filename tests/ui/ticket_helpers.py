"""Shared setup for the order-entry UI tests: an offline app with a FakeOrderGateway,
a price made fresh by a frozen clock, recorded toasts, and a polling wait."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from kraken_tui.feeds.static import FakeOrderGateway, StaticSession
from kraken_tui.ui.app import KrakenApp
from kraken_tui.ui.screens.ticket import TicketScreen

FRESH_AT = 1000.0
SIZE = (140, 45)


def make_app(gateway: FakeOrderGateway | None) -> tuple[KrakenApp, list[tuple[str, str]]]:
    """An offline app whose price is fresh by a frozen clock; toasts are recorded."""
    session = StaticSession()
    session.trading = gateway
    for name in ("spot", "futures"):
        session.store.feed(name).last_message_at = FRESH_AT
    app = KrakenApp(session, start_feeds=False)
    app.dashboard.order_keys.monotonic = lambda: FRESH_AT + 1
    toasts: list[tuple[str, str]] = []
    notify = app.notify

    def record(message: str, **kwargs: Any) -> None:
        toasts.append((message, kwargs.get("severity", "information")))
        notify(message, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    return app, toasts


async def until(pilot: Pilot[Any], condition: Callable[[], bool]) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("condition never held")


def price_input(app: KrakenApp) -> Input:
    return app.screen.query_one("#ticket-price", Input)


def size_input(app: KrakenApp) -> Input:
    return app.screen.query_one("#ticket-size", Input)


async def open_ticket(pilot: Pilot[Any], app: KrakenApp, key: str, *moves: str) -> TicketScreen:
    await pilot.pause()
    await pilot.press(*moves, key)
    await until(pilot, lambda: isinstance(app.screen, TicketScreen))
    assert isinstance(app.screen, TicketScreen)
    return app.screen
