"""Kraken Derivatives (Futures) WebSocket v1 private feeds: orders, positions, fills, balances.

A socket of its own (status name ``futures-private``), separate from the public
feed so an auth failure never disturbs market data. Every connection asks for a
*new* challenge, signs it, and only then subscribes the private feeds, all with
that one challenge: nothing is sent before it arrives, so subscribes cannot race
it, and a reconnect never reuses an old one (kraken-protocol §3.3, §7).

Rejections (``Failed to subscribe to authenticated feed``, an error about the API
key, ``subscribed_failed`` on a private feed) get exactly one retry on a fresh
socket; a second one in a row marks the account FAILED and the connection DOWN
with no retry loop (reliability-security §10.6 A1/A6). A snapshot resets that.
No secret, challenge or signature ever reaches a status text or exception.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import deque

from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.backoff import Backoff
from kraken_tui.feeds.connection import Clock, ConnectionManager, ConnectionSettings
from kraken_tui.feeds.stores import ConnState, MarketStore
from kraken_tui.model import Venue
from kraken_tui.model.secret import CredentialError, Credentials, check_api_secret, mask_key
from kraken_tui.venues.errors import FrameError
from kraken_tui.venues.kraken_futures.private import (
    FuturesAccountLogDelta,
    FuturesAccountLogEntry,
    FuturesAccountLogSnapshot,
    FuturesBalances,
    FuturesChallenge,
    FuturesFills,
    FuturesFlexWallet,
    FuturesNotification,
    FuturesNotifications,
    FuturesOpenOrderDelta,
    FuturesOpenOrdersSnapshot,
    FuturesOpenPositions,
    FuturesPrivateEvent,
    challenge_request,
    decode_private,
    private_subscribe,
)
from kraken_tui.venues.kraken_futures.private_mapping import (
    balances_from_wire,
    fills_oldest_first,
    margin_from_flex,
    merge_flex,
    order_from_wire,
    position_from_wire,
)
from kraken_tui.venues.signing import sign_challenge

FEED_NAME = "futures-private"
PRIVATE_FEEDS = (
    "open_orders_verbose",
    "open_positions",
    "fills",
    "balances",
    "account_log",
    "notifications_auth",
)
"""What every connection subscribes, in this order, once the challenge is signed."""
ACCOUNT_LOG_KEPT = 100

_AUTH_WORDS = (
    "authenticat",
    "api key",
    "api_key",
    "apikey",
    "challenge",
    "signature",
    "unauthori",
    "permission",
    "invalid key",
)
_LONG_TOKEN = re.compile(r"[A-Za-z0-9+/=_-]{24,}")


def is_auth_rejection(message: str) -> bool:
    """True for alert/error texts that mean the credentials or signature were refused."""
    text = message.lower()
    return any(word in text for word in _AUTH_WORDS)


def _scrub(text: str) -> str:
    """Server text for a status line: short, and without anything key- or signature-like."""
    return _LONG_TOKEN.sub("…", text.strip())[:100]


class FuturesPrivateFeed:
    """One Futures v1 private socket; writes ``store.account`` (venue FUTURES)."""

    def __init__(
        self,
        url: str,
        store: MarketStore,
        credentials: Credentials,
        *,
        backoff: Backoff | None = None,
        clock: Clock = time.monotonic,
        ping_interval: float = 25.0,
        challenge_timeout: float = 10.0,
    ) -> None:
        self.store = store
        self.account = store.account
        self._credentials = credentials
        self.challenge_timeout = challenge_timeout
        # Private feeds can be silent for hours: liveness comes from protocol pings,
        # not from a data watchdog.
        settings = ConnectionSettings(
            url=url,
            ping_interval=ping_interval,
            ping_timeout=min(ping_interval, 20.0),
            stale_after=None,
        )
        self.conn = ConnectionManager(
            FEED_NAME, settings, store, self, backoff=backoff, clock=clock
        )
        self.account_log: deque[FuturesAccountLogEntry] = deque(maxlen=ACCOUNT_LOG_KEPT)
        """Newest bookings, oldest first (no pane shows them yet)."""
        self.auth_failures = 0
        """Consecutive connections whose subscribes were refused."""
        self.confirmed: set[str] = set()
        """Private feeds acknowledged on the current socket."""
        self.skipped = 0
        """Single records (an order with an unknown direction...) dropped from good frames."""
        self._signed = False
        self._rejected_here = False
        self._gave_up = False
        self._drop_reason = ""
        self._flex: FuturesFlexWallet | None = None
        self._challenge_timer: asyncio.TimerHandle | None = None

    # ------------------------------------------------------------------ control
    async def run(self) -> None:
        """Connect, authenticate and stream until cancelled; never raises for I/O or auth."""
        creds = self._credentials
        try:
            check_api_secret(creds.api_secret)
        except CredentialError as exc:
            # A secret that cannot sign anything is refused before any connection.
            message = (
                f"Futures private feeds: the API secret for key {mask_key(creds.api_key)} "
                f"from the {creds.source} cannot be used: {exc}"
            )
            self._gave_up = True
            self.account.set_private(Venue.FUTURES, AuthState.FAILED, message, source=creds.source)
            self.store.set_feed_state(FEED_NAME, ConnState.DOWN, message)
            return
        self.account.set_private(
            Venue.FUTURES, AuthState.PENDING, "connecting", source=creds.source
        )
        try:
            await self.conn.run()
        finally:
            self._cancel_timer()

    # -------------------------------------------------------- connection hooks
    async def on_open(self, conn: ConnectionManager) -> None:
        self._signed = False
        self._rejected_here = False
        self._drop_reason = ""
        self.confirmed.clear()
        self.account.set_private(
            Venue.FUTURES, AuthState.PENDING, "authenticating", source=self._credentials.source
        )
        conn.send(challenge_request(self._credentials.api_key))
        self._cancel_timer()
        self._challenge_timer = asyncio.get_running_loop().call_later(
            self.challenge_timeout, self._challenge_overdue, conn.connections
        )

    def on_close(self) -> None:
        self._cancel_timer()
        self._signed = False
        self.confirmed.clear()
        if not self._gave_up:
            # Last data stays on screen until the next snapshots replace it.
            why = f": {self._drop_reason}" if self._drop_reason else ""
            self.account.set_private(Venue.FUTURES, AuthState.PENDING, "reconnecting" + why)

    def on_stale(self) -> None:
        """Not used: no stale watchdog on this socket."""

    def on_fresh(self) -> None:
        """Not used: no stale watchdog on this socket."""

    def on_frame(self, raw: str | bytes) -> None:
        try:
            msg = decode_private(raw)
            if isinstance(msg, FuturesChallenge):
                self._on_challenge(msg)
            elif isinstance(msg, FuturesPrivateEvent):
                self._on_event(msg)
            elif isinstance(msg, FuturesOpenOrderDelta):
                self._on_order_delta(msg)
            elif isinstance(msg, FuturesFills):
                self._on_fills(msg)
            elif isinstance(msg, FuturesBalances):
                self._on_balances(msg)
            elif isinstance(msg, FuturesOpenOrdersSnapshot):
                self._on_orders_snapshot(msg)
            elif isinstance(msg, FuturesOpenPositions):
                self._on_positions(msg)
            elif isinstance(msg, FuturesAccountLogSnapshot):
                self._on_log_snapshot(msg)
            elif isinstance(msg, FuturesAccountLogDelta):
                self._add_log_entry(msg.new_entry)
            elif isinstance(msg, FuturesNotifications):
                self._on_notifications(msg)
        except FrameError as exc:
            status = self.conn.status
            status.malformed += 1
            self._note(f"dropped frame: {exc.reason}")
        # Unknown feeds and events need nothing beyond the frame count.

    # ----------------------------------------------------------- authentication
    def _on_challenge(self, msg: FuturesChallenge) -> None:
        if self._signed:
            return  # one challenge per socket; a stray second one changes nothing
        creds = self._credentials
        # All frames are built before anything is sent or the timer stopped: should
        # signing fail, nothing half-subscribed stays behind and the timeout reconnects.
        frames = [
            private_subscribe(
                feed, creds.api_key, msg.message, sign_challenge(creds.api_secret, msg.message)
            )
            for feed in PRIVATE_FEEDS
        ]
        self._signed = True
        self._cancel_timer()
        for frame in frames:
            self.conn.send(frame)

    def _challenge_overdue(self, connection: int) -> None:
        self._challenge_timer = None
        if self._signed or connection != self.conn.connections or not self.conn.connected:
            return
        self._drop_reason = f"no challenge within {self.challenge_timeout:g}s"
        self._note(self._drop_reason)
        self.conn.drop()

    def _on_event(self, msg: FuturesPrivateEvent) -> None:
        event = msg.event
        feed = msg.feed or ""
        text = msg.message or ""
        if event == "subscribed":
            self.confirmed.add(feed)
        elif event == "unsubscribed":
            self.confirmed.discard(feed)
        elif event == "subscribed_failed" and (not feed or feed in PRIVATE_FEEDS):
            self._auth_rejected(f"subscription to {feed or 'a private feed'} refused")
        elif event in ("alert", "error") and is_auth_rejection(text):
            self._auth_rejected(_scrub(text))
        elif event in ("alert", "error", "subscribed_failed", "unsubscribed_failed"):
            self._note(f"{event}: {_scrub(text)}".rstrip(": "))

    def _auth_rejected(self, why: str) -> None:
        if self._rejected_here or self._gave_up:
            return  # several subscribes fail together: one socket counts once
        self._rejected_here = True
        self.auth_failures += 1
        if self.auth_failures < 2:
            self._drop_reason = "authentication refused, retrying once with a new challenge"
            self._note(f"{self._drop_reason} ({why})")
            self.conn.drop()
            return
        creds = self._credentials
        message = (
            f"Futures private feeds: Kraken refused the API key {mask_key(creds.api_key)} "
            f"from the {creds.source} twice ({why}). Check that the key and secret are "
            "a Kraken Futures (Derivatives) pair, copied in full, for this environment "
            "(demo and live keys differ), with read access; public data keeps running."
        )
        self._gave_up = True
        self.account.set_private(Venue.FUTURES, AuthState.FAILED, message)
        self.conn.give_up(message)

    def _snapshot_arrived(self) -> None:
        self.auth_failures = 0
        self.conn.mark_healthy()
        self.account.set_private(Venue.FUTURES, AuthState.OK, "")

    # ------------------------------------------------------------------ data
    def _on_orders_snapshot(self, msg: FuturesOpenOrdersSnapshot) -> None:
        orders = []
        for wire in msg.orders:
            try:
                orders.append(order_from_wire(wire))
            except FrameError as exc:
                self._skip(exc)
        self.account.replace_orders(Venue.FUTURES, orders)
        self._snapshot_arrived()

    def _on_order_delta(self, msg: FuturesOpenOrderDelta) -> None:
        if msg.is_cancel:
            self.account.remove_order(Venue.FUTURES, msg.target_id)
        elif msg.order is not None:
            self.account.upsert_order(order_from_wire(msg.order))

    def _on_fills(self, msg: FuturesFills) -> None:
        self.account.add_fills(fills_oldest_first(msg.fills))
        if msg.is_snapshot:
            self._snapshot_arrived()

    def _on_positions(self, msg: FuturesOpenPositions) -> None:
        self.account.replace_positions(position_from_wire(p) for p in msg.positions)
        self._snapshot_arrived()

    def _on_balances(self, msg: FuturesBalances) -> None:
        rows = balances_from_wire(msg)
        if msg.is_snapshot:
            self.account.replace_balances(Venue.FUTURES, rows)
            self._flex = None
        else:
            for row in rows:  # a delta names only what changed: never wipe the rest
                self.account.set_balance(row)
        if msg.flex_futures is not None:
            self._flex = merge_flex(self._flex, msg.flex_futures)
            margin = margin_from_flex(self._flex)
            if margin is not None:
                self.account.set_margin(margin)
        if msg.is_snapshot:
            self._snapshot_arrived()

    def _on_log_snapshot(self, msg: FuturesAccountLogSnapshot) -> None:
        self.account_log.clear()
        for entry in sorted(msg.logs, key=lambda e: e.id)[-ACCOUNT_LOG_KEPT:]:
            self.account_log.append(entry)
        self._snapshot_arrived()

    def _add_log_entry(self, entry: FuturesAccountLogEntry) -> None:
        if all(kept.id != entry.id for kept in self.account_log):
            self.account_log.append(entry)

    def _on_notifications(self, msg: FuturesNotifications) -> None:
        for note in msg.notifications:
            if note.type.lower() == "maintenance" or note.priority.lower() == "high":
                self.account.add_notice(notice_text(note))
        self._snapshot_arrived()

    # --------------------------------------------------------------- helpers
    def _skip(self, exc: FrameError) -> None:
        self.skipped += 1
        self._note(f"skipped a record: {exc.reason}")

    def _note(self, error: str) -> None:
        self.conn.status.last_error = error
        self.store.feeds_version += 1

    def _cancel_timer(self) -> None:
        if self._challenge_timer is not None:
            self._challenge_timer.cancel()
            self._challenge_timer = None


def notice_text(note: FuturesNotification) -> str:
    """One line for the notices list: kind, priority, text, then when (UTC) and for how long."""
    head = f"Futures {note.type or 'notice'}" + (f" ({note.priority})" if note.priority else "")
    text = f"{head}: {note.note.strip()}" if note.note.strip() else head
    details = []
    if note.effective_time:
        try:
            moment = time.gmtime(note.effective_time / 1000)
        except (OverflowError, OSError, ValueError):
            moment = None
        if moment is not None:
            details.append(time.strftime("%Y-%m-%d %H:%M UTC", moment))
    if note.expected_downtime_minutes:
        details.append(f"~{note.expected_downtime_minutes} min downtime")
    return f"{text} [{', '.join(details)}]" if details else text
