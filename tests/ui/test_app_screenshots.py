"""export_screenshots writes one SVG per theme and size, plus help and palette, into a new dir."""

from __future__ import annotations

from pathlib import Path

from kraken_tui.ui.screenshots import export_screenshots, shipped_theme_names, static_session


async def test_export_writes_every_theme_help_and_palette(tmp_path: Path) -> None:
    out = tmp_path / "not" / "yet" / "there"
    paths = await export_screenshots(out, static_session, sizes=((80, 24),))
    names = sorted(p.name for p in paths)
    assert names == sorted(
        [
            "dashboard-kraken-cb-80x24.svg",
            "dashboard-kraken-dark-80x24.svg",
            "dashboard-kraken-light-80x24.svg",
            "help-80x24.svg",
            "palette-80x24.svg",
        ]
    )
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("<svg"), path.name
    dashboard = (out / "dashboard-kraken-dark-80x24.svg").read_text(encoding="utf-8")
    assert "LADDER" in dashboard and "TRADES" in dashboard  # panes drew, not an empty screen
    assert "Keys:&#160;dashboard" in (out / "help-80x24.svg").read_text(encoding="utf-8")
    assert "ETH/USD" in (out / "palette-80x24.svg").read_text(encoding="utf-8")


def test_shipped_themes_default_first() -> None:
    names = shipped_theme_names()
    assert names[0] == "kraken-dark"
    assert set(names) == {"kraken-dark", "kraken-light", "kraken-cb"}
