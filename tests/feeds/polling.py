"""Polling helper for feed tests: wait for a condition instead of sleeping."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


async def until(condition: Callable[[], object], limit: float = 5.0, what: str = "") -> None:
    """Poll ``condition`` every few ms; fail the test after ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit}s waiting for {what or condition}")
        await asyncio.sleep(0.01)
