"""Theme files: shipped ones load, bad ones are reported by file and key, the app never crashes."""

from __future__ import annotations

from pathlib import Path

from kraken_tui.ui.app import KrakenApp
from kraken_tui.ui.theme_vars import THEME_VARIABLE_DEFAULTS
from kraken_tui.ui.theming import (
    DEFAULT_THEME,
    builtin_theme_dir,
    load_theme_file,
    load_themes,
    user_theme_dir,
)
from tests.ui.fakes import StaticSession

GOOD = """
name = "test-good"
primary = "#112233"
background = "#000000"
dark = true

[variables]
bid = "#0000ff"
ask = "orange"
"""


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_themes_load_cleanly_and_cover_every_variable() -> None:
    catalog = load_themes([builtin_theme_dir()])
    assert catalog.errors == []
    assert {"kraken-dark", "kraken-light", "kraken-cb"} <= set(catalog.themes)
    for theme in catalog.themes.values():
        assert set(theme.variables) == set(THEME_VARIABLE_DEFAULTS), theme.name
    assert catalog.themes["kraken-light"].dark is False


def test_colour_blind_theme_uses_blue_bids_and_orange_asks() -> None:
    from textual.color import Color

    theme = load_themes([builtin_theme_dir()]).themes["kraken-cb"]
    bid = Color.parse(theme.variables["bid"])
    ask = Color.parse(theme.variables["ask"])
    assert bid.b > bid.r and bid.b > bid.g  # blue dominates
    assert ask.r > ask.b and ask.g > ask.b  # red+green, little blue: orange


def test_good_file_loads_with_its_variables(tmp_path: Path) -> None:
    theme = load_theme_file(write(tmp_path, "good.toml", GOOD))
    assert not isinstance(theme, list)
    assert theme.name == "test-good"
    assert theme.primary == "#112233"
    assert theme.variables == {"bid": "#0000ff", "ask": "orange"}


def test_bad_colour_names_file_and_key(tmp_path: Path) -> None:
    path = write(
        tmp_path, "broken.toml", GOOD.replace('primary = "#112233"', 'primary = "#12345G"')
    )
    errors = load_theme_file(path)
    assert isinstance(errors, list) and len(errors) == 1
    assert errors[0].path == path
    assert errors[0].key == "primary"
    assert "#12345G" in errors[0].reason
    assert "broken.toml: primary:" in str(errors[0])


def test_bad_variable_colour_names_the_variable(tmp_path: Path) -> None:
    errors = load_theme_file(write(tmp_path, "v.toml", GOOD.replace('"orange"', '"not-a-colour"')))
    assert isinstance(errors, list)
    assert [(e.key, "not-a-colour" in e.reason) for e in errors] == [("variables.ask", True)]


def test_unknown_key_is_rejected_by_name(tmp_path: Path) -> None:
    errors = load_theme_file(write(tmp_path, "u.toml", GOOD.replace("dark = true", "darkk = true")))
    assert isinstance(errors, list)
    assert [e.key for e in errors] == ["darkk"]
    assert "unknown key 'darkk'" in errors[0].reason


def test_missing_primary_and_invalid_toml_are_reported(tmp_path: Path) -> None:
    missing = load_theme_file(write(tmp_path, "m.toml", 'name = "x"\n'))
    assert isinstance(missing, list) and [e.key for e in missing] == ["primary"]
    garbled = load_theme_file(write(tmp_path, "g.toml", "name = [unterminated\n"))
    assert isinstance(garbled, list) and garbled[0].key == ""
    assert "invalid TOML" in garbled[0].reason


def test_user_dir_overrides_shipped_theme_by_name(tmp_path: Path) -> None:
    user = tmp_path / "user"
    write(user, "mine.toml", GOOD.replace("test-good", "kraken-dark"))
    catalog = load_themes([builtin_theme_dir(), user])
    assert catalog.themes["kraken-dark"].primary == "#112233"
    assert catalog.sources["kraken-dark"] == user / "mine.toml"


def test_user_dir_follows_xdg_config_home(isolated_config: Path) -> None:
    assert user_theme_dir() == isolated_config / "kraken-tui" / "themes"


async def test_app_survives_broken_themes_and_unknown_theme_name(tmp_path: Path) -> None:
    write(tmp_path, "broken.toml", GOOD.replace('"#112233"', '"nope"'))
    app = KrakenApp(
        StaticSession(), start_feeds=False, theme="no-such-theme", theme_dirs=[tmp_path]
    )
    async with app.run_test() as pilot:
        await pilot.pause()
        # kraken-dark.toml was not in the given dirs: the built-in fallback stands in.
        assert app.theme == DEFAULT_THEME
        messages = [n.message for n in app._notifications]
        assert any("broken.toml: primary" in m and "no-such-theme" in m for m in messages)


async def test_requested_theme_is_applied_and_builtins_still_work() -> None:
    app = KrakenApp(StaticSession(), start_feeds=False, theme="kraken-light")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "kraken-light"
        assert app.current_theme.dark is False
        app.theme = "nord"  # a Textual theme: our variables fall back to their defaults
        await pilot.pause()
        assert app.get_css_variables()["bid"] == THEME_VARIABLE_DEFAULTS["bid"]
