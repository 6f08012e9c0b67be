"""Fallback values for the app's own CSS variables (``$bid``, ``$ask``, ``$env-live``, ...).

``App.get_theme_variable_defaults()`` returns these so every theme, including
Textual's built-in ones, can resolve the variables the panes use; a theme file
overrides any of them in its ``[variables]`` table. Values must be literal
colours: Textual 8.2 rejects references such as ``$success`` here.
"""

from __future__ import annotations

THEME_VARIABLE_DEFAULTS: dict[str, str] = {
    # Book sides: bright for prices and sizes, muted for a book that is not live.
    "bid": "#26A69A",
    "ask": "#EF5350",
    "bid-muted": "#4F7470",
    "ask-muted": "#8A5A59",
    # Depth bars sit behind numbers, so they are darker than the side colours.
    "depth-bar-bid": "#1E6B62",
    "depth-bar-ask": "#8E3432",
    "spread": "#D7B45A",
    "cursor": "#3B4A6B",
    # Money won and lost (PnL, 24h change).
    "profit": "#26A69A",
    "loss": "#EF5350",
    # Anything not trustworthy right now (book not SYNCED, old data).
    "stale": "#7E7E7E",
    # Environment badges. LIVE is a hue no other environment uses.
    "env-sim": "#4C8DF6",
    "env-replay": "#9B7BE0",
    "env-paper": "#C9A227",
    "env-demo": "#2AA7B8",
    "env-live": "#FF1F5A",
}
"""Every app-specific CSS variable with its default colour."""

__all__ = ["THEME_VARIABLE_DEFAULTS"]
