"""Full-jitter capped exponential backoff for reconnecting a feed.

The n-th consecutive retry waits ``uniform(0, min(cap, base * 2**n))`` seconds
(AWS "full jitter"): many clients that lost the same server spread out instead
of reconnecting in lockstep. The attempt counter is only reset once a
connection has *proved* healthy (first snapshot, or up for a while) — a server
that accepts the TCP/WebSocket handshake and then drops us at once must still
be backed off, otherwise we would hammer it (and Kraken bans an IP after ~150
connects in ten minutes).
"""

from __future__ import annotations

import random
from typing import Protocol

DEFAULT_BASE = 0.5
DEFAULT_CAP = 30.0


class UniformSource(Protocol):
    """Anything with ``random.Random.uniform``'s signature (injectable for tests)."""

    def uniform(self, a: float, b: float) -> float: ...


class Backoff:
    """Delays between reconnect attempts; call :meth:`reset` when healthy again."""

    def __init__(
        self,
        base: float = DEFAULT_BASE,
        cap: float = DEFAULT_CAP,
        rng: UniformSource | None = None,
    ) -> None:
        if base <= 0 or cap <= 0:
            raise ValueError("base and cap must be positive")
        self.base = base
        self.cap = cap
        self._rng: UniformSource = rng if rng is not None else random.Random()
        self.attempt = 0
        """Retries since the last healthy connection."""

    def ceiling(self, attempt: int | None = None) -> float:
        """The upper bound of the delay drawn for ``attempt`` (default: the next one)."""
        n = self.attempt if attempt is None else attempt
        # 2**n overflows float arithmetic only for absurd n; clamp the exponent.
        return min(self.cap, self.base * 2.0 ** min(n, 64))

    def next_delay(self) -> float:
        """Draw the delay before the next attempt and count that attempt."""
        delay = self._rng.uniform(0.0, self.ceiling())
        self.attempt += 1
        return max(0.0, min(delay, self.cap))

    def reset(self) -> None:
        """The connection proved healthy: the next failure starts from ``base`` again."""
        self.attempt = 0
