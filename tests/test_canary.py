"""Canary secret and token: crash the app inside the signing code and scan every output.

ARCHITECTURE §7 / reliability matrix K6: the canary must appear in no log file, stderr,
crash traceback, screenshot or exception/status message.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.canary_app import CANARY_PLAIN, CANARY_SECRET, CANARY_TOKEN, FORCED

ROOT = Path(__file__).resolve().parents[1]


def test_canary_secret_and_token_never_leak(tmp_path: Path) -> None:
    env = dict(os.environ, HOME=str(tmp_path), PYTHONPATH=str(ROOT), NO_COLOR="1")
    env.pop("KRAKEN_TUI_LIVE_TESTS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "tests.canary_app", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )
    progress = (tmp_path / "progress.txt").read_text()
    # It really happened: signing raised in the feed, the token was used, the app crashed
    # with a printed traceback, frames were logged, a screenshot was taken.
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "signing raised 0 times" not in progress
    assert "tokens handed out 0" not in progress
    assert FORCED in proc.stderr and "sign_challenge" in proc.stderr
    log = (tmp_path / "kraken.log").read_text()
    assert "spot-private" in log and "futures-private" in log
    assert "Invalid session" in log  # the exchange's refusal of the canary token was logged
    screen = (tmp_path / "screen.svg").read_text()
    assert "kraken-tui" in screen

    outputs = {
        "stdout": proc.stdout,
        "stderr (crash report)": proc.stderr,
        "log file": log,
        "screenshot": screen,
        "status and exception messages": progress,
    }
    canaries = {
        "secret": CANARY_SECRET,
        "decoded secret": CANARY_PLAIN.decode(),
        "token": CANARY_TOKEN,
        # websockets elides the middle of long frames: a tail alone must not slip out either.
        "token's tail": CANARY_TOKEN[-14:],
        "secret's tail": CANARY_SECRET[-14:],
    }
    for where, text in outputs.items():
        for what, canary in canaries.items():
            assert canary not in text, f"the canary {what} leaked into the {where}"
    # Nothing else was written (no config, no key file) under HOME.
    written = {p.name for p in tmp_path.iterdir()}
    assert written <= {"kraken.log", "screen.svg", "progress.txt"}
