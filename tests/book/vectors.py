"""Where the test vectors live: the shared read-only set beside the repo, else the copies here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_VECTORS = REPO_ROOT.parent / "shared" / "vectors"
LOCAL_VECTORS = REPO_ROOT / "tests" / "vectors"


def vector_path(name: str) -> Path:
    """Prefer ``../shared/vectors/NAME`` (the source of truth); fall back to ``tests/vectors``."""
    shared = SHARED_VECTORS / name
    return shared if shared.is_file() else LOCAL_VECTORS / name


def load_vector(name: str) -> Any:
    """Decode a vector keeping every JSON float as its exact text, as the app's codec does."""
    return msgspec.json.Decoder(float_hook=str).decode(vector_path(name).read_bytes())
