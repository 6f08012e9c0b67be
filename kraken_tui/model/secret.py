"""API credentials as values that cannot leak by accident.

A :class:`Secret` prints as ``<redacted>`` through ``repr``, ``str``, ``format``
and Rich's pretty printer, refuses to be pickled or copied into JSON, and hands
out its text only through :meth:`Secret.reveal`, which the signing code calls
inside a single expression so no stack frame keeps it in a local variable.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass
from typing import Any, NoReturn

REDACTED = "<redacted>"
_BASE64 = re.compile(r"\A[A-Za-z0-9+/]+={0,2}\Z")


class CredentialError(ValueError):
    """A credential is malformed; the message never repeats the value."""


class Secret:
    """A secret string. ``reveal()`` is the only way to read it."""

    __slots__ = ("__value",)

    def __init__(self, value: str) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str):
            raise TypeError("Secret wraps a str")
        self.__value = value

    def reveal(self) -> str:
        return self.__value

    def __repr__(self) -> str:
        return REDACTED

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return REDACTED

    def __rich_repr__(self) -> Any:  # pragma: no cover - Rich calls it only when pretty printing
        yield REDACTED

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other.reveal() == self.__value

    def __hash__(self) -> int:
        return hash((Secret, self.__value))

    def __bool__(self) -> bool:
        return bool(self.__value)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled")

    def __getstate__(self) -> NoReturn:
        raise TypeError("a Secret cannot be serialised")


def check_api_secret(secret: Secret) -> None:
    """Kraken API secrets are base64 of the HMAC key; raise CredentialError otherwise.

    Uses a regex and the C decoder so a failure leaves no Python frame holding the text.
    """
    text = secret.reveal()
    if not text or len(text) % 4 or not _BASE64.match(text):
        raise CredentialError(
            f"the API secret is not valid base64 ({len(text)} characters); "
            "paste it exactly as Kraken showed it"
        )
    try:
        binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
    except (binascii.Error, ValueError):
        raise CredentialError("the API secret is not valid base64") from None


def mask_key(api_key: str) -> str:
    """An API key for display: its last four characters only."""
    return f"…{api_key[-4:]}" if len(api_key) > 4 else "…"


@dataclass(frozen=True, slots=True, repr=False)
class Credentials:
    """One API key pair for one venue, and where it came from (for the status bar)."""

    api_key: str
    api_secret: Secret
    source: str = "keyring"
    """``keyring``, ``environment`` or ``embedded exchange``."""

    def __repr__(self) -> str:
        return f"Credentials(api_key={mask_key(self.api_key)!r}, source={self.source!r})"

    __str__ = __repr__
