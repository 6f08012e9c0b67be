"""Screens: the dashboard (default) and the help sheet."""

from kraken_tui.ui.screens.dashboard import DashboardScreen
from kraken_tui.ui.screens.help import HelpScreen

__all__ = ["DashboardScreen", "HelpScreen"]
