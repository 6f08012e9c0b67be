"""The benchmarks run end to end and print their tables (no timing assertions: speed lives
in benchmarks/, these only keep them from rotting)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import book_throughput, e2e, peer_kraken_sdk

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


E2E_COLUMNS = [
    "rate",
    "sent",
    "ingested",
    "lost",
    "crc_bad",
    "not_ok",
    "msg/s",
    "cpu%",
    "frames/s",
    "lat_p50_ms",
    "lat_p99_ms",
    "key_p50_ms",
    "key_max_ms",
    "rss_mb",
    "launch_s",
    "ex_cpu%",
    "tty_kb/s",
]


def run_e2e_quick(*extra: str) -> dict[str, str]:
    """Run ``e2e.py --quick`` at 500 msg/s; its one table row by column name."""
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "benchmarks" / "e2e.py"),
            "--quick",
            "--rate",
            "500",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO_ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.strip().splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.split()[:1] == ["rate"])
    assert lines[header_at].split() == E2E_COLUMNS
    row = lines[header_at + 1].split()
    assert len(row) == len(E2E_COLUMNS), lines[header_at + 1]
    assert lines[-1].startswith("kraken-tui --help: ")
    return dict(zip(E2E_COLUMNS, row, strict=True))


def test_e2e_quick_run_prints_every_column() -> None:
    """The exchange and the headless dashboard really run, each in its own process."""
    values = run_e2e_quick()
    assert values["rate"] == "500"
    sent = int(values["sent"].replace(",", ""))
    assert sent > 0
    assert values["ingested"].replace(",", "") == str(sent)  # nothing lost on loopback
    assert values["lost"] == "0"
    assert values["crc_bad"] == "0"
    # Every timed column got a figure ("-" would mean nothing was measured).
    for name in ("cpu%", "frames/s", "lat_p50_ms", "lat_p99_ms", "rss_mb", "launch_s", "ex_cpu%"):
        assert values[name] != "-", name
    assert values["tty_kb/s"] == "-"  # headless: no terminal written


def test_e2e_quick_run_on_a_pseudo_terminal_writes_to_it() -> None:
    values = run_e2e_quick("--terminal")
    assert values["lost"] == "0"
    assert float(values["tty_kb/s"].replace(",", "")) > 0


def test_e2e_quick_run_in_a_render_mode_says_so() -> None:
    """``--fps`` / ``--low-power`` reach the dashboard (the header names the mode)."""
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "benchmarks" / "e2e.py"),
            "--quick",
            "--rate",
            "500",
            "--fps",
            "5",
            "--low-power",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO_ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0].endswith("render: --fps 5 --low-power")
    header_at = next(i for i, line in enumerate(lines) if line.split()[:1] == ["rate"])
    row = dict(zip(E2E_COLUMNS, lines[header_at + 1].split(), strict=True))
    assert row["lost"] == "0" and row["crc_bad"] == "0"


def test_e2e_rejects_an_fps_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        e2e.main(["--fps", "0"])
    assert "--fps must be between 1 and 60" in capsys.readouterr().err


def test_e2e_percentile_takes_the_nearest_rank() -> None:
    assert e2e.percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert e2e.percentile([float(n) for n in range(1, 101)], 0.99) == 99.0
    assert e2e.percentile([7.0], 0.99) == 7.0
    assert e2e.percentile([], 0.5) is None


def test_book_throughput_peer_quick_run() -> None:
    if peer_kraken_sdk.peer_version() is None:
        pytest.skip("python-kraken-sdk (the bench extra) is not installed")
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "book_throughput.py"), "--peer", "--quick"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO_ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.strip().splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith(" depth  ours"))
    rows = [line.split() for line in lines[header_at + 1 :]]
    assert [row[0] for row in rows] == ["10", "100", "1000"]
    for row in rows:
        assert row[3].endswith("x")
        assert int(row[4]) > 0  # the peer applied messages
        assert row[5] == "0"  # and found every checksum good


def test_book_throughput_peer_without_the_extra_prints_ours_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(peer_kraken_sdk, "peer_version", lambda: None)
    code = book_throughput.main(["--peer", "--quick", "--messages", "200"])
    out = capsys.readouterr().out
    assert code == 0
    assert "python-kraken-sdk is not installed" in out
    rows = [line.split()[0] for line in out.splitlines()[1:] if line.split()[0].isdigit()]
    assert rows == ["10", "100", "1000"]
