"""Positions, orders, fills and balances panes: hosted alone (rows, cursor, filter, empty
states, narrow widths) and on the dashboard (tab order, zoom, footer keys)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from textual.color import Color
from textual.widget import Widget

from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.session import Selection
from kraken_tui.model import TradeSide, Venue
from kraken_tui.model.account import Fill, Liquidity, Order, Position
from kraken_tui.ui.app import KrakenApp
from kraken_tui.ui.theme_vars import THEME_VARIABLE_DEFAULTS
from kraken_tui.ui.widgets import (
    AccountTablePane,
    BalancesPane,
    FillsPane,
    LadderPane,
    OrdersPane,
    PositionsPane,
    TickerPane,
    TradesPane,
)
from tests.helpers import wait_for
from tests.ui.fakes import BASE_TIME_MS, StaticSession
from tests.ui.widget_host import WidgetHost

WIDE = (110, 12)
PERP = Selection(Venue.FUTURES, "PF_XBTUSD", 25)


def shown(pane: Widget) -> list[str]:
    return [pane.render_line(y).text.rstrip() for y in range(pane.size.height)]


def cells(pane: Widget) -> list[list[str]]:
    """Each drawn line split into its words (cells never contain two spaces)."""
    return [line.split() for line in shown(pane)]


def colour_of(pane: Widget, text: str) -> Color | None:
    for y in range(pane.size.height):
        for segment in pane.render_line(y):
            if text in segment.text and segment.style is not None and segment.style.color:
                return Color.from_rich_color(segment.style.color)
    raise AssertionError(f"{text!r} not drawn")


def theme_colour(name: str) -> Color:
    return Color.parse(THEME_VARIABLE_DEFAULTS[name])


def fill(fill_id: str, time_ms: int, price: str = "62001.0") -> Fill:
    return Fill(
        Venue.SPOT, fill_id, "O-x", "BTC/USD", TradeSide.BUY, Decimal(price), Decimal("0.3"),
        time_ms, Decimal("0.5"), "USD", Liquidity.TAKER,
    )  # fmt: skip


# ---------------------------------------------------------------- positions
async def test_positions_show_side_size_prices_pnl_liquidation_and_leverage() -> None:
    session = StaticSession()
    pane = PositionsPane(session)
    async with WidgetHost(pane).run_test(size=WIDE):
        rows = cells(pane)
        assert rows[0] == "symbol side size entry mark uPnL liq dist lev".split()
        assert rows[1] == "PF_ETHUSD short 1.50 3,150.4 3,102.0 +72.60 3,480.0 +12.2% 1.4×".split()
        assert rows[2] == "PF_XBTUSD long 0.04 61,211 62,011 +32.00 55,020 -11.3% 2.1×".split()
        assert pane.titles == ("POSITIONS 2 · all", "")
        assert colour_of(pane, "+72.60") == theme_colour("profit")
        assert colour_of(pane, "short") == theme_colour("ask")
        assert colour_of(pane, "long") == theme_colour("bid")


async def test_positions_follow_the_store_after_a_version_bump() -> None:
    session = StaticSession()
    pane = PositionsPane(session)
    account = session.store.account
    async with WidgetHost(pane).run_test(size=WIDE):
        assert not pane.poll()  # nothing changed
        flipped = Position(
            "PF_XBTUSD", Decimal("-0.5"), Decimal("62500"), Decimal("62011"),
            Decimal("244.5"), "USD", None, Decimal("3"),
        )  # fmt: skip
        account.upsert_position(flipped)
        assert pane.poll()
        assert cells(pane)[1][2] == "1.5"  # sizes share the fewest decimals that fit all
        assert cells(pane)[2] == "PF_XBTUSD short 0.5 62,500 62,011 +244.50 — — 3.0×".split()
        assert colour_of(pane, "+244.50") == theme_colour("profit")
        account.upsert_position(replace(flipped, unrealized_pnl=Decimal("-12.34")))
        assert pane.poll()
        assert colour_of(pane, "-12.34") == theme_colour("loss")
        account.upsert_position(replace(flipped, size=Decimal(0)))
        assert pane.poll()
        assert [r[0] for r in cells(pane)[1:] if r] == ["PF_ETHUSD"]


async def test_a_position_without_a_mark_borrows_the_tickers() -> None:
    session = StaticSession(PERP)
    pane = PositionsPane(session)
    account = session.store.account
    async with WidgetHost(pane).run_test(size=WIDE):
        xbt = account.positions["PF_XBTUSD"]
        account.upsert_position(replace(xbt, mark_price=None))
        assert pane.poll()
        # The seeded PF_XBTUSD ticker's mark is 62,011.
        assert cells(pane)[2][4] == "62,011"


async def test_narrow_positions_drop_the_least_useful_columns_and_say_so() -> None:
    pane = PositionsPane(StaticSession())
    async with WidgetHost(pane).run_test(size=(44, 6)):
        assert cells(pane)[0] == ["symbol", "side", "size", "uPnL", "dist"]
        assert cells(pane)[1] == ["PF_ETHUSD", "short", "1.50", "+72.60", "+12.2%"]
        assert pane.hidden_columns == 4
        assert "+4 cols: z" in pane.titles[1]
        assert all(len(line) <= 44 for line in shown(pane))


# ------------------------------------------------------------------- orders
async def test_orders_show_type_price_size_filled_and_age() -> None:
    session = StaticSession()
    pane = OrdersPane(session)
    async with WidgetHost(pane).run_test(size=WIDE):
        rows = cells(pane)
        assert rows[0] == "symbol side type price size filled age".split()
        assert rows[1:6] == [
            "PF_XBTUSD sell stop 59,800 0.04 0.00 1h".split(),
            "PF_XBTUSD buy limit 62,000 0.02 0.00 25m".split(),
            "BTC/USD sell limit 62,000.5 0.25 0.05 3m".split(),
            "BTC/USD buy limit 61,999.3 0.10 0.00 12s".split(),
            "ETH/USD sell limit 3,150.00 1.20 0.00 2h".split(),
        ]
        assert colour_of(pane, "sell") == theme_colour("ask")
        pane.now_ms = lambda: BASE_TIME_MS + 60_000
        assert pane.poll()  # the clock moved: ages change without a version bump
        assert cells(pane)[4][-1] == "1m"  # 12 s + 60 s


async def test_orders_come_and_go_with_the_store() -> None:
    session = StaticSession()
    pane = OrdersPane(session)
    account = session.store.account
    async with WidgetHost(pane).run_test(size=WIDE):
        new = Order(
            Venue.SPOT, "O-NEW", "SOL/USD", TradeSide.BUY, "limit", Decimal("3"),
            limit_price=Decimal("140.5"), time_ms=BASE_TIME_MS - 5000,
        )  # fmt: skip
        account.upsert_order(new)
        assert pane.poll()
        assert "SOL/USD buy limit 140.50 3.00 0.00 5s".split() in cells(pane)
        account.remove_order(Venue.SPOT, "OSEED-ETH-S")
        assert pane.poll()
        assert not any(row and row[0] == "ETH/USD" for row in cells(pane))
        assert pane.titles[0] == "ORDERS 5 · all"


async def test_f_keeps_the_selected_markets_orders_only() -> None:
    session = StaticSession()
    pane = OrdersPane(session)
    async with WidgetHost(pane).run_test(size=WIDE) as pilot:
        await pilot.press("f")
        assert pane.row_keys() == ["OSEED-BTC-S", "OSEED-BTC-B"]
        assert pane.titles[0] == "ORDERS 2 of 5 · BTC/USD only"
        session.select(Venue.FUTURES, "PF_XBTUSD")  # futures compare product ids
        assert pane.poll()
        assert pane.row_keys() == ["fseed-xbt-stop", "fseed-xbt-buy"]
        session.select(Venue.SPOT, "SOL/USD")
        assert pane.poll()
        assert cells(pane)[1] == "no open orders for SOL/USD · f shows all".split()
        await pilot.press("f")
        assert len(pane.row_keys()) == 5
        assert pane.titles[0] == "ORDERS 5 · all"


# -------------------------------------------------------------------- fills
async def test_fills_are_newest_first_with_fee_and_liquidity() -> None:
    pane = FillsPane(StaticSession())
    async with WidgetHost(pane).run_test(size=WIDE):
        rows = cells(pane)
        assert rows[0] == "time symbol side price size fee m/t".split()
        assert rows[1] == "11:58:25 BTC/USD sell 62,000.5 0.05 4.96 USD maker".split()
        assert rows[2] == "11:46:00 PF_XBTUSD buy 61,211 0.04 1.2242 USD taker".split()
        assert [r[0] for r in rows[1:9]] == [
            "11:58:25", "11:46:00", "11:40:00", "11:28:00",
            "10:50:00", "10:00:00", "09:30:00", "09:00:00",
        ]  # fmt: skip
        assert pane.titles == ("FILLS 8 · all", "")


async def test_a_replayed_fill_changes_nothing_and_a_new_one_goes_on_top() -> None:
    session = StaticSession()
    pane = FillsPane(session)
    account = session.store.account
    async with WidgetHost(pane).run_test(size=WIDE):
        replayed = next(iter(account.fills.values()))
        assert account.add_fills([replayed]) == 0
        assert not pane.poll()
        account.add_fills([fill("T9", BASE_TIME_MS - 1000)])
        assert pane.poll()
        assert cells(pane)[1] == "11:59:59 BTC/USD buy 62,001.0 0.30 0.5 USD taker".split()
        assert pane.titles[0] == "FILLS 9 · all"
        long_fee = replace(fill("T10", BASE_TIME_MS), fee=Decimal("13.272402"))
        coin_fee = replace(
            fill("T11", BASE_TIME_MS + 1), fee=Decimal("0.00001234"), fee_currency="XBT"
        )
        account.add_fills([long_fee, coin_fee])
        assert pane.poll()
        assert cells(pane)[1][5:7] == ["0.00001234", "XBT"]  # a coin fee keeps its digits
        assert cells(pane)[2][5:7] == ["13.2724", "USD"]  # four decimals of a dollar fee


# ----------------------------------------------------------- cursor, scroll
async def test_cursor_scrolls_with_keys_and_stays_on_its_row_when_rows_arrive() -> None:
    session = StaticSession()
    pane = FillsPane(session)
    async with WidgetHost(pane).run_test(size=(100, 4)) as pilot:  # header + 3 rows of 8
        assert pane.has_focus and pane.cursor == 0
        await pilot.press("down")
        assert pane.cursor_key == (Venue.FUTURES, "F2")
        await pilot.press("end")
        assert (pane.cursor, pane.top) == (7, 5)
        assert [r[0] for r in cells(pane)[1:]] == ["10:00:00", "09:30:00", "09:00:00"]
        assert pane.titles[1] == "8/8"
        await pilot.press("home")
        assert (pane.cursor, pane.top) == (0, 0)
        await pilot.press("pagedown")
        assert pane.cursor == 2  # a page is the rows in view less one
        await pilot.press("pagedown")
        assert (pane.cursor, pane.top) == (4, 2)
        await pilot.press("pageup", "up", "up", "up")
        assert (pane.cursor, pane.top) == (0, 0)
        await pilot.press("down")
        session.store.account.add_fills([fill("T9", BASE_TIME_MS)])
        assert pane.poll()
        assert pane.cursor_key == (Venue.FUTURES, "F2") and pane.cursor == 2
        # The highlighted line is the cursor's, drawn in the cursor colour.
        line = pane.render_line(1 + pane.cursor - pane.top)
        assert "PF_XBTUSD" in line.text
        backgrounds = {s.style.bgcolor for s in line if s.style and s.style.bgcolor}
        assert {Color.from_rich_color(b) for b in backgrounds} == {theme_colour("cursor")}


async def test_cursor_keys_on_an_empty_pane_do_nothing() -> None:
    pane = OrdersPane(StaticSession(account=False))
    async with WidgetHost(pane).run_test(size=WIDE) as pilot:
        await pilot.press("down", "end", "pagedown", "home")
        assert pane.cursor == 0 and pane.cursor_key is None


# ----------------------------------------------------------------- balances
async def test_balances_show_margin_then_wallets_and_filter_to_the_markets_assets() -> None:
    session = StaticSession()
    pane = BalancesPane(session)
    async with WidgetHost(pane).run_test(size=(46, 8)) as pilot:
        text = shown(pane)
        assert text[0].split() == "equity 10,104.60 USD avail 8,784.12".split()
        assert text[1].split() == "used 1,320.48 13.1% uPnL +104.60".split()
        assert text[2].split() == "spot USD 25,340.12 BTC 0.5 ETH 4.2".split()
        assert text[3].split() == ["SOL", "120"]
        assert text[4].split() == "flex USD 10,000.00".split()
        assert pane.titles[0] == "BALANCES · all"
        await pilot.press("f")
        text = shown(pane)
        assert text[2].split() == "spot USD 25,340.12 BTC 0.5".split()
        assert text[3].split() == "flex USD 10,000.00".split()
        assert pane.titles[0] == "BALANCES · BTC USD only"


async def test_heavy_margin_use_is_a_warning() -> None:
    session = StaticSession()
    pane = BalancesPane(session)
    account = session.store.account
    async with WidgetHost(pane).run_test(size=(46, 8)):
        margin = account.margin
        assert margin is not None
        account.set_margin(replace(margin, initial_margin=Decimal("8500")))
        assert pane.poll()
        assert shown(pane)[1].startswith(" used 8,500.00 84.1%")
        assert colour_of(pane, "84.1%") == theme_colour("loss")


# -------------------------------------------------------------- empty states
async def test_empty_panes_say_why() -> None:
    session = StaticSession(account=False)
    account = session.store.account
    orders = OrdersPane(session)
    async with WidgetHost(orders).run_test(size=WIDE):
        assert shown(orders)[1:3] == [
            " spot: private feed off (no keys)",
            " futures: private feed off (no keys)",
        ]
        hint = "no keys for live futures: run kraken-tui keys set --env live --venue futures"
        account.set_private(Venue.FUTURES, AuthState.OFF, hint)
        account.set_private(Venue.SPOT, AuthState.PENDING)
        assert orders.poll()
        assert shown(orders)[1:3] == [" spot: authenticating…", " " + hint]
        account.set_private(Venue.SPOT, AuthState.OK)
        account.set_private(Venue.FUTURES, AuthState.FAILED, "EAPI:Invalid key")
        assert orders.poll()
        assert shown(orders)[1:3] == [" no open orders", " futures: auth failed: EAPI:Invalid key"]
        error = Color.parse(orders.app.current_theme.error or "")
        drawn = colour_of(orders, "auth failed")
        assert drawn is not None  # the theme's error colour, give or take its text alpha
        assert max(abs(a - b) for a, b in zip(drawn.rgb, error.rgb, strict=True)) <= 2
        account.set_private(Venue.FUTURES, AuthState.OK)
        assert orders.poll()
        assert shown(orders)[1:] == [" no open orders"] + [""] * (WIDE[1] - 2)


async def test_positions_only_care_about_the_futures_side() -> None:
    session = StaticSession(account=False)
    account = session.store.account
    pane = PositionsPane(session)
    async with WidgetHost(pane).run_test(size=(40, 8)):
        account.set_private(Venue.SPOT, AuthState.FAILED, "EAPI:Invalid key")
        account.set_private(Venue.FUTURES, AuthState.PENDING)
        assert pane.poll()
        assert shown(pane)[1:3] == [" futures: authenticating…", ""]
        account.set_private(Venue.FUTURES, AuthState.FAILED, "auth failed: challenge rejected")
        assert pane.poll()
        # Long reasons wrap inside the pane instead of running off its edge.
        assert shown(pane)[1:3] == [" futures: auth failed: challenge", " rejected"]


async def test_rows_with_a_venue_down_say_so_in_the_subtitle() -> None:
    session = StaticSession()
    session.store.account.set_private(Venue.FUTURES, AuthState.FAILED, "EAPI:Invalid key")
    pane = OrdersPane(session)
    async with WidgetHost(pane).run_test(size=WIDE):
        assert pane.titles[1] == "futures auth failed"


# ---------------------------------------------------------------- dashboard
SIZE = (140, 45)


def make_app(session: StaticSession | None = None) -> KrakenApp:
    return KrakenApp(session or StaticSession(), start_feeds=False)


async def test_tab_reaches_every_pane_and_f_shows_in_the_footer_keys() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        order = [
            LadderPane, TickerPane, TradesPane, PositionsPane, BalancesPane, OrdersPane, FillsPane
        ]  # fmt: skip
        assert isinstance(app.focused, order[0])
        assert "f" not in app.screen.active_bindings
        for kind in order[1:]:
            await pilot.press("tab")
            assert isinstance(app.focused, kind)
            assert "f" in app.screen.active_bindings or not isinstance(
                app.focused, AccountTablePane
            )
        await pilot.press("shift+tab")
        assert isinstance(app.focused, OrdersPane)
        assert app.screen.active_bindings["f"].binding.description == "filter"


async def test_every_account_pane_is_on_screen_at_both_sizes() -> None:
    for size in ((140, 45), (80, 24)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            ladder = app.query_one(LadderPane)
            assert ladder.region.height >= 9  # still a usable ladder
            for kind in (PositionsPane, BalancesPane, OrdersPane, FillsPane):
                pane = app.query_one(kind)
                assert pane.region.height >= 4, (size, kind)  # border, header, a row
                assert pane.lines()[1:2], (size, kind)  # at least one row drawn


async def test_z_maximises_an_account_pane_with_every_column() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        positions = app.query_one(PositionsPane)
        positions.focus()
        await pilot.pause()
        assert positions.hidden_columns > 0
        await pilot.press("z")
        assert app.screen.maximized is positions
        await wait_for(lambda: positions.region.width == 80)
        await wait_for(lambda: positions.hidden_columns == 0)
        assert positions.lines()[0][0][0].split()[-1] == "lev"
        await pilot.press("z")
        assert app.screen.maximized is None
