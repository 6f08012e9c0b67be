"""The throughput benchmark runs end to end (no timing assertions: speed lives in benchmarks/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks import book_throughput

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_book_throughput_quick_run_verifies_every_checksum() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "book_throughput.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0].split() == [
        "depth",
        "messages",
        "seconds",
        "messages/s",
        "verified",
        "cpu_msg/s",
        "levels/update",
    ]
    rows = [line.split() for line in lines[1:]]
    assert [row[0] for row in rows] == ["10", "1000"]
    for row in rows:
        assert row[1] == row[4]  # every message's checksum verified
        assert int(row[1]) > 0


def test_book_throughput_counts_a_bad_checksum() -> None:
    frames = book_throughput.generate(10, 50, 1)
    frames[20] = frames[20].replace(b'"checksum":', b'"checksum":1')
    result = book_throughput.replay(frames, 10)
    assert result.verified == 20  # the snapshot and 19 updates before the bad one
    assert result.bad >= 1
