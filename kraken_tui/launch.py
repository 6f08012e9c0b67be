"""Runs the embedded exchange on its own thread and event loop, beside the dashboard.

The exchange generates the market; keeping it off the UI's loop means a burst of
synthetic market data never delays a key press, and the dashboard talks to it
over real sockets exactly as it would to Kraken.

With ``upstream`` it is the *paper* exchange: the markets are relayed from that
upstream (Kraken by default) and only the practice account is local. Start-up
then waits for the upstream; :class:`~kraken_tui.sim.relay.UpstreamUnavailable`
says why it could not be reached.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kraken_tui.endpoints import Endpoints
    from kraken_tui.model import Venue
    from kraken_tui.model.secret import Credentials
    from kraken_tui.sim.relay_exchange import PaperExchange
    from kraken_tui.sim.server import ExchangeServer


class EmbeddedExchange:
    """Start with :meth:`start` (blocks until the sockets listen), stop with :meth:`stop`."""

    def __init__(
        self,
        *,
        seed: int = 1,
        scenario: str = "calm",
        rate: float | None = None,
        upstream: Endpoints | None = None,
    ):
        self._seed = seed
        self._scenario = scenario
        self._rate = rate
        self._upstream = upstream
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: ExchangeServer | PaperExchange | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def urls(self) -> Endpoints:
        if self._server is None:
            raise RuntimeError("embedded exchange not started")
        return self._server.urls

    @property
    def credentials(self) -> dict[Venue, Credentials]:
        """The practice API keys the exchange issued (the app uses them without set-up)."""
        if self._server is None:
            raise RuntimeError("embedded exchange not started")
        return dict(self._server.practice_credentials)

    def start(self, timeout: float = 10.0) -> Endpoints:
        """Start and return the URLs; a paper exchange's own upstream wait comes on top."""
        from kraken_tui.sim.relay import START_TIMEOUT, UpstreamUnavailable

        self._thread = threading.Thread(target=self._run, name="embedded-exchange", daemon=True)
        self._thread.start()
        if self._upstream is not None:
            timeout += START_TIMEOUT
        if not self._ready.wait(timeout):
            raise RuntimeError("embedded exchange did not start in time")
        if isinstance(self._error, UpstreamUnavailable):
            raise self._error
        if self._error is not None:
            raise RuntimeError(f"embedded exchange failed to start: {self._error}")
        return self.urls

    def _run(self) -> None:
        from kraken_tui.sim.relay_exchange import PaperExchange
        from kraken_tui.sim.server import ExchangeServer

        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            if self._upstream is not None:
                self._server = PaperExchange(self._upstream, seed=self._seed)
            else:
                self._server = ExchangeServer(
                    seed=self._seed, scenario=self._scenario, rate=self._rate
                )
            loop.run_until_complete(self._server.start())
        except BaseException as exc:  # surfaced to the starting thread, which reports it
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._server.stop())
            loop.close()

    def stop(self, timeout: float = 5.0) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or not thread.is_alive():
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
