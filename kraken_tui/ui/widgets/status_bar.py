"""One-line status bar: environment badge, selected market, the health of every public
feed, and one compact chip for the private (account) side of both venues.

Its message rates and ages change without any version bump, so it polls on its own
clock (twice a second, once in low-power mode) whatever ``--fps`` says.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import ClassVar

from kraken_tui.feeds.account_store import AccountStore, AuthState, PrivateStatus
from kraken_tui.feeds.session import MarketSession
from kraken_tui.feeds.stores import ConnState, FeedStatus
from kraken_tui.model import Venue
from kraken_tui.ui.widgets.formatting import age_text, rate_text
from kraken_tui.ui.widgets.pane import Line, LinePane, crop_line, line_width

ENVIRONMENTS = ("sim", "replay", "paper", "demo", "live")
"""Environment labels with their own badge colour (``$env-<name>``)."""

STATE_GLYPH = {
    ConnState.CONNECTED: ("●", "conn-up"),
    ConnState.CONNECTING: ("◌", "conn-wait"),
    ConnState.RECONNECTING: ("↻", "conn-wait"),
    ConnState.DOWN: ("✕", "conn-down"),
    ConnState.STOPPED: ("○", "conn-stopped"),
}

PRIVATE_FEEDS = {Venue.SPOT: "spot-private", Venue.FUTURES: "futures-private"}
ORDER_FEEDS = ("spot-orders",)
"""Trading sockets: mentioned only when they are not connected (they idle between orders)."""
"""Private feeds by venue: folded into the ``acct`` chip instead of listed one by one."""

AUTH_GLYPH = {
    AuthState.PENDING: ("◌", "conn-wait", "authenticating"),
    AuthState.FAILED: ("✕", "conn-down", "auth failed"),
    AuthState.OFF: ("○", "conn-stopped", "off"),
}
ENV_SOURCES = ("environment", "env")
"""``PrivateStatus.source`` values meaning the keys came from environment variables."""


class StatusBar(LinePane):
    """Environment, market and feed health in one line; the app decides where it docks."""

    POLL_INTERVAL = 1 / 2
    ROLE_PREFIX = "status"
    SETTLE_KEY = False

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status--env-sim",
        "status--env-replay",
        "status--env-paper",
        "status--env-demo",
        "status--env-live",
        "status--env-other",
        "status--market",
        "status--label",
        "status--value",
        "status--conn-up",
        "status--conn-wait",
        "status--conn-down",
        "status--conn-stopped",
        "status--warn",
    }

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
    }
    StatusBar > .status--env-sim { background: $env-sim; }
    StatusBar > .status--env-replay { background: $env-replay; }
    StatusBar > .status--env-paper { background: $env-paper; }
    StatusBar > .status--env-demo { background: $env-demo; }
    StatusBar > .status--env-live { background: $env-live; }
    StatusBar > .status--env-other { background: $foreground; }
    StatusBar > .status--env-sim, StatusBar > .status--env-replay, StatusBar > .status--env-paper,
    StatusBar > .status--env-demo, StatusBar > .status--env-live, StatusBar > .status--env-other {
        color: $background;
        text-style: bold;
    }
    StatusBar > .status--market { text-style: bold; }
    StatusBar > .status--label { color: $text-muted; }
    StatusBar > .status--value { color: $foreground; }
    StatusBar > .status--conn-up { color: $success; }
    StatusBar > .status--conn-wait { color: $warning; }
    StatusBar > .status--conn-down { color: $error; text-style: bold; }
    StatusBar > .status--conn-stopped { color: $text-muted; }
    StatusBar > .status--warn { color: $warning; }
    """

    def __init__(self, session: MarketSession, env_label: str, *, id: str | None = None) -> None:
        super().__init__(session, id=id)
        self.env_label = env_label.upper()
        """Which environment this is: SIM, REPLAY, PAPER, DEMO or LIVE."""
        self.monotonic: Callable[[], float] = time.monotonic
        """Clock for message rates and ages (``time.monotonic`` unless a test freezes it)."""
        self._line: Line = []

    def change_key(self) -> Hashable:
        # Rates and ages move without any version bump, so the key is the text itself:
        # the bar is redrawn only when what it would show differs.
        self._pending = self._build()
        return (tuple(self._pending), self.size.width)

    def configured_interval(self) -> float:
        return self.render_mode.status_seconds

    def rebuild(self) -> None:
        self._line = self._pending
        self.show_lines([crop_line(self._line, max(0, self.size.width))])

    def lines(self) -> list[Line]:
        """The current line model (not cropped to the bar), for tests."""
        return [self._line]

    # ---------------------------------------------------------------- layout
    def _badge(self) -> Line:
        name = self.env_label.lower()
        role = f"env-{name}" if name in ENVIRONMENTS else "env-other"
        text = f" ● {self.env_label} " if name == "live" else f" {self.env_label} "
        return [(text, role)]

    def _build(self) -> Line:
        selection = self.session.selection
        head: Line = [
            *self._badge(),
            (" ", ""),
            (f"{selection.symbol} {selection.venue.value}", "market"),
        ]
        now = self.monotonic()
        store = self.session.store
        hidden = {*PRIVATE_FEEDS.values(), *ORDER_FEEDS}
        feeds = [feed for name, feed in store.feeds.items() if name not in hidden]
        full = head + [cell for feed in feeds for cell in feed_cells(feed, now, detailed=True)]
        full += private_chip(store.account, store.feeds, detailed=True)
        dms = order_feed_chip(store.feeds) + dead_man_chip(self.session)
        if line_width(full + dms) <= self.size.width or not self.size.width:
            return full + dms
        short = head + [cell for feed in feeds for cell in feed_cells(feed, now, detailed=False)]
        return short + private_chip(store.account, store.feeds, detailed=False) + dms


