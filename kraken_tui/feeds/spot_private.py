"""Kraken Spot WebSocket v2 private feed: open orders, fills and balances of the account.

Every new socket first fetches a *fresh* token from REST ``GetWebSocketsToken``
(tokens are never reused across connections), then subscribes ``executions``
(open orders and the last fills as a snapshot) and ``balances`` with it. The
private status of the SPOT venue in :class:`~kraken_tui.feeds.account_store.AccountStore`
follows along: PENDING while authenticating, OK at the first snapshot, FAILED
when the exchange rejects the credentials.

What each failure leads to:

* bad key, bad signature, missing permission (from REST or a subscribe error):
  FAILED with a message naming spot and the key's source, and the connection
  gives up (DOWN) — retrying a rejected key only earns a lockout;
* ``EAPI:Invalid nonce``: one immediate retry with a new nonce, then as above;
* REST unreachable or failing otherwise: the socket is dropped and the manager
  reconnects with backoff (a new token each time);
* ``ESession:Invalid session`` / ``EAPI:Invalid token`` on a subscribe: drop and
  reconnect, which fetches a new token;
* a gap in a channel's ``sequence``: that channel is unsubscribed and subscribed
  again, and its fresh snapshot replaces what is held.

On a lost socket the last orders, fills and balances stay on screen (PENDING
"reconnecting") until the next snapshots replace them.
"""

from __future__ import annotations

import itertools
import time
from typing import NoReturn

from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.backoff import Backoff
from kraken_tui.feeds.connection import Clock, ConnectionManager, ConnectionSettings
from kraken_tui.feeds.stores import MarketStore
from kraken_tui.model import Venue
from kraken_tui.model.secret import CredentialError, Credentials, Secret, mask_key
from kraken_tui.venues.errors import FrameError
from kraken_tui.venues.kraken_spot.messages import StatusMessage
from kraken_tui.venues.kraken_spot.private import (
    BALANCES,
    EXECUTIONS,
    BalancesSnapshot,
    BalancesUpdate,
    ExecutionsMessage,
    PrivateAck,
    decode_private,
    subscribe_balances,
    subscribe_executions,
    unsubscribe_balances,
    unsubscribe_executions,
)
from kraken_tui.venues.kraken_spot.private_mapping import (
    ExecutionChanges,
    ExecutionTracker,
    balance_from_ledger,
    balances_from_snapshot,
)
from kraken_tui.venues.kraken_spot.private_rest import (
    INVALID_KEY,
    INVALID_NONCE,
    INVALID_SIGNATURE,
    PERMISSION_DENIED,
    SpotAuthError,
    SpotRestError,
    SpotTransientError,
    fresh_websockets_token,
)
from kraken_tui.venues.signing import NonceSource

FEED_NAME = "spot-private"
TERMINAL_ERRORS = (INVALID_KEY, INVALID_SIGNATURE, PERMISSION_DENIED)
"""Subscribe errors no new token can fix."""
TOKEN_ERRORS = ("ESession:Invalid session", "EAPI:Invalid token")
"""Subscribe errors a new token (i.e. a new connection) fixes."""
MAX_TRACKED_REQUESTS = 64


class TokenUnavailable(Exception):
    """No token for this socket (REST down or erroring); the manager backs off and retries."""


