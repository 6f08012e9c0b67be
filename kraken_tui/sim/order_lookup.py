"""The REST lookups a client reconciles UNKNOWN orders with, registered in one call.

Spot ``OpenOrders`` / ``ClosedOrders`` (:mod:`kraken_tui.sim.spot_orders_rest`) and
futures ``orders/status`` (:mod:`kraken_tui.sim.futures_order_status_rest`), both
fed by the practice account's events from the moment this is called.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from kraken_tui.model.secret import Credentials
from kraken_tui.sim.catalog import Catalog
from kraken_tui.sim.futures_order_status_rest import FuturesOrderHistory, add_order_status_route
from kraken_tui.sim.futures_private_rest import FuturesRestAuth
from kraken_tui.sim.order_desk import OrderDesk
from kraken_tui.sim.spot_orders_rest import SpotOrderViews


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, slots=True)
class OrderLookups:
    spot: SpotOrderViews
    futures: FuturesOrderHistory


def add_order_lookup_routes(
    app: web.Application,
    futures_auth: FuturesRestAuth,
    desk: OrderDesk,
    spot_credentials: Credentials,
    catalog: Catalog,
    now_ms: Callable[[], int] = _now_ms,
) -> OrderLookups:
    """Register the three endpoints on ``app``; the returned records live as long as it."""

    def pair_name(symbol: str) -> str:
        listing = catalog.spot_pair(symbol)
        return listing.altname if listing is not None and listing.altname else symbol

    spot = SpotOrderViews(desk.account, spot_credentials, pair_name, now_ms)
    spot.add_routes(app)
    futures = FuturesOrderHistory(desk.account, now_ms)
    futures.watch_rejections(desk)
    add_order_status_route(app, futures_auth, futures)
    return OrderLookups(spot, futures)
