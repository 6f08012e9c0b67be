"""Runs the real dashboard with canary credentials and crashes it inside the signing code.

Executed in a subprocess by tests/test_canary.py: ``python -m tests.canary_app OUT_DIR``.
The private feeds sign with a canary secret (the futures signing is made to raise),
the spot feed is handed a canary token (the exchange refuses it), websockets logs
every frame into the log file, a screenshot is saved, and finally a signing call on
the UI's thread raises so Textual prints its crash report to stderr.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import logging
import sys
import threading
from pathlib import Path
from typing import Any

from kraken_tui.model import Venue
from kraken_tui.model.secret import Credentials, Secret

CANARY_PLAIN = b"canary-plaintext-key-0123456789-abcdefghij-ABCDEFGHIJ-xyz"
CANARY_SECRET = base64.b64encode(CANARY_PLAIN).decode()
CANARY_TOKEN = "CanaryTokenValue0123456789abcdefABCDEF+/canary"
FORCED = "forced failure inside the signing code"


class ExplodingHmac:
    """Stands in for the ``hmac`` module inside kraken_tui.venues.signing.

    Raises on the dashboard's (main) thread; the embedded exchange, on its own
    thread, still verifies with the real thing.
    """

    def __init__(self) -> None:
        self.raised = 0

    def digest(self, key: bytes, msg: bytes, digest: str) -> bytes:
        if threading.current_thread() is threading.main_thread():
            self.raised += 1
            raise RuntimeError(FORCED)
        return hmac.digest(key, msg, digest)

    def __getattr__(self, name: str) -> Any:
        return getattr(hmac, name)


def main(out: Path) -> int:
    from kraken_tui.feeds import spot_private
    from kraken_tui.feeds.market_session import LiveMarketSession
    from kraken_tui.launch import EmbeddedExchange
    from kraken_tui.ui.app import KrakenApp
    from kraken_tui.ui.run import start_log
    from kraken_tui.venues import signing
    from kraken_tui.venues.kraken_spot.private_rest import WebSocketsToken
    from kraken_tui.venues.signing import sign_challenge

    exchange = EmbeddedExchange(seed=3)
    endpoints = exchange.start()
    issued = exchange.credentials
    credentials = {
        venue: Credentials(issued[venue].api_key, Secret(CANARY_SECRET), source="keyring")
        for venue in Venue
    }
    start_log(out / "kraken.log", credentials)
    logging.getLogger("websockets").setLevel(logging.DEBUG)  # worst case: every frame logged

    shim = ExplodingHmac()
    setattr(signing, "hmac", shim)  # noqa: B010 - replacing a module global on purpose
    tokens_handed_out = 0

    async def canary_token(*args: Any, **kwargs: Any) -> WebSocketsToken:
        nonlocal tokens_handed_out
        tokens_handed_out += 1
        return WebSocketsToken(Secret(CANARY_TOKEN), 900)

    setattr(spot_private, "fresh_websockets_token", canary_token)  # noqa: B010

    session = LiveMarketSession(endpoints, credentials=credentials)
    app = KrakenApp(session, env_label="SIM")
    progress = out / "progress.txt"

    async def drive() -> None:
        feeds = session.store.feeds
        for _ in range(200):
            spot_refused = feeds.get("spot-private") is not None and (
                feeds["spot-private"].reconnects >= 1 or feeds["spot-private"].last_error
            )
            if shim.raised >= 1 and tokens_handed_out >= 1 and spot_refused:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        account = session.store.account
        lines = [f"signing raised {shim.raised} times, tokens handed out {tokens_handed_out}"]
        lines += [f"{n}: {f.state.value} {f.last_error}" for n, f in feeds.items()]
        lines += [f"{v.value}: {s.state.value} {s.message}" for v, s in account.private.items()]
        progress.write_text("\n".join(lines) + "\n")
        app.save_screenshot(filename="screen.svg", path=str(out))
        # The crash: a signing call on the UI's thread that raises.
        app.call_later(sign_challenge, credentials[Venue.FUTURES].api_secret, "c100b894")

    async def on_start() -> None:
        asyncio.get_running_loop().create_task(drive())

    app.on_start = on_start
    try:
        app.run(headless=True, size=(140, 45))
    finally:
        exchange.stop()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
