"""Command line: argument parsing and dispatch.

Heavy modules (textual, the exchange, the feeds) are imported inside the command
that needs them, so ``kraken-tui --help`` and ``kraken-tui verify`` start fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kraken_tui import __version__

FUTURES_PREFIXES = ("PF_", "PI_", "FI_", "FF_", "PV_", "FV_")

DESCRIPTION = """\
Keyboard-driven terminal dashboard for the Kraken exchange: order-book ladder,
ticker, trade tape, your positions, orders, fills and balances, and order entry,
over Kraken Spot WebSocket v2, Derivatives WebSocket v1 and Derivatives REST v3.

With no options it starts an embedded Kraken-compatible exchange on 127.0.0.1
(synthetic, seeded market; no account, no internet) and connects to it over the
real Kraken protocols. Press ? in the dashboard for every key binding.
"""

EPILOG = """\
examples:
  kraken-tui                              dashboard on the embedded exchange
  kraken-tui --symbol PF_XBTUSD           start on the BTC perpetual
  kraken-tui --env paper                  practise against Kraken's live prices (no keys)
  kraken-tui --env live                   dashboard on Kraken's public market data (read-only)
  kraken-tui sim --port 8765              run the exchange alone, for bots and other clients
  kraken-tui --exchange http://127.0.0.1:8765   dashboard on an exchange already running
  kraken-tui verify capture.jsonl         check every book checksum and sequence in a recording
  kraken-tui keys set --env live --venue futures   store an API key in the OS keyring

commands:
  sim           run the embedded exchange standalone and print its URLs
  verify        replay a recording or raw frames and report book integrity
  screenshots   render the dashboard in every theme to SVG files
  keys          store, show or delete API keys in the OS keyring (kraken-tui keys --help)
