"""The command line: every command explains itself, and dispatch reaches the right code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kraken_tui.cli import _venue_of, build_parser, main
from kraken_tui.endpoints import from_exchange_url
from kraken_tui.launch import EmbeddedExchange

HELP_TOPICS = {
    (): [
        "embedded",
        "--exchange",
        "--symbol",
        "--fps",
        "--low-power",
        "--low-flicker",
        "sim",
        "verify",
        "screenshots",
        "examples",
    ],
    ("sim",): ["--port", "--seed", "--scenario", "spot_ws", "loopback"],
    ("verify",): ["--precision", "--depth", "file"],
    ("screenshots",): ["--out", "SVG"],
}


@pytest.mark.parametrize("words", list(HELP_TOPICS))
def test_every_command_explains_itself(words: tuple[str, ...]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kraken_tui", *words, "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for needle in HELP_TOPICS[words]:
        assert needle in result.stdout, f"{needle!r} missing from `{' '.join(words)} --help`"


def test_help_does_not_load_textual_or_aiohttp() -> None:
    code = (
        "import sys; from kraken_tui.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('textual', 'aiohttp', 'websockets') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    assert out.strip() == "[]"


def test_symbols_pick_their_venue() -> None:
    assert _venue_of("BTC/USD") == "spot"
    assert _venue_of("PF_XBTUSD") == "futures"
    assert _venue_of("pi_xbtusd") == "futures"


def test_bad_depth_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["--depth", "7"])
    assert exc.value.code == 2
    assert "--depth" in capsys.readouterr().err


def test_verify_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A one-level MATIC/USD snapshot whose CRC is computed here by Kraken's rule
    # (asks then bids, each "price digits + qty digits" at precision 4/8).
    import zlib

    ask_text, bid_text = "5668" + "441079769741", "5666" + "483175496356"
    crc = zlib.crc32((ask_text + bid_text).encode())
    frame = {
        "channel": "book",
        "type": "snapshot",
        "data": [
            {
                "symbol": "MATIC/USD",
                "bids": [{"price": 0.5666, "qty": 4831.75496356}],
                "asks": [{"price": 0.5668, "qty": 4410.79769741}],
                "checksum": crc,
                "timestamp": "2023-10-06T17:35:55.440295Z",
            }
        ],
    }
    path = tmp_path / "frames.jsonl"
    path.write_text(json.dumps(frame) + "\n")
    assert main(["verify", str(path), "--precision", "MATIC/USD=4,8"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert "checksums_ok=1" in last and "checksums_bad=0" in last
    frame["data"][0]["checksum"] = crc ^ 1  # type: ignore[index]
    path.write_text(json.dumps(frame) + "\n")
    assert main(["verify", str(path), "--precision", "MATIC/USD=4,8"]) == 1
    assert "checksums_bad=1" in capsys.readouterr().out


def test_exchange_url_gives_every_endpoint() -> None:
    urls = from_exchange_url("http://127.0.0.1:8765")
    assert urls.spot_ws == "ws://127.0.0.1:8765/v2"
    assert urls.spot_auth_ws == "ws://127.0.0.1:8766/v2"
    assert urls.futures_ws == "ws://127.0.0.1:8765/ws/v1"
    assert urls.rest == urls.futures_rest == "http://127.0.0.1:8765"
    with pytest.raises(ValueError, match="HOST:PORT"):
        from_exchange_url("ftp://example")


def test_embedded_exchange_thread_serves_and_stops() -> None:
    import urllib.request

    exchange = EmbeddedExchange(seed=3)
    urls = exchange.start()
    try:
        with urllib.request.urlopen(f"{urls.rest}/derivatives/api/v3/instruments", timeout=5) as r:
            body = json.load(r)
        assert body["result"] == "success"
        assert any(i["symbol"] == "PF_XBTUSD" for i in body["instruments"])
    finally:
        exchange.stop()
    assert exchange._thread is not None and not exchange._thread.is_alive()


def test_render_options_default_to_none_and_off() -> None:
    args = build_parser().parse_args([])
    assert (args.fps, args.low_power, args.low_flicker) == (None, False, False)
    args = build_parser().parse_args(["--fps", "5", "--low-power", "--low-flicker"])
    assert (args.fps, args.low_power, args.low_flicker) == (5, True, True)


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "0 is outside 1-60"), ("61", "61 is outside 1-60"), ("fast", "'fast' is not a whole")],
)
def test_bad_fps_is_a_usage_error(
    value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["--fps", value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "argument --fps" in err and message in err


def test_render_options_reach_run_dashboard(monkeypatch: pytest.MonkeyPatch) -> None:
    from kraken_tui.ui import run

    seen: dict[str, object] = {}

    def fake_run_dashboard(**kwargs: object) -> int:
        seen.update(kwargs)
        return 0

    monkeypatch.setattr(run, "run_dashboard", fake_run_dashboard)
    assert main(["--fps", "12", "--low-flicker"]) == 0
    assert (seen["fps"], seen["low_power"], seen["low_flicker"]) == (12, False, True)
