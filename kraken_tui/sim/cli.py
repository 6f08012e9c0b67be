"""``kraken-tui sim``: run the embedded exchange standalone until interrupted.

Once listening it prints one ``key=value`` line per endpoint (``spot_ws``,
``spot_auth_ws``, ``futures_ws``, ``rest``) and then the practice account's API
credentials (``futures_api_key``, ``futures_api_secret``, ``spot_api_key``,
``spot_api_secret``) so scripts and other Kraken clients can find it and sign in.
The credentials are new on every start and unlock only this loopback practice
account. It binds loopback only unless ``--allow-remote`` is given.

With ``--upstream`` it is the paper exchange: instead of a synthetic market it
relays the public market data of Kraken (``--upstream kraken``) or of another
embedded exchange (its ``rest=`` URL), and fills practice orders against it.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from kraken_tui.endpoints import LIVE, Endpoints, from_exchange_url
from kraken_tui.endpoints import is_loopback_host as is_loopback
from kraken_tui.model import Venue
from kraken_tui.sim.scenarios import SCENARIOS


def add_sim_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``sim`` options to ``parser``."""
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, loopback only)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=0,
        help="main port (WS /v2, /ws/v1 and REST); the private spot socket binds PORT+1. "
        "Default: two free ports",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic market")
    parser.add_argument(
        "--scenario",
        default="calm",
        choices=sorted(SCENARIOS),
        help="market behaviour and recurring faults (default calm)",
    )
    parser.add_argument(
        "--rate", type=float, default=None, help="book messages per second in total (overrides)"
    )
    parser.add_argument(
        "--upstream",
        metavar="URL",
        help="paper: relay the live market of Kraken (`kraken`) or of another embedded "
        "exchange (its rest= URL) instead of a synthetic one; practice orders fill "
        "against it (--seed only seeds the practice account; --scenario/--rate are unused)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address (anyone who can reach it can connect)",
    )


def run_sim(args: argparse.Namespace) -> int:
    """Run the exchange until SIGINT/SIGTERM; returns the process exit code."""
    host: str = args.host
    if not is_loopback(host) and not getattr(args, "allow_remote", False):
        print(
            f"refusing to bind {host}: not a loopback address (pass --allow-remote to insist)",
            file=sys.stderr,
        )
        return 2
    if args.rate is not None and args.rate <= 0:
        print("--rate must be positive", file=sys.stderr)
        return 2
    upstream: Endpoints | None = None
    if getattr(args, "upstream", None):
        try:
            upstream = LIVE if args.upstream == "kraken" else from_exchange_url(args.upstream)
        except ValueError as exc:
            print(f"--upstream: {exc} (or `kraken`)", file=sys.stderr)
            return 2
    try:
        return asyncio.run(_serve(args, upstream))
    except OSError as exc:
        print(f"cannot start the exchange: {exc}", file=sys.stderr)
        return 1


async def _serve(args: argparse.Namespace, upstream: Endpoints | None) -> int:
    # Imported here so `kraken-tui --help` does not pay for aiohttp.
    from kraken_tui.sim.relay import UpstreamUnavailable
    from kraken_tui.sim.relay_exchange import PaperExchange
    from kraken_tui.sim.server import ExchangeServer

    server: ExchangeServer | PaperExchange
    if upstream is not None:
        server = PaperExchange(upstream, host=args.host, port=args.port, seed=args.seed)
    else:
        server = ExchangeServer(
            host=args.host, port=args.port, seed=args.seed, scenario=args.scenario, rate=args.rate
        )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await server.start()
    except UpstreamUnavailable as exc:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        print(f"paper needs internet: {exc}; run without --upstream", file=sys.stderr)
        return 2
    try:
        urls = server.urls
        lines = [
            f"spot_ws={urls.spot_ws}",
            f"spot_auth_ws={urls.spot_auth_ws}",
            f"futures_ws={urls.futures_ws}",
            f"rest={urls.rest}",
        ]
        # Printing the practice keys is the point: other clients sign with them.
        for venue in (Venue.FUTURES, Venue.SPOT):
            credentials = server.practice_credentials[venue]
            lines.append(f"{venue.value}_api_key={credentials.api_key}")
            lines.append(f"{venue.value}_api_secret={credentials.api_secret.reveal()}")
        print("\n".join(lines), flush=True)
        await stop.wait()
    finally:
        await server.stop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Standalone entry point (``python -m kraken_tui.sim.cli``)."""
    parser = argparse.ArgumentParser(prog="kraken-tui sim", description=__doc__)
    add_sim_arguments(parser)
    return run_sim(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
