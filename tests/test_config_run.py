"""The launcher reads the settings file before anything starts: a bad file is printed
with its line and key and the exit status is 2; good limits reach the app."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kraken_tui.model import Venue
from kraken_tui.ui import run
from kraken_tui.ui.app import KrakenApp


def start(config: Path | None, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[KrakenApp]]:
    started: list[KrakenApp] = []
    monkeypatch.setattr(KrakenApp, "run", lambda self, *args, **kw: started.append(self))
    status = run.run_dashboard(
        env="sim",
        exchange_url="http://127.0.0.1:9",  # never dialled: the app does not run
        symbol="BTC/USD",
        venue="spot",
        depth=10,
        theme=None,
        seed=1,
        scenario="calm",
        config_path=None if config is None else str(config),
    )
    return status, started


def test_a_bad_settings_file_stops_before_the_dashboard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[limits]\nsoft_notional = 1000\n\n[limits."PF_XBTUSD"]\nhard_size = "two"\n')
    status, started = start(config, monkeypatch)
    assert status == 2 and started == []
    assert capsys.readouterr().err == (
        f"kraken-tui: {config} line 5: limits.PF_XBTUSD.hard_size: must be a positive number, "
        'got "two"\n'
    )


def test_a_missing_config_option_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, started = start(tmp_path / "missing.toml", monkeypatch)
    assert status == 2 and started == []
    assert "missing.toml: no such file" in capsys.readouterr().err


def test_limits_from_the_default_file_reach_the_order_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "kraken-tui").mkdir()
    (tmp_path / "kraken-tui" / "config.toml").write_text('[limits."PF_XBTUSD"]\nhard_size = 2\n')
    status, (app,) = start(None, monkeypatch)
    assert status == 0
    limits_for = app.dashboard.order_keys.limits_for
    assert limits_for(Venue.FUTURES, "PF_XBTUSD").hard_size == Decimal(2)
    assert limits_for(Venue.SPOT, "BTC/USD").hard_size is None
