"""Base for panes that poll the market store and redraw only when what they show changed.

Feeds mutate the store and bump version counters; a pane samples a cheap
``change_key()`` on a timer and, only when it differs from the last one, rebuilds
its line model and calls ``refresh()``. No Textual message is sent per delta.

A line model is a list of cells ``(text, role)``; a role names one of the pane's
component classes (``""`` is the pane's own style). Styles are looked up at
render time, so a theme switch restyles without rebuilding.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from kraken_tui.feeds.session import MarketSession
from kraken_tui.feeds.stores import MarketKey

Cell = tuple[str, str]
"""Text and the role (component-class suffix) that styles it."""
Line = list[Cell]


def line_width(line: Sequence[Cell]) -> int:
    """Terminal cells a line occupies."""
    return sum(cell_len(text) for text, _ in line)


def crop_line(line: Sequence[Cell], width: int) -> Line:
    """The first ``width`` cells of a line."""
    out: Line = []
    used = 0
    for text, role in line:
        size = cell_len(text)
        if used + size <= width:
            out.append((text, role))
            used += size
            continue
        kept = ""
        for char in text:
            char_size = cell_len(char)
            if used + char_size > width:
                break
            kept += char
            used += char_size
        if kept:
            out.append((kept, role))
        break
    return out


def line_plain(line: Sequence[Cell]) -> str:
    """The text of a line without styles."""
    return "".join(text for text, _ in line)


class PolledPane(Widget):
    """A widget that polls its ``change_key()`` every ``POLL_INTERVAL`` seconds."""

    POLL_INTERVAL: ClassVar[float] = 1 / 20
    """Seconds between polls of the store."""
    ROLE_PREFIX: ClassVar[str] = "pane"
    """Component classes are named ``{ROLE_PREFIX}--{role}``."""
    SETTLE_KEY: ClassVar[bool] = True
    """Re-read the key after a rebuild (see ``poll``); off when reading it has side effects."""

    def __init__(self, session: MarketSession, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        """The market session whose store this pane reads."""
        self.redraws = 0
        """How many times the pane rebuilt and refreshed (a skipped poll does not count)."""
        self._last_key: Hashable | None = None
        self._role_styles: dict[tuple[str, bool], Style] = {}

    # ------------------------------------------------------------------ polling
    def on_mount(self) -> None:
        self.set_interval(self.POLL_INTERVAL, self.poll, name=f"{type(self).__name__}-poll")
        self.poll(force=True)

    def on_resize(self) -> None:
        self.poll(force=True)

    def on_show(self) -> None:
        self.poll(force=True)

    def poll(self, *, force: bool = False) -> bool:
        """Rebuild and refresh if the key changed (or when forced); return whether it did.

        A pane that was not on screen in the last update (hidden, or another pane
        maximised) skips the work; it catches up when it is shown again.
        """
        if not force and not self.is_on_screen:
            return False
        key = self.change_key()
        if not force and key == self._last_key:
            return False
        self.redraws += 1
        self.rebuild()
        # Rebuilding may settle state the key includes (a cursor snapped to a row,
        # grouping reset for a new market); take the key afterwards so that
        # settling does not count as a change on the next poll.
        self._last_key = self.change_key() if self.SETTLE_KEY else key
        self.refresh()
        return True

    def change_key(self) -> Hashable:
        """Everything the drawing depends on, cheap to compute (versions, selection, size)."""
        raise NotImplementedError

    def rebuild(self) -> None:
        """Recompute the line model from the store."""
        raise NotImplementedError

    # ------------------------------------------------------------------ helpers
    @property
    def market_key(self) -> MarketKey:
        selection = self.session.selection
        return (selection.venue, selection.symbol)

    def role_style(self, role: str, *, partial: bool = False) -> Style:
        """The Rich style of a role under the current theme (``""``: the pane's own style).

        Cached until Textual reports a style change (theme switch, focus, CSS reload):
        computing a widget's style walks its ancestors and costs more than drawing.
        """
        cached = self._role_styles.get((role, partial))
        if cached is None:
            if role:
                name = f"{self.ROLE_PREFIX}--{role}"
                cached = self.get_component_rich_style(name, partial=partial)
            else:
                cached = self.rich_style
            self._role_styles[(role, partial)] = cached
        return cached

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._role_styles.clear()

    def lines_to_text(self, lines: Sequence[Sequence[Cell]]) -> Text:
        """Styled text of a line model, one line per row, never wrapped."""
        text = Text(no_wrap=True, overflow="crop", end="")
        for index, line in enumerate(lines):
            if index:
                text.append("\n")
            for chunk, role in line:
                text.append(chunk, self.role_style(role) if role else None)
        return text


def flow(chips: Sequence[Line], width: int, gap: int = 3) -> list[Line]:
    """Pack chips (short lines) left to right into lines no wider than ``width``."""
    lines: list[Line] = []
    current: Line = []
    used = 0
    for chip in chips:
        size = line_width(chip)
        if current and used + gap + size > width:
            lines.append(current)
            current, used = [], 0
        if current:
            current.append((" " * gap, ""))
            used += gap
        current.extend(chip)
        used += size
    if current:
        lines.append(current)
    return lines
