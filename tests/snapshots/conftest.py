"""Snapshot tests share the UI tests' determinism fixtures (cursor blink, config isolation)."""

from tests.ui.conftest import isolated_config, no_cursor_blink

__all__ = ["isolated_config", "no_cursor_blink"]