def order_feed_chip(feeds: dict[str, FeedStatus]) -> Line:
    """``  orders ↻ reconnecting`` while a trading socket is not connected; else nothing."""
    cells: Line = []
    for name in ORDER_FEEDS:
        feed = feeds.get(name)
        if feed is not None and feed.state is not ConnState.CONNECTED:
            glyph, role = STATE_GLYPH.get(feed.state, ("?", "conn-stopped"))
            cells += [("  orders ", "label"), (glyph, role), (" " + feed.state.value, role)]
    return cells


DMS_WARN_SECONDS = 15.0
"""Below this the dead-man's switch chip turns to the warning colour."""


def dead_man_chip(session: MarketSession) -> Line:
    """``  DMS 47s``: the soonest armed cancel-all-after switch; nothing when disarmed."""
    gateway = session.trading
    if gateway is None or not gateway.enabled:
        return []
    armed = [s for venue in Venue if (s := gateway.dead_man_seconds(venue)) is not None]
    if not armed:
        return []
    seconds = max(0.0, min(armed))
    return [
        ("  DMS", "label"),
        (f" {seconds:.0f}s", "warn" if seconds < DMS_WARN_SECONDS else "value"),
    ]


def venue_state(status: PrivateStatus, feed: FeedStatus | None) -> tuple[str, str, str]:
    """Glyph, role and word for one venue's private side: auth first, then its socket."""
    if status.state is not AuthState.OK:
        return AUTH_GLYPH.get(status.state, ("?", "conn-stopped", status.state.value))
    if feed is None or feed.state is ConnState.CONNECTED:
        return ("●", "conn-up", "")
    glyph, role = STATE_GLYPH.get(feed.state, ("?", "conn-stopped"))
    return (glyph, role, feed.state.value)


def private_chip(account: AccountStore, feeds: dict[str, FeedStatus], *, detailed: bool) -> Line:
    """``  acct ●`` when both venues agree, else ``  acct spot ● futures ✕ auth failed``;
    then malformed private frames and ``keys: env`` when keys came from the environment.
    Narrow bars drop every word but "auth failed"."""
    states = {
        venue: venue_state(account.private[venue], feeds.get(name))
        for venue, name in PRIVATE_FEEDS.items()
    }

    def word(text: str, role: str) -> Line:
        keep = detailed or text == AUTH_GLYPH[AuthState.FAILED][2]
        return [(" " + text, role)] if text and keep else []

    cells: Line = [("  acct", "label")]
    if len(set(states.values())) == 1:
        glyph, role, text = next(iter(states.values()))
        cells += [(" ", ""), (glyph, role), *word(text, role)]
    else:
        for venue, (glyph, role, text) in states.items():
            cells += [(f" {venue.value} ", "label"), (glyph, role), *word(text, role)]
    bad = sum(feeds[name].malformed for name in PRIVATE_FEEDS.values() if name in feeds)
    if bad:
        cells.append((f" ⚠{bad} bad", "warn"))
    if any(status.source.lower() in ENV_SOURCES for status in account.private.values()):
        cells.append(("  keys: env", "warn"))
    return cells


def feed_cells(feed: FeedStatus, now: float, *, detailed: bool) -> Line:
    """``  spot ● 412/s 0.1s``; the state word replaces the numbers unless connected."""
    glyph, role = STATE_GLYPH.get(feed.state, ("?", "conn-stopped"))
    cells: Line = [("  " + feed.name + " ", "label"), (glyph, role)]
    rate = feed.rate(now)
    if feed.state is not ConnState.CONNECTED:
        cells.append((" " + feed.state.value, role))
    elif detailed:
        cells.append((f" {rate_text(rate)} {age_text(feed.age(now))}", "value"))
    if feed.malformed:
        cells.append((f" ⚠{feed.malformed} bad", "warn"))
    return cells
