"""Start-up objects leave the collector's walks once, and young collections come less often."""

from __future__ import annotations

import gc

from kraken_tui.ui.gc_pauses import YOUNG_GENERATION, freeze_startup_objects, startup_frozen


def test_freezing_happens_once_and_raises_the_young_threshold() -> None:
    freeze_startup_objects()  # a ladder test may already have done it in this process
    assert startup_frozen()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == YOUNG_GENERATION
    assert freeze_startup_objects() is False  # never twice
