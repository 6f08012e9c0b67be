"""The ladder pane, hosted alone in a real (headless) Textual app and driven with Pilot."""

from __future__ import annotations

from decimal import Decimal

from textual.color import Color

from kraken_tui.book import BookHealth, L2Book, SpotBook
from kraken_tui.feeds.session import Selection
from kraken_tui.model import Venue
from kraken_tui.ui.theme_vars import THEME_VARIABLE_DEFAULTS
from kraken_tui.ui.widgets import LadderPane
from tests.ui.fakes import StaticSession
from tests.ui.widget_host import WidgetHost

BTC = (Venue.SPOT, "BTC/USD")


def shown(pane: LadderPane) -> list[str]:
    """What the pane draws, one string per screen line."""
    return [pane.render_line(y).text for y in range(pane.size.height)]


def dec(scaled: int, precision: int) -> Decimal:
    return Decimal(scaled).scaleb(-precision)


def money(value: Decimal, precision: int) -> str:
    return f"{value:,.{precision}f}"


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def spread_index(lines: list[str]) -> int:
    [index] = [i for i, line in enumerate(lines) if "spread" in line]
    return index


def level_columns(line: str) -> tuple[Decimal, Decimal, Decimal]:
    """Price, size and cumulative size of one drawn level."""
    price, size, cum = line.split()[:3]
    return number(price), number(size), number(cum)


def book_of(session: StaticSession, key: tuple[Venue, str] = BTC) -> L2Book:
    return session.store.books[key]


def spot_book(session: StaticSession) -> SpotBook:
    book = session.store.books[BTC]
    assert isinstance(book, SpotBook)
    return book


def bg_of(pane: LadderPane, y: int) -> set[Color | None]:
    return {
        None
        if seg.style is None or seg.style.bgcolor is None
        else Color.from_rich_color(seg.style.bgcolor)
        for seg in pane.render_line(y)
        if seg.text.strip()
    }


def fg_of(pane: LadderPane, y: int, text: str) -> Color:
    for seg in pane.render_line(y):
        if text in seg.text:
            assert seg.style is not None and seg.style.color is not None
            return Color.from_rich_color(seg.style.color)
    raise AssertionError(f"{text!r} not on line {y}")


def theme_colour(name: str) -> Color:
    return Color.parse(THEME_VARIABLE_DEFAULTS[name])


async def test_best_levels_sit_either_side_of_the_spread_row() -> None:
    session = StaticSession()
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(60, 24)):
        lines = shown(pane)
        book = book_of(session)
        (ask, _), (bid, _) = book.asks(1)[0], book.bids(1)[0]
        middle = spread_index(lines)
        assert lines[middle - 1].split()[0] == money(dec(ask, 1), 1) == "62,000.1"
        assert lines[middle + 1].split()[0] == money(dec(bid, 1), 1) == "62,000.0"
        mid = (dec(ask, 1) + dec(bid, 1)) / 2
        bps = ((dec(ask, 1) - dec(bid, 1)) / mid * 10_000).quantize(Decimal("0.01"))
        assert f"spread {dec(ask - bid, 1)}" in lines[middle]
        assert f"{bps} bps" in lines[middle]
        assert f"mid {money(mid, 2)}" in lines[middle]
        # Auto-centred: the spread row sits in the middle of the body (below title + header).
        assert middle == 2 + (24 - 2) // 2
        assert lines[0].startswith("LADDER BTC/USD  depth 25 · group 1 · SYNCED ✓")
        assert f"crc {book.checksum()}" in lines[0]


async def test_asks_descend_to_the_spread_and_cumulative_sizes_add_up() -> None:
    session = StaticSession()
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(70, 30)):
        lines = shown(pane)
        middle = spread_index(lines)
        asks = [level_columns(line) for line in lines[2:middle] if line.strip()]
        bids = [level_columns(line) for line in lines[middle + 1 :] if line.strip()]
        book = book_of(session)
        expected_asks = [(dec(p, 1), dec(q, 8)) for p, q in book.asks(len(asks))]
        expected_bids = [(dec(p, 1), dec(q, 8)) for p, q in book.bids(len(bids))]
        # Asks are drawn worst first, so the best ask is just above the spread.
        assert [(p, q) for p, q, _ in reversed(asks)] == expected_asks
        assert [(p, q) for p, q, _ in bids] == expected_bids
        running = Decimal(0)
        for (_, qty), (_, _, cum) in zip(expected_bids, bids, strict=True):
            running += qty
            assert cum == running
        running = Decimal(0)
        for (_, qty), (_, _, cum) in zip(expected_asks, reversed(asks), strict=True):
            running += qty
            assert cum == running
        # Decimal points line up: every price ends in the same column.
        ends = {
            line.index(money(p, 1)) + len(money(p, 1))
            for line, (p, _, _) in zip(
                [ln for ln in lines[middle + 1 :] if ln.strip()], bids, strict=True
            )
        }
        assert len(ends) == 1


