"""The two outcomes of decoding that are not a typed message, and the validation that
turns a pydantic failure into one of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


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


def validate_model(model: type[M], msg: dict[str, Any]) -> M:
    """``model`` validated from ``msg``, or a FrameError naming where and why.

    Only the location and pydantic's message go into the error, never the input,
    which could be a credential field echoed back.
    """
    try:
        return model.model_validate(msg)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        raise FrameError(f"bad {model.__name__} at {where}: {first['msg']}") from None
