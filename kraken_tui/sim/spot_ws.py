"""Spot WebSocket v2 public protocol, one :class:`SpotSession` per connection.

On connect the session sends ``status``; it answers ``ping`` with ``pong`` and
``subscribe``/``unsubscribe`` for ``book``, ``ticker``, ``trade`` and
``instrument`` with one ack per symbol, using Kraken's error texts. Once
anything is subscribed a ``heartbeat`` goes out whenever a second passes with
nothing else sent. Private methods are added by extending :attr:`methods`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kraken_tui.venues.errors import FrameError
from kraken_tui.venues.jsontext import load_object
from kraken_tui.venues.kraken_spot.server import (
    encode_ack,
    encode_error_ack,
    encode_heartbeat,
    encode_instrument_snapshot,
    encode_pong,
    encode_status,
)
from kraken_tui.venues.timefmt import now_rfc3339

if TYPE_CHECKING:
    from kraken_tui.sim.outbox import Outbox
    from kraken_tui.sim.spot_feed import SpotSymbolFeed

BOOK_DEPTHS = (10, 25, 100, 500, 1000)
PUBLIC_CHANNELS = ("book", "ticker", "trade", "instrument")
INSTRUMENT_WARNING = "tick_size is deprecated, use price_increment"

Handler = Callable[[dict[str, Any], str], None]


class SpotSession:
    """One client's Spot v2 conversation: its subscriptions and replies."""

    def __init__(
        self,
        outbox: Outbox,
        feeds: Mapping[str, SpotSymbolFeed],
        instrument_text: Callable[[], str],
        connection_id: int,
    ) -> None:
        self.outbox = outbox
        self._feeds = feeds
        self._instrument_text = instrument_text
        self.book_depths: dict[str, int] = {}
        self.tickers: set[str] = set()
        self.trades: set[str] = set()
        self.instrument = False
        self.bad_frames = 0
        self.methods: dict[str, Handler] = {
            "ping": self._ping,
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
        }
        outbox.put(encode_status("online", connection_id))

    @property
    def subscribed(self) -> bool:
        return bool(self.book_depths or self.tickers or self.trades or self.instrument)

    def heartbeat_due(self, now: float) -> bool:
        return self.subscribed and now - self.outbox.last_sent >= 1.0

    def send_heartbeat(self) -> None:
        self.outbox.put(encode_heartbeat())
        # Count the queued heartbeat as traffic so a stalled writer doesn't pile them up.
        self.outbox.last_sent = time.monotonic()

    # ---------------------------------------------------------- requests
    def on_text(self, text: str) -> None:
        time_in = now_rfc3339()
        try:
            msg = load_object(text)
        except FrameError:
            self.bad_frames += 1
            self.outbox.put(
                encode_error_ack("EGeneral:Invalid arguments", method="", time_in=time_in)
            )
            return
        method = msg.get("method")
        req_id = _req_id(msg)
        handler = self.methods.get(method) if isinstance(method, str) else None
        if handler is None:
            self.bad_frames += 1
            self.outbox.put(
                encode_error_ack(
                    "EGeneral:Invalid arguments" if method is None else "Method not found",
                    method=method if isinstance(method, str) else "",
                    req_id=req_id,
                    time_in=time_in,
                )
            )
            return
        handler(msg, time_in)

    def _ping(self, msg: dict[str, Any], time_in: str) -> None:
        self.outbox.put(encode_pong(_req_id(msg), time_in=time_in))

    def _subscribe(self, msg: dict[str, Any], time_in: str) -> None:
        self._change(msg, time_in, subscribe=True)

    def _unsubscribe(self, msg: dict[str, Any], time_in: str) -> None:
        self._change(msg, time_in, subscribe=False)

    def _change(self, msg: dict[str, Any], time_in: str, *, subscribe: bool) -> None:
        method = "subscribe" if subscribe else "unsubscribe"
        req_id = _req_id(msg)
        params = msg.get("params")
        channel = params.get("channel") if isinstance(params, dict) else None
        if not isinstance(params, dict) or channel not in PUBLIC_CHANNELS:
            error = "EGeneral:Invalid arguments"
            if isinstance(channel, str):
                error = f"Channel {channel} not found"
            self.outbox.put(encode_error_ack(error, method=method, req_id=req_id, time_in=time_in))
            return
        if channel == "instrument":
            self._instrument(params, subscribe, req_id, time_in)
            return
        symbols = params.get("symbol")
        if (
            not isinstance(symbols, list)
            or not symbols
            or not all(isinstance(s, str) for s in symbols)
        ):
            self.outbox.put(
                encode_error_ack(
                    "EGeneral:Invalid arguments:symbol",
                    method=method,
                    req_id=req_id,
                    time_in=time_in,
                )
            )
            return
        depth = params.get("depth", 10)
        if channel == "book" and (type(depth) is not int or depth not in BOOK_DEPTHS):
            for symbol in symbols:
                self.outbox.put(
                    encode_error_ack(
                        "EGeneral:Invalid arguments:depth",
                        method=method,
                        symbol=symbol,
                        req_id=req_id,
                        time_in=time_in,
                    )
                )
            return
        trigger = params.get("event_trigger", "trades")
        if channel == "ticker" and trigger not in ("trades", "bbo"):
            self.outbox.put(
                encode_error_ack(
                    "EGeneral:Invalid arguments:event_trigger",
                    method=method,
                    req_id=req_id,
                    time_in=time_in,
                )
            )
            return
        default_snapshot = channel != "trade"
        snapshot = params.get("snapshot", default_snapshot)
        snapshot = snapshot if isinstance(snapshot, bool) else default_snapshot
        for symbol in symbols:
            failure = self._one(
                channel,
                symbol,
                subscribe,
                depth,
                "depth" in params,
                trigger,
                snapshot,
                req_id,
                time_in,
            )
            if failure is not None:
                # Kraken reports a failed unsubscribe with method "subscribe".
                self.outbox.put(
                    encode_error_ack(
                        failure, method="subscribe", symbol=symbol, req_id=req_id, time_in=time_in
                    )
                )

    def _one(
        self,
        channel: str,
        symbol: str,
        subscribe: bool,
        depth: int,
        depth_given: bool,
        trigger: str,
        snapshot: bool,
        req_id: int | None,
        time_in: str,
    ) -> str | None:
        """Subscribe or unsubscribe one symbol; returns an error text or None."""
        feed = self._feeds.get(symbol)
        if feed is None:
            return f"Currency pair not supported {symbol}"
        method = "subscribe" if subscribe else "unsubscribe"
        now_ms = int(time.time() * 1000)
        if channel == "book":
            held = self.book_depths.get(symbol)
            if subscribe:
                if held is not None:
                    return "Already subscribed"
                self.book_depths[symbol] = depth
                self._ack(method, channel, symbol, req_id, time_in, depth=depth, snapshot=snapshot)
                feed.subscribe_book(self.outbox, depth, snapshot, now_ms)
            else:
                # An unsubscribe without ``depth`` means whatever depth is held.
                if held is None or (depth_given and held != depth):
                    return "Subscription Not Found"
                del self.book_depths[symbol]
                feed.unsubscribe_book(self.outbox, held)
                self._ack(method, channel, symbol, req_id, time_in, depth=held)
        elif channel == "ticker":
            if subscribe == (symbol in self.tickers):
                return "Already subscribed" if subscribe else "Subscription Not Found"
            if subscribe:
                self.tickers.add(symbol)
                self._ack(
                    method,
                    channel,
                    symbol,
                    req_id,
                    time_in,
                    event_trigger=trigger,
                    snapshot=snapshot,
                )
                feed.subscribe_ticker(self.outbox, trigger, snapshot)
            else:
                self.tickers.discard(symbol)
                feed.unsubscribe_ticker(self.outbox)
                self._ack(method, channel, symbol, req_id, time_in, event_trigger=trigger)
        else:
            if subscribe == (symbol in self.trades):
                return "Already subscribed" if subscribe else "Subscription Not Found"
            if subscribe:
                self.trades.add(symbol)
                self._ack(method, channel, symbol, req_id, time_in, snapshot=snapshot)
                feed.subscribe_trade(self.outbox, snapshot)
            else:
                self.trades.discard(symbol)
                feed.unsubscribe_trade(self.outbox)
                self._ack(method, channel, symbol, req_id, time_in)
        return None

    def _instrument(
        self, params: dict[str, Any], subscribe: bool, req_id: int | None, time_in: str
    ) -> None:
        method = "subscribe" if subscribe else "unsubscribe"
        if subscribe == self.instrument:
            error = "Already subscribed" if subscribe else "Subscription Not Found"
            self.outbox.put(
                encode_error_ack(error, method="subscribe", req_id=req_id, time_in=time_in)
            )
            return
        self.instrument = subscribe
        snapshot = params.get("snapshot", True) is not False
        if subscribe:
            self._ack(
                method,
                "instrument",
                None,
                req_id,
                time_in,
                snapshot=snapshot,
                warnings=(INSTRUMENT_WARNING,),
            )
            if snapshot:
                self.outbox.put(self._instrument_text())
        else:
            self._ack(method, "instrument", None, req_id, time_in)

    def _ack(
        self,
        method: str,
        channel: str,
        symbol: str | None,
        req_id: int | None,
        time_in: str,
        **extra: Any,
    ) -> None:
        self.outbox.put(
            encode_ack(method, channel, symbol, req_id=req_id, time_in=time_in, **extra)
        )

    def close(self) -> None:
        """Drop every subscription of this connection."""
        for symbol, depth in self.book_depths.items():
            self._feeds[symbol].unsubscribe_book(self.outbox, depth)
        for symbol in self.tickers:
            self._feeds[symbol].unsubscribe_ticker(self.outbox)
        for symbol in self.trades:
            self._feeds[symbol].unsubscribe_trade(self.outbox)
        self.book_depths.clear()
        self.tickers.clear()
        self.trades.clear()


def _req_id(msg: dict[str, Any]) -> int | None:
    req_id = msg.get("req_id")
    return req_id if type(req_id) is int else None


def instrument_snapshot(feeds: Mapping[str, SpotSymbolFeed]) -> str:
    """The ``instrument`` snapshot of every listed spot pair."""
    return encode_instrument_snapshot([feed.market.listing.instrument for feed in feeds.values()])
