"""The settings file: per-instrument limits resolved instrument > venue > global > code,
and every kind of bad file reported with the file, the line and the key."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from kraken_tui.config import (
    ConfigError,
    Settings,
    default_config_path,
    load_settings,
    parse_settings,
)
from kraken_tui.feeds.risk import Limits
from kraken_tui.model import Venue

EXAMPLE = """\
# order limits
[limits]
soft_notional = 30000

[limits.futures]
hard_notional = 100000
soft_band = "1%"

[limits."PF_XBTUSD"]
soft_size = 0.5
hard_size = 2

[limits."BTC/USD"]
hard_band = 0.05
max_price_age = 5
"""


BAND_RULE = 'must be a fraction below 1 (0.02) or a percentage below 100% ("2%")'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    return str(caught.value)


def test_instrument_beats_venue_beats_global_beats_code(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, EXAMPLE))
    perp = settings.limits_for(Venue.FUTURES, "PF_XBTUSD")
    assert perp.soft_size == D("0.5") and perp.hard_size == D(2)  # instrument
    assert perp.hard_notional == D(100000) and perp.soft_band == D("0.01")  # venue
    assert perp.soft_notional == D(30000)  # global
    assert perp.hard_band == D("0.10") and perp.max_price_age == 10.0  # code
    assert perp.origins == {
        "soft_size": "config.toml [limits.PF_XBTUSD]",
        "hard_size": "config.toml [limits.PF_XBTUSD]",
        "hard_notional": "config.toml [limits.futures]",
        "soft_band": "config.toml [limits.futures]",
        "soft_notional": "config.toml [limits]",
    }
    spot = settings.limits_for(Venue.SPOT, "BTC/USD")
    assert spot.hard_band == D("0.05") and spot.max_price_age == 5.0
    assert spot.hard_notional == D(250000) and spot.soft_size is None
    assert spot.origins["hard_band"] == 'config.toml [limits."BTC/USD"]'
    other = settings.limits_for(Venue.SPOT, "ETH/USD")
    assert other.soft_notional == D(30000) and other.soft_band == D("0.02")


def test_no_settings_is_the_built_in_defaults() -> None:
    assert Settings().limits_for(Venue.SPOT, "BTC/USD") == Limits()


def test_a_missing_default_file_is_fine_a_missing_explicit_one_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_config_path() == tmp_path / "kraken-tui" / "config.toml"
    assert load_settings(None) == Settings()
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as caught:
        load_settings(missing)
    assert str(caught.value) == f"{missing}: no such file"


def test_the_default_file_is_read_when_present(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "kraken-tui").mkdir()
    (tmp_path / "kraken-tui" / "config.toml").write_text("[limits]\nhard_size = 3\n")
    assert load_settings(None).limits_for(Venue.SPOT, "X/Y").hard_size == D(3)


def test_a_bad_value_names_file_line_and_key(tmp_path: Path) -> None:
    text = EXAMPLE.replace("hard_size = 2", 'hard_size = "two"')
    path = tmp_path / "config.toml"
    assert error_of(tmp_path, text) == (
        f'{path} line 11: limits.PF_XBTUSD.hard_size: must be a positive number, got "two"'
    )


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("soft_size = -1", "must be a positive number, got -1"),
        ("soft_size = 0", "must be a positive number, got 0"),
        ("soft_size = true", "must be a positive number, got true"),
        ("soft_band = 2", f"{BAND_RULE}, got 2"),
        ('soft_band = "150%"', f'{BAND_RULE}, got "150%"'),
    ],
)  # fmt: skip
def test_bad_values(tmp_path: Path, line: str, reason: str) -> None:
    message = error_of(tmp_path, f"[limits]\n\n{line}\n")
    key = line.split(" = ")[0]
    assert message.endswith(f"config.toml line 3: limits.{key}: {reason}")


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    text = '[limits]\nsoft_size = "x"\n[limits.spot]\nhard_size = -2\n'
    lines = error_of(tmp_path, text).splitlines()
    assert [line.split(": ")[0].split(" ", 1)[1] for line in lines] == ["line 2", "line 4"]


def test_toml_syntax_errors_keep_their_line_and_column(tmp_path: Path) -> None:
    message = error_of(tmp_path, "[limits]\nsoft_size = \n")
    assert message == f"{tmp_path / 'config.toml'} line 2, column 13: not valid TOML: invalid value"


def test_unknown_keys_suggest_the_closest_known_one(tmp_path: Path) -> None:
    text = "[limits]\nsoft_notionl = 5\n\n[limits.futures]\nhard_siz = 1\n[limit]\n"
    lines = error_of(tmp_path, text).splitlines()
    assert lines[0].endswith("line 6: limit: unknown key; did you mean 'limits'?")
    assert lines[1].endswith(
        "line 2: limits.soft_notionl: unknown key; did you mean 'soft_notional'?"
    )
    assert lines[2].endswith(
        "line 5: limits.futures.hard_siz: unknown key; did you mean 'hard_size'?"
    )


def test_an_instrument_table_inside_a_venue_table_is_explained(tmp_path: Path) -> None:
    message = error_of(tmp_path, '[limits.futures."PF_XBTUSD"]\nhard_size = 1\n')
    assert message.endswith(
        "line 1: limits.futures.PF_XBTUSD: instrument tables go directly under [limits], "
        'e.g. [limits."PF_XBTUSD"]'
    )


def test_soft_above_hard_is_an_error_even_across_tables(tmp_path: Path) -> None:
    # In one table.
    message = error_of(tmp_path, "[limits]\nsoft_size = 5\nhard_size = 2\n")
    assert message.endswith("line 2: limits.soft_size: soft_size 5 is above hard_size 2")
    # The instrument's hard size under the global soft size: blamed on the instrument.
    text = '[limits]\nsoft_size = 5\n\n[limits."PF_XBTUSD"]\nhard_size = 2\n'
    assert error_of(tmp_path, text).endswith(
        "line 5: limits.PF_XBTUSD.hard_size: soft_size 5 is above hard_size 2 "
        "(soft_size from [limits])"
    )
    # Against a built-in default: soft notional above the default hard 250,000.
    assert error_of(tmp_path, "[limits.spot]\nsoft_notional = 300000\n").endswith(
        "line 2: limits.spot.soft_notional: soft_notional 300000 is above hard_notional "
        "250000 (hard_notional from built-in default)"
    )
    # Equal is allowed (the soft limit then never asks).
    load_settings(write(tmp_path, "[limits]\nsoft_size = 2\nhard_size = 2\n"))


@pytest.mark.parametrize("key", ["api_key", "API_SECRET", "secret", "futures-api-key"])
def test_secrets_are_refused_and_point_at_the_keyring(tmp_path: Path, key: str) -> None:
    message = error_of(tmp_path, f'[limits."PF_XBTUSD"]\n{key} = "hunter2-ABCDEF"\n')
    assert f"line 2: limits.PF_XBTUSD.{key}: " in message
    assert "kraken-tui keys set" in message
    assert "hunter2" not in message  # the value is never echoed
    assert len(message.splitlines()) == 1  # not also an "unknown key"


def test_a_secret_at_the_top_level_is_refused_too(tmp_path: Path) -> None:
    message = error_of(tmp_path, 'token = "abc"\n')
    assert "config.toml line 1: token: API keys and secrets never go in the settings file" in (
        message
    )
    assert "kraken-tui keys set" in message and "abc" not in message


def test_the_readme_example_is_a_valid_settings_file() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Order limits", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    settings = parse_settings(example, Path("config.toml"))
    perp = settings.limits_for(Venue.FUTURES, "PF_XBTUSD")
    assert (perp.soft_size, perp.hard_size, perp.hard_band) == (D("0.5"), D(2), D("0.05"))
    assert perp.max_price_age == 5.0


@pytest.mark.parametrize(("table", "venue"), [("spto", "spot"), ("Futures", "futures")])
def test_a_misspelt_venue_table_is_not_taken_for_a_symbol(
    tmp_path: Path, table: str, venue: str
) -> None:
    message = error_of(tmp_path, f"[limits.{table}]\nhard_size = 1\n")
    assert message.endswith(
        f"line 1: limits.{table}: unknown venue; did you mean {venue!r}? "
        '(an instrument table uses the exact symbol, e.g. [limits."BTC/USD"])'
    )
    # Real symbols are never mistaken for one.
    for symbol in ("PF_XBTUSD", "PI_XBTUSD", "BTC/USD", "SOL/USD", "FF_XBTUSD_261225"):
        load_settings(write(tmp_path, f'[limits."{symbol}"]\nhard_size = 1\n'))
