"""Tests that talk to Kraken itself: skipped unless ``KRAKEN_TUI_LIVE_TESTS=1``.

Everything else in the suite stays on 127.0.0.1; these check our assumptions about
Kraken's real public feeds (no keys needed) when someone asks for it.
"""

from __future__ import annotations

import os

import pytest

OPT_IN = "KRAKEN_TUI_LIVE_TESTS"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get(OPT_IN) == "1":
        return
    skip = pytest.mark.skip(reason=f"talks to Kraken itself; set {OPT_IN}=1 to run")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)
