"""Signing reproduces every published vector in shared/vectors exactly."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from kraken_tui.model.secret import Secret
from kraken_tui.venues.signing import (
    NonceSource,
    futures_authent,
    futures_endpoint_path,
    sign_challenge,
    spot_api_sign,
)

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / "shared" / "vectors"
LOCAL = HERE.parent / "vectors"


def _vectors(name: str) -> list[dict[str, Any]]:
    path = SHARED / name if (SHARED / name).exists() else LOCAL / name
    cases: list[dict[str, Any]] = json.loads(path.read_text())["cases"]
    assert cases, f"{path} has no cases"
    return cases


@pytest.mark.parametrize("case", _vectors("futures_challenge_sign.json"))
def test_futures_challenge_vectors(case: dict[str, Any]) -> None:
    signed = sign_challenge(Secret(case["api_secret"]), case["challenge"])
    assert signed == case["expected_signed_challenge"]


@pytest.mark.parametrize("case", _vectors("futures_rest_authent.json"), ids=lambda c: c["name"])
def test_futures_authent_vectors(case: dict[str, Any]) -> None:
    secret = Secret(case["api_secret"])
    path = case.get("request_path", case["endpoint_path_signed"])
    assert futures_authent(secret, case["post_data"], case["nonce"], path) == case[
        "expected_authent"
    ]
    # Signing the already-stripped path gives the same value.
    signed_path = case["endpoint_path_signed"]
    assert futures_authent(secret, case["post_data"], case["nonce"], signed_path) == case[
        "expected_authent"
    ]


def test_futures_authent_prefix_matters() -> None:
    """Hashing the /derivatives prefix (a classic bug) does not reproduce the vector."""
    case = _vectors("futures_rest_authent.json")[0]
    message = case["post_data"] + case["nonce"] + "/derivatives/api/v3/sendorder"
    key = base64.b64decode(case["api_secret"])
    digest = hashlib.sha256(message.encode()).digest()
    unstripped = base64.b64encode(hmac.new(key, digest, hashlib.sha512).digest()).decode()
    assert unstripped != case["expected_authent"]
    assert futures_endpoint_path("/derivatives/api/v3/sendorder") == "/api/v3/sendorder"
    assert futures_endpoint_path("/api/history/v3/orders") == "/api/history/v3/orders"


@pytest.mark.parametrize("case", _vectors("spot_api_sign.json"), ids=lambda c: c["name"])
def test_spot_api_sign_vectors(case: dict[str, Any]) -> None:
    secret = Secret(case["api_secret"])
    signed = spot_api_sign(secret, case["uri_path"], case["nonce"], case["post_data"])
    assert signed == case["expected_api_sign"]


def test_nonces_strictly_increase_even_within_one_millisecond() -> None:
    source = NonceSource()
    values = [int(source.next()) for _ in range(1000)]
    assert all(b > a for a, b in itertools.pairwise(values))


def test_nonce_floor_survives_a_clock_behind_it() -> None:
    far_future = 10**15
    source = NonceSource(floor=far_future)
    assert int(source.next()) == far_future + 1
    assert int(source.next()) == far_future + 2
