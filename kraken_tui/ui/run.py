"""Starts the dashboard for the command line: endpoints, embedded exchange, credentials,
session, app.

Credentials are resolved here, before the app takes the terminal, so a keyring
unlock prompt never fights the TUI for the screen.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from kraken_tui.endpoints import DEMO, LIVE, Endpoints, from_exchange_url
from kraken_tui.feeds.session import Selection
from kraken_tui.launch import EmbeddedExchange
from kraken_tui.model import Venue
from kraken_tui.model.secret import CredentialError, Credentials, Secret, check_api_secret

ENV_LABELS = {"sim": "SIM", "paper": "PAPER", "demo": "DEMO", "live": "LIVE"}
NO_SPOT_DEMO = "Kraken has no spot demo: --env demo shows spot market data only"


def run_dashboard(
    *,
    env: str,
    exchange_url: str | None,
    symbol: str,
    venue: str,
    depth: int,
    theme: str | None,
    seed: int,
    scenario: str,
    keys_from_env: bool = False,
    log_file: str | None = None,
    trade: bool = False,
    upstream: str | None = None,
    config_path: str | None = None,
    fps: int | None = None,
    low_power: bool = False,
    low_flicker: bool = False,
) -> int:
    """Run the dashboard until the user quits; returns the process exit status.

    ``fps``, ``low_power``, ``low_flicker``: the render mode (``ui/render_mode.py``)."""
    from kraken_tui.config import ConfigError, load_settings

    try:
        # Before anything starts: a bad settings file stops here, with file, line and key.
        settings = load_settings(config_path)
    except ConfigError as exc:
        for line in str(exc).splitlines():
            print(f"kraken-tui: {line}", file=sys.stderr)
        return 2
    exchange: EmbeddedExchange | None = None
    endpoints: Endpoints
    try:
        if exchange_url:
            endpoints = from_exchange_url(exchange_url)
        elif env == "live":
            endpoints = LIVE
        elif env == "demo":
            endpoints = DEMO
            problem = check_demo(DEMO.futures_rest)
            if problem is not None:
                print(f"kraken-tui: {problem}", file=sys.stderr)
                return 2
        elif env == "paper":
            from kraken_tui.sim.relay import UpstreamUnavailable

            source = from_exchange_url(upstream) if upstream else LIVE
            exchange = EmbeddedExchange(seed=seed, upstream=source)
            # The relay waits for the upstream's books before the dashboard can show anything.
            print(f"kraken-tui: paper: prices from {source.spot_ws} ...", file=sys.stderr)
            try:
                endpoints = exchange.start()
            except UpstreamUnavailable as exc:
                print(f"kraken-tui: paper needs internet: {exc}; try --env sim", file=sys.stderr)
                return 2
        else:
            exchange = EmbeddedExchange(seed=seed, scenario=scenario)
            endpoints = exchange.start()
    except (ValueError, RuntimeError) as exc:
        print(f"kraken-tui: {exc}", file=sys.stderr)
        return 2

    credentials: dict[Venue, Credentials]
    notes: dict[Venue, str]
    if exchange is not None:
        credentials, notes = exchange.credentials, {}
    elif exchange_url:
        credentials, notes = sim_credentials_from_env(os.environ if keys_from_env else None)
    else:
        credentials, notes = keyring_credentials(env, from_env=keys_from_env)
        if env == "demo":
            # Demo keys are futures keys; a spot key would reach production.
            credentials.pop(Venue.SPOT, None)
            notes[Venue.SPOT] = NO_SPOT_DEMO
    if log_file:
        start_log(Path(log_file), credentials)

    from kraken_tui.feeds.market_session import LiveMarketSession
    from kraken_tui.ui.app import KrakenApp
    from kraken_tui.ui.render_mode import RenderMode

    initial = Selection(Venue(venue), symbol.upper() if venue == "futures" else symbol, depth)
    trading_allowed, trading_reason = trading_permission(env, exchange_url, trade)
    ask_live = trading_allowed and env == "live" and not exchange_url
    if ask_live:
        # Built disabled: the app asks for LIVE typed out and only then enables it.
        trading_allowed, trading_reason = False, LIVE_NOT_CONFIRMED
    session = LiveMarketSession(
        endpoints,
        initial=initial,
        credentials=credentials,
        credential_notes=notes,
        trading_allowed=trading_allowed,
        trading_disabled_reason=trading_reason,
    )
    # A running `kraken-tui sim` is the embedded exchange, whatever --env says.
    label = "SIM" if exchange_url else ENV_LABELS[env]
    try:
        KrakenApp(
            session,
            env_label=label,
            theme=theme,
            limits=settings.limits_for,
            on_live_confirmed=session.gateway.allow if ask_live and session.gateway else None,
            render_mode=RenderMode.from_options(fps, low_power=low_power, low_flicker=low_flicker),
        ).run()
    finally:
        if exchange is not None:
            exchange.stop()
    return 0


LIVE_READ_ONLY = "live is read-only: start with --trade to enable order entry"
LIVE_NOT_CONFIRMED = "live is read-only: LIVE was not typed at start (restart to trade)"


def trading_permission(env: str, exchange_url: str | None, trade: bool) -> tuple[bool, str]:
    """Whether order entry is on: always on the embedded exchange and demo; live only
    with ``--trade`` (the app then asks for ``LIVE`` typed out before it enables it)."""
    if env == "live" and not exchange_url and not trade:
        return False, LIVE_READ_ONLY
    return True, ""


def check_demo(futures_rest: str) -> str | None:
    """Whether Kraken's futures demo answers like an API (None) or what is wrong."""
    from kraken_tui.demo_check import demo_problem

    return asyncio.run(demo_problem(futures_rest))