async def test_depth_bars_are_proportional_to_cumulative_size() -> None:
    session = StaticSession(account=False)  # no own-order marks taking room from the bars
    pane = LadderPane(session)
    width = 70
    async with WidgetHost(pane).run_test(size=(width, 24)):
        lines = shown(pane)
        levels = [ln for ln in lines[2:] if ln.strip() and "spread" not in ln]
        cums = [level_columns(ln)[2] for ln in levels]
        biggest = max(cums)
        eighths = " ▏▎▍▌▋▊▉"
        for line, cum in zip(levels, cums, strict=True):
            cum_text = line.split()[2]
            bar_start = line.index(cum_text, line.index(line.split()[1]) + 1) + len(cum_text) + 1
            bar_cells = width - bar_start - 1  # one blank cell kept on the right
            bar = line[bar_start:].rstrip()
            drawn = 8 * bar.count("█") + sum(eighths.index(ch) for ch in bar if ch in eighths[1:])
            assert drawn == max(1, int(cum * bar_cells * 8 / biggest))
        assert any(line[-2] == "█" for line in levels)  # the largest fills the column
        assert all(line[-1] == " " for line in levels)


async def test_grouping_keys_change_bucket_width() -> None:
    session = StaticSession()
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(70, 30)) as pilot:
        await pilot.press("g", "g", "g")
        assert pane.group == 10
        lines = shown(pane)
        assert "group 10 (1.0)" in lines[0]
        middle = spread_index(lines)
        # The true spread is still shown, not the distance between buckets.
        assert "spread 0.1 " in lines[middle]
        bids = [level_columns(line) for line in lines[middle + 1 :] if line.strip()]
        book = book_of(session)
        for price, size, _ in bids:
            assert price % 1 == 0  # 10 ticks of 0.1
            in_bucket = [dec(q, 8) for p, q in book.bids() if price <= dec(p, 1) < price + 1]
            assert size == sum(in_bucket)
        await pilot.press("G")
        assert pane.group == 5
        for _ in range(12):
            await pilot.press("G")
        assert pane.group == 1
        for _ in range(12):
            await pilot.press("g")
        assert pane.group == 1000


async def test_cursor_moves_skipping_the_spread_and_c_recentres() -> None:
    session = StaticSession()
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(60, 24)) as pilot:
        book = book_of(session)
        assert pane.centred and pane.cursor is None
        await pilot.press("down")
        assert pane.cursor == book.bids(1)[0][0]
        assert pane.cursor_price == dec(book.bids(1)[0][0], 1)
        assert not pane.centred
        lines = shown(pane)
        [cursor_y] = [
            y for y in range(pane.size.height) if theme_colour("cursor") in bg_of(pane, y)
        ]
        assert lines[cursor_y].split()[0] == money(dec(book.bids(1)[0][0], 1), 1)
        await pilot.press("up")
        assert pane.cursor == book.asks(1)[0][0]
        await pilot.press("up")
        assert pane.cursor == book.asks(2)[1][0]
        await pilot.press("pagedown")
        assert pane.cursor is not None and pane.cursor < book.bids(1)[0][0]
        await pilot.press("c")
        assert pane.centred and pane.cursor is None
        assert spread_index(shown(pane)) == 2 + (24 - 2) // 2


async def test_detached_cursor_keeps_its_screen_line_while_the_book_moves() -> None:
    session = StaticSession()
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(60, 24)) as pilot:
        await pilot.press("down", "down")
        before = shown(pane)
        cursor_price = pane.cursor
        [line_before] = [
            i
            for i, ln in enumerate(before)
            if ln.split()[:1] == [money(dec(cursor_price or 0, 1), 1)]
        ]
        book = spot_book(session)
        spread_before = spread_index(before)
        # Removing the best ask and the best bid moves the spread row; the cursor stays put.
        book.apply_scaled(
            [(book.bids(1)[0][0], 0)], [(book.asks(1)[0][0], 0)], None, snapshot=False
        )
        assert pane.poll()
        after = shown(pane)
        assert after != before
        assert after[line_before].split()[0] == money(dec(cursor_price or 0, 1), 1)
        assert pane.cursor == cursor_price
        assert spread_index(after) != spread_before


