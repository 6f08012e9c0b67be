"""Recording format round trip and ``verify`` on real captures written to disk."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kraken_tui.model import Instrument, InstrumentKind, Venue
from kraken_tui.recording import (
    InstrumentPrecision,
    MalformedLine,
    RecordedFrame,
    RecordingError,
    RecordingHeader,
    RecordingReader,
    RecordingWriter,
)
from kraken_tui.verify import run_verify, verify_file
from tests.book.vectors import load_vector

SPOT_WS = "wss://ws.kraken.com/v2"


def _levels_json(levels: list[dict[str, str]]) -> str:
    return ",".join(
        f'{{"price":{Decimal(lvl["price"]):.1f},"qty":{Decimal(lvl["qty"]):.8f}}}' for lvl in levels
    )


def btcusd_frames() -> list[str]:
    """The real 510-message BTC/USD stream as wire text, numbers at full precision (1/8)."""
    vector = load_vector("book_checksum_v2_sequence_btcusd.json")
    frames = []
    for msg in [vector["fixture"]["init"], *vector["fixture"]["updates"]]:
        data = msg["data"][0]
        frames.append(
            f'{{"channel":"book","type":"{msg["type"]}","data":[{{"symbol":"BTC/USD",'
            f'"bids":[{_levels_json(data["bids"])}],"asks":[{_levels_json(data["asks"])}],'
            f'"checksum":{data["checksum"]}}}]}}'
        )
    assert len(frames) == 510
    return frames


def futures_frames() -> list[str]:
    frames: list[str] = load_vector("fixture_futures_ws_capture.json")["frames"]
    return frames


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def summary(output: str) -> dict[str, str]:
    last = output.strip().splitlines()[-1]
    return dict(pair.split("=", 1) for pair in last.split())


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, str], str]:
    code = run_verify(list(args))
    captured = capsys.readouterr()
    return code, summary(captured.out) if captured.out else {}, captured.err


# ------------------------------------------------------------------------------ spot
def test_raw_capture_all_510_checksums_ok(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_lines(tmp_path / "raw.jsonl", btcusd_frames())
    code, s, _ = run(capsys, str(path), "--precision", "BTC/USD=1,8")
    assert code == 0
    assert s["messages"] == "510"
    assert s["books"] == "1"
    assert s["checksums_ok"] == "510"
    assert s["checksums_bad"] == "0"
    assert (s["seq_gaps"], s["crossed"], s["malformed"], s["unverified"]) == ("0", "0", "0", "0")


def test_one_corrupted_checksum_is_exactly_one_bad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frames = btcusd_frames()
    msg = json.loads(frames[100])
    msg["data"][0]["checksum"] = (msg["data"][0]["checksum"] + 1) % 2**32
    frames[100] = frames[100].replace(
        f'"checksum":{(msg["data"][0]["checksum"] - 1) % 2**32}',
        f'"checksum":{msg["data"][0]["checksum"]}',
    )
    assert json.loads(frames[100]) == msg
    path = write_lines(tmp_path / "raw.jsonl", frames)
    code, s, _ = run(capsys, str(path), "--precision", "BTC/USD=1,8")
    assert code == 1
    assert s["checksums_bad"] == "1"
    assert s["checksums_ok"] == "100"  # the book then waits for a snapshot the file never has
    assert s["unverified"] == "409"
    assert s["result"] == "FAIL"


def _spot_header() -> RecordingHeader:
    btc = Instrument("BTC/USD", Venue.SPOT, InstrumentKind.SPOT, "BTC", "USD", 1, 8, Decimal("0.1"))
    return RecordingHeader.for_instruments("sim", {"spot_ws": SPOT_WS}, [btc])


def test_recording_round_trip_keeps_frames_exact(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    frames = btcusd_frames()[:3]
    with RecordingWriter(path, _spot_header()) as writer:
        writer.write_frame('{"method":"subscribe"}', venue="spot", direction="out", t=1.5)
        for index, frame in enumerate(frames):
            writer.write_frame(frame.encode() if index == 1 else frame, venue="spot", t=2.0 + index)
        writer.flush()
        assert writer.frames == 4
    header_line = json.loads(path.read_text().splitlines()[0])
    assert header_line == {
        "kraken_tui_recording": 1,
        "env": "sim",
        "venues": {"spot_ws": SPOT_WS},
        "instruments": {"BTC/USD": {"venue": "spot", "price_precision": 1, "qty_precision": 8}},
    }
    reader = RecordingReader(path)
    assert reader.header is not None
    assert reader.header.instruments == {"BTC/USD": InstrumentPrecision("spot", 1, 8)}
    items = list(reader)
    assert items[0] == RecordedFrame(2, '{"method":"subscribe"}', 1.5, "out", "spot")
    assert [item.text for item in items[1:] if isinstance(item, RecordedFrame)] == frames
    assert [item.t for item in items[1:] if isinstance(item, RecordedFrame)] == [2.0, 3.0, 4.0]


def test_recording_with_header_needs_no_precision_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rec.jsonl"
    with RecordingWriter(path, _spot_header()) as writer:
        writer.write_frame(
            '{"method":"subscribe","params":{"channel":"book"}}', venue="spot", direction="out"
        )
        for frame in btcusd_frames():
            writer.write_frame(frame, venue="spot")
    code, s, _ = run(capsys, str(path))
    assert code == 0
    assert (s["messages"], s["checksums_ok"], s["checksums_bad"]) == ("510", "510", "0")


def test_depth_comes_from_the_subscribe_ack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frames = btcusd_frames()
    # Kraken's depth-10 stream read as depth 25 keeps levels Kraken dropped: checksums fail.
    path = write_lines(tmp_path / "raw.jsonl", frames)
    code, s, _ = run(capsys, str(path), "--precision", "BTC/USD=1,8", "--depth", "25")
    assert code == 1 and int(s["checksums_bad"]) >= 1
    ack = json.dumps(
        {
            "method": "subscribe",
            "result": {"channel": "book", "depth": 10, "snapshot": True, "symbol": "BTC/USD"},
            "success": True,
        }
    )
    path = write_lines(tmp_path / "acked.jsonl", [ack, *frames])
    code, s, _ = run(capsys, str(path), "--precision", "BTC/USD=1,8", "--depth", "25")
    assert code == 0
    assert (s["messages"], s["checksums_ok"], s["checksums_bad"]) == ("511", "510", "0")


def test_precision_from_instrument_channel_in_the_stream(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instrument = {
        "channel": "instrument",
        "type": "snapshot",
        "data": {
            "assets": [],
            "pairs": [
                {
                    "symbol": "BTC/USD",
                    "price_precision": 1,
                    "qty_precision": 8,
                    "qty_increment": 1e-08,
                }
            ],
        },
    }
    path = write_lines(tmp_path / "raw.jsonl", [json.dumps(instrument), *btcusd_frames()])
    code, s, _ = run(capsys, str(path))
    assert code == 0
    assert s["checksums_ok"] == "510"


def test_malformed_lines_are_counted_not_fatal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frames = btcusd_frames()
    lines = [*frames[:5], "this is {not json", "[1, 2]", *frames[5:]]
    path = write_lines(tmp_path / "raw.jsonl", lines)
    code, s, err = run(capsys, str(path), "--precision", "BTC/USD=1,8")
    assert code == 0
    assert s["malformed"] == "2"
    assert s["checksums_ok"] == "510"
    assert "line 6" in err and "line 7" in err


def test_malformed_record_lines_in_a_recording(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    with RecordingWriter(path, _spot_header()) as writer:
        for frame in btcusd_frames()[:2]:
            writer.write_frame(frame, venue="spot")
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"t": 1, "dir": "sideways", "frame": "{}"}\n{"t": 2}\n\n')
    items = list(RecordingReader(path))
    assert [type(i) for i in items] == [RecordedFrame, RecordedFrame, MalformedLine, MalformedLine]
    assert [i.line for i in items] == [2, 3, 4, 5]
    report = verify_file(path)
    assert (report.malformed, report.checksums_ok, report.messages) == (2, 2, 2)


# --------------------------------------------------------------------------- futures
def test_futures_capture_replays_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_lines(tmp_path / "futures.jsonl", futures_frames())
    code, s, _ = run(capsys, str(path))
    assert code == 0
    assert s["messages"] == "47"
    assert (s["books"], s["seq_gaps"], s["crossed"], s["checksums_ok"]) == ("1", "0", "0", "0")
    report = verify_file(path)
    book = report.books[("futures", "PI_LTCUSD")].book
    assert (book.price_precision, book.qty_precision) == (2, 1)  # inferred from the decimals
    assert book.messages == 41


def test_futures_capture_with_a_gap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frames = futures_frames()
    deltas = [i for i, f in enumerate(frames) if f.startswith('{"feed":"book",')]
    del frames[deltas[7]]
    path = write_lines(tmp_path / "futures.jsonl", frames)
    code, s, _ = run(capsys, str(path))
    assert code == 1
    assert s["seq_gaps"] == "1"
    assert s["unverified"] == str(40 - 7 - 2)  # the deltas after the gap wait for a snapshot


# ---------------------------------------------------------------------------- usage
def test_missing_precision_is_a_usage_error_naming_symbol_and_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_lines(tmp_path / "raw.jsonl", btcusd_frames()[:3])
    code, _, err = run(capsys, str(path))
    assert code == 2
    assert "BTC/USD" in err and "--precision" in err


@pytest.mark.parametrize(
    "args",
    [
        ["--precision", "BTC/USD"],
        ["--precision", "BTC/USD=1"],
        ["--precision", "BTC/USD=a,8"],
        ["--depth", "0"],
    ],
)
def test_bad_flags_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    path = write_lines(tmp_path / "raw.jsonl", btcusd_frames()[:1])
    assert run_verify([str(path), *args]) == 2
    assert capsys.readouterr().err


def test_missing_file_and_unknown_version_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_verify([str(tmp_path / "nope.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
    path = write_lines(tmp_path / "v9.jsonl", [json.dumps({"kraken_tui_recording": 9})])
    assert run_verify([str(path)]) == 2
    assert "version" in capsys.readouterr().err
    with pytest.raises(RecordingError):
        RecordingReader(path)


def test_header_from_json_ignores_unknown_keys() -> None:
    header = RecordingHeader.from_json(
        {"kraken_tui_recording": 1, "env": "paper", "venues": {}, "instruments": {}, "new": [1]}
    )
    assert header.env == "paper"
    raw: dict[str, Any] = {"kraken_tui_recording": 1, "instruments": {"X": {"price_precision": -1}}}
    with pytest.raises(RecordingError):
        RecordingHeader.from_json(raw)


def test_mixed_recording_spot_and_futures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = RecordingHeader(
        env="paper",
        venues={"spot_ws": SPOT_WS, "futures_ws": "wss://futures.kraken.com/ws/v1"},
        instruments={
            "BTC/USD": InstrumentPrecision("spot", 1, 8),
            "PI_LTCUSD": InstrumentPrecision("futures", 2, 1),
        },
    )
    path = tmp_path / "rec.jsonl"
    spot, futures = btcusd_frames(), futures_frames()
    with RecordingWriter(path, header) as writer:
        for index in range(max(len(spot), len(futures))):
            if index < len(spot):
                writer.write_frame(spot[index], venue="spot", t=float(index))
            if index < len(futures):
                writer.write_frame(futures[index], venue="futures", t=float(index))
    code, s, _ = run(capsys, str(path))
    assert code == 0
    assert s["messages"] == str(510 + 47)
    assert (s["books"], s["checksums_ok"], s["seq_gaps"], s["crossed"]) == ("2", "510", "0", "0")
    out_table = verify_file(path).table()
    assert "PI_LTCUSD" in out_table and "BTC/USD" in out_table
