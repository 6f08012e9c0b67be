"""RFC 3339 parsing is lenient the way Kraken's examples need; formatting is Kraken's spot form."""

from __future__ import annotations

import pytest

from kraken_tui.venues.timefmt import ms_to_rfc3339, ns_to_rfc3339, rfc3339_to_ms

# 2023-10-06T17:35:55Z is 1696613755 s since the epoch.
BASE_MS = 1_696_613_755_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-10-06T17:35:55.440295Z", BASE_MS + 440),
        ("2023-10-06T17:35:55.440295914Z", BASE_MS + 440),
        ("2023-10-06T17:35:55.4402959Z", BASE_MS + 440),
        ("2023-10-06T17:35:55.440295", BASE_MS + 440),
        ("2023-10-06T17:35:55Z", BASE_MS),
        ("2023-10-06T17:35:55.4Z", BASE_MS + 400),
        ("2023-10-06T19:35:55.440+02:00", BASE_MS + 440),
        ("2023-10-06T16:35:55.440-01:00", BASE_MS + 440),
    ],
)
def test_parse_lenient(text: str, expected: int) -> None:
    assert rfc3339_to_ms(text) == expected


@pytest.mark.parametrize("text", ["", "yesterday", "2023-10-06", "2023-10-06T17:35:55.Z"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        rfc3339_to_ms(text)


def test_format() -> None:
    assert ms_to_rfc3339(BASE_MS + 440) == "2023-10-06T17:35:55.440000Z"
    assert ns_to_rfc3339(BASE_MS * 1_000_000 + 440_295_914) == "2023-10-06T17:35:55.440295Z"
