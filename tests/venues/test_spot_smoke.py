"""Smoke test: the spot codec's first increment decodes the docs' book update."""

from __future__ import annotations

from kraken_tui.venues.kraken_spot.codec import decode
from kraken_tui.venues.kraken_spot.messages import BookFrame

UPDATE = (
    '{"channel": "book", "type": "update", "data": [{"symbol": "MATIC/USD", '
    '"bids": [{"price": 0.5657, "qty": 1098.3947558}], "asks": [], '
    '"checksum": 2114181697, "timestamp": "2023-10-06T17:35:55.440295Z"}]}'
)


def test_book_update_keeps_number_text() -> None:
    frame = decode(UPDATE)
    assert isinstance(frame, BookFrame)
    assert frame.bids == [("0.5657", "1098.3947558")]
    assert frame.checksum == 2114181697
    assert not frame.is_snapshot
