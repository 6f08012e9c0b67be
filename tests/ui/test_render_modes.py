"""Render modes: ``--fps`` sets the panes' poll intervals on the shared frame clock, and
``--low-power`` / ``--low-flicker`` change what the ladder draws."""

from __future__ import annotations

from typing import cast

import pytest

from kraken_tui.ui.app import KrakenApp
from kraken_tui.ui.render_mode import RenderMode
from kraken_tui.ui.widgets import LadderPane, StatusBar, TickerPane, TradesPane
from kraken_tui.ui.widgets.formatting import EIGHTHS, FULL_BLOCK
from kraken_tui.ui.widgets.ladder import plain_depth, plain_header
from kraken_tui.ui.widgets.pane import FrameClock, Line, PolledPane, line_plain
from tests.ui.fakes import StaticSession

BAR_GLYPHS = set(FULL_BLOCK + EIGHTHS.strip())


def make_app(mode: RenderMode | None = None) -> KrakenApp:
    return KrakenApp(StaticSession(), start_feeds=False, render_mode=mode)


def intervals(app: KrakenApp) -> dict[str, float]:
    return {
        name: app.query_one(pane).poll_interval
        for name, pane in (
            ("ladder", LadderPane),
            ("ticker", TickerPane),
            ("trades", TradesPane),
            ("status", StatusBar),
        )
    }


def ladder_text(app: KrakenApp) -> list[str]:
    return [line_plain(line) for line in app.query_one(LadderPane).lines()]


def has_bars(lines: list[str]) -> bool:
    return any(BAR_GLYPHS & set(line) for line in lines)


async def test_default_intervals_are_the_twenty_fps_ones() -> None:
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        assert app.frame_clock.fps == 20
        assert intervals(app) == pytest.approx(
            {"ladder": 0.05, "ticker": 0.05, "trades": 0.1, "status": 0.5}
        )


@pytest.mark.parametrize(
    ("fps", "expected"),
    [
        (5, {"ladder": 0.2, "ticker": 0.2, "trades": 0.4, "status": 0.6}),
        (60, {"ladder": 1 / 60, "ticker": 1 / 60, "trades": 1 / 30, "status": 0.5}),
    ],
)
async def test_fps_sets_every_market_pane_interval(fps: int, expected: dict[str, float]) -> None:
    # The status bar keeps its half second, to the nearest tick of the clock.
    app = make_app(RenderMode.from_options(fps))
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        assert app.frame_clock.fps == fps
        assert intervals(app) == pytest.approx(expected)


async def test_low_power_draws_no_bars_and_polls_slowly() -> None:
    app = make_app(RenderMode.from_options(low_power=True))
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        assert intervals(app) == pytest.approx(
            {"ladder": 0.25, "ticker": 0.25, "trades": 0.5, "status": 1.0}
        )
        lines = ladder_text(app)
        assert not has_bars(lines)
        assert "▏depth" not in lines[1]
        assert "cum" in lines[1]  # the cumulative column stays


async def test_low_flicker_drops_bars_and_the_cumulative_column() -> None:
    default, flicker = make_app(), make_app(RenderMode.from_options(low_flicker=True))
    async with default.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        full = ladder_text(default)
    async with flicker.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        assert flicker.frame_clock.fps == 10
        plain = ladder_text(flicker)
    assert has_bars(full) and not has_bars(plain)
    assert full[1].split() == ["price", "size", "cum", "▏depth"]
    assert plain[1].split() == ["price", "size"]
    # Same levels, same prices and sizes: only the cumulative column is gone.
    level = next(i for i, line in enumerate(full) if has_bars([line]))
    assert plain[level].split() == full[level].split()[:2]


def test_plain_depth_blanks_the_bar_keeps_marks_and_drops_cum() -> None:
    header: Line = [(" price  size  cum ▏depth", "header")]
    level: Line = [
        (" 100.5", "ask"),
        ("  2.0", "size"),
        ("  7.0", "cum"),
        (" ", ""),
        ("██▌  ", "bar-ask"),
        (" ◀ 0.2", "own-ask"),
    ]
    spread: Line = [("── spread 0.1 ──", "spread")]
    head, body = plain_depth(header, [level, spread, []], bars=False, cumulative=True)
    assert head == [(" price  size  cum ", "header")]
    assert body[0] == [*level[:4], ("     ", ""), (" ◀ 0.2", "own-ask")]
    assert body[1:] == [spread, []]
    head, body = plain_depth(header, [level], bars=False, cumulative=False)
    assert head == [(" price  size ", "header")]
    assert line_plain(body[0]) == " 100.5  2.0" + " " * 7 + "◀ 0.2"


def test_plain_header_without_cum_keeps_the_bar_label() -> None:
    assert plain_header(" price   size   cum ▏depth", bars=True, cumulative=False) == (
        " price   size ▏depth"
    )


def test_explicit_fps_wins_over_a_mode_and_is_range_checked() -> None:
    assert RenderMode.from_options(30, low_power=True).fps == 30
    assert RenderMode.from_options(low_power=True, low_flicker=True).fps == 4
    for bad in (0, 61):
        with pytest.raises(ValueError, match="fps"):
            RenderMode.from_options(bad)


class CountingPane:
    def __init__(self) -> None:
        self.polls = 0

    def poll(self) -> None:
        self.polls += 1


def test_frame_clock_polls_each_pane_on_its_own_multiple_of_ticks() -> None:
    clock = FrameClock(20)
    fast, half, slow = CountingPane(), CountingPane(), CountingPane()
    assert clock.add(cast(PolledPane, fast), 0.05) == pytest.approx(0.05)
    assert clock.add(cast(PolledPane, half), 0.1) == pytest.approx(0.1)
    assert clock.add(cast(PolledPane, slow), 0.5) == pytest.approx(0.5)
    for _ in range(20):
        clock.tick()
    assert (fast.polls, half.polls, slow.polls) == (20, 10, 2)
    clock.remove(cast(PolledPane, half))
    clock.tick()
    assert (fast.polls, half.polls) == (21, 10)


async def test_help_names_a_render_mode_other_than_the_default() -> None:
    from textual.widgets import Static

    low_power = RenderMode.from_options(low_power=True)
    for mode, expected in ((None, []), (low_power, ["4 frames/s · low power · no depth bars"])):
        app = make_app(mode)
        async with app.run_test(size=(140, 45)) as pilot:
            await pilot.press("question_mark")
            await pilot.pause()
            found = app.screen.query("#help-display").results(Static)
            assert [str(static.render()) for static in found] == expected
