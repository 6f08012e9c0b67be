"""Where the account shows outside its panes: own orders marked on the ladder, and the
status bar's ``acct`` chip for the private feeds."""

from __future__ import annotations

from decimal import Decimal

from textual.color import Color

from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.stores import ConnState
from kraken_tui.model import TradeSide, Venue
from kraken_tui.model.account import Order
from kraken_tui.ui.theme_vars import THEME_VARIABLE_DEFAULTS
from kraken_tui.ui.widgets import LadderPane, StatusBar
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
