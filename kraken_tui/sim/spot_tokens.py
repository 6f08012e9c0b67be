"""Spot ``GetWebSocketsToken`` for the embedded exchange: Kraken's REST auth checks and
the tokens it hands out.

``POST /0/private/GetWebSocketsToken`` is verified as Kraken does (kraken-protocol
§5): the ``API-Key`` must be the practice key (``EAPI:Invalid key``), ``API-Sign``
must be the HMAC of the path and SHA256(nonce + exact body), compared in constant
time (``EAPI:Invalid signature``), and the body's nonce must exceed the key's last
accepted one (``EAPI:Invalid nonce``); a rejected request consumes no nonce.
A token is usable for 15 minutes from issue, and for as long after that as some
connection holds a private subscription with it.
"""

from __future__ import annotations

import base64
import hmac
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from kraken_tui.model.secret import Credentials
from kraken_tui.venues.kraken_spot.private_server import (
    TOKEN_EXPIRES,
    body_nonce,
    encode_rest_error,
    encode_token_result,
)
from kraken_tui.venues.signing import spot_api_sign

TOKEN_PATH = "/0/private/GetWebSocketsToken"
TOKEN_LIFETIME = float(TOKEN_EXPIRES)

INVALID_KEY = "EAPI:Invalid key"
INVALID_SIGNATURE = "EAPI:Invalid signature"
INVALID_NONCE = "EAPI:Invalid nonce"


@dataclass
class _Token:
    issued: float
    holders: set[object] = field(default_factory=set)


class TokenIssuer:
    """Issues and checks WebSocket tokens for one practice API key."""

    def __init__(
        self, credentials: Credentials, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._credentials = credentials
        self._clock = clock
        self._last_nonce = 0
        self._tokens: dict[str, _Token] = {}

    def add_rest_routes(self, app: web.Application) -> None:
        """Register ``POST /0/private/GetWebSocketsToken`` on ``app``."""
        app.router.add_post(TOKEN_PATH, self._get_token)

    async def _get_token(self, request: web.Request) -> web.Response:
        body = await request.text()
        error = self.check_request(
            request.headers.get("API-Key", ""),
            request.headers.get("API-Sign", ""),
            body,
            request.content_type,
        )
        text = encode_rest_error(error) if error else encode_token_result(self.issue())
        return web.Response(text=text, content_type="application/json")

    def check_request(
        self, api_key: str, api_sign: str, body: str, content_type: str
    ) -> str | None:
        """The error text for a token request, or None (and the nonce is used up)."""
        if not hmac.compare_digest(
            api_key.encode("utf-8"), self._credentials.api_key.encode("utf-8")
        ):
            return INVALID_KEY
        nonce = body_nonce(body, content_type)
        expected = spot_api_sign(self._credentials.api_secret, TOKEN_PATH, nonce or "", body)
        if not hmac.compare_digest(expected.encode("ascii"), api_sign.encode("utf-8")):
            return INVALID_SIGNATURE
        if nonce is None or int(nonce) <= self._last_nonce:
            return INVALID_NONCE
        self._last_nonce = int(nonce)
        return None

    def issue(self) -> str:
        """A fresh token; expired ones are forgotten on the way."""
        now = self._clock()
        for text, token in list(self._tokens.items()):
            if not self._usable(token, now):
                del self._tokens[text]
        text = base64.b64encode(os.urandom(32)).decode("ascii").rstrip("=")
        self._tokens[text] = _Token(now)
        return text

    def _usable(self, token: _Token, now: float) -> bool:
        return bool(token.holders) or now - token.issued < TOKEN_LIFETIME

    def valid(self, text: object) -> bool:
        token = self._tokens.get(text) if isinstance(text, str) else None
        return token is not None and self._usable(token, self._clock())

    def hold(self, text: str, holder: object) -> None:
        """``holder`` has a private subscription with this token (it will not expire)."""
        token = self._tokens.get(text)
        if token is not None:
            token.holders.add(holder)

    def release(self, text: str, holder: object) -> None:
        token = self._tokens.get(text)
        if token is not None:
            token.holders.discard(holder)
