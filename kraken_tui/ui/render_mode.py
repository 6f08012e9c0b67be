"""How often the panes redraw and how much they draw: ``--fps``, ``--low-power`` and
``--low-flicker``.

Every market pane polls its store on a timer and redraws only when what it shows
changed, so the poll rate is the frame-rate cap: at the default 20 polls a second
the ladder and ticker redraw at most 20 times a second, the trade tape at most 10.
``--fps N`` scales every pane's rate by ``N / 20``.

Two modes cut the volume of each frame as well:

- low power (laptops on battery): 4 frames a second, no depth bars (they rescale
  with every change of the deepest cumulative size, repainting the whole ladder),
  the status bar's rates once a second.
- low flicker (tmux, GNU screen, slow links): terminals flicker when a frame
  reaches them in pieces. Textual brackets each frame in synchronized output
  (DEC mode 2026), but only when the terminal answers the mode query; screen and
  tmux before 3.6 do not, so every frame is drawn as it arrives, and Textual
  rewrites each changed line in full. What helps there is fewer changed lines per
  frame: without the cumulative column and the depth bars a new size changes only
  its own level's line (with them, every deeper line changes too), and 10 frames
  a second instead of 20.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_FPS = 20
"""Frames per second of the ladder and ticker unless ``--fps`` says otherwise."""
MIN_FPS = 1
MAX_FPS = 60
LOW_POWER_FPS = 4
LOW_FLICKER_FPS = 10
STATUS_SECONDS = 0.5
"""Seconds between status-bar polls (its message rates and ages)."""
LOW_POWER_STATUS_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class RenderMode:
    """Frame rate and drawing switches shared by every pane of one app."""

    fps: int = DEFAULT_FPS
    depth_bars: bool = True
    """Draw the ladder's cumulative depth bars."""
    cumulative: bool = True
    """Show the ladder's cumulative-size column."""
    status_seconds: float = STATUS_SECONDS
    low_power: bool = False
    low_flicker: bool = False

    @classmethod
    def from_options(
        cls, fps: int | None = None, *, low_power: bool = False, low_flicker: bool = False
    ) -> RenderMode:
        """The mode for the command line's options; an explicit ``fps`` wins over a mode's."""
        if fps is not None and not MIN_FPS <= fps <= MAX_FPS:
            raise ValueError(f"fps must be between {MIN_FPS} and {MAX_FPS}, not {fps}")
        default = DEFAULT_FPS
        if low_flicker:
            default = LOW_FLICKER_FPS
        if low_power:
            default = min(default, LOW_POWER_FPS)
        return cls(
            fps=default if fps is None else fps,
            depth_bars=not (low_power or low_flicker),
            cumulative=not low_flicker,
            status_seconds=LOW_POWER_STATUS_SECONDS if low_power else STATUS_SECONDS,
            low_power=low_power,
            low_flicker=low_flicker,
        )

    def poll_interval(self, at_default_fps: float) -> float:
        """Seconds between polls for a pane that polls every ``at_default_fps`` seconds
        at the default frame rate."""
        return at_default_fps * DEFAULT_FPS / self.fps

    def describe(self) -> str:
        """One line for the help screen: ``20 frames/s`` plus the modes in force."""
        parts = [f"{self.fps} frames/s"]
        if self.low_power:
            parts.append("low power")
        if self.low_flicker:
            parts.append("low flicker")
        if not self.depth_bars:
            parts.append("no depth bars")
        if not self.cumulative:
            parts.append("no cumulative column")
        return " · ".join(parts)
