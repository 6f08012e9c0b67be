"""A scripted Kraken Futures v1 private server for feed tests (127.0.0.1, ephemeral port).

It hands out a fresh UUID challenge per request, verifies every private subscribe
the way Kraken does (known API key, a challenge issued on *this* connection, and
``sign_challenge(secret, challenge)`` equal to the signature sent), answers a good
one with an ack and the snapshot frames the test chose, and a bad one with
Kraken's ``Failed to subscribe to authenticated feed`` alert. The test can keep a
connection's challenge unanswered, push any frame, and drop the socket.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from kraken_tui.model.secret import Secret
from kraken_tui.venues.signing import sign_challenge

AUTH_ALERT = {"event": "alert", "message": "Failed to subscribe to authenticated feed"}

API_KEY = "TESTKEYa+bcdEFGH/ijklMNOPqrstUVWXyz0123456789ABCDEFGH"
SECRET_TEXT = (
    "7zxMEF5p/Z8l2p2U7Ghv6x14Af+Fx+92tPgUdVQ748FOIrEoT9bgT+bTRfXc5pz8na+hL/QdrCVG7bh9KpT0eMTm"
)
WRONG_SECRET_TEXT = (
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
)


class ScriptedFuturesPrivate:
    """Server state shared with the test. Connections are numbered from 1."""

    def __init__(self, api_key: str, secret: Secret) -> None:
        self.api_key = api_key
        self.secret = secret
        self.url = ""
        self.connections: list[ServerConnection] = []
        self.requests: list[tuple[int, dict[str, Any]]] = []
        """(connection, request) in arrival order."""
        self.challenges: list[tuple[int, str]] = []
        """(connection, challenge) issued."""
        self.accepted: list[tuple[int, str]] = []
        """(connection, feed) whose subscribe verified."""
        self.rejected: list[tuple[int, str]] = []
        self.silent: set[int] = set()
        """Connections whose challenge requests get no answer."""
        self.snapshots: dict[str, list[str]] = {}
        """feed -> frames sent after its verified subscribe (on every connection)."""

    def subscribes(self, connection: int | None = None) -> list[dict[str, Any]]:
        return [
            r
            for n, r in self.requests
            if r.get("event") == "subscribe" and (connection is None or n == connection)
        ]

    async def push(self, frame: str | dict[str, Any]) -> None:
        await self.connections[-1].send(frame if isinstance(frame, str) else json.dumps(frame))

    def drop(self) -> None:
        self.connections[-1].transport.abort()

    async def _handler(self, ws: ServerConnection) -> None:
        self.connections.append(ws)
        number = len(self.connections)
        await ws.send(json.dumps({"event": "info", "version": 1}))
        with contextlib.suppress(ConnectionClosed):  # tests drop sockets on purpose
            async for raw in ws:
                msg = json.loads(raw)
                self.requests.append((number, msg))
                for reply in self._replies(number, msg):
                    await ws.send(reply)

    def _replies(self, number: int, msg: dict[str, Any]) -> list[str]:
        event = msg.get("event")
        if event == "challenge":
            if number in self.silent:
                return []
            challenge = str(uuid.uuid4())
            self.challenges.append((number, challenge))
            return [json.dumps({"event": "challenge", "message": challenge})]
        if event != "subscribe":
            return []
        feed = str(msg.get("feed"))
        if not self._verified(number, msg):
            self.rejected.append((number, feed))
            return [json.dumps(AUTH_ALERT)]
        self.accepted.append((number, feed))
        return [json.dumps({"event": "subscribed", "feed": feed}), *self.snapshots.get(feed, [])]

    def _verified(self, number: int, msg: dict[str, Any]) -> bool:
        original = msg.get("original_challenge")
        issued_here = {c for n, c in self.challenges if n == number}
        if msg.get("api_key") != self.api_key or original not in issued_here:
            return False
        return msg.get("signed_challenge") == sign_challenge(self.secret, str(original))


@contextlib.asynccontextmanager
async def scripted_futures_private(
    api_key: str = API_KEY, secret: Secret | None = None
) -> AsyncIterator[ScriptedFuturesPrivate]:
    state = ScriptedFuturesPrivate(api_key, secret or Secret(SECRET_TEXT))
    async with serve(state._handler, "127.0.0.1", 0) as server:
        state.url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/ws/v1"
        yield state


# ------------------------------------------------------------------ frames

ORDER_A = {
    "instrument": "PF_XBTUSD",
    "time": 1700000000000,
    "last_update_time": 1700000000000,
    "qty": 0.5,
    "filled": 0.0,
    "limit_price": 30000.5,
    "stop_price": 0.0,
    "type": "limit",
    "order_id": "order-a",
    "direction": 0,
    "reduce_only": False,
}
ORDER_B = {
    "instrument": "PF_ETHUSD",
    "time": 1700000001000,
    "last_update_time": 1700000001000,
    "qty": 2.0,
    "filled": 0.5,
    "limit_price": 2100.25,
    "stop_price": 0.0,
    "type": "limit",
    "order_id": "order-b",
    "cli_ord_id": "my-b",
    "direction": 1,
    "reduce_only": True,
}
FILL_1 = {
    "instrument": "PF_XBTUSD",
    "time": 1699999990000,
    "price": 29950.5,
    "seq": 10,
    "buy": True,
    "qty": 0.25,
    "remaining_order_qty": 0.0,
    "order_id": "order-x",
    "fill_id": "fill-1",
    "fill_type": "maker",
    "fee_paid": -0.5,
    "fee_currency": "USD",
    "taker_order_type": "ioc",
    "order_type": "lmt",
}
FILL_2 = {
    **FILL_1,
    "time": 1699999995000,
    "seq": 11,
    "fill_id": "fill-2",
    "buy": False,
    "price": 29960.0,
    "fill_type": "taker",
    "fee_paid": 1.25,
}


def orders_snapshot(*orders: dict[str, Any]) -> str:
    return json.dumps(
        {"feed": "open_orders_verbose_snapshot", "account": "practice", "orders": list(orders)}
    )


def fills_frame(*fills: dict[str, Any], snapshot: bool) -> str:
    body: dict[str, Any] = {"feed": "fills_snapshot" if snapshot else "fills", "fills": list(fills)}
    body["account" if snapshot else "username"] = "practice"
    return json.dumps(body)


def positions_frame(*positions: dict[str, Any]) -> str:
    return json.dumps(
        {
            "feed": "open_positions",
            "account": "practice",
            "positions": list(positions),
            "seq": 1,
            "timestamp": 1700000000000,
        }
    )


POSITION = {
    "instrument": "PF_XBTUSD",
    "balance": 0.5,
    "pnl": 25.0,
    "entry_price": 29900.0,
    "mark_price": 29950.0,
    "index_price": 29949.5,
    "liquidation_threshold": 21000.5,
    "effective_leverage": 1.5,
    "return_on_equity": 0.05,
    "unrealized_funding": 0.001,
    "initial_margin": 299.5,
    "initial_margin_with_orders": 310.0,
    "maintenance_margin": 149.75,
    "pnl_currency": "USD",
}

FLEX = {
    "currencies": {
        "USD": {
            "quantity": 10000.0,
            "value": 10000.0,
            "collateral_value": 10000.0,
            "available": 9500.0,
            "haircut": 0.0,
            "conversion_spread": 0.0,
        },
        "XBT": {
            "quantity": 0.1,
            "value": 2995.0,
            "collateral_value": 2950.0,
            "available": 0.09,
            "haircut": 0.01,
            "conversion_spread": 0.0,
        },
    },
    "balance_value": 12995.0,
    "portfolio_value": 13020.0,
    "collateral_value": 12950.0,
    "initial_margin": 310.0,
    "initial_margin_without_orders": 299.5,
    "maintenance_margin": 149.75,
    "pnl": 25.0,
    "unrealized_funding": 0.001,
    "total_unrealized": 25.001,
    "total_unrealized_as_margin": 25.001,
    "margin_equity": 12975.0,
    "available_margin": 12665.0,
    "isolated": {},
    "cross": {"initial_margin": 310.0, "margin_equity": 12975.0, "available_margin": 12665.0},
}


def balances_frame(*, snapshot: bool, seq: int = 0, **groups: Any) -> str:
    body: dict[str, Any] = {
        "feed": "balances_snapshot" if snapshot else "balances",
        "account": "practice",
        "timestamp": 1700000000000,
        "seq": seq,
    }
    body.update(groups)
    return json.dumps(body)


NOTIFICATIONS = json.dumps(
    {
        "feed": "notifications_auth",
        "notifications": [
            {
                "id": 1,
                "type": "market",
                "priority": "low",
                "note": "Quiet note.",
                "effective_time": 1700000000000,
            },
            {
                "id": 2,
                "type": "maintenance",
                "priority": "high",
                "note": "Trading engine upgrade.",
                "effective_time": 1700003600000,
                "expected_downtime_minutes": 30,
            },
        ],
    }
)

LOG_ENTRY = {
    "id": 7,
    "date": "2023-11-14T22:13:20.000Z",
    "asset": "usd",
    "info": "futures trade",
    "booking_uid": "booking-7",
    "margin_account": "flex",
    "old_balance": 10000.0,
    "new_balance": 9999.5,
    "realized_pnl": 0.0,
    "fee": 0.5,
    "execution": "exec-7",
    "collateral": "usd",
}


def default_snapshots() -> dict[str, list[str]]:
    """What a practice account looks like on subscribe: two orders, a position, two fills..."""
    return {
        "open_orders_verbose": [orders_snapshot(ORDER_A, ORDER_B)],
        "open_positions": [positions_frame(POSITION)],
        "fills": [fills_frame(FILL_2, FILL_1, snapshot=True)],
        "balances": [
            balances_frame(snapshot=True, holding={"USD": 50.0}, futures={}, flex_futures=FLEX)
        ],
        "account_log": [json.dumps({"feed": "account_log_snapshot", "logs": [LOG_ENTRY]})],
        "notifications_auth": [NOTIFICATIONS],
    }
