"""The two outcomes of decoding that are not a typed message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class FrameError(ValueError):
    """A frame that cannot be decoded: not JSON, not an object, or a broken shape.

    ``reason`` is short, human-readable text for logs and drop counters.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class UnknownFrame:
    """A well-formed JSON object of a kind this codec does not model.

    ``raw`` is the decoded object (numbers as exact text / int).
    """

    raw: dict[str, Any]
