"""Futures WebSocket v1 private protocol of the embedded exchange.

One :class:`FuturesPrivateDesk` per server holds the practice account and its
futures credentials; each connection gets a :class:`FuturesPrivateSession`,
which :class:`~kraken_tui.sim.futures_ws.FuturesSession` calls for the
``challenge`` event and for subscribe/unsubscribe of the private feeds.

Authentication as Kraken does it (kraken-protocol §3.3): ``challenge`` with a
known ``api_key`` answers a fresh UUID, remembered for this connection only; an
unknown key gets ``{"event":"error","message":"Invalid API key"}`` (our choice;
Kraken does not document it). Every private subscribe and unsubscribe must carry
``api_key``, an ``original_challenge`` issued on this connection to that key and
``signed_challenge`` = base64(HMAC-SHA512(secret, SHA256(challenge))), compared
in constant time. Anything else is answered with ``{"event":"alert","message":
"Failed to subscribe to authenticated feed"}`` (unsubscribe: "Failed to
unsubscribe from authenticated feed") and changes nothing.

After ``{"event":"subscribed","feed":F}`` comes the feed's snapshot, then deltas
from the account's events. ``open_positions`` and ``balances`` are re-sent by
:meth:`FuturesPrivateDesk.tick` (once a second) when marks moved them; both carry
a per-subscription ``seq``. Fills carry an account-wide ``seq``.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kraken_tui.model import Venue
from kraken_tui.model.account import Fill, Liquidity, MarginSummary, Position
from kraken_tui.model.secret import Credentials
from kraken_tui.sim.practice import INITIAL_MARGIN_RATE, AccountEvent, PracticeAccount
from kraken_tui.venues.jsontext import dump
from kraken_tui.venues.kraken_futures.private import SUBSCRIBE_FEEDS
from kraken_tui.venues.kraken_futures.private_server import (
    AUTH_FAILED,
    UNSUB_AUTH_FAILED,
    FillContext,
    Notice,
    PositionExtras,
    encode_account_log_entry,
    encode_account_log_snapshot,
    encode_balances,
    encode_challenge,
    encode_notifications,
    encode_open_order,
    encode_open_orders_snapshot,
    encode_open_positions,
    encode_order_removed,
    flex_wallet,
    log_entry,
    wire_fill,
)
from kraken_tui.venues.kraken_futures.server import encode_alert, encode_error, encode_event
from kraken_tui.venues.signing import sign_challenge
from kraken_tui.venues.timefmt import ms_to_rfc3339

if TYPE_CHECKING:
    from kraken_tui.sim.outbox import Outbox

PRIVATE_FEEDS = frozenset(SUBSCRIBE_FEEDS)
INVALID_KEY = "Invalid API key"
ORDER_FEEDS = ("open_orders", "open_orders_verbose")
POST_FAILED = "post_order_failed_because_it_would_filled"
"""A refused post-only order: only ``open_orders_verbose`` reports it (Kraken: the
verbose feed "adds extra information about all the post-only orders that failed")."""

PositionRows = list[tuple[Position, PositionExtras]]


def _iso_ms(ms: int) -> str:
    return ms_to_rfc3339(ms)[:23] + "Z"


def encode_fills(account: str, rows: list[tuple[Fill, FillContext]], *, snapshot: bool) -> str:
    """``fills_snapshot`` or a ``fills`` delta; the practice account's only non-book
    fills (liquidity OTHER) are liquidations, which Kraken marks ``fill_type:
    liquidation`` (kraken-protocol §3.6)."""
    wires = []
    for fill, ctx in rows:
        wire = wire_fill(fill, ctx)
        if fill.liquidity is Liquidity.OTHER:
            wire["fill_type"] = "liquidation"
        wires.append(wire)
    feed = "fills_snapshot" if snapshot else "fills"
    return dump({"feed": feed, "account": account, "fills": wires})


class FuturesPrivateDesk:
    """Server-wide private side of the futures venue: credentials, account, sessions."""

    def __init__(
        self,
        account: PracticeAccount,
        credentials: Credentials,
        clock_ms: Callable[[], int],
        *,
        index_price: Callable[[str], Decimal | None] = lambda _symbol: None,
        account_id: str = "",
    ) -> None:
        self.account = account
        self.credentials = credentials
        self.clock_ms = clock_ms
        self.index_price = index_price
        self.account_id = account_id or str(uuid.uuid4())
        self.sessions: set[FuturesPrivateSession] = set()
        self._fill_seq: dict[str, int] = {}
        for fill in account.fills(Venue.FUTURES):
            self._number(fill)
        account.listen(self._on_event)
        self.notices = [
            Notice(
                1,
                "general",
                "low",
                "Practice account on the embedded exchange: orders fill against the "
                "synthetic market and nothing here is real money.",
                account.start_ms,
            )
        ]

    # ------------------------------------------------------------ auth
    def verify(self, api_key: object, challenge: object, signed: object) -> bool:
        """True if ``signed`` is the key's signature of ``challenge`` (constant-time compare)."""
        if not (isinstance(api_key, str) and isinstance(challenge, str)):
            return False
        if not isinstance(signed, str):
            return False
        if not hmac.compare_digest(api_key.encode(), self.credentials.api_key.encode()):
            return False
        expected = sign_challenge(self.credentials.api_secret, challenge)
        return hmac.compare_digest(signed.encode("utf-8"), expected.encode("ascii"))

    # ---------------------------------------------------------- payloads
    def _number(self, fill: Fill) -> int:
        seq = self._fill_seq.get(fill.fill_id)
        if seq is None:
            seq = self._fill_seq[fill.fill_id] = len(self._fill_seq) + 1
        return seq

    def _on_event(self, event: AccountEvent) -> None:
        # Registered before any session, so every futures fill has its seq when they see it.
        if event.kind == "fill" and event.fill is not None and event.venue is Venue.FUTURES:
            self._number(event.fill)

    def fill_rows(self, fills: list[Fill]) -> list[tuple[Fill, FillContext]]:
        rows = []
        for fill in fills:
            remaining, order_type = self.account.fill_order(fill.fill_id)
            rows.append((fill, FillContext(self._number(fill), remaining, order_type)))
        return rows

    def position_rows(self) -> PositionRows:
        account = self.account
        order_notional: dict[str, Decimal] = {}
        for order in account.open_orders(Venue.FUTURES):
            if not order.reduce_only:
                price = order.limit_price or order.stop_price or Decimal(0)
                order_notional[order.symbol] = (
                    order_notional.get(order.symbol, Decimal(0)) + order.remaining * price
                )
        rows: PositionRows = []
        for position in account.positions():
            im = position.initial_margin or Decimal(0)
            with_orders = im + INITIAL_MARGIN_RATE * order_notional.get(position.symbol, 0)
            rows.append((position, PositionExtras(self.index_price(position.symbol), with_orders)))
        return rows

    def flex(self, margin: MarginSummary, positions: PositionRows) -> dict[str, Any]:
        size = sum(
            (abs(p.size) * (p.mark_price or p.entry_price) for p, _ in positions), Decimal(0)
        )
        collateral = self.account.collateral
        return flex_wallet(margin, {"USD": (collateral, collateral)}, size)

    def log_row(self, fill_id: str) -> dict[str, Any] | None:
        entry = self.account.log_entry(fill_id)
        if entry is None:
            return None
        return log_entry(
            log_id=entry.log_id,
            date=_iso_ms(entry.time_ms),
            contract=entry.symbol,
            info=entry.info,
            booking_uid=str(uuid.uuid5(uuid.NAMESPACE_OID, entry.fill_id)),
            old_balance=entry.old_balance,
            new_balance=entry.new_balance,
            old_entry=entry.old_entry,
            new_entry=entry.new_entry,
            trade_price=entry.trade_price,
            mark_price=entry.mark_price,
            realized_pnl=entry.realized_pnl,
            fee=entry.fee,
            execution=entry.fill_id,
            collateral=entry.collateral,
        )

    # -------------------------------------------------------------- time
    def tick(self, now_ms: int) -> None:
        """Once a second, after the marks moved: re-send what they changed."""
        watching = [s for s in self.sessions if s.wants_ticks]
        if not watching:
            return
        positions = self.position_rows()
        margin = self.account.margin()
        for session in watching:
            session.tick(now_ms, positions, margin)

    def close(self) -> None:
        self.account.unlisten(self._on_event)