"""


MIN_FPS, MAX_FPS = 1, 60
"""``--fps`` range (kept here, equal to ``ui.render_mode``'s, so --help loads no UI code)."""


def fps_value(text: str) -> int:
    """``--fps``: a whole number of redraws per second within ``MIN_FPS..MAX_FPS``."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not MIN_FPS <= value <= MAX_FPS:
        raise argparse.ArgumentTypeError(f"{value} is outside {MIN_FPS}-{MAX_FPS}")
    return value


def _venue_of(symbol: str) -> str:
    return "futures" if symbol.upper().startswith(FUTURES_PREFIXES) else "spot"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kraken-tui",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kraken-tui {__version__}")
    parser.add_argument(
        "--env",
        choices=("sim", "paper", "demo", "live"),
        default="sim",
        help="sim = embedded exchange with a practice account (default); paper = the "
        "embedded exchange relaying Kraken's live public prices, practice orders filled "
        "against the live book (needs internet, no keys); demo = Kraken's futures demo, "
        "checked at start (reported retired in July 2026); live = Kraken production "
        "(needs internet; your account with keys from `kraken-tui keys`)",
    )
    parser.add_argument(
        "--upstream",
        metavar="URL",
        help="paper: where the live prices come from (default: Kraken production); the "
        "rest= URL of another `kraken-tui sim` also works, e.g. for an offline rehearsal",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="settings file with per-instrument order limits (default: "
        "$XDG_CONFIG_HOME/kraken-tui/config.toml, if present)",
    )
    parser.add_argument(
        "--fps",
        type=fps_value,
        metavar="N",
        help=f"redraws per second of the ladder and ticker, {MIN_FPS}-{MAX_FPS} (the trade "
        "tape at half that; default: 20, or 4 with --low-power, 10 with --low-flicker)",
    )
    parser.add_argument(
        "--low-power",
        action="store_true",
        help="for laptops on battery: 4 redraws a second, no depth bars, feed rates once a second",
    )
    parser.add_argument(
        "--low-flicker",
        action="store_true",
        help="for tmux, screen or slow links: fewer changed lines per frame (no depth bars, "
        "no cumulative column, so a new size redraws only its own level) and 10 redraws "
        "a second",
    )
    parser.add_argument(
        "--exchange",
        metavar="URL",
        help="connect to an embedded exchange that is already running "
        "(the rest= URL printed by `kraken-tui sim`, e.g. http://127.0.0.1:8765)",
    )
    parser.add_argument(
        "--symbol",
        metavar="SYM",
        default="BTC/USD",
        help="market to show first: a spot pair like BTC/USD or a futures contract "
        "like PF_XBTUSD (default: %(default)s)",
    )
    parser.add_argument(
        "--depth",
        type=int,
        choices=(10, 25, 100, 500, 1000),
        default=25,
        help="book depth to subscribe (default: %(default)s)",
    )
    parser.add_argument("--theme", metavar="NAME", help="colour theme (default: kraken-dark)")
    parser.add_argument(
        "--keys-from-env",
        action="store_true",
        help="read API keys from environment variables instead of the OS keyring, for this "
        "run only: KRAKEN_TUI_LIVE_FUTURES_API_KEY / ..._API_SECRET (and _SPOT_); with "
        "--exchange, KRAKEN_TUI_SIM_FUTURES_API_KEY and so on",
    )
    parser.add_argument(
        "--trade",
        action="store_true",
        help="live: enable order entry after typing LIVE at start (otherwise live is "
        "read-only); sim and demo always allow practice orders",
    )
    parser.add_argument(
        "--log-file",
        metavar="PATH",
        help="write a log (connections, errors) to PATH; secrets and tokens are masked",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="embedded exchange: market seed (default: 1)"
    )
    parser.add_argument(
        "--scenario",
        default="calm",
        help="embedded exchange: market scenario, e.g. calm or fast (default: calm)",
    )

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    sim = commands.add_parser(
        "sim",
        help="run the embedded exchange standalone",
        description="Run the embedded Kraken-compatible exchange on loopback until "
        "interrupted. Once it listens it prints one key=value line per endpoint "
        "(spot_ws, spot_auth_ws, futures_ws, rest) for scripts and other clients.",
    )
    from kraken_tui.sim.cli import add_sim_arguments

    add_sim_arguments(sim)

    # `verify` parses its own arguments (see kraken_tui.verify); listed here for --help.
    commands.add_parser(
        "verify",
        add_help=False,
        help="check book checksums and sequence numbers in a recording",
    )

    shots = commands.add_parser(
        "screenshots",
        help="render the dashboard to SVG in every theme",
        description="Render the dashboard (every theme, plus help and palette) from a "
        "fixed, seeded market into SVG files.",
    )
    shots.add_argument(
        "--out", default="screenshots", help="output folder (default: %(default)s)"
    )

    keys = commands.add_parser("keys", help="store, show or delete API keys in the OS keyring")
    # keys_cli imports keyring only when a keys command runs, so --help stays fast.
    from kraken_tui.keys_cli import add_keys_arguments

    add_keys_arguments(keys)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["verify"]:
        from kraken_tui.verify import run_verify

        return run_verify(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "sim":
        from kraken_tui.sim.cli import run_sim

        return run_sim(args)
    if args.command == "keys":
        from kraken_tui.keys_cli import run_keys

        return run_keys(args)
    if args.command == "screenshots":
        from kraken_tui.ui.run import run_screenshots

        return run_screenshots(args.out)
    from kraken_tui.ui.run import run_dashboard

    return run_dashboard(
        env=args.env,
        exchange_url=args.exchange,
        symbol=args.symbol,
        venue=_venue_of(args.symbol),
        depth=args.depth,
        theme=args.theme,
        seed=args.seed,
        scenario=args.scenario,
        keys_from_env=args.keys_from_env,
        log_file=args.log_file,
        trade=args.trade,
        upstream=args.upstream,
        config_path=args.config,
        fps=args.fps,
        low_power=args.low_power,
        low_flicker=args.low_flicker,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