async def test_a_book_that_is_not_synced_is_greyed_and_says_why() -> None:
    session = StaticSession()
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(60, 24)):
        book = book_of(session)
        middle = spread_index(shown(pane))
        assert fg_of(pane, middle + 1, "62,000.0") == theme_colour("bid")
        book.set_health(BookHealth.STALE)
        assert pane.poll()
        lines = shown(pane)
        assert "STALE" in lines[0] and "SYNCED" not in lines[0]
        assert "STALE" in lines[middle]
        assert fg_of(pane, middle + 1, "62,000.0") == theme_colour("bid-muted")
        assert fg_of(pane, middle - 1, "62,000.1") == theme_colour("ask-muted")
        book.invalidate()
        assert pane.poll()
        lines = shown(pane)
        assert "RESYNCING" in lines[0]
        assert any("waiting for snapshot…" in line for line in lines)
        assert not any("62,000.0" in line for line in lines)


async def test_polls_without_a_version_change_do_not_redraw() -> None:
    session = StaticSession()
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(60, 24)):
        refreshes: list[object] = []
        original = pane.refresh

        def counting_refresh(*args: object, **kwargs: object) -> LadderPane:
            refreshes.append(args)
            return original(*args, **kwargs)  # type: ignore[arg-type]

        pane.refresh = counting_refresh  # type: ignore[method-assign]
        redraws = pane.redraws
        assert not any([pane.poll(), pane.poll(), pane.poll()])
        assert pane.redraws == redraws and refreshes == []
        book = spot_book(session)
        bid, qty = book.bids(1)[0]
        book.apply_scaled([(bid, qty + 1)], [], None, snapshot=False)
        assert pane.poll()
        assert pane.redraws == redraws + 1 and len(refreshes) == 1
        assert not pane.poll()


async def test_market_change_redraws_with_the_new_precision() -> None:
    session = StaticSession()
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(60, 24)) as pilot:
        await pilot.press("g", "down")
        session.select(Venue.FUTURES, "PF_XBTUSD")
        assert pane.poll()
        assert pane.group == 1 and pane.centred
        lines = shown(pane)
        assert "PF_XBTUSD" in lines[0] and "crc" not in lines[0]
        middle = spread_index(lines)
        best_bid = book_of(session, (Venue.FUTURES, "PF_XBTUSD")).bids(1)[0][0]
        assert lines[middle + 1].split()[0] == f"{best_bid:,}"
        assert "spread 1 " in lines[middle]


async def test_usable_in_a_narrow_pane() -> None:
    session = StaticSession(Selection(Venue.SPOT, "ETH/USD", 10))
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(36, 12)):
        lines = shown(pane)
        assert all(len(line) == 36 for line in lines)
        assert "SYNCED ✓" in lines[0]
        middle = spread_index(lines)
        book = book_of(session, (Venue.SPOT, "ETH/USD"))
        assert lines[middle + 1].split()[0] == money(dec(book.bids(1)[0][0], 2), 2)
        assert lines[middle - 1].split()[0] == money(dec(book.asks(1)[0][0], 2), 2)


async def test_theme_switch_restyles_without_errors() -> None:
    session = StaticSession()
    pane = LadderPane(session)
    app = WidgetHost(pane)
    async with app.run_test(size=(60, 24)) as pilot:
        middle = spread_index(shown(pane))
        app.theme = "textual-light"
        await pilot.pause()
        assert fg_of(pane, middle + 1, "62,000.0") == theme_colour("bid")
        assert "SYNCED" in shown(pane)[0]


async def test_a_hidden_pane_skips_polls_and_catches_up_when_shown() -> None:
    session = StaticSession()
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(60, 24)) as pilot:
        pane.display = False
        await pilot.pause()
        book = spot_book(session)
        book.apply_scaled([(book.bids(1)[0][0], 0)], [], None, snapshot=False)
        redraws = pane.redraws
        assert not pane.poll()
        assert pane.redraws == redraws
        pane.display = True
        await pilot.pause()
        assert pane.redraws > redraws
        middle = spread_index(shown(pane))
        assert shown(pane)[middle + 1].split()[0] == money(dec(book.bids(1)[0][0], 1), 1)


async def test_clicking_a_level_puts_the_cursor_there() -> None:
    session = StaticSession()
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(60, 24)) as pilot:
        lines = shown(pane)
        target = spread_index(lines) + 3
        await pilot.click(LadderPane, offset=(3, target))
        assert pane.cursor_price == number(lines[target].split()[0])
        assert theme_colour("cursor") in bg_of(pane, target)
        await pilot.click(LadderPane, offset=(3, 0))  # the title is not a level
        assert pane.cursor_price == number(lines[target].split()[0])
