"""Futures WS v1 private feeds of the embedded exchange, over real sockets.

Challenge, signed subscribe, snapshots, then deltas after a trade is forced
through a resting order (``exchange.account.on_trade``); bad signatures and
borrowed challenges are refused with Kraken's alert.
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal
from typing import Any

from kraken_tui.model import Venue
from kraken_tui.model.secret import Secret
from kraken_tui.sim import ExchangeServer
from kraken_tui.venues.signing import sign_challenge
from tests.sim.wsclient import WsClient

ALERT = {"event": "alert", "message": "Failed to subscribe to authenticated feed"}


def _feed(*names: str) -> Any:
    return lambda msg: "event" not in msg and msg.get("feed") in names


async def _connect(exchange: ExchangeServer) -> WsClient:
    client = await WsClient.connect(exchange.urls.futures_ws)
    assert await client.recv() == {"event": "info", "version": 1}
    return client


async def _challenge(client: WsClient, api_key: str) -> str:
    await client.send({"event": "challenge", "api_key": api_key})
    reply = await client.recv_until(lambda m: m.get("event") in ("challenge", "error"))
    assert reply["event"] == "challenge", reply
    message = reply["message"]
    assert isinstance(message, str) and len(message) == 36
    return message


def _creds(exchange: ExchangeServer) -> tuple[str, Secret]:
    credentials = exchange.practice_credentials[Venue.FUTURES]
    return credentials.api_key, credentials.api_secret


async def _subscribe(
    client: WsClient, exchange: ExchangeServer, feed: str, challenge: str | None = None
) -> dict[str, Any]:
    """Subscribe with a correctly signed challenge; returns the snapshot."""
    api_key, secret = _creds(exchange)
    challenge = challenge or await _challenge(client, api_key)
    await client.send(
        {
            "event": "subscribe",
            "feed": feed,
            "api_key": api_key,
            "original_challenge": challenge,
            "signed_challenge": sign_challenge(secret, challenge),
        }
    )
    ack = await client.recv_until(lambda m: "event" in m)
    assert ack == {"event": "subscribed", "feed": feed}
    return await client.recv_until(lambda m: "event" not in m and m.get("feed") != "heartbeat")


async def _eventually(check: Any, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_open_orders_snapshot_then_partial_fill_delta(exchange: ExchangeServer) -> None:
    client = await _connect(exchange)
    account = exchange.account
    bid = next(o for o in account.open_orders(Venue.FUTURES) if o.order_type == "limit")
    assert bid.symbol == "PF_XBTUSD" and bid.limit_price is not None
    snapshot = await _subscribe(client, exchange, "open_orders")
    assert snapshot["feed"] == "open_orders_snapshot"
    assert snapshot["account"] == exchange.futures_desk.account_id
    orders = {o["order_id"]: o for o in snapshot["orders"]}
    assert len(orders) == 3
    wire_bid = orders[bid.order_id]
    assert wire_bid["instrument"] == "PF_XBTUSD"
    assert wire_bid["direction"] == 0 and wire_bid["type"] == "limit"
    assert wire_bid["qty"] == "0.02" and wire_bid["filled"] == 0
    assert Decimal(str(wire_bid["limit_price"])) == bid.limit_price
    assert wire_bid["reduce_only"] is False
    stop = next(o for o in snapshot["orders"] if o["type"] == "stop")
    assert stop["direction"] == 1 and stop["reduce_only"] is True
    assert "limit_price" not in stop and stop["triggerSignal"] == "last"

    account.on_trade("PF_XBTUSD", bid.limit_price, Decimal("0.005"), int(time.time() * 1000))
    delta = await client.recv_until(_feed("open_orders"))
    await client.close()
    assert delta["is_cancel"] is False and delta["reason"] == "partial_fill"
    assert delta["order"]["order_id"] == bid.order_id
    assert delta["order"]["filled"] == "0.005" and delta["order"]["qty"] == "0.02"


async def test_fills_positions_balances_log_follow_a_fill(exchange: ExchangeServer) -> None:
    client = await _connect(exchange)
    api_key, _ = _creds(exchange)
    challenge = await _challenge(client, api_key)
    fills = await _subscribe(client, exchange, "fills", challenge)
    positions = await _subscribe(client, exchange, "open_positions", challenge)
    balances = await _subscribe(client, exchange, "balances", challenge)
    log = await _subscribe(client, exchange, "account_log", challenge)

    assert fills["feed"] == "fills_snapshot" and len(fills["fills"]) == 2
    first = fills["fills"][0]
    assert first["instrument"] == "PF_XBTUSD" and first["buy"] is True and first["qty"] == "0.04"
    assert first["seq"] == 1 and first["fill_type"] == "taker" and first["fee_currency"] == "USD"
    assert positions["feed"] == "open_positions" and isinstance(positions["seq"], int)
    by_symbol = {p["instrument"]: p for p in positions["positions"]}
    assert by_symbol["PF_XBTUSD"]["balance"] == "0.04"
    assert by_symbol["PF_ETHUSD"]["balance"] == "-1.5"
    assert by_symbol["PF_XBTUSD"]["pnl_currency"] == "USD"
    assert balances["feed"] == "balances_snapshot"
    assert balances["holding"] == {} and balances["futures"] == {}
    flex = balances["flex_futures"]
    assert flex["currencies"]["USD"]["quantity"] == 10000
    assert flex["balance_value"] == 10000
    for key in ("portfolio_value", "margin_equity", "available_margin", "initial_margin"):
        assert key in flex and key in flex["cross"]
    assert log["feed"] == "account_log_snapshot" and len(log["logs"]) == 2
    assert log["logs"][0]["id"] == 2 and log["logs"][0]["info"] == "futures trade"

    bid = next(o for o in exchange.account.open_orders(Venue.FUTURES) if o.order_type == "limit")
    assert bid.limit_price is not None
    exchange.account.on_trade("PF_XBTUSD", bid.limit_price, Decimal("0.01"), 1_900_000_000_000)
    # once a second marks may re-send positions/balances before this; skip to the fill
    fill = await client.recv_until(_feed("fills"))
    frames = [await client.recv() for _ in range(3)]
    await client.close()
    # in the order the account reports: fill (with its log line), positions, margin
    assert [f["feed"] for f in frames] == ["account_log", "open_positions", "balances"]
    entry, moved, changed = frames

    (wire,) = fill["fills"]
    assert wire["buy"] is True and wire["qty"] == "0.01" and wire["fill_type"] == "maker"
    assert wire["seq"] == 3 and wire["remaining_order_qty"] == "0.01"
    assert wire["order_id"] == bid.order_id and wire["time"] == 1_900_000_000_000
    assert moved["seq"] > positions["seq"]
    xbt = next(p for p in moved["positions"] if p["instrument"] == "PF_XBTUSD")
    assert xbt["balance"] == "0.05"
    assert changed["seq"] > balances["seq"] and "flex_futures" in changed
    assert "holding" not in changed
    new = entry["new_entry"]
    assert (new["old_balance"], new["new_balance"]) == ("0.04", "0.05")
    assert new["execution"] == wire["fill_id"] and new["contract"] == "PF_XBTUSD"


async def test_positions_resent_when_marks_move(exchange: ExchangeServer) -> None:
    client = await _connect(exchange)
    first = await _subscribe(client, exchange, "open_positions")
    exchange.account.set_mark("PF_XBTUSD", Decimal(120000))
    exchange.futures_desk.tick(int(time.time() * 1000))
    # the housekeeping tick may send its own (real-mark) update first; look for ours
    again = await client.recv_until(
        lambda m: (
            m.get("feed") == "open_positions"
            and any(p["mark_price"] == 120000 for p in m["positions"])
        )
    )
    await client.close()
    xbt = next(p for p in again["positions"] if p["instrument"] == "PF_XBTUSD")
    # 0.04 * (120000 - entry) with the entry the account chose
    entry = Decimal(str(xbt["entry_price"]))
    assert Decimal(str(xbt["pnl"])) == Decimal("0.04") * (120000 - entry)
    assert again["seq"] > first["seq"]


async def test_wrong_signature_gets_alert_and_no_data(exchange: ExchangeServer) -> None:
    client = await _connect(exchange)
    api_key, _ = _creds(exchange)
    challenge = await _challenge(client, api_key)
    wrong = sign_challenge(Secret("c2VjcmV0c2VjcmV0c2VjcmV0"), challenge)
    await client.send(
        {
            "event": "subscribe",
            "feed": "open_positions",
            "api_key": api_key,
            "original_challenge": challenge,
            "signed_challenge": wrong,
        }
    )
    await client.send({"event": "subscribe", "feed": "heartbeat"})
    seen = []
    while True:
        msg = await client.recv()
        seen.append(msg)
        if msg == {"event": "subscribed", "feed": "heartbeat"}:
            break
    # nothing private arrives before the next heartbeat (sent once a second)
    after = await client.recv(within=5)
    await client.close()
    assert seen == [ALERT, {"event": "subscribed", "feed": "heartbeat"}]
    assert after["feed"] == "heartbeat"
    assert not exchange.futures_desk.sessions


async def test_challenge_from_another_connection_is_refused(exchange: ExchangeServer) -> None:
    api_key, secret = _creds(exchange)
    first = await _connect(exchange)
    borrowed = await _challenge(first, api_key)
    second = await _connect(exchange)
    await _challenge(second, api_key)  # its own challenge exists, but it uses the other one
    await second.send(
        {
            "event": "subscribe",
            "feed": "fills",
            "api_key": api_key,
            "original_challenge": borrowed,
            "signed_challenge": sign_challenge(secret, borrowed),
        }
    )
    reply = await second.recv_until(lambda m: "event" in m)
    await first.close()
    await second.close()
    assert reply == ALERT


async def test_unknown_key_and_missing_fields(exchange: ExchangeServer) -> None:
    client = await _connect(exchange)
    await client.send({"event": "challenge", "api_key": "not-a-practice-key"})
    assert await client.recv() == {"event": "error", "message": "Invalid API key"}
    await client.send({"event": "challenge"})
    assert await client.recv() == {"event": "error", "message": "Json Error"}
    await client.send({"event": "subscribe", "feed": "open_orders"})
    assert await client.recv() == ALERT
    await client.close()


async def test_notifications_and_verbose_orders(exchange: ExchangeServer) -> None:
    client = await _connect(exchange)
    api_key, _ = _creds(exchange)
    challenge = await _challenge(client, api_key)
    notes = await _subscribe(client, exchange, "notifications_auth", challenge)
    verbose = await _subscribe(client, exchange, "open_orders_verbose", challenge)
    await client.close()
    assert notes["feed"] == "notifications_auth"
    (note,) = notes["notifications"]
    assert note["priority"] == "low" and note["type"] == "general"
    assert isinstance(note["effective_time"], int) and note["note"]
    assert verbose["feed"] == "open_orders_verbose_snapshot" and len(verbose["orders"]) == 3


async def test_unsubscribe_stops_deltas_and_close_removes_listener(
    exchange: ExchangeServer,
) -> None:
    api_key, secret = _creds(exchange)
    client = await _connect(exchange)
    challenge = await _challenge(client, api_key)
    await _subscribe(client, exchange, "fills", challenge)
    signed = sign_challenge(secret, challenge)
    await client.send(
        {
            "event": "unsubscribe",
            "feed": "fills",
            "api_key": api_key,
            "original_challenge": challenge,
            "signed_challenge": signed,
        }
    )
    assert await client.recv_until(lambda m: "event" in m) == {
        "event": "unsubscribed",
        "feed": "fills",
    }
    bid = next(o for o in exchange.account.open_orders(Venue.FUTURES) if o.order_type == "limit")
    assert bid.limit_price is not None
    exchange.account.on_trade("PF_XBTUSD", bid.limit_price, Decimal("0.001"), 1)
    await client.send({"event": "subscribe", "feed": "heartbeat"})
    frames = []
    while (msg := await client.recv()) != {"event": "subscribed", "feed": "heartbeat"}:
        frames.append(msg)
    assert not any(f.get("feed") == "fills" for f in frames)
    assert len(exchange.futures_desk.sessions) == 1
    await client.close()
    await _eventually(lambda: not exchange.futures_desk.sessions)
