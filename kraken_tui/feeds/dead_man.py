"""The dead-man's switch keeper: cancel-all-after re-armed while orders work.

While a venue has working orders in the account store, its switch is armed with
``timeout`` seconds and re-armed every ``refresh`` seconds, so if this program
freezes or loses its network the exchange cancels everything ``timeout`` seconds
after the last refresh. When no orders work any more the switch is disarmed
(timeout 0) once. :meth:`DeadManSwitch.seconds` is the countdown the status bar
shows: time left until the last trigger time this program set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from kraken_tui.feeds.account_store import AccountStore
from kraken_tui.model import Venue
from kraken_tui.venues.outcomes import Accepted, Outcome

log = logging.getLogger("kraken_tui.trading")

Arm = Callable[[Venue, int], Awaitable[Outcome]]
"""(venue, seconds) -> the venue's cancel-all-after call; 0 disarms."""
RETRY_AFTER_FAILURE = 2.0


class DeadManSwitch:
    """See the module docstring. Run :meth:`run` in a task."""

    def __init__(
        self,
        account: AccountStore,
        venues: Sequence[Venue],
        arm: Arm,
        *,
        timeout: int = 60,
        refresh: float = 15.0,
        poll_interval: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.account = account
        self.venues = tuple(venues)
        self._arm_call = arm
        self.timeout = timeout
        self.refresh = refresh
        self.poll_interval = poll_interval
        self._clock = clock
        self._deadline: dict[Venue, float] = {}
        self._refreshed: dict[Venue, float] = {}
        self._wake = asyncio.Event()
        self.stopped = False
        self.refreshes = 0
        """Successful arm calls (tests and diagnostics)."""

    def seconds(self, venue: Venue) -> float | None:
        deadline = self._deadline.get(venue)
        return None if deadline is None else max(0.0, deadline - self._clock())

    def wake(self) -> None:
        """Look at the orders now (an order was just placed)."""
        self._wake.set()

    async def arm(self, venue: Venue, seconds: int) -> Outcome:
        started = self._clock()
        outcome = await self._arm_call(venue, seconds)
        if isinstance(outcome, Accepted):
            if seconds > 0:
                self.refreshes += 1
                self._deadline[venue] = started + seconds
                self._refreshed[venue] = started
            else:
                self._deadline.pop(venue, None)
                self._refreshed.pop(venue, None)
        else:
            log.warning("%s dead-man switch: %s", venue.value, outcome.message)
        return outcome

    async def disarm_all(self) -> None:
        """Stop refreshing and disarm every venue (on a clean exit)."""
        self.stopped = True
        for venue in self.venues:
            outcome = await self.arm(venue, 0)
            log.info("%s dead-man switch on exit: %s", venue.value, outcome.message)

    async def keep(self, venue: Venue) -> None:
        """One look at one venue: arm, refresh, disarm or note that it fired."""
        now = self._clock()
        working = any(o.venue is venue for o in self.account.orders.values())
        deadline = self._deadline.get(venue)
        if deadline is not None and now >= deadline:
            self._deadline.pop(venue, None)
            self._refreshed.pop(venue, None)
            self.account.add_notice(
                f"{venue.value}: the dead man's switch fired; the exchange cancelled all orders"
            )
            return
        if working:
            last = self._refreshed.get(venue)
            if last is None or now - last >= self.refresh:
                outcome = await self.arm(venue, self.timeout)
                if not isinstance(outcome, Accepted):
                    # Try again in a moment, not on every poll.
                    self._refreshed[venue] = now - self.refresh + RETRY_AFTER_FAILURE
        elif deadline is not None:
            await self.arm(venue, 0)

    async def run(self) -> None:
        while True:
            if not self.stopped:
                for venue in self.venues:
                    await self.keep(venue)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_interval):
                    await self._wake.wait()