class FuturesPrivateSession:
    """The private half of one Futures v1 connection."""

    feeds = PRIVATE_FEEDS

    def __init__(self, outbox: Outbox, desk: FuturesPrivateDesk) -> None:
        self.outbox = outbox
        self.desk = desk
        self._challenges: dict[str, str] = {}
        self.subscriptions: set[str] = set()
        self._fill_products: set[str] | None = None
        self._seq = {"open_positions": 0, "balances": 0}
        self._sent_positions: list[Position] | None = None
        self._sent_margin: MarginSummary | None = None
        self._listening = False

    @property
    def wants_ticks(self) -> bool:
        return bool(self.subscriptions & {"open_positions", "balances"})

    # ---------------------------------------------------------- requests
    def on_challenge(self, msg: dict[str, Any]) -> None:
        api_key = msg.get("api_key")
        if not isinstance(api_key, str) or not api_key:
            self.outbox.put(encode_error("Json Error"))
            return
        if not hmac.compare_digest(api_key.encode(), self.desk.credentials.api_key.encode()):
            self.outbox.put(encode_error(INVALID_KEY))
            return
        challenge = str(uuid.uuid4())
        self._challenges[challenge] = api_key
        self.outbox.put(encode_challenge(challenge))

    def _authorised(self, msg: dict[str, Any]) -> bool:
        api_key = msg.get("api_key")
        challenge = msg.get("original_challenge")
        if not isinstance(challenge, str) or self._challenges.get(challenge) != api_key:
            return False
        return self.desk.verify(api_key, challenge, msg.get("signed_challenge"))

    def subscribe(self, msg: dict[str, Any]) -> None:
        feed = str(msg.get("feed"))
        if not self._authorised(msg):
            self.outbox.put(encode_alert(AUTH_FAILED))
            return
        if feed == "fills":
            products = msg.get("product_ids")
            self._fill_products = (
                {p.upper() for p in products if isinstance(p, str)}
                if isinstance(products, list) and products
                else None
            )
        self.subscriptions.add(feed)
        if not self._listening:
            self.desk.account.listen(self._on_event)
            self.desk.sessions.add(self)
            self._listening = True
        self.outbox.put(encode_event("subscribed", feed=feed))
        self._snapshot(feed)

    def unsubscribe(self, msg: dict[str, Any]) -> None:
        feed = str(msg.get("feed"))
        if not self._authorised(msg):
            self.outbox.put(encode_alert(UNSUB_AUTH_FAILED))
            return
        if feed not in self.subscriptions:
            self.outbox.put(encode_event("unsubscribed_failed", feed=feed))
            return
        self.subscriptions.discard(feed)
        if feed in self._seq:
            self._seq[feed] = 0
        self.outbox.put(encode_event("unsubscribed", feed=feed))

    def close(self) -> None:
        """The connection ended: stop listening and forget its challenges."""
        if self._listening:
            self.desk.account.unlisten(self._on_event)
            self.desk.sessions.discard(self)
            self._listening = False
        self.subscriptions.clear()
        self._challenges.clear()

    # --------------------------------------------------------- snapshots
    def _snapshot(self, feed: str) -> None:
        desk, account, now_ms = self.desk, self.desk.account, self.desk.clock_ms()
        if feed in ORDER_FEEDS:
            orders = account.open_orders(Venue.FUTURES)
            text = encode_open_orders_snapshot(
                desk.account_id, orders, verbose=feed == "open_orders_verbose"
            )
            self.outbox.put(text)
        elif feed == "open_positions":
            self._send_positions(now_ms, desk.position_rows())
        elif feed == "balances":
            rows = desk.position_rows()
            margin = account.margin()
            self._seq["balances"] += 1
            self.outbox.put(
                encode_balances(
                    desk.account_id,
                    desk.flex(margin, rows),
                    self._seq["balances"],
                    now_ms,
                    snapshot=True,
                )
            )
            self._sent_margin = margin
        elif feed == "fills":
            fills = [f for f in account.fills(Venue.FUTURES) if self._wants_fill(f)]
            self.outbox.put(encode_fills(desk.account_id, desk.fill_rows(fills), snapshot=True))
        elif feed == "account_log":
            entries = [desk.log_row(e.fill_id) for e in reversed(account.futures_log())]
            self.outbox.put(encode_account_log_snapshot([e for e in entries if e is not None]))
        elif feed == "notifications_auth":
            self.outbox.put(encode_notifications(desk.notices))

    def _wants_fill(self, fill: Fill) -> bool:
        return self._fill_products is None or fill.symbol in self._fill_products

    def _send_positions(self, now_ms: int, rows: PositionRows) -> None:
        self._seq["open_positions"] += 1
        self.outbox.put(
            encode_open_positions(self.desk.account_id, rows, self._seq["open_positions"], now_ms)
        )
        self._sent_positions = [p for p, _ in rows]

    def _send_balances(self, now_ms: int, margin: MarginSummary, rows: PositionRows) -> None:
        self._seq["balances"] += 1
        flex = self.desk.flex(margin, rows)
        self.outbox.put(
            encode_balances(
                self.desk.account_id, flex, self._seq["balances"], now_ms, snapshot=False
            )
        )
        self._sent_margin = margin

    # ------------------------------------------------------------ deltas
    def _on_event(self, event: AccountEvent) -> None:
        if event.venue is not Venue.FUTURES:
            return
        subs = self.subscriptions
        desk = self.desk
        if event.kind == "fill" and event.fill is not None:
            fill = event.fill
            if "fills" in subs and self._wants_fill(fill):
                self.outbox.put(
                    encode_fills(desk.account_id, desk.fill_rows([fill]), snapshot=False)
                )
            if "account_log" in subs:
                row = desk.log_row(fill.fill_id)
                if row is not None:
                    self.outbox.put(encode_account_log_entry(row))
        elif event.kind in ("order", "order_closed") and event.order is not None:
            for feed in ORDER_FEEDS:
                if feed not in subs or (feed == "open_orders" and event.reason == POST_FAILED):
                    continue
                verbose = feed == "open_orders_verbose"
                if event.kind == "order":
                    text = encode_open_order(
                        event.order, event.reason, verbose=verbose, time_ms=desk.clock_ms()
                    )
                else:
                    text = encode_order_removed(event.order.order_id, event.reason, verbose=verbose)
                self.outbox.put(text)
        elif event.kind == "positions" and "open_positions" in subs:
            self._send_positions(desk.clock_ms(), desk.position_rows())
        elif event.kind == "margin" and "balances" in subs:
            self._send_balances(desk.clock_ms(), desk.account.margin(), desk.position_rows())

    def tick(self, now_ms: int, rows: PositionRows, margin: MarginSummary) -> None:
        positions = [p for p, _ in rows]
        if "open_positions" in self.subscriptions and positions != self._sent_positions:
            self._send_positions(now_ms, rows)
        if "balances" in self.subscriptions and margin != self._sent_margin:
            self._send_balances(now_ms, margin, rows)
