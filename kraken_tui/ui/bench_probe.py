"""Instrumentation for ``benchmarks/e2e.py``: what reached the books, and when the ladder
showed it. Off unless a benchmark installs it.

:meth:`LadderProbe.install` sets ``LadderPane.probe`` (None otherwise; the ladder's
hook sites cost one attribute test each) and wraps the spot feed's call into the
book engine to count every book message and remember, for the ladder's market,
each message's ``timestamp`` (the exchange's send time) with the book version it
produced. When the ladder rebuilds it hands the probe its frame and the version
it was built from; when Textual renders the first of the frame's lines that
changed (or at once, when no visible line did: the screen already shows it) the
probe takes the wall clock, and every remembered message at or below that
version has its update-to-screen latency. A frame counts toward frames/s only if
it shows a book version the previous shown frame did not.
"""

from __future__ import annotations

import time
from array import array
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kraken_tui.book import ApplyResult, BookHealth, L2Book, SpotBook
from kraken_tui.feeds import spot_public

if TYPE_CHECKING:
    from kraken_tui.ui.widgets.ladder import LadderPane

HOOKED = "apply_spot_book_message"
"""The spot feed's module-level name for the book engine's entry point."""
PENDING_LIMIT = 200_000
"""Messages remembered while the ladder shows nothing (bounded so memory stays flat)."""


@dataclass
class IngestCounts:
    """Book messages the app applied, per symbol, and the results that were not OK."""

    messages: dict[str, int] = field(default_factory=dict)
    not_ok: dict[str, int] = field(default_factory=dict)


class LadderProbe:
    """Counts book messages, ladder frames and latencies for one benchmark run."""

    def __init__(self, launched_at: float | None = None) -> None:
        self.launched_at = launched_at
        """Wall-clock time the benchmark started this process (None: not measured)."""
        self.first_synced_at: float | None = None
        """Wall-clock time the ladder first rendered a SYNCED book with levels."""
        self.ingest = IngestCounts()
        self.frames_shown = 0
        self.book_frames = 0
        """Shown frames with a book version the previous shown frame did not have."""
        self.latencies_ms = array("d")
        """Update-to-screen latencies (8 bytes each, so a long run barely moves the RSS)."""
        self.key_latencies_ms: list[float] = []
        self.measuring = False
        self._watched: str | None = None
        self._pending: deque[tuple[int, str]] = deque(maxlen=PENDING_LIMIT)
        self._built_frame: object = None
        self._built_version: tuple[int, int] | None = None
        self._built_synced = False
        self._last_shown_frame: object = None
        self._last_shown_version: tuple[int, int] | None = None
        self._key: tuple[float, Callable[[LadderPane], bool]] | None = None
        self._stamp_text = ""
        self._stamp = 0.0
        self._original_apply: Callable[..., ApplyResult] | None = None

    # --------------------------------------------------------------- install
    def install(self, watched_symbol: str) -> None:
        """Hook the ladder and the spot feed; ``watched_symbol`` is the ladder's market."""
        from kraken_tui.ui.widgets.ladder import LadderPane

        self._watched = watched_symbol
        LadderPane.probe = self
        original: Callable[..., ApplyResult] = getattr(spot_public, HOOKED)
        self._original_apply = original
        counts, not_ok, pending = self.ingest.messages, self.ingest.not_ok, self._pending
        ok = ApplyResult.OK

        def counted(book: SpotBook, data: Mapping[str, Any], is_snapshot: bool) -> ApplyResult:
            result = original(book, data, is_snapshot)
            symbol = book.symbol
            counts[symbol] = counts.get(symbol, 0) + 1
            if result is not ok:
                not_ok[symbol] = not_ok.get(symbol, 0) + 1
            if symbol == self._watched:
                stamp = data.get("timestamp")
                if type(stamp) is str:
                    pending.append((book.version, stamp))
            return result

        setattr(spot_public, HOOKED, counted)

    def uninstall(self) -> None:
        from kraken_tui.ui.widgets.ladder import LadderPane

        LadderPane.probe = None
        if self._original_apply is not None:
            setattr(spot_public, HOOKED, self._original_apply)
            self._original_apply = None

    # ----------------------------------------------------------------- hooks
    def built(self, frame: object, book: L2Book | None) -> None:
        """The ladder laid out ``frame`` from the current state of ``book``."""
        self._built_frame = frame
        if book is None:
            self._built_version, self._built_synced = None, False
        else:
            self._built_version = (id(book), book.version)
            self._built_synced = book.health is BookHealth.SYNCED and len(book) > 0

    def shown(self, frame: object, ladder: LadderPane) -> None:
        """Textual is rendering the first line of ``frame``: it reaches the screen now."""
        if frame is self._last_shown_frame:
            return
        self._last_shown_frame = frame
        now = time.time()
        self.frames_shown += 1
        built = frame is self._built_frame
        if self.first_synced_at is None and built and self._built_synced:
            self.first_synced_at = now
        key = self._key
        if key is not None and key[1](ladder):
            self._key = None
            self.key_latencies_ms.append((time.perf_counter() - key[0]) * 1000)
        version = self._built_version if built else None
        if version is None or version == self._last_shown_version:
            return
        same_book = self._last_shown_version is not None and (
            self._last_shown_version[0] == version[0]
        )
        self._last_shown_version = version
        if self.measuring:
            self.book_frames += 1
        pending = self._pending
        if not same_book:
            # A new book object (first frame, resubscription): earlier stamps belong to
            # the old one, whose versions do not compare with the new one's.
            while pending and pending[0][0] <= version[1]:
                pending.popleft()
            return
        latencies = self.latencies_ms
        measuring = self.measuring
        while pending and pending[0][0] <= version[1]:
            _, stamp = pending.popleft()
            if measuring:
                latencies.append((now - self._stamp_seconds(stamp)) * 1000)

    # ------------------------------------------------------------------ keys
    def key_pressed(self, done: Callable[[LadderPane], bool]) -> None:
        """A key was just sent; ``done`` tells from the ladder when its effect is shown."""
        self._key = (time.perf_counter(), done)

    @property
    def key_pending(self) -> bool:
        return self._key is not None

    # ----------------------------------------------------------------- misc
    def start_window(self) -> None:
        self.measuring = True
        self.book_frames = 0
        del self.latencies_ms[:]
        self.key_latencies_ms.clear()

    def stop_window(self) -> None:
        self.measuring = False

    def _stamp_seconds(self, text: str) -> float:
        # Many messages share one pump tick's stamp: parse each distinct text once.
        if text != self._stamp_text:
            self._stamp_text = text
            self._stamp = datetime.fromisoformat(text).timestamp()
        return self._stamp
