"""Spot REST private calls: the signed POST (:func:`signed_post`) and ``GetWebSocketsToken``.

``POST {rest}/0/private/GetWebSocketsToken`` with the form body ``nonce=<n>``,
headers ``API-Key`` and ``API-Sign`` (kraken-protocol §5). The answer
``{"error": [], "result": {"token", "expires"}}`` becomes a :class:`WebSocketsToken`
whose token is a :class:`~kraken_tui.model.secret.Secret`.

Failures are sorted by what the caller should do next:

* :class:`SpotAuthError` — Kraken rejected the credentials. ``retryable`` is True
  only for ``EAPI:Invalid nonce`` (one re-signed retry may help); a bad key,
  signature or permission is terminal.
* :class:`SpotRestError` — any other Kraken error (``EService:Unavailable``...).
* :class:`SpotTransientError` — the request never got a Kraken answer (network,
  timeout, HTTP 5xx, a body that is not Kraken JSON); retry with backoff.
* :class:`~kraken_tui.model.secret.CredentialError` — the secret cannot sign at all
  (not base64); nothing was sent.

No message ever contains the secret, the signature or the token.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from kraken_tui.endpoints import is_loopback
from kraken_tui.model.secret import CredentialError, Credentials, Secret
from kraken_tui.venues.errors import FrameError
from kraken_tui.venues.jsontext import load_object
from kraken_tui.venues.signing import NonceSource, spot_api_sign

TOKEN_PATH = "/0/private/GetWebSocketsToken"

INVALID_KEY = "EAPI:Invalid key"
INVALID_SIGNATURE = "EAPI:Invalid signature"
INVALID_NONCE = "EAPI:Invalid nonce"
PERMISSION_DENIED = "EGeneral:Permission denied"
AUTH_ERRORS = (INVALID_KEY, INVALID_SIGNATURE, INVALID_NONCE, PERMISSION_DENIED)
"""Kraken errors that mean the credentials (or their use) were rejected."""


@dataclass(frozen=True, slots=True, repr=False)
class WebSocketsToken:
    """A token for ``params.token`` of private v2 requests; valid ``expires`` seconds unused."""

    token: Secret
    expires: int

    def __repr__(self) -> str:
        return f"WebSocketsToken(token={self.token!r}, expires={self.expires})"


class SpotRestError(Exception):
    """Kraken answered with an error. ``error`` is Kraken's text (``EService:Unavailable``)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class SpotAuthError(SpotRestError):
    """Kraken rejected the credentials: ``EAPI:Invalid key``/``signature``/``nonce`` or
    ``EGeneral:Permission denied`` (which one is in ``error``)."""

    @property
    def retryable(self) -> bool:
        """Only a nonce error can pass on a retry (with a fresh, larger nonce)."""
        return self.error.startswith(INVALID_NONCE)


class SpotTransientError(Exception):
    """No Kraken answer (network, timeout, HTTP 5xx, unreadable body): try again later."""


def classify_errors(errors: list[str]) -> SpotRestError:
    """The exception for a non-empty Kraken ``error`` list (auth errors first)."""
    for text in errors:
        if text.startswith(AUTH_ERRORS):
            return SpotAuthError(text)
    return SpotRestError("; ".join(errors))


async def signed_post(
    rest_base: str,
    path: str,
    credentials: Credentials,
    nonces: NonceSource,
    params: Sequence[tuple[str, str]] = (),
    *,
    timeout: float = 10.0,  # noqa: ASYNC109 - the request timeout, passed to aiohttp
    what: str = "request",
) -> dict[str, Any]:
    """One signed ``POST {rest}{path}`` with the form body ``nonce=<n>&params...``.

    Returns Kraken's ``result`` object; raises the errors of the module docstring
    (``what`` names the request in their messages). Nothing is retried here.
    """
    url = rest_base.rstrip("/") + path
    nonce = nonces.next()
    body = urlencode((("nonce", nonce), *params))
    try:
        signature = spot_api_sign(credentials.api_secret, path, nonce, body)
    except (ValueError, UnicodeError):  # binascii.Error is a ValueError
        raise CredentialError("the API secret is not valid base64") from None
    headers = {
        "API-Key": credentials.api_key,
        "API-Sign": signature,
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
    }
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    try:
        # Proxy settings from the environment apply to real hosts, never to the local exchange.
        async with (
            aiohttp.ClientSession(timeout=client_timeout, trust_env=not is_loopback(url)) as http,
            http.post(url, data=body.encode("ascii"), headers=headers) as response,
        ):
            status = response.status
            raw = await response.read()
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise SpotTransientError(f"{what} failed: {_describe(exc)}") from None
    return read_result(status, raw, what)


def read_result(status: int, raw: bytes, what: str = "request") -> dict[str, Any]:
    """Kraken's ``result`` object of one answer, or the error it stands for."""
    try:
        body: dict[str, Any] | None = load_object(raw)
    except FrameError:
        body = None
    errors = body.get("error") if body is not None else None
    if isinstance(errors, list) and errors:
        raise classify_errors([str(e) for e in errors])
    if status >= 500 or body is None:
        raise SpotTransientError(f"{what} failed: HTTP {status}, no Kraken answer")
    if status >= 400:
        raise SpotRestError(f"HTTP {status}")
    result = body.get("result")
    if not isinstance(result, dict):
        raise SpotTransientError(f"{what} response without a result")
    return result


async def get_websockets_token(
    rest_base: str,
    credentials: Credentials,
    nonces: NonceSource,
    *,
    timeout: float = 10.0,  # noqa: ASYNC109 - the request timeout, passed to aiohttp
) -> WebSocketsToken:
    """Fetch a fresh WebSocket token; raises the errors of the module docstring."""
    result = await signed_post(
        rest_base, TOKEN_PATH, credentials, nonces, timeout=timeout, what="token request"
    )
    return _token_from(result)


async def fresh_websockets_token(
    rest_base: str,
    credentials: Credentials,
    nonces: NonceSource,
    *,
    timeout: float = 10.0,  # noqa: ASYNC109 - the request timeout, passed to aiohttp
) -> WebSocketsToken:
    """:func:`get_websockets_token`, signed once more with a new nonce after
    ``EAPI:Invalid nonce`` (another user of the key took that one). Asking for a token
    is a read: repeating it is safe; a second refusal is raised."""
    try:
        return await get_websockets_token(rest_base, credentials, nonces, timeout=timeout)
    except SpotAuthError as exc:
        if not exc.retryable:
            raise
    return await get_websockets_token(rest_base, credentials, nonces, timeout=timeout)


def _token_from(result: dict[str, Any]) -> WebSocketsToken:
    expires = result.get("expires", 0)
    if type(result.get("token")) is not str or not result["token"]:
        raise SpotTransientError("token response without a token")
    if type(expires) is not int:
        raise SpotTransientError("token response with a non-integer expiry")
    return WebSocketsToken(token=Secret(result.pop("token")), expires=expires)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
