"""Keep Python's full garbage collections from stalling the dashboard.

A full (generation 2) collection walks every tracked object in the process.
Once the dashboard runs that is Textual's widget tree, the instruments, pydantic
and websockets state: hundreds of thousands of objects that live until exit.
Measured with ``benchmarks/e2e.py`` at 1,000 book messages/s, such a collection
came every two seconds or so and held the event loop for 40-150 ms, which was
the whole tail of the update-to-screen latency (and of key presses).

:func:`freeze_startup_objects` moves everything alive at that moment into the
permanent generation (``gc.freeze()``), so later collections only walk what was
created since. It is called once, when the ladder first shows a live book:
by then the long-lived state exists. Reference cycles created afterwards are
still collected as before.

It also lets the youngest generation grow to :data:`YOUNG_GENERATION` objects
before a collection instead of 700: Textual makes and drops many containers per
frame, and at 700 the collector ran 37 times a second. Measured at 1,000 msg/s
the collector's time fell from about 19 to 9 ms per second; a young collection
takes about 2 ms.
"""

from __future__ import annotations

import gc

YOUNG_GENERATION = 5000
"""Allocations (less deallocations) of tracked objects between young collections."""

_frozen = False


def startup_frozen() -> bool:
    """Whether :func:`freeze_startup_objects` already ran in this process."""
    return _frozen


def freeze_startup_objects() -> bool:
    """Freeze the objects alive now (once per process); returns whether it froze them."""
    global _frozen
    if _frozen:
        return False
    _frozen = True
    # Collect first so garbage made during start-up is not frozen with the rest.
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION, middle, old)
    return True
