"""Where each environment's feeds and REST APIs live."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True, slots=True)
class Endpoints:
    spot_ws: str
    """Spot WebSocket v2, public."""
    spot_auth_ws: str
    """Spot WebSocket v2, private and trading (Kraken's ws-auth host)."""
    futures_ws: str
    """Derivatives WebSocket v1."""
    rest: str
    """Base URL serving ``/0/public``, ``/0/private`` and ``/derivatives/api/v3``."""
    futures_rest: str
    """Base URL of the derivatives REST API (``<base>/derivatives/api/v3/...``)."""


LIVE = Endpoints(
    spot_ws="wss://ws.kraken.com/v2",
    spot_auth_ws="wss://ws-auth.kraken.com/v2",
    futures_ws="wss://futures.kraken.com/ws/v1",
    rest="https://api.kraken.com",
    futures_rest="https://futures.kraken.com",
)


DEMO = Endpoints(
    spot_ws=LIVE.spot_ws,
    spot_auth_ws=LIVE.spot_auth_ws,
    futures_ws="wss://demo-futures.kraken.com/ws/v1",
    rest=LIVE.rest,
    futures_rest="https://demo-futures.kraken.com",
)
"""Kraken's futures demo (reported retired in July 2026; checked at start). Kraken has
no spot demo, so spot market data comes from production (read-only)."""


def from_exchange_url(url: str, auth_port: int | None = None) -> Endpoints:
    """Endpoints of an embedded exchange (``kraken-tui sim``) from its REST base URL.

    ``http://127.0.0.1:8765`` -> ``ws://127.0.0.1:8765/v2``, ``.../ws/v1`` and so on.
    The spot private socket lives on a second port; without ``auth_port`` it is
    assumed to be the next port up, as ``kraken-tui sim`` binds it.
    """
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname or not parts.port:
        raise ValueError(f"expected http://HOST:PORT, got {url!r}")
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    base = urlunsplit((parts.scheme, f"{host}:{parts.port}", "", "", "")).rstrip("/")
    ws_base = f"{ws_scheme}://{host}:{parts.port}"
    auth = auth_port if auth_port is not None else parts.port + 1
    return Endpoints(
        spot_ws=f"{ws_base}/v2",
        spot_auth_ws=f"{ws_scheme}://{host}:{auth}/v2",
        futures_ws=f"{ws_base}/ws/v1",
        rest=base,
        futures_rest=base,
    )


def is_loopback_host(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    host = host.lower().strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback(url: str) -> bool:
    """True when ``url`` points at this machine (the embedded exchange): proxies from
    the environment must never intercept those requests."""
    return is_loopback_host(urlsplit(url).hostname or "")
