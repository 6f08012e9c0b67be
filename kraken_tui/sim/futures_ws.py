"""Derivatives (Futures) WebSocket v1 public protocol, one session per connection.

On connect: ``{"event":"info","version":1}``. Requests are ``subscribe`` /
``unsubscribe`` events for the feeds ``book``, ``ticker``, ``ticker_lite``,
``trade`` (with ``product_ids``, case-insensitive) and ``heartbeat``; each product
gets its own ack. Errors use Kraken's three texts: ``Invalid product id``,
``Invalid feed``, ``Json Error``. With a private half (``sim/futures_private``)
the session also answers ``challenge`` and routes the private feeds to it;
without one those feeds are ``Invalid feed``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from kraken_tui.venues.errors import FrameError
from kraken_tui.venues.jsontext import load_object
from kraken_tui.venues.kraken_futures.server import (
    encode_error,
    encode_event,
    encode_heartbeat,
    encode_info,
    encode_subscribed,
    encode_unsubscribed,
)

if TYPE_CHECKING:
    from kraken_tui.sim.futures_feed import FuturesProductFeed
    from kraken_tui.sim.outbox import Outbox

PRODUCT_FEEDS = ("book", "ticker", "ticker_lite", "trade")
PUBLIC_FEEDS = (*PRODUCT_FEEDS, "heartbeat")

Handler = Callable[[dict[str, Any]], None]


class PrivateHalf(Protocol):
    """What the session needs from the private protocol of one connection."""

    feeds: frozenset[str]

    def on_challenge(self, msg: dict[str, Any]) -> None: ...

    def subscribe(self, msg: dict[str, Any]) -> None: ...

    def unsubscribe(self, msg: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


class FuturesSession:
    """One client's Futures v1 conversation."""

    def __init__(
        self,
        outbox: Outbox,
        feeds: Mapping[str, FuturesProductFeed],
        private: PrivateHalf | None = None,
    ) -> None:
        self.outbox = outbox
        self._feeds = feeds
        self.private = private
        self.subscriptions: set[tuple[str, str]] = set()
        """(feed, product id) pairs this connection holds."""
        self.heartbeat = False
        self.bad_frames = 0
        self.events: dict[str, Handler] = {
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
        }
        if private is not None:
            self.events["challenge"] = private.on_challenge
        outbox.put(encode_info())

    def on_text(self, text: str) -> None:
        try:
            msg = load_object(text)
        except FrameError:
            self.bad_frames += 1
            self.outbox.put(encode_error("Json Error"))
            return
        event = msg.get("event")
        handler = self.events.get(event) if isinstance(event, str) else None
        if handler is None:
            self.bad_frames += 1
            self.outbox.put(encode_error("Json Error"))
            return
        handler(msg)

    def send_heartbeat(self, now_ms: int) -> None:
        if self.heartbeat:
            self.outbox.put(encode_heartbeat(now_ms))

    def _products(self, msg: dict[str, Any]) -> list[str] | None:
        """Upper-cased product ids, or None after answering with an error."""
        raw = msg.get("product_ids")
        if not isinstance(raw, list) or not raw or not all(isinstance(p, str) for p in raw):
            self.outbox.put(encode_error("Json Error"))
            return None
        products = [p.upper() for p in raw]
        if any(p not in self._feeds for p in products):
            self.outbox.put(encode_error("Invalid product id"))
            return None
        return products

    def _is_private(self, feed: object) -> bool:
        return self.private is not None and feed in self.private.feeds

    def _subscribe(self, msg: dict[str, Any]) -> None:
        feed = msg.get("feed")
        if self.private is not None and self._is_private(feed):
            self.private.subscribe(msg)
            return
        if feed == "heartbeat":
            self.heartbeat = True
            self.outbox.put(encode_subscribed("heartbeat"))
            return
        if feed not in PRODUCT_FEEDS:
            self.outbox.put(encode_error("Invalid feed"))
            return
        products = self._products(msg)
        if products is None:
            return
        now_ms = int(time.time() * 1000)
        for product in products:
            self.outbox.put(encode_subscribed(feed, product))
            self.subscriptions.add((feed, product))
            product_feed = self._feeds[product]
            if feed == "book":
                product_feed.subscribe_book(self.outbox, now_ms)
            elif feed == "trade":
                product_feed.subscribe_trade(self.outbox)
            else:
                product_feed.subscribe_ticker(self.outbox, lite=feed == "ticker_lite")

    def _unsubscribe(self, msg: dict[str, Any]) -> None:
        feed = msg.get("feed")
        if self.private is not None and self._is_private(feed):
            self.private.unsubscribe(msg)
            return
        if feed == "heartbeat":
            self.heartbeat = False
            self.outbox.put(encode_unsubscribed("heartbeat"))
            return
        if feed not in PRODUCT_FEEDS:
            self.outbox.put(encode_error("Invalid feed"))
            return
        products = self._products(msg)
        if products is None:
            return
        for product in products:
            if (feed, product) not in self.subscriptions:
                self.outbox.put(
                    encode_event("unsubscribed_failed", feed=feed, product_ids=[product])
                )
                continue
            self.subscriptions.discard((feed, product))
            self._remove(feed, product)
            self.outbox.put(encode_unsubscribed(feed, product))

    def _remove(self, feed: str, product: str) -> None:
        product_feed = self._feeds[product]
        subs = {
            "book": product_feed.book_subs,
            "ticker": product_feed.ticker_subs,
            "ticker_lite": product_feed.ticker_lite_subs,
            "trade": product_feed.trade_subs,
        }[feed]
        subs.discard(self.outbox)

    def close(self) -> None:
        for feed, product in self.subscriptions:
            self._remove(feed, product)
        self.subscriptions.clear()
        self.heartbeat = False
        if self.private is not None:
            self.private.close()
