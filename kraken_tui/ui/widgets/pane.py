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
from typing import ClassVar, Self

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from kraken_tui.feeds.session import MarketSession
from kraken_tui.feeds.stores import MarketKey
from kraken_tui.ui.render_mode import RenderMode

Cell = tuple[str, str]
"""Text and the role (component-class suffix) that styles it."""
Line = list[Cell]
PADDING_KEY = ("<padding>", False)
"""Where ``padding_style`` caches itself among the role styles (no role has this name)."""


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
    """A widget that polls its ``change_key()`` every ``POLL_INTERVAL`` seconds (at the
    default frame rate; the app's ``render_mode`` scales it, see ``ui/render_mode.py``)."""

    POLL_INTERVAL: ClassVar[float] = 1 / 20
    """Seconds between polls of the store at the default frame rate."""
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
        self.poll_interval = self.POLL_INTERVAL
        """Seconds between polls, as configured when the pane was mounted."""
        self._last_key: Hashable | None = None
        self._role_styles: dict[tuple[str, bool], Style] = {}
        self._offset_styles: dict[tuple[str, int, int], Style] = {}
        self._repaint: list[Region] | None = None
        """Regions the last rebuild changed (the next ``refresh`` repaints only these);
        None: repaint everything."""

    # ---------------------------------------------------------------- drawing
    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        """Repaint only the lines the last rebuild changed, when ``poll`` asks right after it.

        Every other refresh (resize, theme, focus, Textual's own) repaints the whole pane.
        """
        lines, self._repaint = self._repaint, None
        if lines is not None and repaint and not (regions or layout or recompose):
            return super().refresh(*lines) if lines else self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    # ------------------------------------------------------------------ polling
    @property
    def render_mode(self) -> RenderMode:
        """The app's frame rate and drawing switches (the defaults outside KrakenApp)."""
        mode = getattr(self.app, "render_mode", None)
        return mode if isinstance(mode, RenderMode) else RenderMode()

    def configured_interval(self) -> float:
        """Seconds between polls under the app's render mode."""
        return self.render_mode.poll_interval(self.POLL_INTERVAL)

    def on_mount(self) -> None:
        clock = getattr(self.app, "frame_clock", None)
        if isinstance(clock, FrameClock):
            self.poll_interval = clock.add(self, self.configured_interval())
        else:
            self.poll_interval = self.configured_interval()
            self.set_interval(self.poll_interval, self.poll, name=f"{type(self).__name__}-poll")
        self.poll(force=True)

    def on_unmount(self) -> None:
        clock = getattr(self.app, "frame_clock", None)
        if isinstance(clock, FrameClock):
            clock.remove(self)

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
        self._offset_styles.clear()

    def line_strip(self, line: Sequence[Cell], width: int, y: int | None = None) -> Strip:
        """One line as a strip exactly ``width`` cells wide (cropped or padded).

        With ``y``, every cell carries its ``offset`` in the pane (Textual's text
        selection reads it), as when Textual renders text; the padding carries only
        the background, as Textual pads rendered text.
        """
        segments = []
        used = 0
        for text, role in line:
            style = self.role_style(role) if y is None else self._offset_style(role, used, y)
            segments.append(Segment(text, style))
            used += cell_len(text)
        if used > width:
            return Strip(segments).adjust_cell_length(width, self.padding_style())
        if used < width:
            segments.append(Segment(" " * (width - used), self.padding_style()))
        return Strip(segments, width)

    def _offset_style(self, role: str, x: int, y: int) -> Style:
        key = (role, x, y)
        style = self._offset_styles.get(key)
        if style is None:
            style = self.role_style(role) + Style.from_meta({"offset": (x, y)})
            self._offset_styles[key] = style
        return style

    def padding_style(self) -> Style:
        """The background of the pane without its text colour (for blank cells)."""
        cached = self._role_styles.get(PADDING_KEY)
        if cached is None:
            cached = Style(bgcolor=self.rich_style.bgcolor)
            self._role_styles[PADDING_KEY] = cached
        return cached

    def lines_to_text(self, lines: Sequence[Sequence[Cell]]) -> Text:
        """Styled text of a line model, one line per row, never wrapped."""
        text = Text(no_wrap=True, overflow="crop", end="")
        for index, line in enumerate(lines):
            if index:
                text.append("\n")
            for chunk, role in line:
                text.append(chunk, self.role_style(role) if role else None)
        return text


