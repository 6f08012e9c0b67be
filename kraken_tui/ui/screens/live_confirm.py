"""The typed confirmation for real-money trading, shown at start with ``--env live --trade``.

The user must type ``LIVE`` exactly and press Enter; Escape, or any other word, keeps
live read-only for the whole run. Dismisses True only on the exact word. The market
data and account panes keep running behind it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

LIVE_WORD = "LIVE"
LIVE_WARNING = (
    "You started with --env live --trade. Orders from this dashboard are REAL orders "
    "on your Kraken account, with real money."
)
LIVE_ENABLED = "order entry is ON: every order is real"


class LiveConfirmScreen(ModalScreen[bool]):
    """Type ``LIVE`` + Enter to enable order entry; anything else stays read-only."""

    DEFAULT_CSS = """
    #live-box {
        width: 72;
        max-width: 95%;
        height: auto;
        padding: 0 1;
        border: heavy $env-live;
        background: $surface;
    }
    #live-title {
        width: 100%;
        background: $env-live;
        color: $foreground;
        text-style: bold;
        content-align: center middle;
        margin-bottom: 1;
    }
    #live-warning {
        color: $env-live;
        text-style: bold;
    }
    #live-question {
        margin-top: 1;
    }
    #live-input {
        width: 20;
        margin-top: 1;
    }
    #live-keys {
        color: $text-muted;
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stay_read_only", "stay read-only"),
    ]

    def __init__(self) -> None:
        # The order modals' class: centred over the dashboard, which stays visible.
        super().__init__(classes="order-modal")

    def compose(self) -> ComposeResult:
        with Vertical(id="live-box"):
            yield Static("LIVE TRADING · REAL MONEY", id="live-title")
            yield Static(LIVE_WARNING, id="live-warning")
            yield Static(
                f"Type {LIVE_WORD} and press Enter to enable order entry. Escape, or any "
                "other word, keeps live read-only: market data and your account only.",
                id="live-question",
            )
            yield Input(placeholder=f"type {LIVE_WORD}", id="live-input", compact=True)
            yield Static("[b]enter[/b] confirm   [b]esc[/b] stay read-only", id="live-keys")

    def on_mount(self) -> None:
        self.query_one("#live-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        # Exactly the word: no trimming, no case folding ("live", " LIVE" do not count).
        self.dismiss(event.value == LIVE_WORD)

    def action_stay_read_only(self) -> None:
        self.dismiss(False)
