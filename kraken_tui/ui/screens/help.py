"""The ``?`` screen: every key binding, read from the live bindings so it never drifts, the
account panes' keys, and what the environment, book-health and private-feed badges mean."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
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

PRIVATE_BADGES: tuple[tuple[str, str, str], ...] = (
    ("acct ●", "ok", "both venues' private feeds signed in and streaming"),
    ("acct ◌", "wait", "authenticating: waiting for a challenge, a token or the first snapshot"),
    ("acct ↻", "wait", "signed in; the private socket is reconnecting"),
    ("acct ✕", "bad", "auth failed: the exchange rejected the keys (no retry); the panes say why"),
    ("acct ○", "off", "no keys for this environment: kraken-tui keys set --env … --venue …"),
    ("keys: env", "warn", "the keys came from environment variables (you opted in)"),
    ("◀ 0.2", "ask", "ladder: your resting sell orders at that level, remaining size"),
    ("▶ 0.1", "bid", "ladder: your resting buy orders at that level, remaining size"),
    ("entry mark", "pos", "ladder (futures): your position's entry and mark prices, when in view"),
    ("liq", "liq", "ladder (futures): your position's liquidation price, when in view"),
)
"""The status bar's ``acct`` chip (one per venue when they differ) and the ladder marks."""

ACCOUNT_KEYS: tuple[tuple[str, str], ...] = (
    ("tab", "reaches positions, balances, orders and fills after the market panes"),
    ("↑ ↓ pgup pgdn", "move the row cursor; home / end jump to the first / last row"),
    ("f", "only the selected market's rows (the border title says which), or all"),
    ("z", "maximise: a narrow pane hides columns (+N cols: z), zoomed shows all"),
    ("x X", "orders: cancel the selected order / cancel all, symbol or everything (asks)"),
    ("shift+↑ ↓", "orders: move the selected order's price one tick"),
)
"""Keys of the account panes, listed even while another pane has focus."""


SCREEN_GROUP = "dashboard"
ACCOUNT_GROUP = "account panes (positions, balances, orders, fills)"
GLOBAL_GROUP = "everywhere"


@dataclass(frozen=True, slots=True)
class KeyRow:
    """One line of the key table: keys (joined when they share a meaning) and what they do."""

    group: str
    keys: str
    description: str


def _group_name(node: DOMNode) -> str:
    if isinstance(node, App):
        return GLOBAL_GROUP
    if isinstance(node, Screen):
        return SCREEN_GROUP
    help_group = getattr(node, "HELP_GROUP", None)
    if isinstance(help_group, str):
        return f"{help_group} (focused pane)"
    title = node.border_title if isinstance(node, Widget) else None
    name = str(title) if title else type(node).__name__.removesuffix("Pane").lower()
    return f"{name} (focused pane)"


def _describe(binding: Binding) -> str:
    # The footer has room for a word; the tooltip says what the key really does.
    text = binding.tooltip or binding.description or binding.action.replace("_", " ")
    return text[:1].lower() + text[1:]


def _join_keys(keys: list[str]) -> str:
    if len(keys) > 3:
        return f"{keys[0]} … {keys[-1]}"
    return " ".join(keys)


