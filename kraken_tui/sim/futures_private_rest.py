"""Futures REST v3 private endpoints of the embedded exchange (read-only account views).

``GET``/``POST /derivatives/api/v3/accounts``, ``/openpositions``, ``/openorders``
and ``/fills`` (optional ``lastFillTime``), each authenticated as Kraken does
(kraken-protocol §4.2): headers ``APIKey``, ``Authent`` and optional ``Nonce``;
``Authent`` = base64(HMAC-SHA512(secret, SHA256(postData + Nonce + path without
``/derivatives``))) where postData is the query string exactly as sent followed
by the form body exactly as sent.

Errors use Kraken's envelope ``{"result":"error","serverTime":...,"error":CODE}``:
a missing or wrong key or signature is ``authenticationError`` with HTTP 401;
a nonce not above the key's last accepted nonce is ``nonceDuplicate`` (equal) or
``nonceBelowThreshold`` (lower) with HTTP 400. A request without ``Nonce`` is
accepted (Kraken documents the header as optional) and leaves the nonce state alone.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from aiohttp import web

from kraken_tui.model import Venue
from kraken_tui.model.account import OrderSide
from kraken_tui.sim.futures_private import FuturesPrivateDesk
from kraken_tui.venues.jsontext import dump
from kraken_tui.venues.kraken_futures.private_server import num
from kraken_tui.venues.signing import futures_authent
from kraken_tui.venues.timefmt import ms_to_rfc3339, rfc3339_to_ms

BASE = "/derivatives/api/v3/"
FILLS_PAGE = 100

View = Callable[[web.Request], Awaitable[dict[str, Any]]]


def _iso(ms: int) -> str:
    return ms_to_rfc3339(ms)[:23] + "Z"


def _now_iso() -> str:
    return _iso(time.time_ns() // 1_000_000)


def _reply(body: dict[str, Any], status: int = 200) -> web.Response:
    body["serverTime"] = _now_iso()
    return web.Response(text=dump(body), status=status, content_type="application/json")


def error_response(code: str, status: int) -> web.Response:
    return _reply({"result": "error", "error": code}, status)


class FuturesRestAuth:
    """Verifies ``APIKey``/``Authent``/``Nonce`` and keeps the last nonce per key."""

    def __init__(self, desk: FuturesPrivateDesk) -> None:
        self.desk = desk
        self._last_nonce: dict[str, int] = {}

    async def check(self, request: web.Request) -> web.Response | None:
        """None if the request may proceed, else the error response to send."""
        api_key = request.headers.get("APIKey", "")
        authent = request.headers.get("Authent", "")
        nonce = request.headers.get("Nonce", "")
        body = await request.text() if request.method == "POST" else ""
        post_data = request.rel_url.raw_query_string + body
        credentials = self.desk.credentials
        if not api_key or not authent:
            return error_response("authenticationError", 401)
        if not hmac.compare_digest(api_key.encode(), credentials.api_key.encode()):
            return error_response("authenticationError", 401)
        expected = futures_authent(credentials.api_secret, post_data, nonce, request.path)
        if not hmac.compare_digest(authent.encode("utf-8"), expected.encode("ascii")):
            return error_response("authenticationError", 401)
        if nonce:
            if not nonce.isdigit():
                return error_response("authenticationError", 401)
            value, last = int(nonce), self._last_nonce.get(api_key)
            if last is not None and value == last:
                return error_response("nonceDuplicate", 400)
            if last is not None and value < last:
                return error_response("nonceBelowThreshold", 400)
            self._last_nonce[api_key] = value
        return None


class FuturesAccountViews:
    """The JSON bodies of the four account endpoints (Kraken's field names, §4.4)."""

    def __init__(self, desk: FuturesPrivateDesk) -> None:
        self.desk = desk

    async def accounts(self, request: web.Request) -> dict[str, Any]:
        desk = self.desk
        margin = desk.account.margin()
        collateral = desk.account.collateral
        upnl = margin.unrealized_pnl or Decimal(0)
        flex = {
            "type": "multiCollateralMarginAccount",
            "currencies": {
                "USD": {
                    "quantity": num(collateral),
                    "value": num(collateral),
                    "collateral": num(collateral),
                    "available": num(margin.available_margin),
                }
            },
            "balanceValue": num(collateral),
            "portfolioValue": num(margin.equity),
            "collateralValue": num(collateral),
            "initialMargin": num(margin.initial_margin),
            "initialMarginWithOrders": num(margin.initial_margin_with_orders),
            "maintenanceMargin": num(margin.maintenance_margin),
            "pnl": num(upnl),
            "unrealizedFunding": num(0),
            "totalUnrealized": num(upnl),
            "totalUnrealizedAsMargin": num(upnl),
            "marginEquity": num(margin.equity),
            "availableMargin": num(margin.available_margin),
        }
        cash = {"type": "cashAccount", "balances": {}}
        return {"result": "success", "accounts": {"cash": cash, "flex": flex}}

    async def open_positions(self, request: web.Request) -> dict[str, Any]:
        account = self.desk.account
        last_fill: dict[str, int] = {}
        for fill in account.fills(Venue.FUTURES):
            last_fill[fill.symbol] = fill.time_ms
        rows = []
        for position in account.positions():
            rows.append(
                {
                    "side": "long" if position.size > 0 else "short",
                    "symbol": position.symbol,
                    "price": num(position.entry_price),
                    "fillTime": _iso(last_fill.get(position.symbol, account.start_ms)),
                    "size": num(abs(position.size)),
                    "unrealizedPnl": num(position.unrealized_pnl),
                    "unrealizedFunding": num(position.unrealized_funding),
                    "pnlCurrency": position.pnl_currency or "USD",
                }
            )
        rows.sort(key=lambda row: str(row["fillTime"]), reverse=True)
        return {"result": "success", "openPositions": rows}

    async def open_orders(self, request: web.Request) -> dict[str, Any]:
        rows = []
        for order in self.desk.account.open_orders(Venue.FUTURES):
            row: dict[str, Any] = {
                "order_id": order.order_id,
                "symbol": order.symbol,
                "side": "buy" if order.side is OrderSide.BUY else "sell",
                "orderType": "lmt"
                if order.stop_price is None
                else ("take_profit" if order.order_type == "take_profit" else "stop"),
            }
            if order.cl_ord_id:
                row["cliOrdId"] = order.cl_ord_id
            if order.limit_price is not None:
                row["limitPrice"] = num(order.limit_price)
            if order.stop_price is not None:
                row["stopPrice"] = num(order.stop_price)
                row["triggerSignal"] = "last"
            row.update(
                {
                    "unfilledSize": num(order.remaining),
                    "filledSize": num(order.filled),
                    "status": "partiallyFilled" if order.filled > 0 else "untouched",
                    "reduceOnly": order.reduce_only,
                    "receivedTime": _iso(order.time_ms),
                    "lastUpdateTime": _iso(order.time_ms),
                }
            )
            rows.append(row)
        return {"result": "success", "openOrders": rows}

    async def fills(self, request: web.Request) -> dict[str, Any]:
        before: int | None = None
        text = request.query.get("lastFillTime")
        if text:
            try:
                before = rfc3339_to_ms(text)
            except ValueError:
                return {"result": "error", "error": "invalidArgument"}
        rows = []
        for fill in reversed(self.desk.account.fills(Venue.FUTURES)):
            if before is not None and fill.time_ms >= before:
                continue
            rows.append(
                {
                    "fill_id": fill.fill_id,
                    "symbol": fill.symbol,
                    "side": "buy" if fill.side is OrderSide.BUY else "sell",
                    "order_id": fill.order_id,
                    "size": num(fill.qty),
                    "price": num(fill.price),
                    "fillTime": _iso(fill.time_ms),
                    # The practice account's only non-book fills are liquidations.
                    "fillType": fill.liquidity.value
                    if fill.liquidity.value != "other"
                    else "liquidation",
                }
            )
            if len(rows) == FILLS_PAGE:
                break
        return {"result": "success", "fills": rows}


def add_private_routes(app: web.Application, desk: FuturesPrivateDesk) -> FuturesRestAuth:
    """Register the authenticated account endpoints (GET and POST each) on ``app``.

    Returns the verifier so other private endpoints share its per-key nonce state.
    """
    auth = FuturesRestAuth(desk)
    views = FuturesAccountViews(desk)

    def guarded(view: View) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handler(request: web.Request) -> web.Response:
            refused = await auth.check(request)
            if refused is not None:
                return refused
            body = await view(request)
            return _reply(body, 400 if body.get("result") == "error" else 200)

        return handler

    for name, view in (
        ("accounts", views.accounts),
        ("openpositions", views.open_positions),
        ("openorders", views.open_orders),
        ("fills", views.fills),
    ):
        handler = guarded(view)
        app.router.add_get(BASE + name, handler)
        app.router.add_post(BASE + name, handler)
    return auth
