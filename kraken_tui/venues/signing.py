"""Kraken request signing: the futures WebSocket challenge, futures REST ``Authent`` and
spot REST ``API-Sign``, plus the nonce they share.

All three are HMAC-SHA512 keyed with the base64-decoded API secret (kraken-protocol
§3.3, §4.2, §5); they differ in what is hashed. The secret is decoded and used
inside one expression, so no frame of a traceback (Textual prints locals) holds
it or the decoded key in a variable, and the C-level ``binascii``/``_hashlib``
functions leave no Python frames of their own.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import threading
import time

from kraken_tui.model.secret import Secret

FUTURES_PATH_PREFIX = "/derivatives"


def _sign(secret: Secret, message: bytes) -> str:
    return base64.b64encode(
        hmac.digest(binascii.a2b_base64(secret.reveal().encode("ascii")), message, "sha512")
    ).decode("ascii")


def sign_challenge(secret: Secret, challenge: str) -> str:
    """Futures WS v1 ``signed_challenge`` for the UUID text of a ``challenge`` event."""
    return _sign(secret, hashlib.sha256(challenge.encode("utf-8")).digest())


def futures_endpoint_path(request_path: str) -> str:
    """The path Kraken signs: the request path without its ``/derivatives`` prefix."""
    if request_path.startswith(FUTURES_PATH_PREFIX + "/"):
        return request_path[len(FUTURES_PATH_PREFIX) :]
    return request_path


def futures_authent(secret: Secret, post_data: str, nonce: str, request_path: str) -> str:
    """Futures REST v3 ``Authent`` header.

    ``post_data`` is the URL-encoded query and/or form body exactly as sent (no ``?``);
    ``nonce`` the ``Nonce`` header ('' when none is sent); ``request_path`` may keep
    its ``/derivatives`` prefix, which is stripped before hashing.
    """
    message = post_data + nonce + futures_endpoint_path(request_path)
    return _sign(secret, hashlib.sha256(message.encode("utf-8")).digest())


def spot_api_sign(secret: Secret, uri_path: str, nonce: str, post_data: str) -> str:
    """Spot REST ``API-Sign``: HMAC over the path bytes then SHA256(nonce + body)."""
    digest = hashlib.sha256((nonce + post_data).encode("utf-8")).digest()
    return _sign(secret, uri_path.encode("utf-8") + digest)


class NonceSource:
    """Strictly increasing nonces (epoch milliseconds, or the last one plus one).

    Kraken rejects a nonce not above the previous one for the same key, so a clock
    stepping back or two calls in one millisecond must still yield a larger value.
    Thread-safe: the embedded exchange and the UI may share one in tests.
    """

    def __init__(self, floor: int = 0) -> None:
        self._last = floor
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            self._last = max(self._last + 1, time.time_ns() // 1_000_000)
            return str(self._last)
