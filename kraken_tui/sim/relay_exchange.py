"""The paper exchange: the embedded exchange serving markets relayed from upstream.

Start-up order matters: the relay connects first and waits for the upstream's
instruments and first books, so the practice account is seeded around the live
mids; only then is the :class:`ExchangeServer` built on the relayed markets and
attached to the relay, which steps it from then on.
"""

from __future__ import annotations

from types import TracebackType

from kraken_tui.endpoints import LIVE, Endpoints
from kraken_tui.model import Venue
from kraken_tui.model.secret import Credentials
from kraken_tui.sim.relay import START_TIMEOUT, Relay
from kraken_tui.sim.server import ExchangeServer


class PaperExchange:
    """``async with PaperExchange(upstream) as paper:`` then connect to ``paper.urls``."""

    def __init__(
        self,
        upstream: Endpoints = LIVE,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 1,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.relay = Relay(upstream)
        self._host = host
        self._port = port
        self._seed = seed
        self._start_timeout = start_timeout
        self._server: ExchangeServer | None = None

    @property
    def server(self) -> ExchangeServer:
        if self._server is None:
            raise RuntimeError("paper exchange not started")
        return self._server

    @property
    def urls(self) -> Endpoints:
        return self.server.urls

    @property
    def practice_credentials(self) -> dict[Venue, Credentials]:
        return self.server.practice_credentials

    async def start(self) -> None:
        """Connect upstream, then listen; raises ``UpstreamUnavailable`` if upstream fails."""
        await self.relay.start(self._start_timeout)
        server = ExchangeServer(
            host=self._host, port=self._port, seed=self._seed, relayed=self.relay.relayed
        )
        try:
            await server.start()
        except BaseException:
            await self.relay.stop()
            raise
        self._server = server
        self.relay.attach(server)

    async def stop(self) -> None:
        await self.relay.stop()
        if self._server is not None:
            await self._server.stop()

    async def __aenter__(self) -> PaperExchange:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
