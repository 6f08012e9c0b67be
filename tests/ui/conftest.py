"""Fixtures that keep UI tests and snapshots deterministic and off the developer's machine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from kraken_tui.feeds.static import BASE_TIME_MS
from kraken_tui.ui.widgets import orders, ticker


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Input cursor (palette search box) stays visible instead of blinking on a timer."""

    def keep_cursor_visible(self: Input) -> None:
        self._cursor_visible = True

    monkeypatch.setattr(Input, "_toggle_cursor", keep_cursor_visible)


@pytest.fixture(autouse=True)
def frozen_pane_clocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Panes built during a test read a fixed wall clock (the seeded market's base time),
    so the perpetual's funding countdown and the order ages are the same on every run."""
    monkeypatch.setattr(ticker, "wall_clock_ms", lambda: BASE_TIME_MS)
    monkeypatch.setattr(orders, "wall_clock_ms", lambda: BASE_TIME_MS)


@pytest.fixture(autouse=True)
def isolated_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """User theme files and the TEXTUAL_THEME variable never leak into a test."""
    config = tmp_path_factory.mktemp("xdg-config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)
    yield config
