"""A tiny App that hosts one pane with the app's theme variables, for widget tests."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widget import Widget

from kraken_tui.ui.theme_vars import THEME_VARIABLE_DEFAULTS


class WidgetHost(App[None]):
    """Mounts ``widget`` filling the screen; nothing else."""

    CSS = """
    Screen { layout: vertical; }
    """

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLE_DEFAULTS)

    def compose(self) -> ComposeResult:
        yield self.widget

    def on_mount(self) -> None:
        self.widget.focus()
