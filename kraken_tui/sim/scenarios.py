"""Named market scenarios: how fast the market moves and which faults recur.

Rates are market steps per second; each step is one book message for a spot
subscriber that sees the change (depth 1000 sees nearly all) and one or more
one-level deltas on futures. ``total_rate`` (set by ``fast`` or ``--rate``) is
split across the symbols whose books someone watches; otherwise each watched
symbol runs at ``per_symbol_rate``. Unwatched symbols tick at ``idle_rate`` so
tickers and trades stay alive.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    per_symbol_rate: float = 5.0
    total_rate: float | None = None
    idle_rate: float = 2.0
    stall_every: float | None = None
    stall_for: float = 3.0
    disconnect_every: float | None = None
    bad_checksum_every: float | None = None
    seq_gap_every: float | None = None

    def rate_for(self, watched: bool, watched_count: int) -> float:
        """Steps per second for one symbol."""
        if not watched:
            return self.idle_rate
        if self.total_rate is not None:
            return self.total_rate / max(1, watched_count)
        return self.per_symbol_rate


SCENARIOS: dict[str, Scenario] = {
    "calm": Scenario("calm"),
    "fast": Scenario("fast", total_rate=1500.0, idle_rate=5.0),
    "stall": Scenario("stall", stall_every=15.0, stall_for=4.0),
    "disconnect": Scenario("disconnect", disconnect_every=20.0),
    "bad-checksum": Scenario("bad-checksum", bad_checksum_every=10.0),
    "seq-gap": Scenario("seq-gap", seq_gap_every=10.0),
}


def get_scenario(name: str, rate: float | None = None) -> Scenario:
    """The named scenario, with ``rate`` (book messages/s in total) overriding its speed."""
    try:
        scenario = SCENARIOS[name]
    except KeyError:
        raise ValueError(f"unknown scenario {name!r}; choose from {', '.join(SCENARIOS)}") from None
    if rate is not None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        scenario = replace(scenario, total_rate=float(rate))
    return scenario
