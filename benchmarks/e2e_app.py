"""The real dashboard, headless, as a benchmark child process (started by ``benchmarks/e2e.py``).

It runs ``KrakenApp`` on a ``LiveMarketSession`` against the exchange whose
endpoints and practice keys arrive as JSON in ``--exchange``, with the ladder on
the first of ``--symbols``. The session shows one book; so that the market moves
on all of them, the benchmark also asks the real spot feed for the other
symbols' books, tickers and trades (``want_book`` and friends, as the session
itself does). ``kraken_tui/ui/bench_probe.py`` counts and times. ``--fps``,
``--low-power`` and ``--low-flicker`` set the render mode as the command line does.

Once every book is SYNCED and ``--warmup`` has passed it measures for
``--seconds`` (announced with a JSON line ``"event": "start"``), pressing
``g``/``G`` (group coarser/finer) every ``--key-every`` seconds, then prints
one JSON line (``"event": "window"``). Then it reads one line on stdin: how many
book messages the exchange sent in all, once its market has stopped. It waits
until that many have arrived (or nothing more comes for a while), prints a second
line (``"event": "report"``) and quits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

READY_TIMEOUT = 30.0
QUIET_SECONDS = 3.0
"""Fewer messages than were sent, and none for this long: the rest are lost."""


REPORTS: list[TextIO] = []
"""Where JSON lines go: the real stdout, or ``--report-fd`` when stdout is a terminal."""


def emit(record: dict[str, Any]) -> None:
    # Textual redirects sys.stdout while it runs; the pipe to the parent is __stdout__.
    out = REPORTS[0] if REPORTS else sys.__stdout__
    assert out is not None
    out.write(json.dumps(record) + "\n")
    out.flush()


def memory_kb() -> dict[str, int]:
    found: dict[str, int] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0])
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exchange", required=True, help="JSON line from e2e_exchange.py")
    parser.add_argument("--symbols", nargs="+", required=True)
    parser.add_argument("--depth", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--key-every", type=float, default=0.5)
    parser.add_argument("--launched-at", type=float, default=None)
    parser.add_argument("--size", default="140x45")
    parser.add_argument("--report-fd", type=int, default=None, help="JSON lines here (terminal)")
    parser.add_argument("--count-fd", type=int, default=None, help="read the count here")
    parser.add_argument("--fps", type=int, default=None, help="as kraken-tui --fps")
    parser.add_argument("--low-power", action="store_true", help="as kraken-tui --low-power")
    parser.add_argument("--low-flicker", action="store_true", help="as kraken-tui --low-flicker")
    args = parser.parse_args(argv)
    terminal = args.report_fd is not None
    if terminal:
        REPORTS.append(os.fdopen(args.report_fd, "w", encoding="utf-8"))
    count_source: TextIO = (
        os.fdopen(args.count_fd, "r", encoding="utf-8") if args.count_fd is not None else sys.stdin
    )

    from kraken_tui.endpoints import Endpoints
    from kraken_tui.feeds.market_session import LiveMarketSession
    from kraken_tui.feeds.session import Selection
    from kraken_tui.model import Venue
    from kraken_tui.model.secret import Credentials, Secret
    from kraken_tui.ui.app import KrakenApp
    from kraken_tui.ui.bench_probe import LadderProbe
    from kraken_tui.ui.render_mode import RenderMode
    from kraken_tui.ui.widgets.ladder import LadderPane

    exchange = json.loads(args.exchange)
    endpoints = Endpoints(
        spot_ws=exchange["spot_ws"],
        spot_auth_ws=exchange["spot_auth_ws"],
        futures_ws=exchange["futures_ws"],
        rest=exchange["rest"],
        futures_rest=exchange["rest"],
    )
    credentials = {
        Venue(venue): Credentials(key, Secret(secret), source="benchmark")
        for venue, (key, secret) in exchange["keys"].items()
    }
    symbols: list[str] = args.symbols
    session = LiveMarketSession(
        endpoints, initial=Selection(Venue.SPOT, symbols[0], args.depth), credentials=credentials
    )
    for symbol in symbols[1:]:
        session.spot.want_book(symbol, args.depth)
        session.spot.want_ticker(symbol)
        session.spot.want_trades(symbol)
    probe = LadderProbe(args.launched_at)
    probe.install(symbols[0])
    tasks: list[asyncio.Task[None]] = []

    def books_synced() -> bool:
        books = [session.store.books.get((Venue.SPOT, s)) for s in symbols]
        return all(b is not None and b.health.value == "SYNCED" and len(b) for b in books)

    def ingested() -> int:
        return sum(probe.ingest.messages.values())

    async def measure() -> None:
        loop = asyncio.get_running_loop()
        drain: asyncio.Future[int] = loop.create_future()

        def read_expected() -> None:
            line = count_source.readline()
            loop.call_soon_threadsafe(drain.set_result, int(line or 0))

        threading.Thread(target=read_expected, name="bench-stdin", daemon=True).start()
        give_up = time.monotonic() + READY_TIMEOUT
        while not (books_synced() and probe.first_synced_at is not None):
            if time.monotonic() > give_up:
                emit({"event": "error", "error": "books not SYNCED in time"})
                app.exit(return_code=1)
                return
            await asyncio.sleep(0.02)
        await asyncio.sleep(args.warmup)
        ladder = app.dashboard.query_one(LadderPane)
        emit({"event": "start"})
        cpu0, t0, n0 = time.process_time(), time.monotonic(), ingested()
        probe.start_window()
        next_key = t0 + args.key_every
        presses = 0
        while (now := time.monotonic()) < t0 + args.seconds:
            if now >= next_key and not probe.key_pending:
                next_key = now + args.key_every
                target = 1 if ladder.group_index == 0 else 0
                probe.key_pressed(lambda pane, target=target: pane.group_index == target)
                app.simulate_key("g" if target else "G")
                presses += 1
            await asyncio.sleep(0.01)
        probe.stop_window()
        cpu1, t1, n1 = time.process_time(), time.monotonic(), ingested()
        emit(
            {
                "event": "window",
                "seconds": t1 - t0,
                "cpu_seconds": cpu1 - cpu0,
                "ingested": n1 - n0,
                "book_frames": probe.book_frames,
                "latencies_ms": probe.latencies_ms.tolist(),
                "key_presses": presses,
                "key_latencies_ms": probe.key_latencies_ms,
                "launch_to_synced": (
                    probe.first_synced_at - probe.launched_at
                    if probe.first_synced_at is not None and probe.launched_at is not None
                    else None
                ),
                "memory_kb": memory_kb(),
            }
        )
        expected = await drain
        quiet_since, last = time.monotonic(), ingested()
        while (count := ingested()) < expected:
            if count != last:
                quiet_since, last = time.monotonic(), count
            elif time.monotonic() - quiet_since > QUIET_SECONDS:
                break
            await asyncio.sleep(0.02)
        books = {s: session.store.books.get((Venue.SPOT, s)) for s in symbols}
        emit(
            {
                "event": "report",
                "ingested": dict(probe.ingest.messages),
                "not_ok": dict(probe.ingest.not_ok),
                "checksum_bad": sum(b.checksum_bad for b in books.values() if b is not None),
                "resyncs": sum(b.resyncs for b in books.values() if b is not None),
                "health": {s: b.health.value if b else None for s, b in books.items()},
                "memory_kb": memory_kb(),
            }
        )
        app.exit()

    async def on_start() -> None:
        tasks.append(asyncio.get_running_loop().create_task(measure()))

    mode = RenderMode.from_options(args.fps, low_power=args.low_power, low_flicker=args.low_flicker)
    app = KrakenApp(session, env_label="SIM", on_start=on_start, render_mode=mode)
    if terminal:
        app.run()  # Textual's own driver on the pseudo-terminal the benchmark opened
    else:
        width, height = (int(n) for n in args.size.split("x"))
        app.run(headless=True, size=(width, height))
    probe.uninstall()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
