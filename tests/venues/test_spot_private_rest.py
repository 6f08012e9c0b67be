"""GetWebSocketsToken against a small aiohttp server on 127.0.0.1 that checks API-Sign."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import pytest
from aiohttp import web

from kraken_tui.model.secret import CredentialError, Credentials, Secret
from kraken_tui.venues.kraken_spot.private_rest import (
    TOKEN_PATH,
    SpotAuthError,
    SpotRestError,
    SpotTransientError,
    classify_errors,
    get_websockets_token,
)
from kraken_tui.venues.signing import NonceSource, spot_api_sign

API_KEY = "test-spot-key-0001"
SECRET_TEXT = base64.b64encode(bytes(range(64))).decode()
OTHER_SECRET_TEXT = base64.b64encode(bytes(range(1, 65))).decode()
TOKEN_TEXT = "canary-token-Zq8Xv1"


@dataclass
class TokenServer:
    """Kraken's GetWebSocketsToken as far as authentication goes."""

    keys: dict[str, Secret]
    base: str = ""
    last_nonce: dict[str, int] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    answer: web.Response | None = None
    """A canned response instead of the real check (error paths)."""
    delay: float = 0.0

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.text()
        self.requests.append(
            {
                "path": request.path,
                "body": body,
                "content_type": request.headers.get("Content-Type", ""),
                "sign": request.headers.get("API-Sign", ""),
            }
        )
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.answer is not None:
            return self.answer
        return web.json_response(self._check(request, body))

    def _check(self, request: web.Request, body: str) -> dict[str, object]:
        key = request.headers.get("API-Key", "")
        secret = self.keys.get(key)
        if secret is None:
            return {"error": ["EAPI:Invalid key"]}
        nonce = parse_qs(body).get("nonce", [""])[0]
        expected = spot_api_sign(secret, request.path, nonce, body)
        if request.headers.get("API-Sign") != expected:
            return {"error": ["EAPI:Invalid signature"]}
        if int(nonce) <= self.last_nonce.get(key, 0):
            return {"error": ["EAPI:Invalid nonce"]}
        self.last_nonce[key] = int(nonce)
        return {"error": [], "result": {"token": TOKEN_TEXT, "expires": 900}}


