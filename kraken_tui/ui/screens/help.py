"""The ``?`` screen: every key binding, read from the live bindings so it never drifts, and
what the environment and book-health badges mean."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

ENV_BADGES: tuple[tuple[str, str], ...] = (
    ("SIM", "embedded exchange with a synthetic, seeded market; nothing is real"),
    ("REPLAY", "embedded exchange replaying a recording"),
    ("PAPER", "live Kraken prices, orders filled locally against them; no real money"),
    ("DEMO", "Kraken's demo-futures environment (demo keys, no real money)"),
    ("LIVE", "Kraken production: real markets, real money"),
)
"""The environment badge is always on screen; LIVE has a colour no other one uses."""

HEALTH_BADGES: tuple[tuple[str, str], ...] = (
    ("SYNCED", "built from a snapshot and every update since checked out (checksum / sequence)"),
    ("RESYNCING", "waiting for a fresh snapshot; the ladder is greyed until it arrives"),
    ("STALE", "consistent, but no update for longer than the feed's stale limit"),
    ("CROSSED", "best bid at or above best ask: not shown as live, resync requested"),
    ("DEGRADED", "resyncs keep failing or the connection is down: do not trust it"),
)
"""Book health as the ladder title shows it; anything but SYNCED is greyed."""


@dataclass(frozen=True, slots=True)
class KeyRow:
    """One line of the key table: keys (joined when they share a meaning) and what they do."""

    group: str
    keys: str
    description: str


def _group_name(node: DOMNode) -> str:
    if isinstance(node, (App, Screen)):
        return "Everywhere"
    title = node.border_title if isinstance(node, Widget) else None
    name = str(title) if title else type(node).__name__
    return f"{name} (focused pane)"


def _describe(binding: Binding) -> str:
    return binding.description or binding.tooltip or binding.action.replace("_", " ")


def binding_rows(screen: Screen[object]) -> list[KeyRow]:
    """Key rows for ``screen`` as the user has it now: app, screen and focused-pane bindings.

    Bindings that share a description (``1``…``9``) collapse into one row.
    """
    app = screen.app
    merged: dict[tuple[str, str], list[str]] = {}
    order: list[tuple[str, str]] = []
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system:
            continue
        key = (_group_name(active.node), _describe(binding))
        if key not in merged:
            merged[key] = []
            order.append(key)
        display = app.get_key_display(binding)
        if display not in merged[key]:
            merged[key].append(display)
    # The focused pane's own keys read best after the global ones.
    order.sort(key=lambda k: k[0] != "Everywhere")
    return [KeyRow(group, " ".join(merged[(group, desc)]), desc) for group, desc in order]


class HelpScreen(ModalScreen[None]):
    """A scrollable sheet over the dashboard; escape, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > #help-body {
        width: 90; max-width: 100%; height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    HelpScreen .help-heading { text-style: bold; color: $primary; margin-top: 1; }
    HelpScreen .badge-row { height: 1; }
    HelpScreen .badge { width: 12; text-style: bold; content-align: center middle; }
    HelpScreen .badge-text { width: 1fr; padding-left: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "close help")
    ]

    def __init__(self, rows: list[KeyRow], env_label: str) -> None:
        super().__init__()
        self.rows = rows
        self.env_label = env_label

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "kraken-tui help"
            body.border_subtitle = "escape closes"
            yield from self._key_tables()
            yield Static("Environment badge (top left, always visible)", classes="help-heading")
            for label, meaning in ENV_BADGES:
                current = "  ← this session" if label == self.env_label.upper() else ""
                yield self._badge_row(label, f"env-badge env-{label.lower()}", meaning + current)
            yield Static("Book health (ladder title)", classes="help-heading")
            for label, meaning in HEALTH_BADGES:
                yield self._badge_row(label, f"health-badge health-{label.lower()}", meaning)

    def _key_tables(self) -> ComposeResult:
        width = max((len(row.keys) for row in self.rows), default=0)
        group = None
        lines: list[Content] = []
        for row in self.rows:
            if row.group != group:
                if lines:
                    yield Static(Content("\n").join(lines), classes="help-keys")
                    lines = []
                group = row.group
                yield Static(f"Keys: {group.lower()}", classes="help-heading")
            lines.append(
                Content.assemble((row.keys.rjust(width), "bold $accent"), "   ", row.description)
            )
        if lines:
            yield Static(Content("\n").join(lines), classes="help-keys")

    @staticmethod
    def _badge_row(label: str, classes: str, meaning: str) -> Horizontal:
        return Horizontal(
            Static(label, classes=f"badge {classes}"),
            Static(meaning, classes="badge-text"),
            classes="badge-row",
        )

    def action_close(self) -> None:
        self.dismiss(None)
