"""Running a session's long-lived jobs side by side until the session is cancelled."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine, Iterable
from typing import Any


async def run_until_cancelled(jobs: Iterable[tuple[str, Coroutine[Any, Any, None]]]) -> None:
    """Run each ``(name, coroutine)`` as a task and stay running until cancelled.

    Jobs that end on their own (a feed DOWN for good) leave the others running; on
    cancellation every task is cancelled and awaited, so nothing outlives the caller.
    """
    tasks = [asyncio.create_task(job, name=name) for name, job in jobs]
    try:
        if tasks:
            await asyncio.gather(*tasks)
        await asyncio.Event().wait()
    finally:
        await cancel_and_wait(tasks)


async def cancel_and_wait(tasks: Iterable[asyncio.Task[Any]]) -> None:
    """Cancel every task, then wait until each has finished (its CancelledError swallowed),
    so nothing outlives the caller."""
    tasks = list(tasks)
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
