"""The embedded Kraken-compatible exchange: a real aiohttp server on loopback.

Main port: ``/v2`` (Spot WS v2 public), ``/ws/v1`` (Futures WS v1, public and
private), the public REST endpoints and the futures private REST endpoints
(account views and trading, served by :attr:`ExchangeServer.order_desk`).
Auth port: ``/v2`` (Kraken's ws-auth host). A pump task steps the seeded
markets at the scenario's rate and fans each step out (every trade also goes to
the practice account, which fills resting orders); a housekeeping task sends
heartbeats and futures tickers, moves the account's marks, and fires the
scenario's periodic faults. With ``relayed`` markets (paper, see
:mod:`kraken_tui.sim.relay`) there is no pump: the relay steps them.

Practice credentials (:attr:`ExchangeServer.practice_credentials`) are random
per start unless fixed by the constructor.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import TracebackType
from typing import Any

from aiohttp import WSMsgType, web

from kraken_tui.endpoints import Endpoints
from kraken_tui.feeds.tasks import cancel_and_wait
from kraken_tui.model import Instrument, Venue
from kraken_tui.model.scaled import from_scaled, to_scaled
from kraken_tui.model.secret import Credentials, Secret
from kraken_tui.sim import rest
from kraken_tui.sim.catalog import Catalog
from kraken_tui.sim.futures_feed import FuturesProductFeed
from kraken_tui.sim.futures_private import FuturesPrivateDesk, FuturesPrivateSession
from kraken_tui.sim.futures_private_rest import add_private_routes
from kraken_tui.sim.futures_trading_rest import (
    FuturesTrading,
    SendOrderFaults,
    add_trading_routes,
)
from kraken_tui.sim.futures_ws import FuturesSession
from kraken_tui.sim.market import SyntheticMarket, TradeEvent
from kraken_tui.sim.order_desk import BookLevels, OrderDesk
from kraken_tui.sim.order_lookup import add_order_lookup_routes
from kraken_tui.sim.outbox import Outbox, SimStats, StallGate
from kraken_tui.sim.practice import PracticeAccount
from kraken_tui.sim.practice_keys import issue_practice_keys
from kraken_tui.sim.relay_market import RelayedMarkets, RelayFuturesFeed, RelaySpotFeed
from kraken_tui.sim.scenarios import Scenario, get_scenario
from kraken_tui.sim.spot_feed import SpotSymbolFeed
from kraken_tui.sim.spot_private import SpotPrivateDesk
from kraken_tui.sim.spot_ws import SpotSession, instrument_snapshot

PUMP_INTERVAL = 0.01
MAX_STEPS_PER_TICK = 200
FUNDING_PERIOD_MS = 3_600_000
"""Perpetual funding rates are quoted per hour."""
"""After a long pause (a slow machine, a stall) do not replay the backlog at once."""
DESK_BOOK_DEPTH = 200
"""Levels per side the order desk may walk (practice orders are far smaller)."""


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(eq=False)
class _Connection:
    ws: web.WebSocketResponse
    request: web.Request
    outbox: Outbox
    session: SpotSession | FuturesSession


class ExchangeServer:
    """Start with ``async with ExchangeServer() as ex:`` and connect to ``ex.urls``."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        auth_port: int | None = None,
        seed: int = 1,
        scenario: str = "calm",
        rate: float | None = None,
        futures_key: str | None = None,
        futures_secret: str | Secret | None = None,
        spot_key: str | None = None,
        spot_secret: str | Secret | None = None,
        relayed: RelayedMarkets | None = None,
    ) -> None:
        self.host = host
        self._port = port
        self._auth_port = auth_port if auth_port is not None else (port + 1 if port else 0)
        self.seed = seed
        self.scenario: Scenario = get_scenario(scenario, rate)
        # Paper: markets a relay feeds from upstream replace the synthetic ones (no pump).
        self.relayed = relayed
        self.catalog = relayed.catalog if relayed is not None else Catalog()
        self.instruments: list[Instrument] = self.catalog.instruments
        self.stats = SimStats()
        self.gate = StallGate()
        self._fault_rng = random.Random(f"{seed}:faults")
        self.markets: dict[str, SyntheticMarket] = (
            {listing.symbol: SyntheticMarket(listing, seed) for listing in self.catalog.listings}
            if relayed is None
            else dict(relayed.markets)
        )
        spot_feed = RelaySpotFeed if relayed is not None else SpotSymbolFeed
        futures_feed = RelayFuturesFeed if relayed is not None else FuturesProductFeed
        self.spot_feeds: dict[str, SpotSymbolFeed] = {
            listing.symbol: spot_feed(self.markets[listing.symbol], self.stats)
            for listing in self.catalog.spot
        }
        self.futures_feeds: dict[str, FuturesProductFeed] = {
            listing.symbol: futures_feed(
                self.markets[listing.symbol], self.stats, self._index_source(listing.symbol)
            )
            for listing in self.catalog.futures
        }
        # ---- practice account and futures private side -------------------
        self.practice_credentials: dict[Venue, Credentials] = issue_practice_keys(
            futures_key=futures_key,
            futures_secret=futures_secret,
            spot_key=spot_key,
            spot_secret=spot_secret,
        )
        self.account = PracticeAccount(
            {inst.symbol: inst for inst in self.instruments},
            {symbol: market.mid for symbol, market in self.markets.items()},
            _now_ms(),
            seed=seed,
        )
        # Order entry for both venues; its taker fills shrink the master books.
        self.order_desk = OrderDesk(self.account, self.book_levels, self.take_liquidity)
        self.sendorder_faults = SendOrderFaults()
        self.futures_desk = FuturesPrivateDesk(
            self.account,
            self.practice_credentials[Venue.FUTURES],
            _now_ms,
            index_price=lambda product: self._index_source(product)(),
            account_id=self.account.new_id(),
        )
        # ---- spot private side (H4b): the spot private desk is created here ----
        self.spot_desk = SpotPrivateDesk(
            self.account, self.practice_credentials[Venue.SPOT], order_desk=self.order_desk
        )
        # ---- end spot private side -----------------------------------------
        self._instrument_text: str | None = None
        self._connections: set[_Connection] = set()
        self._runners: list[web.AppRunner] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._credit: dict[str, float] = dict.fromkeys(self.markets, 0.0)
        self._marks_at_ms = 0
        self.port = 0
        self.auth_port = 0

    def book_levels(self, symbol: str) -> tuple[BookLevels, BookLevels]:
        """(bids, asks) of one market's master book, best first, as Decimals."""
        market = self.markets[symbol]
        pp, qp = market.pp, market.qp
        return (
            [(from_scaled(p, pp), from_scaled(q, qp)) for p, q in market.bids.top(DESK_BOOK_DEPTH)],
            [(from_scaled(p, pp), from_scaled(q, qp)) for p, q in market.asks.top(DESK_BOOK_DEPTH)],
        )

    def _index_source(self, product_id: str) -> Callable[[], Decimal]:
        listing = self.catalog.future(product_id)
        assert listing is not None
        spot = self.markets.get(listing.underlying_spot)
        own = self.markets[product_id]
        return (lambda: spot.mid) if spot is not None else (lambda: own.mid)

    # --------------------------------------------------------- lifecycle
    async def start(self) -> None:
        main = web.Application()
        main.router.add_get("/v2", self._spot_handler)
        main.router.add_get("/ws/v1", self._futures_handler)
        rest.add_routes(main, self.catalog, self.futures_feeds, _now_ms)
        futures_auth = add_private_routes(main, self.futures_desk)
        add_trading_routes(
            main, futures_auth, FuturesTrading(self.order_desk, _now_ms), self.sendorder_faults
        )
        # ---- spot private routes/handlers (H4b) ----------------------------
        self.spot_desk.add_rest_routes(main)
        self.order_lookups = add_order_lookup_routes(
            main, futures_auth, self.order_desk, self.practice_credentials[Venue.SPOT], self.catalog
        )
        # ---- end spot private routes ---------------------------------------
        auth = web.Application()
        auth.router.add_get("/v2", self._spot_auth_handler)
        for app, port in ((main, self._port), (auth, self._auth_port)):
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
            await runner.setup()
            self._runners.append(runner)
            site = web.TCPSite(runner, self.host, port)
            await site.start()
        self.port = self._runners[0].addresses[0][1]
        self.auth_port = self._runners[1].addresses[0][1]
        # Relayed markets move only when the upstream does: no pump for them.
        pump = [] if self.relayed else [asyncio.create_task(self._pump(), name="sim-pump")]
        self._tasks = [*pump, asyncio.create_task(self._housekeeping(), name="sim-housekeeping")]

    async def stop(self) -> None:
        """Close every connection and the listening sockets; returns promptly."""
        await cancel_and_wait(self._tasks)
        self._tasks = []
        closing = [self._close(conn) for conn in list(self._connections)]
        if closing:
            await asyncio.gather(*closing)
        for runner in self._runners:
            await runner.cleanup()
        self._runners = []

    async def _close(self, conn: _Connection) -> None:
        conn.outbox.close(code=1001)
        try:
            await asyncio.wait_for(conn.ws.close(code=1001, message=b"server shutdown"), 0.5)
        except (TimeoutError, ConnectionError, RuntimeError):
            self._abort(conn)

    @staticmethod
    def _abort(conn: _Connection) -> None:
        transport = conn.request.transport
        if transport is not None:
            transport.abort()

    async def __aenter__(self) -> ExchangeServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def urls(self) -> Endpoints:
        host = self.host if ":" not in self.host else f"[{self.host}]"
        base = f"http://{host}:{self.port}"
        return Endpoints(
            spot_ws=f"ws://{host}:{self.port}/v2",
            spot_auth_ws=f"ws://{host}:{self.auth_port}/v2",
            futures_ws=f"ws://{host}:{self.port}/ws/v1",
            rest=base,
            futures_rest=base,
        )

    # --------------------------------------------------- fault injection
    def inject_bad_checksum(self, symbol: str) -> None:
        """The next spot book update for ``symbol`` carries a wrong checksum."""
        self.spot_feeds[symbol].bad_checksum_pending = True

    def inject_seq_gap(self, product_id: str) -> None:
        """The next futures book delta for ``product_id`` skips one seq."""
        self.futures_feeds[product_id.upper()].seq_gap_pending = True

    async def drop_connections(self) -> None:
        """Abort every client connection without a close handshake."""
        for conn in list(self._connections):
            conn.outbox.close()
            self._abort(conn)
        await asyncio.sleep(0)

    def fail_next_sendorder_after_accepting(self, status: int = 500) -> None:
        """The next authenticated ``sendorder`` is carried out (the order IS placed) but
        answered with HTTP ``status`` and a ``Server Error`` body: an ambiguous outcome."""
        self.sendorder_faults.fail_status = status

    def delay_next_sendorder(self, seconds: float) -> None:
        """The next authenticated ``sendorder`` is carried out at once but its answer
        waits ``seconds`` (for client read-timeout tests)."""
        self.sendorder_faults.delay_s = seconds

    def stall(self, seconds: float) -> None:
        """Send nothing at all (heartbeats included) for ``seconds``; sockets stay open."""
        self.gate.stall(seconds)

    # ------------------------------------------------------- connections
    async def _spot_handler(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, "spot")

    async def _spot_auth_handler(self, request: web.Request) -> web.StreamResponse:
        # The auth port is Kraken's ws-auth host: public channels plus the spot private ones.
        return await self._serve(request, "spot", spot_private=True)

    async def _futures_handler(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, "futures")

    def _spot_instrument_text(self) -> str:
        if self._instrument_text is None:
            self._instrument_text = instrument_snapshot(self.spot_feeds)
        return self._instrument_text

    async def _serve(
        self, request: web.Request, venue: str, *, spot_private: bool = False
    ) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, compress=False, timeout=0.5, max_msg_size=1 << 20)
        await ws.prepare(request)
        outbox = Outbox(ws, venue, self.gate, self.stats)
        session: SpotSession | FuturesSession
        if venue == "spot":
            conn_id = random.getrandbits(64)
            session = SpotSession(outbox, self.spot_feeds, self._spot_instrument_text, conn_id)
            if spot_private:
                self.spot_desk.attach(session)
        else:
            private = FuturesPrivateSession(outbox, self.futures_desk)
            session = FuturesSession(outbox, self.futures_feeds, private)
        conn = _Connection(ws, request, outbox, session)
        self._connections.add(conn)
        self.stats.connections_opened += 1
        self.stats.connections_open += 1
        writer = asyncio.create_task(outbox.run(), name=f"sim-{venue}-writer")
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    session.on_text(msg.data)
                elif msg.type is WSMsgType.BINARY:
                    session.bad_frames += 1
        finally:
            self.stats.bad_frames += session.bad_frames
            if spot_private and isinstance(session, SpotSession):
                self.spot_desk.detach(session)
            session.close()
            outbox.close()
            self._connections.discard(conn)
            self.stats.connections_open -= 1
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        return ws

    # -------------------------------------------------------------- pump
    def step_market(self, symbol: str, now_ms: int) -> None:
        """Advance one market by one step and send the result to its subscribers."""
        market = self.markets[symbol]
        futures = self.futures_feeds.get(symbol)
        if futures is not None:
            futures.begin_step(now_ms)
        _, trades = market.step(now_ms)
        self.stats.market_steps += 1
        spot = self.spot_feeds.get(symbol)
        if spot is not None:
            spot.after_step(trades, now_ms)
        if futures is not None:
            futures.after_step(trades)
        for trade in trades:
            self.account.on_trade(
                symbol,
                from_scaled(trade.price, market.pp),
                from_scaled(trade.qty, market.qp),
                trade.time_ms,
            )

    def take_liquidity(
        self, symbol: str, is_bid: bool, levels: BookLevels, now_ms: int
    ) -> None:
        """A practice taker order took ``levels`` (price, qty) from the bid (``is_bid``)
        or ask side: shrink those master-book levels and fan the changes and the printed
        trades out as :meth:`step_market` does, as one step (the account is not told:
        the fills are its own)."""
        market = self.markets[symbol]
        futures = self.futures_feeds.get(symbol)
        if futures is not None:
            futures.begin_step(now_ms)
        trades: list[TradeEvent] = []
        for price, qty in levels:
            scaled = (to_scaled(price, market.pp), to_scaled(qty, market.qp))
            trades += market.take(is_bid, *scaled, now_ms)[1]
        spot = self.spot_feeds.get(symbol)
        if spot is not None:
            spot.after_step(trades, now_ms)
        if futures is not None:
            futures.after_step(trades)

    def update_marks(self, now_ms: int) -> None:
        """Give the account each product's ticker mark and the funding accrued since the
        last call (at the ticker's hourly rate), then let private feeds follow."""
        elapsed_ms = now_ms - self._marks_at_ms if self._marks_at_ms else 0
        self._marks_at_ms = now_ms
        for product, feed in self.futures_feeds.items():
            ticker = feed.ticker(now_ms)
            if ticker.mark is not None:
                self.account.set_mark(product, ticker.mark, now_ms)
            if ticker.funding_rate and elapsed_ms > 0:
                self.account.accrue_funding(
                    product, ticker.funding_rate * Decimal(elapsed_ms) / FUNDING_PERIOD_MS
                )
        self.futures_desk.tick(now_ms)

    def _watched(self, symbol: str) -> bool:
        feed: Any = self.spot_feeds.get(symbol) or self.futures_feeds.get(symbol)
        return bool(feed.has_book_subscribers)

    async def _pump(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(PUMP_INTERVAL)
            now = time.monotonic()
            elapsed, last = now - last, now
            if self.gate.stalled:
                continue
            watched = {symbol for symbol in self.markets if self._watched(symbol)}
            now_ms = _now_ms()
            for symbol in self.markets:
                rate = self.scenario.rate_for(symbol in watched, len(watched))
                credit = self._credit[symbol] + rate * elapsed
                steps = min(int(credit), MAX_STEPS_PER_TICK)
                self._credit[symbol] = min(credit - steps, 1.0)
                for _ in range(steps):
                    self.step_market(symbol, now_ms)

    async def _housekeeping(self) -> None:
        scenario = self.scenario
        started = time.monotonic()
        next_ticker = started + 1.0
        due = {
            "stall": scenario.stall_every,
            "disconnect": scenario.disconnect_every,
            "bad_checksum": scenario.bad_checksum_every,
            "seq_gap": scenario.seq_gap_every,
        }
        next_fault = {name: started + every for name, every in due.items() if every}
        while True:
            await asyncio.sleep(0.2)
            # Dead-man switches (cancel-all-after) fire within 0.2 s of their trigger time,
            # during a stall too: the exchange keeps its promise when the network is silent.
            self.order_desk.tick(_now_ms())
            if self.gate.stalled:
                continue
            now = time.monotonic()
            for conn in list(self._connections):
                session = conn.session
                if isinstance(session, SpotSession) and (
                    session.heartbeat_due(now) or self.spot_desk.heartbeat_due(session, now)
                ):
                    session.send_heartbeat()
            if now >= next_ticker:
                next_ticker = now + 1.0
                now_ms = _now_ms()
                for feed in self.futures_feeds.values():
                    feed.send_tickers()
                self.update_marks(now_ms)
                for conn in list(self._connections):
                    if isinstance(conn.session, FuturesSession):
                        conn.session.send_heartbeat(now_ms)
            for name, when in next_fault.items():
                if now >= when:
                    next_fault[name] = now + (due[name] or 0.0)
                    await self._fire(name)

    async def _fire(self, fault: str) -> None:
        if fault == "stall":
            self.stall(self.scenario.stall_for)
        elif fault == "disconnect":
            await self.drop_connections()
        elif fault == "bad_checksum":
            watched = [s for s, f in self.spot_feeds.items() if f.has_book_subscribers]
            if watched:
                self.inject_bad_checksum(self._fault_rng.choice(watched))
        elif fault == "seq_gap":
            watched = [p for p, f in self.futures_feeds.items() if f.has_book_subscribers]
            if watched:
                self.inject_seq_gap(self._fault_rng.choice(watched))
