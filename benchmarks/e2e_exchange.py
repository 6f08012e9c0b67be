"""The embedded exchange as a benchmark child process (started by ``benchmarks/e2e.py``).

Prints one JSON line once listening: the endpoints and the practice keys. On
SIGUSR1 it stops the market (no more steps, so no more book, trade or ticker
messages), waits until every connection's queue is sent, and prints one JSON line of what
it sent. SIGTERM stops it.

    python benchmarks/e2e_exchange.py --rate 1000 [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kraken_tui.model import Venue
from kraken_tui.sim.scenarios import Scenario
from kraken_tui.sim.server import ExchangeServer

HALTED = Scenario("halted", per_symbol_rate=0.0, idle_rate=0.0)
DRAINED_AFTER = 0.3
"""Nothing sent for this long after the market stopped: every queue is empty."""


async def serve(rate: float, seed: int) -> None:
    server = ExchangeServer(seed=seed, scenario="calm", rate=rate)
    loop = asyncio.get_running_loop()
    halt, stop = asyncio.Event(), asyncio.Event()
    loop.add_signal_handler(signal.SIGUSR1, halt.set)
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await server.start()
    try:
        urls = server.urls
        keys = {
            venue.value: [creds.api_key, creds.api_secret.reveal()]
            for venue, creds in server.practice_credentials.items()
            if venue in (Venue.SPOT, Venue.FUTURES)
        }
        ready = {
            "spot_ws": urls.spot_ws,
            "spot_auth_ws": urls.spot_auth_ws,
            "futures_ws": urls.futures_ws,
            "rest": urls.rest,
            "keys": keys,
        }
        print(json.dumps(ready), flush=True)
        halted = asyncio.ensure_future(halt.wait())
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({halted, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if halt.is_set():
            server.scenario = HALTED
            sent = server.stats.messages_sent
            last, quiet_since = sum(sent.values()), loop.time()
            while loop.time() - quiet_since < DRAINED_AFTER:
                await asyncio.sleep(0.05)
                if sum(sent.values()) != last:
                    last, quiet_since = sum(sent.values()), loop.time()
            stats = server.stats
            report = {
                "book_messages": dict(stats.book_messages),
                "messages_sent": dict(stats.messages_sent),
                "market_steps": stats.market_steps,
                "slow_consumers_dropped": stats.slow_consumers_dropped,
            }
            print(json.dumps(report), flush=True)
            await stop.wait()
        halted.cancel()
        stopped.cancel()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, required=True, help="book messages/s in total")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.rate, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
