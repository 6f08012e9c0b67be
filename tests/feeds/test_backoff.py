"""Full-jitter backoff: bounds, cap, and when the attempt counter resets."""

from __future__ import annotations

import random

import pytest

from kraken_tui.feeds.backoff import Backoff


class RecordingRng:
    """Returns the upper bound it was asked for, and remembers every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.calls.append((a, b))
        return b


def test_ceilings_double_from_base_until_the_cap() -> None:
    rng = RecordingRng()
    backoff = Backoff(base=0.5, cap=30.0, rng=rng)
    delays = [backoff.next_delay() for _ in range(9)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]
    assert all(low == 0.0 for low, _ in rng.calls)


def test_full_jitter_draws_stay_within_zero_and_the_ceiling() -> None:
    backoff = Backoff(base=0.5, cap=30.0, rng=random.Random(1234))
    for attempt in range(40):
        ceiling = min(30.0, 0.5 * 2**attempt)
        delay = backoff.next_delay()
        assert 0.0 <= delay <= ceiling


def test_seeded_rng_makes_delays_reproducible_and_spread() -> None:
    first = Backoff(rng=random.Random(7))
    second = Backoff(rng=random.Random(7))
    a = [first.next_delay() for _ in range(12)]
    b = [second.next_delay() for _ in range(12)]
    assert a == b
    # Full jitter: capped draws are not all pinned to the cap.
    assert len({round(d, 6) for d in a[6:]}) > 1


def test_reset_starts_again_from_base() -> None:
    rng = RecordingRng()
    backoff = Backoff(base=0.5, cap=30.0, rng=rng)
    for _ in range(5):
        backoff.next_delay()
    assert backoff.attempt == 5
    backoff.reset()
    assert backoff.attempt == 0
    assert backoff.next_delay() == 0.5


def test_huge_attempt_counts_do_not_overflow() -> None:
    backoff = Backoff(base=0.5, cap=30.0, rng=RecordingRng())
    backoff.attempt = 10_000
    assert backoff.next_delay() == 30.0


def test_rejects_non_positive_parameters() -> None:
    with pytest.raises(ValueError):
        Backoff(base=0)
    with pytest.raises(ValueError):
        Backoff(cap=-1)
