"""Futures REST private endpoints of the embedded exchange: Authent, nonces, shapes."""

from __future__ import annotations

from typing import Any

import aiohttp
import msgspec
from yarl import URL

from kraken_tui.model import Venue
from kraken_tui.model.secret import Secret
from kraken_tui.sim import ExchangeServer
from kraken_tui.venues.signing import NonceSource, futures_authent

_DECODER = msgspec.json.Decoder(float_hook=str)


async def _call(
    exchange: ExchangeServer,
    endpoint: str,
    *,
    query: str = "",
    body: str = "",
    nonce: str | None = None,
    secret: Secret | None = None,
    api_key: str | None = None,
) -> tuple[int, Any]:
    """A signed request exactly as a Kraken client sends it (query/body bytes untouched)."""
    credentials = exchange.practice_credentials[Venue.FUTURES]
    path = f"/derivatives/api/v3/{endpoint}"
    nonce = NonceSource().next() if nonce is None else nonce
    authent = futures_authent(secret or credentials.api_secret, query + body, nonce, path)
    headers = {"APIKey": api_key or credentials.api_key, "Authent": authent, "Nonce": nonce}
    url = URL(f"{exchange.urls.futures_rest}{path}" + (f"?{query}" if query else ""), encoded=True)
    async with aiohttp.ClientSession() as session:
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            request = session.post(url, data=body.encode(), headers=headers)
        else:
            request = session.get(url, headers=headers)
        async with request as response:
            assert response.content_type == "application/json"
            return response.status, _DECODER.decode(await response.read())


async def test_good_authent_gets_positions(exchange: ExchangeServer) -> None:
    status, body = await _call(exchange, "openpositions")
    assert status == 200 and body["result"] == "success"
    assert isinstance(body["serverTime"], str) and body["serverTime"].endswith("Z")
    rows = {row["symbol"]: row for row in body["openPositions"]}
    assert rows["PF_XBTUSD"]["side"] == "long" and rows["PF_XBTUSD"]["size"] == "0.04"
    assert rows["PF_ETHUSD"]["side"] == "short" and rows["PF_ETHUSD"]["size"] == "1.5"
    assert rows["PF_XBTUSD"]["pnlCurrency"] == "USD"


async def test_bad_authent_is_authentication_error(exchange: ExchangeServer) -> None:
    wrong = Secret("c2VjcmV0c2VjcmV0c2VjcmV0")
    status, body = await _call(exchange, "openpositions", secret=wrong)
    assert status == 401
    assert body["result"] == "error" and body["error"] == "authenticationError"
    assert "openPositions" not in body
    status, body = await _call(exchange, "accounts", api_key="someone-else")
    assert (status, body["error"]) == (401, "authenticationError")


async def test_repeated_nonce_is_duplicate_lower_is_below_threshold(
    exchange: ExchangeServer,
) -> None:
    assert (await _call(exchange, "openorders", nonce="2000000000000"))[0] == 200
    status, body = await _call(exchange, "openorders", nonce="2000000000000")
    assert (status, body["result"], body["error"]) == (400, "error", "nonceDuplicate")
    status, body = await _call(exchange, "openorders", nonce="1999999999999")
    assert (status, body["error"]) == (400, "nonceBelowThreshold")
    assert (await _call(exchange, "openorders", nonce="2000000000001"))[0] == 200


async def test_encoded_query_is_signed_as_sent(exchange: ExchangeServer) -> None:
    query = "lastFillTime=2100-01-01T00%3A00%3A00.000Z"
    status, body = await _call(exchange, "fills", query=query)
    assert status == 200
    fills = body["fills"]
    assert [f["symbol"] for f in fills] == ["PF_ETHUSD", "PF_XBTUSD"]  # newest first
    assert fills[0]["side"] == "sell" and fills[0]["fillType"] == "taker"
    cutoff = fills[0]["fillTime"].replace(":", "%3A")
    status, body = await _call(exchange, "fills", query=f"lastFillTime={cutoff}")
    assert [f["symbol"] for f in body["fills"]] == ["PF_XBTUSD"]


async def test_post_form_body_and_shapes(exchange: ExchangeServer) -> None:
    status, body = await _call(exchange, "accounts", body="unused=1")
    assert status == 200
    flex = body["accounts"]["flex"]
    assert flex["type"] == "multiCollateralMarginAccount"
    assert flex["currencies"]["USD"]["quantity"] == 10000 and flex["balanceValue"] == 10000
    assert body["accounts"]["cash"] == {"type": "cashAccount", "balances": {}}
    for key in ("portfolioValue", "initialMargin", "initialMarginWithOrders", "availableMargin"):
        assert key in flex
    status, body = await _call(exchange, "openorders")
    orders = body["openOrders"]
    assert [o["orderType"] for o in orders] == ["lmt", "stop", "lmt"]
    stop = orders[1]
    assert stop["side"] == "sell" and stop["reduceOnly"] is True and "limitPrice" not in stop
    assert orders[0]["status"] == "untouched" and orders[0]["unfilledSize"] == "0.02"