class SpotPrivateFeed:
    """One Spot v2 ws-auth socket feeding ``store.account`` (venue SPOT)."""

    def __init__(
        self,
        ws_url: str,
        rest_url: str,
        store: MarketStore,
        credentials: Credentials,
        *,
        backoff: Backoff | None = None,
        clock: Clock = time.monotonic,
        nonces: NonceSource | None = None,
        stale_after: float | None = 15.0,
    ) -> None:
        self.store = store
        self.rest_url = rest_url
        self.credentials = credentials
        self.nonces = nonces if nonces is not None else NonceSource()
        self._ping_ids = itertools.count(1)
        settings = ConnectionSettings(
            url=ws_url,
            app_ping=lambda: {"method": "ping", "req_id": next(self._ping_ids)},
            stale_after=stale_after,
        )
        self.conn = ConnectionManager(
            FEED_NAME, settings, store, self, backoff=backoff, clock=clock
        )
        self.tracker = ExecutionTracker()
        """Merged view of each open order (executions are sparse after the first event)."""
        self.system_status = ""
        self.tokens_fetched = 0
        self.sequence_gaps = 0
        self.resubscribes = 0
        self.skipped_events = 0
        """Execution events that could not become an order or fill (also in ``malformed``)."""
        self.refused: dict[str, str] = {}
        """Channel -> error text of a subscription the server refused on this socket."""
        self._token: Secret | None = None
        self._requests: dict[int, tuple[str, str]] = {}
        self._req_ids = itertools.count(1)
        self._last_seq: dict[str, int] = {}
        self._last_seq_any: int | None = None
        self._resyncing: set[str] = set()
        self._snapshots: set[str] = set()
        self._close_note: str | None = None
        self._gave_up = False

    async def run(self) -> None:
        """Connect, authenticate and stream until cancelled; never raises on network/auth errors."""
        await self.conn.run()

    # -------------------------------------------------------- connection hooks
    async def on_open(self, conn: ConnectionManager) -> None:
        self._reset_socket_state()
        self.store.account.set_private(
            Venue.SPOT, AuthState.PENDING, "authenticating", source=self.credentials.source
        )
        token = await self._fetch_token()
        if token is None:
            return
        self._token = token
        self._subscribe(EXECUTIONS)
        self._subscribe(BALANCES)

    def on_close(self) -> None:
        self._reset_socket_state()
        if not self._gave_up:
            note = self._close_note or "reconnecting"
            self.store.account.set_private(Venue.SPOT, AuthState.PENDING, note)
        self._close_note = None

    def on_stale(self) -> None:
        """Nothing to mark: orders and balances stay valid while the socket is quiet."""

    def on_fresh(self) -> None:
        """See :meth:`on_stale`."""

    def on_frame(self, raw: str | bytes) -> None:
        if self._gave_up:
            return  # frames still buffered from a socket we abandoned must not say OK
        try:
            msg = decode_private(raw)
            if isinstance(msg, ExecutionsMessage):
                self._on_executions(msg)
            elif isinstance(msg, BalancesSnapshot):
                self._on_balances_snapshot(msg)
            elif isinstance(msg, BalancesUpdate):
                self._on_balances_update(msg)
            elif isinstance(msg, PrivateAck):
                self._on_ack(msg)
            elif isinstance(msg, StatusMessage) and msg.data:
                self.system_status = msg.data[0].system
        except FrameError as exc:
            self._count_malformed(f"dropped frame: {exc.reason}")
        # heartbeat, pong and unknown frames need nothing beyond the frame count.

    # ------------------------------------------------------------------ token
    async def _fetch_token(self) -> Secret | None:
        """A fresh token, or None after giving up; raises TokenUnavailable to back off."""
        try:
            result = await fresh_websockets_token(self.rest_url, self.credentials, self.nonces)
        except SpotAuthError as exc:
            self._give_up(self._auth_message(exc.error))
            return None
        except CredentialError as exc:
            self._give_up(self._auth_message(str(exc)))
            return None
        except SpotRestError as exc:
            self._back_off(f"token request refused: {exc.error}")
        except SpotTransientError as exc:
            self._back_off(str(exc))  # "token request failed: <why>"
        self.tokens_fetched += 1
        return result.token

    def _back_off(self, reason: str) -> NoReturn:
        """Abandon this socket without a token; the manager retries after a backoff delay."""
        self._close_note = f"{reason}; retrying"
        self.store.account.set_private(Venue.SPOT, AuthState.PENDING, self._close_note)
        raise TokenUnavailable(reason)

    def _give_up(self, message: str) -> None:
        self._gave_up = True
        self.store.account.set_private(Venue.SPOT, AuthState.FAILED, message)
        self.conn.give_up(message)

    def _auth_message(self, error: str) -> str:
        """What went wrong, for the status bar: names spot, the masked key and its source."""
        if error.startswith(INVALID_KEY):
            what = "the exchange does not know this API key"
        elif error.startswith(INVALID_SIGNATURE):
            what = "the API secret does not match the key (signature rejected)"
        elif error.startswith(PERMISSION_DENIED):
            what = "the API key lacks the 'WebSocket interface' permission"
        elif error.startswith(INVALID_NONCE):
            what = "the exchange rejected the nonce twice (is another program using this key?)"
        else:
            what = "the credentials cannot be used"
        key = mask_key(self.credentials.api_key)
        source = self.credentials.source or "unknown source"
        return f"spot: {what} [{error}]; key {key} from {source}"

    # -------------------------------------------------------------- requests
    def _subscribe(self, channel: str) -> None:
        if self._token is None:
            return
        req_id = self._track("subscribe", channel)
        if channel == EXECUTIONS:
            self.conn.send(subscribe_executions(self._token, req_id=req_id))
        else:
            self.conn.send(subscribe_balances(self._token, req_id=req_id))

    def _unsubscribe(self, channel: str) -> None:
        if self._token is None:
            return
        req_id = self._track("unsubscribe", channel)
        if channel == EXECUTIONS:
            self.conn.send(unsubscribe_executions(self._token, req_id=req_id))
        else:
            self.conn.send(unsubscribe_balances(self._token, req_id=req_id))

    def _track(self, method: str, channel: str) -> int:
        req_id = next(self._req_ids)
        self._requests[req_id] = (method, channel)
        if len(self._requests) > MAX_TRACKED_REQUESTS:
            del self._requests[next(iter(self._requests))]
        return req_id

    def _resync(self, channel: str) -> None:
        """Unsubscribe and subscribe ``channel`` again for a fresh snapshot (once at a time)."""
        if channel in self._resyncing:
            return
        self._resyncing.add(channel)
        self.resubscribes += 1
        self._unsubscribe(channel)
        self._subscribe(channel)

    def _on_ack(self, msg: PrivateAck) -> None:
        request = self._requests.pop(msg.req_id, None) if msg.req_id is not None else None
        channel = msg.channel or (request[1] if request is not None else "?")
        method = request[0] if request is not None else msg.method
        if msg.success:
            if method == "subscribe":
                self.refused.pop(channel, None)
            return
        error = msg.error or "request failed"
        lowered = error.lower()
        if error.startswith(TERMINAL_ERRORS):
            self._give_up(self._auth_message(error))
        elif error.startswith(TOKEN_ERRORS):
            self._close_note = f"token rejected ({error}); reconnecting with a new token"
            self.conn.drop()
        elif method == "unsubscribe" or "not found" in lowered:
            pass  # gone either way
        elif "already subscribed" in lowered:
            if channel in self._resyncing:
                self.conn.drop()  # no snapshot will come on this socket; a new one brings it
        else:
            self.refused[channel] = error
            self.conn.status.last_error = f"{channel}: {error}"
            self.store.account.set_private(
                Venue.SPOT, AuthState.FAILED, f"spot {channel} subscription refused: {error}"
            )

    # ----------------------------------------------------------- inbound data
    def _on_executions(self, msg: ExecutionsMessage) -> None:
        account = self.store.account
        if msg.type == "snapshot":
            orders, changes = self.tracker.apply_snapshot(msg.data)
            account.replace_orders(Venue.SPOT, orders)
            account.add_fills(changes.fills)
            self._count_skipped(changes)
            self._restart_sequence(EXECUTIONS, msg.sequence)
            self._got_snapshot(EXECUTIONS)
            return
        if not self._sequence_follows(EXECUTIONS, msg.sequence):
            self._resync(EXECUTIONS)
        changes = self.tracker.apply_update(msg.data)
        for order_id in changes.removed:
            account.remove_order(Venue.SPOT, order_id)
        for order in changes.upserted:
            account.upsert_order(order)
        account.add_fills(changes.fills)
        self._count_skipped(changes)

    def _on_balances_snapshot(self, msg: BalancesSnapshot) -> None:
        self.store.account.replace_balances(Venue.SPOT, balances_from_snapshot(msg.data))
        self._restart_sequence(BALANCES, msg.sequence)
        self._got_snapshot(BALANCES)

    def _on_balances_update(self, msg: BalancesUpdate) -> None:
        if not self._sequence_follows(BALANCES, msg.sequence):
            self._resync(BALANCES)
        for entry in msg.data:
            balance = balance_from_ledger(entry)
            if balance is not None:
                self.store.account.set_balance(balance)

    def _got_snapshot(self, channel: str) -> None:
        self._resyncing.discard(channel)
        self._snapshots.add(channel)
        if not self.refused:
            self.store.account.set_private(Venue.SPOT, AuthState.OK, "")
        self.conn.mark_healthy()

    # -------------------------------------------------------------- sequence
    def _restart_sequence(self, channel: str, sequence: int | None) -> None:
        if sequence is None:
            self._last_seq.pop(channel, None)
            return
        self._last_seq[channel] = sequence
        self._note_any(sequence)

    def _sequence_follows(self, channel: str, sequence: int | None) -> bool:
        """False when messages of ``channel`` went missing before this one.

        Kraken does not say whether ``sequence`` counts per channel or per
        connection, so a number that follows either the channel's last one or the
        connection's last one is accepted; anything further ahead is a gap.
        """
        if sequence is None:
            return True
        last = self._last_seq.get(channel)
        last_any = self._last_seq_any
        self._last_seq[channel] = sequence
        self._note_any(sequence)
        if last is None or channel in self._resyncing or sequence <= last + 1:
            return True
        if last_any is not None and sequence == last_any + 1:
            return True
        self.sequence_gaps += 1
        self.conn.status.last_error = f"{channel}: sequence jumped from {last} to {sequence}"
        return False

    def _note_any(self, sequence: int) -> None:
        if self._last_seq_any is None or sequence > self._last_seq_any:
            self._last_seq_any = sequence

    # ------------------------------------------------------------------ misc
    def _reset_socket_state(self) -> None:
        self._token = None
        self._requests.clear()
        self._last_seq.clear()
        self._last_seq_any = None
        self._resyncing.clear()
        self._snapshots.clear()
        self.refused.clear()

    def _count_skipped(self, changes: ExecutionChanges) -> None:
        for reason in changes.rejected:
            self.skipped_events += 1
            self._count_malformed(f"skipped execution: {reason}")

    def _count_malformed(self, reason: str) -> None:
        status = self.conn.status
        status.malformed += 1
        status.last_error = reason