@contextlib.asynccontextmanager
async def token_server(keys: dict[str, Secret]) -> AsyncIterator[TokenServer]:
    state = TokenServer(keys)
    app = web.Application()
    app.router.add_post(TOKEN_PATH, state.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    state.base = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        await runner.cleanup()


def creds(secret_text: str = SECRET_TEXT, key: str = API_KEY) -> Credentials:
    return Credentials(key, Secret(secret_text), source="test")


def assert_no_secrets(text: str) -> None:
    for canary in (SECRET_TEXT, OTHER_SECRET_TEXT, TOKEN_TEXT):
        assert canary not in text


async def test_good_key_gets_a_token() -> None:
    async with token_server({API_KEY: Secret(SECRET_TEXT)}) as server:
        token = await get_websockets_token(server.base, creds(), NonceSource())
    assert token.token.reveal() == TOKEN_TEXT
    assert token.expires == 900
    assert_no_secrets(repr(token))
    (request,) = server.requests
    assert request["path"] == "/0/private/GetWebSocketsToken"
    assert request["content_type"] == "application/x-www-form-urlencoded"
    assert request["body"].startswith("nonce=") and request["body"][6:].isdigit()


async def test_wrong_secret_is_a_terminal_auth_error() -> None:
    async with token_server({API_KEY: Secret(SECRET_TEXT)}) as server:
        with pytest.raises(SpotAuthError) as caught:
            await get_websockets_token(server.base, creds(OTHER_SECRET_TEXT), NonceSource())
    assert caught.value.error == "EAPI:Invalid signature"
    assert not caught.value.retryable
    assert_no_secrets(str(caught.value))
    assert_no_secrets(repr(caught.value))
    assert server.requests[0]["sign"] not in str(caught.value)


async def test_unknown_key_is_a_terminal_auth_error() -> None:
    async with token_server({API_KEY: Secret(SECRET_TEXT)}) as server:
        with pytest.raises(SpotAuthError) as caught:
            await get_websockets_token(server.base, creds(key="nobody"), NonceSource())
    assert caught.value.error == "EAPI:Invalid key"
    assert not caught.value.retryable


async def test_nonce_not_increasing_is_a_retryable_auth_error() -> None:
    async with token_server({API_KEY: Secret(SECRET_TEXT)}) as server:
        ahead = NonceSource(floor=10**15)  # another client of this key ran far ahead
        await get_websockets_token(server.base, creds(), ahead)
        with pytest.raises(SpotAuthError) as caught:
            await get_websockets_token(server.base, creds(), NonceSource())
        assert caught.value.error == "EAPI:Invalid nonce"
        assert caught.value.retryable
        # The same source keeps increasing, so its next request passes.
        token = await get_websockets_token(server.base, creds(), ahead)
    assert token.token.reveal() == TOKEN_TEXT


@pytest.mark.parametrize(
    ("errors", "kind", "retryable"),
    [
        (["EGeneral:Permission denied"], SpotAuthError, False),
        (["EService:Unavailable"], SpotRestError, None),
        (["EGeneral:Temporary lockout"], SpotRestError, None),
        (["EGeneral:Internal error", "EAPI:Invalid key"], SpotAuthError, False),
    ],
)
async def test_kraken_errors_are_sorted(
    errors: list[str], kind: type[SpotRestError], retryable: bool | None
) -> None:
    async with token_server({}) as server:
        server.answer = web.json_response({"error": errors})
        with pytest.raises(SpotRestError) as caught:
            await get_websockets_token(server.base, creds(), NonceSource())
    assert type(caught.value) is kind
    if retryable is not None:
        assert isinstance(caught.value, SpotAuthError)
        assert caught.value.retryable is retryable


def test_classify_keeps_every_non_auth_error_text() -> None:
    error = classify_errors(["EService:Unavailable", "EService:Busy"])
    assert type(error) is SpotRestError
    assert error.error == "EService:Unavailable; EService:Busy"


@pytest.mark.parametrize(
    "answer",
    [
        web.Response(status=502, text="<html>bad gateway</html>"),
        web.Response(status=200, text="<html>maintenance</html>"),
        web.json_response({"error": [], "result": {"expires": 900}}),
        web.json_response({"error": [], "result": {"token": 5, "expires": 900}}),
        web.json_response({"error": []}),
        web.json_response({"error": [], "result": {"token": "t", "expires": "soon"}}),
    ],
)
async def test_unusable_answers_are_transient(answer: web.Response) -> None:
    async with token_server({}) as server:
        server.answer = answer
        with pytest.raises(SpotTransientError):
            await get_websockets_token(server.base, creds(), NonceSource())


async def test_http_client_error_without_kraken_body_is_a_rest_error() -> None:
    async with token_server({}) as server:
        server.answer = web.Response(status=404, text="{}")
        with pytest.raises(SpotRestError) as caught:
            await get_websockets_token(server.base, creds(), NonceSource())
    assert "404" in caught.value.error


async def test_refused_connection_is_transient() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SpotTransientError) as caught:
        await get_websockets_token(f"http://127.0.0.1:{port}", creds(), NonceSource())
    assert_no_secrets(str(caught.value))


async def test_timeout_is_transient() -> None:
    async with token_server({API_KEY: Secret(SECRET_TEXT)}) as server:
        server.delay = 0.3
        with pytest.raises(SpotTransientError) as caught:
            await get_websockets_token(server.base, creds(), NonceSource(), timeout=0.05)
    assert "timed out" in str(caught.value)


async def test_a_secret_that_cannot_sign_sends_nothing() -> None:
    bad_secret = "not*base64*canary"
    async with token_server({API_KEY: Secret(SECRET_TEXT)}) as server:
        with pytest.raises(CredentialError) as caught:
            await get_websockets_token(server.base, creds(bad_secret), NonceSource())
    assert server.requests == []
    assert bad_secret not in str(caught.value)
    assert caught.value.__context__ is None or caught.value.__suppress_context__
