"""Where the account shows outside its panes: own orders marked on the ladder, and the
status bar's ``acct`` chip for the private feeds."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from textual.color import Color

from kraken_tui.book import BookHealth, BookView, LevelRow
from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.session import Selection
from kraken_tui.feeds.stores import ConnState
from kraken_tui.model import TradeSide, Venue
from kraken_tui.model.account import Order
from kraken_tui.ui.theme_vars import THEME_VARIABLE_DEFAULTS
from kraken_tui.ui.widgets import LadderPane, StatusBar
from kraken_tui.ui.widgets.ladder_marks import tag_side
from kraken_tui.ui.widgets.pane import line_plain
from tests.ui.fakes import StaticSession
from tests.ui.widget_host import WidgetHost


def shown(pane: LadderPane) -> list[str]:
    return [pane.render_line(y).text.rstrip() for y in range(pane.size.height)]


def row_of(pane: LadderPane, price: str) -> str:
    [line] = [line for line in shown(pane) if line.split()[:1] == [price]]
    return line


def marked(pane: LadderPane) -> list[str]:
    return [line for line in shown(pane) if "◀" in line or "▶" in line]


def colour_of(pane: LadderPane, text: str) -> Color | None:
    for y in range(pane.size.height):
        for segment in pane.render_line(y):
            if text in segment.text and segment.style is not None and segment.style.color:
                return Color.from_rich_color(segment.style.color)
    raise AssertionError(f"{text!r} not drawn")


def btc_order(order_id: str, side: TradeSide, price: str, qty: str, **extra: object) -> Order:
    return Order(
        Venue.SPOT, order_id, "BTC/USD", side, "limit", Decimal(qty),
        limit_price=Decimal(price), **extra,  # type: ignore[arg-type]
    )  # fmt: skip


# ------------------------------------------------------------------ ladder
async def test_own_orders_are_marked_at_their_levels_with_their_remaining_size() -> None:
    # Seeded: sell 0.25 with 0.05 filled at 62,000.5 (4th ask), buy 0.10 at 61,999.3 (4th bid).
    session = StaticSession()
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(70, 30)):
        assert row_of(pane, "62,000.5").endswith("◀ 0.2")
        assert row_of(pane, "61,999.3").endswith("▶ 0.1")
        assert len(marked(pane)) == 2  # ETH/USD and futures orders are not this market's
        assert colour_of(pane, "◀ 0.2") == Color.parse(THEME_VARIABLE_DEFAULTS["ask"])
        assert colour_of(pane, "▶ 0.1") == Color.parse(THEME_VARIABLE_DEFAULTS["bid"])


async def test_marks_follow_order_changes_and_skip_stops() -> None:
    session = StaticSession()
    account = session.store.account
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(70, 30)):
        account.upsert_order(btc_order("O-2", TradeSide.SELL, "62000.5", "0.3"))
        assert pane.poll()
        assert row_of(pane, "62,000.5").endswith("◀ 0.5")  # summed per level
        account.remove_order(Venue.SPOT, "OSEED-BTC-B")
        assert pane.poll()
        assert "▶" not in "".join(shown(pane))
        stop = btc_order("O-3", TradeSide.SELL, "61999.0", "1", stop_price=Decimal("61999.0"))
        account.upsert_order(stop)
        assert pane.poll()
        assert len(marked(pane)) == 1  # a stop is a trigger, not a resting order


async def test_grouped_ladder_marks_the_bucket_holding_the_price() -> None:
    session = StaticSession()
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(70, 30)):
        pane.action_coarser()
        pane.action_coarser()  # 5 ticks = 0.5: bids round down, asks round up
        assert pane.group == 5
        assert row_of(pane, "61,999.0").endswith("▶ 0.1")  # 61,999.3 lies in 61,999.0-.4
        assert row_of(pane, "62,000.5").endswith("◀ 0.2")  # 62,000.5 is its own bucket top
        assert len(marked(pane)) == 2


async def test_marks_out_of_view_are_not_drawn() -> None:
    pane = LadderPane(StaticSession())
    async with WidgetHost(pane).run_test(size=(70, 6)):  # two asks, spread, one bid
        assert len([line for line in shown(pane)[2:] if line.strip()]) == 4
        assert marked(pane) == []


async def test_an_order_between_levels_gets_its_own_empty_row() -> None:
    # Seeded bids: 61,999.8, 61,999.6, 61,999.3 ... (no level at 61,999.5): on the
    # embedded exchange, and in paper, a practice order is not part of the public book.
    session = StaticSession()
    account = session.store.account
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(70, 30)):
        assert [line for line in shown(pane) if line.split()[:1] == ["61,999.5"]] == []
        account.upsert_order(btc_order("O-5", TradeSide.BUY, "61999.5", "0.3"))
        assert pane.poll()
        row = row_of(pane, "61,999.5")
        assert row.endswith("▶ 0.3")
        assert row.split()[1].strip("0.") == ""  # nothing else rests there
        prices = [line.split()[0] for line in shown(pane) if line.split()[:1]]
        assert prices.index("61,999.6") + 1 == prices.index("61,999.5")
        assert prices.index("61,999.5") + 1 == prices.index("61,999.3")


async def test_orders_beyond_the_book_or_through_the_spread_get_no_row() -> None:
    session = StaticSession()
    account = session.store.account
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(70, 30)):
        before = shown(pane)
        account.upsert_order(btc_order("O-6", TradeSide.BUY, "50000.0", "1"))
        account.upsert_order(btc_order("O-7", TradeSide.SELL, "61000.0", "1"))
        pane.poll()
        assert [line.rstrip() for line in shown(pane)] == [line.rstrip() for line in before]


# Seeded PF_XBTUSD: asks 62,011, 62,014, 62,016 ...; bids 62,010, 62,009, 62,007, 62,006,
# 62,003, 62,000 (own buy 0.02), 61,999 ...; the position is long 0.04, entry 61,211,
# mark 62,011, liq 55,020.
PERP = Selection(Venue.FUTURES, "PF_XBTUSD", 25)


async def test_position_prices_in_view_are_tagged_on_the_ladder() -> None:
    session = StaticSession(PERP)
    pane = LadderPane(session)
    async with WidgetHost(pane).run_test(size=(70, 40)):
        assert row_of(pane, "62,011").endswith("mark")  # on the best ask
        text = "".join(shown(pane))
        assert "entry" not in text and "liq" not in text  # far below the shown book
        position = session.store.account.positions["PF_XBTUSD"]
        session.store.account.upsert_position(
            replace(
                position,
                entry_price=Decimal("62000"),
                mark_price=Decimal("62012.4"),
                liquidation_price=Decimal("61999"),
            )
        )
        assert pane.poll()
        assert row_of(pane, "62,000").endswith("▶ 0.02 entry")  # beside our order
        assert row_of(pane, "61,999").endswith("liq")
        assert colour_of(pane, "liq") == Color.parse(THEME_VARIABLE_DEFAULTS["loss"])
        # 62,012.4 has no level: an empty row at the bucket that holds it (asks round up).
        assert row_of(pane, "62,013").endswith("mark")


def test_a_price_inside_the_spread_goes_to_a_side_only_within_one_bucket() -> None:
    def view(group_size: int) -> BookView:
        row = LevelRow(0, 1, 1, 0)
        return BookView(
            "X", 0, 0, BookHealth.SYNCED, 1,
            asks=(replace(row, price=110),), bids=(replace(row, price=100),),
            group_size=group_size,
        )  # fmt: skip

    assert tag_side(view(1), Decimal("105")) is None  # the spread row stands for it
    assert tag_side(view(1), Decimal("100.5")) is False
    assert tag_side(view(1), Decimal("109.7")) is True
    assert tag_side(view(1), Decimal("110")) is True
    assert tag_side(view(1), Decimal("99")) is False
    # Grouped by 10: every price in the spread is within a bucket of a side.
    assert tag_side(view(10), Decimal("104")) is False
    assert tag_side(view(10), Decimal("105")) is True  # a tie goes to the ask
    assert tag_side(view(10), Decimal("106")) is True


async def test_spot_ladders_have_no_position_tags() -> None:
    pane = LadderPane(StaticSession())
    async with WidgetHost(pane).run_test(size=(70, 40)):
        text = "".join(shown(pane))
        assert "mark" not in text and "entry" not in text and "liq" not in text


# ------------------------------------------------------------------ status
def status_line(bar: StatusBar) -> str:
    return line_plain(bar.lines()[0])


async def test_private_feeds_fold_into_one_acct_chip() -> None:
    session = StaticSession()
    bar = StatusBar(session, "SIM")
    bar.monotonic = lambda: 100.0
    async with WidgetHost(bar).run_test(size=(140, 3)):
        line = status_line(bar)
        assert line.endswith("futures ● 0/s —  acct ●")
        assert "private" not in line


async def test_the_trading_socket_shows_only_when_it_is_not_connected() -> None:
    session = StaticSession()
    store = session.store
    bar = StatusBar(session, "SIM")
    bar.monotonic = lambda: 100.0
    async with WidgetHost(bar).run_test(size=(140, 3)):
        store.set_feed_state("spot-orders", ConnState.CONNECTED)
        bar.poll()
        assert "orders" not in status_line(bar)
        store.set_feed_state("spot-orders", ConnState.RECONNECTING, "connection lost")
        assert bar.poll()
        assert status_line(bar).endswith("acct ●  orders ↻ reconnecting")


async def test_acct_chip_names_the_venue_that_is_not_ok() -> None:
    session = StaticSession()
    account, store = session.store.account, session.store
    bar = StatusBar(session, "SIM")
    bar.monotonic = lambda: 100.0
    async with WidgetHost(bar).run_test(size=(140, 3)):
        account.set_private(Venue.FUTURES, AuthState.FAILED, "EAPI:Invalid key")
        store.set_feed_state("futures-private", ConnState.DOWN, "rejected")
        assert bar.poll()
        assert status_line(bar).endswith("acct spot ● futures ✕ auth failed")
        account.set_private(Venue.FUTURES, AuthState.OK)
        store.set_feed_state("futures-private", ConnState.RECONNECTING)
        assert bar.poll()
        assert status_line(bar).endswith("acct spot ● futures ↻ reconnecting")
        store.set_feed_state("futures-private", ConnState.CONNECTED)
        store.feed("futures-private").malformed = 2
        account.set_private(Venue.SPOT, AuthState.PENDING)
        account.set_private(Venue.FUTURES, AuthState.PENDING)
        assert bar.poll()
        assert status_line(bar).endswith("acct ◌ authenticating ⚠2 bad")


async def test_acct_chip_says_when_keys_came_from_the_environment() -> None:
    session = StaticSession(account=False)
    account = session.store.account
    bar = StatusBar(session, "LIVE")
    bar.monotonic = lambda: 100.0
    async with WidgetHost(bar).run_test(size=(140, 3)):
        assert status_line(bar).endswith("acct ○ off")
        account.set_private(Venue.FUTURES, AuthState.OK, source="environment")
        assert bar.poll()
        assert status_line(bar).endswith("acct spot ○ off futures ●  keys: env")


async def test_narrow_status_bar_keeps_auth_failed() -> None:
    session = StaticSession()
    session.store.account.set_private(Venue.SPOT, AuthState.FAILED, "EAPI:Invalid key")
    session.store.account.set_private(Venue.FUTURES, AuthState.PENDING)
    bar = StatusBar(session, "SIM")
    bar.monotonic = lambda: 100.0
    async with WidgetHost(bar).run_test(size=(80, 3)):
        line = status_line(bar)
        assert "/s" not in line  # numbers go first
        assert line.endswith("acct spot ✕ auth failed futures ◌")
