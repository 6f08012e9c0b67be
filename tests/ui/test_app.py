"""Pilot tests of the dashboard keys and palette, on a seeded StaticSession (no sockets)."""

from __future__ import annotations

import asyncio

from textual.command import CommandPalette
from textual.widgets import Static

from kraken_tui.feeds.session import Selection
from kraken_tui.feeds.stores import ConnState
from kraken_tui.model import Venue
from kraken_tui.ui.app import KrakenApp
from kraken_tui.ui.screens.dashboard import step_depth
from kraken_tui.ui.screens.help import HelpScreen
from kraken_tui.ui.widgets import LadderPane, StatusBar, TickerPane, TradesPane
from kraken_tui.ui.widgets.pane import line_plain
from tests.helpers import wait_for
from tests.ui.fakes import StaticSession

SIZE = (140, 45)


def make_app(session: StaticSession | None = None, **kwargs: object) -> KrakenApp:
    return KrakenApp(session or StaticSession(), start_feeds=False, **kwargs)  # type: ignore[arg-type]


def status_text(app: KrakenApp) -> str:
    return line_plain(app.query_one(StatusBar).lines()[0])


def notifications(app: KrakenApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_palette_switches_symbol() -> None:
    session = StaticSession()
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await wait_for(lambda: isinstance(app.screen, CommandPalette))
        await pilot.press("E", "T", "H")
        await pilot.pause(0.3)  # the palette searches in a background task
        await pilot.press("enter")
        await wait_for(lambda: session.selection.symbol == "ETH/USD")
        assert ("select", (Venue.SPOT, "ETH/USD")) in session.calls
        assert not isinstance(app.screen, CommandPalette)
        await wait_for(lambda: "ETH/USD spot" in status_text(app))
        assert app.query_one(LadderPane).session.selection.symbol == "ETH/USD"
        assert any("ETH/USD" in m for m in notifications(app))


async def test_slash_also_opens_the_palette_and_lists_futures() -> None:
    session = StaticSession()
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await wait_for(lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"xbt")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(lambda: session.selection.symbol == "PF_XBTUSD")
        assert session.calls[-1] == ("select", (Venue.FUTURES, "PF_XBTUSD"))


async def test_palette_command_sets_depth() -> None:
    session = StaticSession()
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await wait_for(lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"depth 500")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(lambda: session.selection.depth == 500)
        assert ("set_depth", 500) in session.calls


async def test_depth_keys_step_through_depths() -> None:
    session = StaticSession()  # starts at depth 25
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        assert session.calls[-1] == ("set_depth", 100)
        await pilot.press("D", "D")
        assert session.calls[-2:] == [("set_depth", 25), ("set_depth", 10)]
        await pilot.press("D")  # already the shallowest: no new subscription
        assert session.calls[-1] == ("set_depth", 10)
        assert len([c for c in session.calls if c[0] == "set_depth"]) == 3
        await pilot.pause()
        assert any("depth 10" in m for m in notifications(app))


def test_step_depth_clamps_and_handles_odd_depths() -> None:
    assert step_depth(10, -1) == 10
    assert step_depth(1000, 1) == 1000
    assert step_depth(25, 1) == 100
    assert step_depth(50, 1) == 100
    assert step_depth(50, -1) == 25


async def test_g_groups_the_ladder_rows() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        ladder = app.query_one(LadderPane)
        assert app.focused is ladder
        before = [line_plain(line) for line in ladder.lines()]
        assert "group 1 " in before[0]
        await pilot.press("g")
        await wait_for(lambda: "group 1 " not in line_plain(ladder.lines()[0]))
        after = [line_plain(line) for line in ladder.lines()]
        assert f"group {ladder.group} " in after[0] and ladder.group > 1
        assert after[2:] != before[2:]  # the price rows themselves changed


async def test_v_flips_between_spot_and_perpetual() -> None:
    session = StaticSession()
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        assert session.selection == Selection(Venue.FUTURES, "PF_XBTUSD", 25)
        await wait_for(lambda: "PF_XBTUSD futures" in status_text(app))
        await pilot.press("v")
        assert session.selection == Selection(Venue.SPOT, "BTC/USD", 25)


async def test_v_without_counterpart_warns_and_stays() -> None:
    session = StaticSession(Selection(Venue.SPOT, "SOL/USD", 25))
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert session.selection.symbol == "SOL/USD"
        assert any("no perpetual" in m for m in notifications(app))


async def test_number_keys_select_favourites() -> None:
    session = StaticSession()
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        assert session.selection.symbol == "ETH/USD"
        await pilot.press("5")
        assert session.selection == Selection(Venue.FUTURES, "PF_ETHUSD", 25)
        await pilot.press("9")  # DOGE/USD is not in the seeded store
        await pilot.pause()
        assert session.selection.symbol == "PF_ETHUSD"
        assert any("DOGE/USD is not listed" in m for m in notifications(app))


async def test_r_resyncs_the_selected_book() -> None:
    session = StaticSession()
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        assert session.calls == [("resync", "BTC/USD")]


async def test_question_mark_opens_help_listing_the_bindings() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await wait_for(lambda: isinstance(app.screen, HelpScreen))
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        rows = {row.keys: (row.group, row.description) for row in screen.rows}
        # Every dashboard, app and focused-pane binding appears, keyed as the footer shows it.
        assert rows["d"] == ("dashboard", "deeper book: next of 10 25 100 500 1000")
        assert rows["D"] == ("dashboard", "shallower book")
        assert "perpetual" in rows["v"][1]
        assert "maximise" in rows["z"][1]
        assert "resync" in rows["r"][1]
        assert rows["1 … 9"][1].startswith("favourites: BTC/USD ETH/USD")
        assert rows["tab"][0] == rows["shift+tab"][0] == "dashboard"
        assert rows["^p /"] == (
            "everywhere",
            "command palette: any spot pair, futures contract or command",
        )
        assert rows["?"] == ("everywhere", "this help")
        assert rows["t"][0] == rows["q"][0] == "everywhere"
        assert rows["g"] == ("ladder (focused pane)", "group +")
        assert rows["c"][0] == "ladder (focused pane)"
        text = " ".join(str(w.render()) for w in screen.query(Static))
        for badge in ("SIM", "LIVE", "SYNCED", "RESYNCING", "CROSSED"):
            assert badge in text
        await pilot.press("escape")
        await wait_for(lambda: not isinstance(app.screen, HelpScreen))


async def test_keys_are_inert_under_the_help_sheet() -> None:
    session = StaticSession()
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await wait_for(lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("d", "v", "q")  # q closes help rather than quitting
        await wait_for(lambda: not isinstance(app.screen, HelpScreen))
        assert session.calls == []
        assert app.is_running


async def test_t_opens_theme_picker_and_switches_theme() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "kraken-dark"
        await pilot.press("t")
        await wait_for(lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"kraken-cb")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(lambda: app.theme == "kraken-cb")
        assert app.get_css_variables()["bid"] == "#56B4E9"


async def test_tab_moves_focus_and_z_maximises() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        panes = [app.query_one(LadderPane), app.query_one(TickerPane), app.query_one(TradesPane)]
        assert app.focused is panes[0]
        await pilot.press("tab")
        assert app.focused is panes[1]
        await pilot.press("tab")
        assert app.focused is panes[2]
        await pilot.press("shift+tab")
        assert app.focused is panes[1]
        await pilot.press("z")
        assert app.screen.maximized is panes[1]
        await pilot.pause()
        # The environment badge and feed health stay on screen while zoomed.
        assert app.query_one(StatusBar).region.height == 1
        assert panes[0].region.width == 0
        await pilot.press("z")
        assert app.screen.maximized is None


async def test_feed_worker_error_becomes_status_not_crash() -> None:
    class FailingSession(StaticSession):
        async def run(self) -> None:
            raise OSError("connection refused")

    session = FailingSession()
    started: list[str] = []

    async def on_start() -> None:
        started.append("exchange")

    app = KrakenApp(session, on_start=on_start)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(lambda: session.store.feed("spot").state is ConnState.DOWN)
        await pilot.pause()
        assert started == ["exchange"]
        assert app.is_running
        assert "connection refused" in session.store.feed("spot").last_error
        assert any("connection refused" in m for m in notifications(app))
        message = str(app.dashboard.query_one("#title-message", Static).render())
        assert "feeds stopped" in message


async def test_feed_worker_runs_session_when_started() -> None:
    ran = asyncio.Event()

    class RunningSession(StaticSession):
        async def run(self) -> None:
            ran.set()
            await asyncio.Event().wait()

    app = KrakenApp(RunningSession())
    async with app.run_test(size=SIZE):
        await wait_for(ran.is_set)
        assert [w.group for w in app.workers] == ["feeds"]