class FrameClock:
    """One timer for every polled pane of an app, so that their redraws of one moment
    reach the screen in one update.

    With a timer each, the ladder, ticker and tape fell out of step and Textual
    composed a screen update for each of them (about 30 a second at 20 frames/s, each
    walking the containers between them). On the clock every pane polls on every
    ``n``-th tick, ``n`` fixed when it is added: the ladder and ticker on each, the
    tape on every other, all in the same tick.
    """

    def __init__(self, fps: float) -> None:
        self.fps = fps
        """Ticks per second (the owner runs :meth:`tick` on a timer of ``1 / fps``)."""
        self.ticks = 0
        self._panes: dict[PolledPane, int] = {}

    def add(self, pane: PolledPane, interval: float) -> float:
        """Poll ``pane`` about every ``interval`` seconds; returns the interval it gets."""
        every = max(1, int(interval * self.fps + 0.5))  # to the nearest tick, halves up
        self._panes[pane] = every
        return every / self.fps

    def remove(self, pane: PolledPane) -> None:
        self._panes.pop(pane, None)

    def tick(self) -> None:
        self.ticks += 1
        ticks = self.ticks
        for pane, every in list(self._panes.items()):
            if ticks % every == 0:
                pane.poll()


class LinePane(PolledPane):
    """A polled pane drawn with Textual's line API from a line model.

    A rebuild hands its lines to :meth:`show_lines`; the refresh that ``poll`` makes
    right after repaints only the lines that differ from the previous model (none
    when nothing visible changed). Each distinct line becomes a strip once and is
    reused while it stays on screen, wherever it moves (a trade sliding down the
    tape keeps its strip).
    """

    STRIP_CACHE_LIMIT: ClassVar[int] = 512
    """Strips kept per pane; the cache starts over when it reaches this many."""

    def __init__(self, session: MarketSession, *, id: str | None = None) -> None:
        super().__init__(session, id=id)
        self._lines: list[Line] = []
        """Lines the next ``refresh()`` from ``poll`` repaints (None: the whole pane)."""
        self._strips: dict[tuple[tuple[Cell, ...], int, int], Strip] = {}
        self._lines_width = 0

    def lines(self) -> list[Line]:
        """The current line model, for tests."""
        return self._lines

    def show_lines(self, lines: list[Line]) -> None:
        """Make ``lines`` the line model and note which pane lines changed."""
        previous, self._lines = self._lines, lines
        width, self._lines_width = self._lines_width, self.size.width
        self._repaint = changed_rows(previous, lines, width) if width == self._lines_width else None
        if len(previous) != len(lines):
            # The pane's height may be ``auto``: a new line count needs a new layout.
            self.refresh(layout=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y >= len(self._lines):
            return Strip.blank(width, self.padding_style())
        line = self._lines[y]
        key = (tuple(line), width, y)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) >= self.STRIP_CACHE_LIMIT:
                self._strips.clear()
            strip = self._strips[key] = self.line_strip(line, width, y)
        return strip


def changed_rows(old: Sequence[Line], new: Sequence[Line], width: int) -> list[Region] | None:
    """Runs of lines that differ between two line models, as regions ``width`` wide;
    None (repaint everything) when the models have different lengths."""
    if len(old) != len(new):
        return None
    regions: list[Region] = []
    start: int | None = None
    for y, (before, after) in enumerate(zip(old, new, strict=True)):
        if before != after:
            if start is None:
                start = y
        elif start is not None:
            regions.append(Region(0, start, width, y - start))
            start = None
    if start is not None:
        regions.append(Region(0, start, width, len(new) - start))
    return regions


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