def binding_rows(screen: Screen[object]) -> list[KeyRow]:
    """Key rows for ``screen`` as the user has it now: app, screen and focused-pane bindings.

    Each row shows the binding's tooltip (else its footer description). Bindings that
    share a meaning (``1``…``9``, ``q`` and ``ctrl+q``) collapse into one row.
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
    # Dashboard keys first, then those that work on every screen, then the focused pane's.
    rank = {SCREEN_GROUP: 0, GLOBAL_GROUP: 1}
    order.sort(key=lambda k: rank.get(k[0], 2))
    return [KeyRow(group, _join_keys(merged[(group, desc)]), desc) for group, desc in order]


class HelpScreen(ModalScreen[None]):
    """A scrollable sheet over the dashboard; escape, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > #help-body {
        width: 100%; max-width: 132; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    HelpScreen #help-columns { height: auto; }
    HelpScreen #help-keys, HelpScreen #help-badges { height: auto; width: 1fr; }
    HelpScreen #help-badges { padding-left: 2; }
    HelpScreen.-narrow #help-columns { layout: vertical; }
    HelpScreen.-narrow #help-badges { padding-left: 0; }
    HelpScreen .help-heading { text-style: bold; color: $primary; margin-top: 1; }
    HelpScreen .badge-row, HelpScreen .key-row { height: auto; }
    HelpScreen .key { text-style: bold; color: $accent; }
    HelpScreen .key-text { width: 1fr; }
    HelpScreen .badge { width: 11; text-style: bold; content-align: center top; }
    HelpScreen .badge-text { width: 1fr; padding-left: 1; }
    HelpScreen .private-ok { color: $success; }
    HelpScreen .private-wait { color: $warning; }
    HelpScreen .private-bad { color: $error; }
    HelpScreen .private-off { color: $text-muted; }
    HelpScreen .private-warn { color: $warning; }
    HelpScreen .private-ask { color: $ask; }
    HelpScreen .private-bid { color: $bid; }
    HelpScreen .private-pos { color: $accent; }
    HelpScreen .private-liq { color: $loss; text-style: bold; }
    """

    # Keys and badges side by side when there is room, one above the other when not.
    # (No ClassVar: Textual annotates the base attribute in a way mypy reads as an instance one.)
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-narrow"),
        (120, "-wide"),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "close help")
    ]

    def __init__(self, rows: list[KeyRow], env_label: str, display: str | None = None) -> None:
        """``display``: the render mode in force when it is not the default (``--fps``,
        ``--low-power``, ``--low-flicker``), e.g. ``4 frames/s · low power``."""
        super().__init__()
        self.rows = rows
        self.env_label = env_label
        self.render_note = display

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "kraken-tui help"
            body.border_subtitle = "escape closes"
            with Horizontal(id="help-columns"):
                with Vertical(id="help-keys"):
                    yield from self._key_tables()
                with Vertical(id="help-badges"):
                    yield from self._badges()

    def _badges(self) -> ComposeResult:
        yield Static("Environment badge (top left, always shown)", classes="help-heading")
        for label, meaning in ENV_BADGES:
            current = " (this session)" if label == self.env_label.upper() else ""
            yield self._badge_row(label, f"env-badge env-{label.lower()}", meaning + current)
        yield Static("Book health (ladder title)", classes="help-heading")
        for label, meaning in HEALTH_BADGES:
            yield self._badge_row(label, f"health-badge health-{label.lower()}", meaning)
        yield Static("Account (status bar chip, ladder marks)", classes="help-heading")
        for label, kind, meaning in PRIVATE_BADGES:
            yield self._badge_row(label, f"private-{kind}", meaning)
        if self.render_note:
            yield Static("Display (--fps, --low-power, --low-flicker)", classes="help-heading")
            yield Static(self.render_note, id="help-display")

    def _key_tables(self) -> ComposeResult:
        rows = [*self.rows, *(KeyRow(ACCOUNT_GROUP, k, d) for k, d in ACCOUNT_KEYS)]
        width = max((len(row.keys) for row in rows), default=0) + 2
        group = None
        for row in rows:
            if row.group != group:
                group = row.group
                yield Static(f"Keys: {group}", classes="help-heading")
            # Two widgets per row so a long description wraps under itself, not under the key.
            key = Static(row.keys, classes="key")
            key.styles.width = width
            yield Horizontal(key, Static(row.description, classes="key-text"), classes="key-row")

    @staticmethod
    def _badge_row(label: str, classes: str, meaning: str) -> Horizontal:
        return Horizontal(
            Static(label, classes=f"badge {classes}"),
            Static(meaning, classes="badge-text"),
            classes="badge-row",
        )

    def action_close(self) -> None:
        self.dismiss(None)
