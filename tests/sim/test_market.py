"""The synthetic market and the depth windows, without sockets."""

from __future__ import annotations

import pytest

from kraken_tui.book import ApplyResult, SpotBook, spot_checksum
from kraken_tui.model.scaled import format_scaled
from kraken_tui.sim.catalog import Catalog
from kraken_tui.sim.market import SyntheticMarket
from kraken_tui.sim.windows import DepthWindow

CATALOG = Catalog()


def _wire(levels: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """Scaled levels as the text XRP/USD (5/8) puts on the wire."""
    return [(format_scaled(p, 5), format_scaled(q, 8)) for p, q in levels]


def test_catalog_precisions() -> None:
    spot = {i.symbol: i for i in CATALOG.instruments if i.venue == "spot"}
    assert (spot["BTC/USD"].price_precision, spot["BTC/USD"].qty_precision) == (1, 8)
    assert spot["ETH/USD"].price_precision == 2
    assert spot["XRP/USD"].price_precision == 5
    assert spot["DOGE/USD"].price_precision == 7
    assert spot["ADA/USD"].price_precision == 6
    assert len(spot) >= 5
    futures = {i.symbol: i for i in CATALOG.instruments if i.venue == "futures"}
    assert (futures["PF_XBTUSD"].price_precision, futures["PF_XBTUSD"].qty_precision) == (0, 4)
    assert str(futures["PI_XBTUSD"].tick_size) == "0.5"
    assert futures["PI_XBTUSD"].tick_scaled == 5


@pytest.mark.parametrize("listing", CATALOG.listings, ids=lambda listing: listing.symbol)
def test_market_stays_deep_uncrossed_and_on_tick(listing: object) -> None:
    market = SyntheticMarket(listing, seed=1)  # type: ignore[arg-type]
    tick = market.tick
    trades = 0
    for step in range(3000):
        _, made = market.step(step)
        trades += len(made)
        assert len(market.bids) >= 1000 and len(market.asks) >= 1000
        bid, ask = market.bids.best, market.asks.best
        assert bid is not None and ask is not None and bid < ask
    assert trades > 50
    assert all(price % tick == 0 for price, _ in market.bids.top() + market.asks.top())


def test_same_seed_same_market_other_seed_differs() -> None:
    listing = CATALOG.spot_pair("ETH/USD")
    assert listing is not None
    first, second, other = (SyntheticMarket(listing, seed) for seed in (9, 9, 10))
    run = [first.step(i) for i in range(500)]
    assert run == [second.step(i) for i in range(500)]
    assert run != [other.step(i) for i in range(500)]


@pytest.mark.parametrize("depth", [10, 25, 100, 500, 1000])
def test_depth_window_keeps_a_subscriber_exact(depth: int) -> None:
    listing = CATALOG.spot_pair("XRP/USD")
    assert listing is not None
    market = SyntheticMarket(listing, seed=11)
    window = DepthWindow(depth, market.bids, market.asks)
    market.add_observer(window)
    client = SpotBook("XRP/USD", 5, 8, depth)
    asks, bids = market.asks.top(depth), market.bids.top(depth)
    snapshot = client.apply(_wire(bids), _wire(asks), spot_checksum(asks, bids), snapshot=True)
    assert snapshot is ApplyResult.OK
    for step in range(4000):
        market.step(step)
        bids, asks = window.flush()
        if bids or asks:
            checksum = spot_checksum(market.asks.top(10), market.bids.top(10))
            result = client.apply(_wire(bids), _wire(asks), checksum, snapshot=False)
            assert result is ApplyResult.OK
        assert client.bids() == market.bids.top(depth)
        assert client.asks() == market.asks.top(depth)
