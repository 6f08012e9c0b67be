"""Snapshot tests reuse the UI determinism fixtures (cursor blink, clocks, config)."""

from tests.ui.conftest import frozen_pane_clocks, isolated_config, no_cursor_blink

__all__ = ["frozen_pane_clocks", "isolated_config", "no_cursor_blink"]
