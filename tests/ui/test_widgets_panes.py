"""Ticker, trades and status panes, each hosted alone in a headless Textual app."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from textual.color import Color
from textual.geometry import Region
from textual.widget import Widget

from kraken_tui.feeds.session import Selection
from kraken_tui.feeds.stores import ConnState
from kraken_tui.model import Trade, TradeSide, Venue
from kraken_tui.ui.theme_vars import THEME_VARIABLE_DEFAULTS
from kraken_tui.ui.widgets import StatusBar, TickerPane, TradesPane
from kraken_tui.ui.widgets.pane import changed_rows, line_plain
from tests.ui.fakes import BASE_TIME_MS, StaticSession
from tests.ui.widget_host import WidgetHost

PERP = Selection(Venue.FUTURES, "PF_XBTUSD", 25)


def shown(pane: Widget) -> list[str]:
    return [pane.render_line(y).text.rstrip() for y in range(pane.size.height)]


def colour_of(pane: Widget, text: str) -> tuple[Color | None, Color | None]:
    """Foreground and background of the first drawn segment containing ``text``."""
    for y in range(pane.size.height):
        for seg in pane.render_line(y):
            if text in seg.text and seg.style is not None:
                fg, bg = seg.style.color, seg.style.bgcolor
                return (
                    None if fg is None else Color.from_rich_color(fg),
                    None if bg is None else Color.from_rich_color(bg),
                )
    raise AssertionError(f"{text!r} not drawn")


def theme_colour(name: str) -> Color:
    return Color.parse(THEME_VARIABLE_DEFAULTS[name])


# ----------------------------------------------------------------- ticker
async def test_spot_ticker_shows_touch_stats_and_vwap() -> None:
    session = StaticSession()
    pane = TickerPane(session)
    async with WidgetHost(pane).run_test(size=(100, 10)):
        text = "\n".join(shown(pane))
        assert "TICKER BTC/USD spot" in text
        assert "last 62,000.0 ▲ +2.31%" in text
        assert "bid 61,999.9" in text and "ask 62,000.0" in text
        # 62,000 x 1.01 and x 0.97 and x 0.995, at the pair's one decimal.
        assert "24h high 62,620.0" in text and "low 60,140.0" in text
        assert "vwap 61,690.0" in text
        assert "vol 1,204.33" in text
        assert "funding" not in text and "mark" not in text
        assert colour_of(pane, "▲")[0] == theme_colour("profit")


async def test_perpetual_ticker_shows_funding_countdown_from_the_injected_clock() -> None:
    session = StaticSession(PERP)
    pane = TickerPane(session)
    now = BASE_TIME_MS
    pane.now_ms = lambda: now
    async with WidgetHost(pane).run_test(size=(100, 10)):
        pane.poll(force=True)
        text = "\n".join(shown(pane))
        assert "last 62,010" in text
        assert "mark 62,011" in text and "index 62,009" in text
        assert "funding +0.0012% in 02:14:00" in text
        assert "OI 1.23M" in text
        assert "vwap" not in text
        now = BASE_TIME_MS + 61_500
        assert pane.poll()
        assert "in 02:12:59" in "\n".join(shown(pane))
        assert not pane.poll()  # same second: nothing to redraw


async def test_ticker_arrow_follows_the_last_price_and_ignores_other_markets() -> None:
    session = StaticSession()
    pane = TickerPane(session)
    async with WidgetHost(pane).run_test(size=(100, 10)):
        key = (Venue.SPOT, "BTC/USD")
        ticker = session.store.tickers[key]
        session.store.set_ticker(Venue.SPOT, replace(ticker, symbol="ETH/USD"))
        assert not pane.poll()
        session.store.set_ticker(Venue.SPOT, replace(ticker, last=Decimal("61990.5")))
        assert pane.poll()
        assert "last 61,990.5 ▼" in "\n".join(shown(pane))
        assert colour_of(pane, "61,990.5")[0] == theme_colour("loss")


async def test_ticker_wraps_in_a_narrow_pane() -> None:
    session = StaticSession(PERP)
    pane = TickerPane(session)
    pane.now_ms = lambda: BASE_TIME_MS
    async with WidgetHost(pane).run_test(size=(40, 12)):
        lines = shown(pane)
        assert all(len(line) <= 40 for line in lines)
        assert any("funding +0.0012% in 02:14:00" in line for line in lines)


# ----------------------------------------------------------------- trades
def utc(time_ms: int) -> str:
    moment = datetime.fromtimestamp(time_ms / 1000, tz=UTC)
    return moment.strftime("%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


async def test_trades_are_newest_first_and_coloured_by_side() -> None:
    session = StaticSession()
    pane = TradesPane(session)
    async with WidgetHost(pane).run_test(size=(60, 12)):
        lines = shown(pane)
        tape = list(session.store.trades[(Venue.SPOT, "BTC/USD")])
        assert lines[0] == "TRADES BTC/USD"
        rows = lines[1:]
        assert len(rows) == 11  # as many as fit below the title
        for row, trade in zip(rows, reversed(tape), strict=False):
            time_text, price, size, side = row.split()
            assert time_text == utc(trade.time_ms)
            assert price == f"{trade.price:,.1f}"
            assert Decimal(size) == trade.qty
            assert side == trade.side.value
        buy = next(t for t in reversed(tape) if t.side is TradeSide.BUY)
        sell = next(t for t in reversed(tape) if t.side is TradeSide.SELL)
        assert colour_of(pane, f"{buy.price:,.1f}")[0] == theme_colour("bid")
        assert colour_of(pane, f"{sell.price:,.1f}")[0] == theme_colour("ask")


async def test_a_new_trade_appears_on_top_only_after_the_tape_changes() -> None:
    session = StaticSession()
    pane = TradesPane(session)
    async with WidgetHost(pane).run_test(size=(60, 12)):
        assert not pane.poll()
        trade = Trade("BTC/USD", TradeSide.SELL, Decimal("61234.5"), Decimal("0.25"), 1_000)
        session.store.add_trades(Venue.SPOT, [trade])
        assert pane.poll()
        assert shown(pane)[1].split() == ["00:00:01.000", "61,234.5", "0.2500", "sell"]


def test_changed_rows_are_runs_of_differing_lines() -> None:
    a, b, c = [("a", "")], [("b", "")], [("c", "size")]
    assert changed_rows([a, b, c, a], [a, b, c, a], 9) == []
    assert changed_rows([a, b, c, a], [b, b, a, c], 9) == [Region(0, 0, 9, 1), Region(0, 2, 9, 2)]
    assert changed_rows([a], [a, b], 9) is None  # another line count: repaint everything


async def test_a_new_bid_repaints_only_the_line_that_shows_it() -> None:
    session = StaticSession()
    pane = TickerPane(session)
    async with WidgetHost(pane).run_test(size=(100, 10)):
        ticker = session.store.tickers[(Venue.SPOT, "BTC/USD")]
        session.store.set_ticker(Venue.SPOT, replace(ticker, bid=Decimal("61999.8")))
        pane.rebuild()  # as poll does, before its refresh()
        assert "bid 61,999.8" in line_plain(pane.lines()[1])
        assert pane._repaint == [Region(0, 1, 100, 1)]


async def test_a_new_trade_repaints_the_tape_but_not_the_title() -> None:
    session = StaticSession()
    pane = TradesPane(session)
    async with WidgetHost(pane).run_test(size=(60, 12)):
        trade = Trade("BTC/USD", TradeSide.BUY, Decimal("61234.5"), Decimal("0.25"), 1_000)
        session.store.add_trades(Venue.SPOT, [trade])
        pane.rebuild()
        assert pane._repaint == [Region(0, 1, 60, 11)]


# ----------------------------------------------------------------- status
def live_feeds(session: StaticSession) -> None:
    store = session.store
    store.feed("spot").last_message_at = 99.9
    store.feed("futures").last_message_at = 88.0
    store.set_feed_state("futures", ConnState.RECONNECTING)
    store.set_feed_state("private", ConnState.DOWN, "refused")
    store.feed("private").malformed = 3


async def test_status_bar_shows_env_market_and_feed_health() -> None:
    session = StaticSession()
    live_feeds(session)
    bar = StatusBar(session, "SIM")
    clock = [100.0]
    bar.monotonic = lambda: clock[0]
    app = WidgetHost(bar)
    async with app.run_test(size=(120, 3)):
        bar.poll(force=True)
        session.store.feed("spot").messages += 400
        session.store.feed("spot").last_message_at = 100.9
        clock[0] = 101.0
        assert bar.poll()
        [line] = shown(bar)[:1]
        assert line.startswith(" SIM  BTC/USD spot")
        assert "spot ● 400/s 0.1s" in line
        assert "futures ↻ reconnecting" in line
        assert "private ✕ down ⚠3 bad" in line
        assert colour_of(bar, " SIM ")[1] == theme_colour("env-sim")
        assert app.current_theme.error is not None
        down = colour_of(bar, "✕")[0]
        error = Color.parse(app.current_theme.error)
        assert (
            down is not None
            and max(abs(a - b) for a, b in zip(down.rgb, error.rgb, strict=True)) <= 2
        )
        assert not bar.poll()  # nothing moved: no redraw


async def test_live_badge_is_unmistakable() -> None:
    session = StaticSession()
    bar = StatusBar(session, "live")
    bar.monotonic = lambda: 100.0
    async with WidgetHost(bar).run_test(size=(120, 3)):
        [line] = shown(bar)[:1]
        assert line.startswith(" ● LIVE ")
        assert colour_of(bar, "LIVE")[1] == theme_colour("env-live")


async def test_status_bar_drops_numbers_before_cropping_when_narrow() -> None:
    session = StaticSession()
    live_feeds(session)
    bar = StatusBar(session, "PAPER")
    bar.monotonic = lambda: 100.0
    async with WidgetHost(bar).run_test(size=(64, 3)):
        [line] = shown(bar)[:1]
        assert line.startswith(" PAPER  BTC/USD spot  spot ●  futures ↻ reconnecting")
        assert "/s" not in line
        assert colour_of(bar, "PAPER")[1] == theme_colour("env-paper")


def test_theme_variable_defaults_are_literal_colours_with_a_unique_live_colour() -> None:
    required = {
        "bid", "ask", "bid-muted", "ask-muted", "profit", "loss", "stale", "env-sim",
        "env-replay", "env-paper", "env-demo", "env-live", "depth-bar-bid", "depth-bar-ask",
        "spread", "cursor",
    }  # fmt: skip
    assert required <= THEME_VARIABLE_DEFAULTS.keys()
    for value in THEME_VARIABLE_DEFAULTS.values():
        assert not value.startswith("$")
        Color.parse(value)
    others = {THEME_VARIABLE_DEFAULTS[f"env-{e}"] for e in ("sim", "replay", "paper", "demo")}
    assert THEME_VARIABLE_DEFAULTS["env-live"] not in others
    assert len(others) == 4
