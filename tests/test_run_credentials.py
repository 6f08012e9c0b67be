"""How the launcher picks each venue's keys before the dashboard starts."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from kraken_tui.credentials import store_credentials
from kraken_tui.model import Venue
from kraken_tui.model.secret import Credentials, Secret
from kraken_tui.ui.run import keyring_credentials, sim_credentials_from_env

SECRET = base64.b64encode(b"a practice secret of some length, 64 bytes long......").decode()


def test_an_external_exchange_without_opt_in_explains_the_variables() -> None:
    credentials, notes = sim_credentials_from_env(None)
    assert credentials == {}
    assert "KRAKEN_TUI_SIM_FUTURES_API_KEY" in notes[Venue.FUTURES]
    assert "--keys-from-env" in notes[Venue.SPOT]


def test_an_external_exchange_takes_keys_from_the_environment_on_request() -> None:
    environ = {
        "KRAKEN_TUI_SIM_FUTURES_API_KEY": "futures-key",
        "KRAKEN_TUI_SIM_FUTURES_API_SECRET": SECRET,
        "KRAKEN_TUI_SIM_SPOT_API_KEY": "spot-key",
        "KRAKEN_TUI_SIM_SPOT_API_SECRET": "not base64 at all!",
    }
    credentials, notes = sim_credentials_from_env(environ)
    futures = credentials[Venue.FUTURES]
    assert (futures.api_key, futures.source) == ("futures-key", "environment")
    assert futures.api_secret == Secret(SECRET)
    assert Venue.SPOT not in credentials
    assert "KRAKEN_TUI_SIM_SPOT_API_SECRET" in notes[Venue.SPOT]
    assert "not base64 at all" not in notes[Venue.SPOT]


def test_live_keys_come_from_the_keyring_per_venue() -> None:
    store_credentials("live", "futures", "LIVEKEYabcd", Secret(SECRET))
    store_credentials("demo", "spot", "DEMOKEYwxyz", Secret(SECRET))
    credentials, notes = keyring_credentials("live", from_env=False)
    assert credentials[Venue.FUTURES].api_key == "LIVEKEYabcd"
    assert credentials[Venue.FUTURES].source == "keyring"
    # The demo spot key is not a live key.
    assert Venue.SPOT not in credentials
    assert "kraken-tui keys set --env live --venue spot" in notes[Venue.SPOT]


@pytest.mark.parametrize("trade", [True, False])
def test_live_with_trade_starts_disabled_and_the_app_asks_for_live(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, trade: bool
) -> None:
    """No stdin prompt any more: the gateway is built disabled and the app gets the
    switch that enables it; without --trade there is no switch at all."""
    from kraken_tui.ui import run
    from kraken_tui.ui.app import KrakenApp

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no user settings file

    started: list[KrakenApp] = []
    monkeypatch.setattr(KrakenApp, "run", lambda self, *args, **kw: started.append(self))
    keys = {Venue.FUTURES: Credentials("LIVEKEYabcd", Secret(SECRET), source="test")}
    monkeypatch.setattr(run, "keyring_credentials", lambda env, from_env: (dict(keys), {}))
    status = run.run_dashboard(
        env="live",
        exchange_url=None,
        symbol="BTC/USD",
        venue="spot",
        depth=10,
        theme=None,
        seed=1,
        scenario="calm",
        trade=trade,
    )
    assert status == 0
    (app,) = started
    gateway = app.session.trading
    assert gateway is not None and not gateway.enabled
    if not trade:
        assert app.on_live_confirmed is None
        assert gateway.why_disabled == run.LIVE_READ_ONLY
        return
    assert gateway.why_disabled == run.LIVE_NOT_CONFIRMED
    assert app.on_live_confirmed is not None
    app.on_live_confirmed()
    assert gateway.enabled


def test_only_live_without_trade_is_read_only() -> None:
    from kraken_tui.ui.run import LIVE_READ_ONLY, trading_permission

    assert trading_permission("live", None, trade=False) == (False, LIVE_READ_ONLY)
    assert trading_permission("live", None, trade=True) == (True, "")
    assert trading_permission("sim", None, trade=False) == (True, "")
    assert trading_permission("demo", None, trade=False) == (True, "")
