"""Practice API keys of the embedded exchange, one pair per venue.

Fresh random keys each time a server starts (``secrets``), unless the caller
fixes them so a standalone exchange keeps stable keys across restarts. They
look like Kraken's: a 56-character base64 key and a secret that is base64 of
64 random bytes (the HMAC key the signatures use). They guard a loopback
practice account, so ``kraken-tui sim`` prints them for other clients.
"""

from __future__ import annotations

import base64
import secrets

from kraken_tui.model import Venue
from kraken_tui.model.secret import CredentialError, Credentials, Secret, check_api_secret

SOURCE = "embedded exchange"
KEY_BYTES = 42
"""42 bytes encode to exactly 56 base64 characters, no padding."""
SECRET_BYTES = 64


def new_api_key() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def new_api_secret() -> Secret:
    return Secret(base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii"))


def _pair(key: str | None, secret: str | Secret | None, venue: Venue) -> Credentials:
    if key is not None and not key.strip():
        raise CredentialError(f"the {venue.value} practice API key is empty")
    if secret is None:
        api_secret = new_api_secret()
    else:
        api_secret = secret if isinstance(secret, Secret) else Secret(secret)
    check_api_secret(api_secret)
    return Credentials(key or new_api_key(), api_secret, SOURCE)


def issue_practice_keys(
    *,
    futures_key: str | None = None,
    futures_secret: str | Secret | None = None,
    spot_key: str | None = None,
    spot_secret: str | Secret | None = None,
) -> dict[Venue, Credentials]:
    """Credentials per venue; any value not given is generated at random.

    Raises :class:`CredentialError` for a given secret that is not valid base64.
    """
    return {
        Venue.FUTURES: _pair(futures_key, futures_secret, Venue.FUTURES),
        Venue.SPOT: _pair(spot_key, spot_secret, Venue.SPOT),
    }
