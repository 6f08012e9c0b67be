"""RFC 3339 timestamps: lenient parsing to epoch ms, and Kraken-style formatting."""

from __future__ import annotations

import calendar
import re
import time

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$"
)


def rfc3339_to_ms(text: str) -> int:
    """Epoch milliseconds of an RFC 3339 time.

    Lenient as Kraken's examples require: any number of fractional digits (6, 7
    or 9 are seen), ``Z``, a numeric offset, or no zone at all (taken as UTC).
    Raises ``ValueError`` on anything else.
    """
    match = _RFC3339.match(text.strip())
    if match is None:
        raise ValueError(f"not an RFC 3339 time: {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    frac, _, sign, off_h, off_m = match.groups()[6:]
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    if sign:
        offset = int(off_h) * 3600 + int(off_m) * 60
        seconds -= offset if sign == "+" else -offset
    millis = int((frac or "")[:3].ljust(3, "0"))
    return seconds * 1000 + millis


def ms_to_rfc3339(ms: int) -> str:
    """Kraken's spot form: microseconds and ``Z`` (``2023-10-06T17:35:55.440000Z``)."""
    return ns_to_rfc3339(ms * 1_000_000)


def ns_to_rfc3339(ns: int) -> str:
    """Epoch nanoseconds as RFC 3339 with six fractional digits and ``Z``."""
    seconds, rest = divmod(ns, 1_000_000_000)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    return f"{stamp}.{rest // 1000:06d}Z"


def now_rfc3339() -> str:
    """The current time in Kraken's spot form."""
    return ns_to_rfc3339(time.time_ns())
