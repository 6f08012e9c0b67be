"""Scenario lookup and how rates split across watched symbols."""

from __future__ import annotations

import pytest

from kraken_tui.sim.scenarios import SCENARIOS, get_scenario


def test_named_scenarios_exist() -> None:
    assert {"calm", "fast", "stall", "disconnect", "bad-checksum", "seq-gap"} <= set(SCENARIOS)
    assert SCENARIOS["stall"].stall_every and SCENARIOS["disconnect"].disconnect_every
    assert SCENARIOS["bad-checksum"].bad_checksum_every and SCENARIOS["seq-gap"].seq_gap_every


def test_fast_splits_its_total_and_rate_overrides() -> None:
    fast = get_scenario("fast")
    assert fast.rate_for(True, 1) >= 1000
    assert fast.rate_for(True, 3) * 3 == pytest.approx(fast.rate_for(True, 1))
    calm = get_scenario("calm", rate=40)
    assert calm.rate_for(True, 4) == 10
    assert calm.rate_for(False, 4) == calm.idle_rate


def test_bad_names_and_rates_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown scenario"):
        get_scenario("storm")
    with pytest.raises(ValueError):
        get_scenario("calm", rate=0)
