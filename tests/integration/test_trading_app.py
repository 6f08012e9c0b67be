"""Practice trading with the keyboard alone: the real dashboard, the real gateway and the
embedded exchange, driven with Pilot (issue 4's fresh-machine walk-through)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from kraken_tui.book import BookHealth
from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.market_session import LiveMarketSession
from kraken_tui.model import Venue
from kraken_tui.model.account import Order, OrderSide
from kraken_tui.sim import ExchangeServer
from kraken_tui.ui.app import KrakenApp
from kraken_tui.ui.screens.confirm import ConfirmScreen
from kraken_tui.ui.screens.review import ReviewScreen
from kraken_tui.ui.screens.ticket import TicketScreen
from kraken_tui.ui.widgets import LadderPane, OrdersPane
from tests.helpers import wait_for

BOOK = (Venue.SPOT, "BTC/USD")


async def send_ticket(pilot: Pilot[Any], app: KrakenApp, key: str, size: str, price: str) -> str:
    """Open a ticket with ``key``, fill size and price, review, send; return its client id."""
    await pilot.press(key)
    await wait_for(lambda: isinstance(app.screen, TicketScreen))
    ticket = app.screen
    assert isinstance(ticket, TicketScreen)
    ticket.query_one("#ticket-size", Input).value = size
    ticket.query_one("#ticket-price", Input).value = price
    await pilot.press("enter")
    await wait_for(lambda: isinstance(app.screen, ReviewScreen))
    await pilot.press("enter")
    await wait_for(lambda: not isinstance(app.screen, ReviewScreen | TicketScreen), timeout=10)
    return ticket.cl_ord_id


def ours(session: LiveMarketSession, cl_ord_id: str) -> Order | None:
    return next(
        (o for o in session.store.account.orders.values() if o.cl_ord_id == cl_ord_id), None
    )


async def test_place_move_cancel_and_fill_from_the_keyboard(exchange: ExchangeServer) -> None:
    session = LiveMarketSession(exchange.urls, credentials=exchange.practice_credentials)
    app = KrakenApp(session, env_label="SIM")
    async with app.run_test(size=(140, 45)) as pilot:
        account = session.store.account
        await wait_for(
            lambda: (
                BOOK in session.store.books
                and session.store.books[BOOK].health is BookHealth.SYNCED
                and all(s.state is AuthState.OK for s in account.private.values())
                and session.trading is not None
                and session.trading.enabled
            ),
            timeout=15,
        )
        book = session.store.books[BOOK]
        best_bid = Decimal(book.bids(1)[0][0]) / 10  # BTC/USD has one price decimal
        resting = best_bid - Decimal(1)  # ten ticks down: on screen, unlikely to fill

        # 1. A resting limit buy: it shows in ORDERS with its client order id.
        cl_ord_id = await send_ticket(pilot, app, "b", "0.01", str(resting))
        await wait_for(lambda: ours(session, cl_ord_id) is not None, timeout=10)
        placed = ours(session, cl_ord_id)
        assert placed is not None and placed.limit_price == resting
        assert placed.side is OrderSide.BUY
        ladder = app.dashboard.query_one(LadderPane)
        shown_at = f"{resting:,.1f}"

        def marked_on_ladder() -> bool:
            lines = [ladder.render_line(y).text for y in range(ladder.size.height)]
            return any(
                line.split()[:1] == [shown_at] and line.rstrip().endswith("▶ 0.01")
                for line in lines
            )

        await wait_for(marked_on_ladder, timeout=10)

        # 2. Move it one tick up from the orders pane.
        pane = app.dashboard.query_one(OrdersPane)
        pane.focus()
        await pilot.pause()
        for _ in range(20):
            if pane.selected_order is not None and pane.selected_order.cl_ord_id == cl_ord_id:
                break
            await pilot.press("down")
        assert pane.selected_order is not None and pane.selected_order.cl_ord_id == cl_ord_id
        await pilot.press("shift+up")
        moved_to = resting + Decimal("0.1")
        await wait_for(
            lambda: (o := ours(session, cl_ord_id)) is not None and o.limit_price == moved_to,
            timeout=10,
        )
        held = [o for o in exchange.account.open_orders(Venue.SPOT) if o.cl_ord_id == cl_ord_id]
        assert len(held) == 1 and held[0].limit_price == moved_to

        # 3. Cancel it: x, then yes.
        await pilot.press("x")
        await wait_for(lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(lambda: ours(session, cl_ord_id) is None, timeout=10)
        assert not [o for o in exchange.account.open_orders(Venue.SPOT) if o.cl_ord_id == cl_ord_id]

        # 4. A marketable sell fills at once: a fill and a smaller BTC balance.
        app.dashboard.query_one("#ladder").focus()
        await pilot.pause()
        btc_before = account.balances[(Venue.SPOT, "spot", "BTC")].total
        fills_before = set(account.fills)
        sell_at = Decimal(book.bids(1)[0][0]) / 10 - Decimal(5)
        await send_ticket(pilot, app, "s", "0.001", str(sell_at))

        def our_sell_filled() -> bool:
            return any(
                fill.symbol == "BTC/USD" and fill.side is OrderSide.SELL
                for key, fill in account.fills.items()
                if key not in fills_before
            )

        await wait_for(our_sell_filled, timeout=10)
        await wait_for(
            lambda: (
                account.balances[(Venue.SPOT, "spot", "BTC")].total == btc_before - Decimal("0.001")
            ),
            timeout=10,
        )


async def test_a_perpetual_buy_from_the_keyboard_grows_the_position(
    exchange: ExchangeServer,
) -> None:
    """`v` flips BTC/USD to its perpetual; a marketable buy there fills and the position,
    the fills pane and the margin account all move."""
    session = LiveMarketSession(exchange.urls, credentials=exchange.practice_credentials)
    app = KrakenApp(session, env_label="SIM")
    perp = (Venue.FUTURES, "PF_XBTUSD")
    async with app.run_test(size=(140, 45)) as pilot:
        account = session.store.account
        await wait_for(
            lambda: (
                BOOK in session.store.books
                and all(s.state is AuthState.OK for s in account.private.values())
                and session.trading is not None
                and session.trading.enabled
                and "PF_XBTUSD" in account.positions
                and account.margin is not None
            ),
            timeout=15,
        )
        await pilot.press("v")
        await wait_for(
            lambda: (
                perp in session.store.books
                and session.store.books[perp].health is BookHealth.SYNCED
            ),
            timeout=15,
        )
        size_before = account.positions["PF_XBTUSD"].size
        margin_before = account.margin
        assert margin_before is not None
        fills_before = set(account.fills)
        book = session.store.books[perp]
        best_ask = Decimal(book.asks(1)[0][0])  # PF_XBTUSD trades in whole dollars
        await send_ticket(pilot, app, "b", "0.01", str(best_ask + 20))

        await wait_for(
            lambda: account.positions["PF_XBTUSD"].size == size_before + Decimal("0.01"),
            timeout=10,
        )
        new_fills = [f for k, f in account.fills.items() if k not in fills_before]
        assert any(f.symbol == "PF_XBTUSD" and f.side is OrderSide.BUY for f in new_fills)
        await wait_for(
            lambda: (
                account.margin is not None
                and account.margin.initial_margin > margin_before.initial_margin
            ),
            timeout=10,
        )