def keyring_credentials(
    env: str, *, from_env: bool
) -> tuple[dict[Venue, Credentials], dict[Venue, str]]:
    """Each venue's keys for ``env`` from the OS keyring (or the environment, if opted in),
    and for a venue without keys the reason, in words a user can act on."""
    from kraken_tui.credentials import load_credentials

    credentials: dict[Venue, Credentials] = {}
    notes: dict[Venue, str] = {}
    for venue in Venue:
        lookup = load_credentials(env, venue.value, from_env=from_env)
        if lookup.credentials is not None:
            credentials[venue] = lookup.credentials
        else:
            notes[venue] = lookup.message
    return credentials, notes


def sim_credentials_from_env(
    environ: Mapping[str, str] | None,
) -> tuple[dict[Venue, Credentials], dict[Venue, str]]:
    """Practice keys of an external ``kraken-tui sim``: only from the environment, on request.

    ``kraken-tui sim`` prints them; set ``KRAKEN_TUI_SIM_<VENUE>_API_KEY`` and
    ``..._API_SECRET`` and pass ``--keys-from-env``.
    """
    credentials: dict[Venue, Credentials] = {}
    notes: dict[Venue, str] = {}
    for venue in Venue:
        key_var = f"KRAKEN_TUI_SIM_{venue.value.upper()}_API_KEY"
        secret_var = f"KRAKEN_TUI_SIM_{venue.value.upper()}_API_SECRET"
        if environ is None:
            notes[venue] = (
                f"no keys for this exchange: copy {venue.value}_api_key/_secret from "
                f"`kraken-tui sim` into {key_var} and {secret_var}, and pass --keys-from-env"
            )
            continue
        key, secret = environ.get(key_var, ""), Secret(environ.get(secret_var, ""))
        if not key or not secret:
            notes[venue] = f"--keys-from-env: {key_var} and {secret_var} are not both set"
            continue
        try:
            check_api_secret(secret)
        except CredentialError as exc:
            notes[venue] = f"{secret_var}: {exc}"
            continue
        credentials[venue] = Credentials(key, secret, source="environment")
    return credentials, notes


def start_log(path: Path, credentials: Mapping[Venue, Credentials]) -> None:
    """Open the log file and teach its redactor the secrets in play."""
    from kraken_tui.logs import register_secret, setup_log_file

    for creds in credentials.values():
        register_secret(creds.api_secret)
    setup_log_file(path)


def run_screenshots(out: str) -> int:
    """Render every theme of the dashboard from a fixed, seeded market into ``out``."""
    from kraken_tui.feeds.static import FakeOrderGateway, StaticSession
    from kraken_tui.ui.screenshots import export_screenshots

    def practice_session() -> StaticSession:
        # As in `sim`: order entry on, the dead-man's switch armed while orders work.
        session = StaticSession()
        session.trading = FakeOrderGateway(dead_man={Venue.FUTURES: 47.0})
        return session

    paths = asyncio.run(export_screenshots(Path(out), practice_session))
    for path in paths:
        print(path)
    return 0
