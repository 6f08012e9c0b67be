"""Recording files: JSON Lines of frames exactly as they crossed the wire.

Line 1 is a header::

    {"kraken_tui_recording": 1, "env": "paper",
     "venues": {"spot_ws": "wss://...", "futures_ws": "wss://..."},
     "instruments": {"BTC/USD": {"venue": "spot", "price_precision": 1, "qty_precision": 8}}}

and every later line is one frame::

    {"t": 1732185600.123, "dir": "in", "venue": "spot", "frame": "<frame text as received>"}

``t`` is the receive time (seconds since the epoch), ``dir`` is ``in`` or ``out``.
:class:`RecordingReader` also reads a bare file of raw frames (one JSON message
per line, no header): each line then *is* the frame text. A line that cannot be
read is reported as a :class:`MalformedLine` and never stops the reader.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import msgspec

from kraken_tui.model.instruments import Instrument

FORMAT_VERSION = 1
HEADER_KEY = "kraken_tui_recording"
DIRECTIONS = ("in", "out")


class RecordingError(ValueError):
    """The file is not a recording this version can read."""


@dataclass(frozen=True, slots=True)
class InstrumentPrecision:
    venue: str
    price_precision: int
    qty_precision: int


@dataclass(frozen=True, slots=True)
class RecordingHeader:
    env: str = ""
    venues: Mapping[str, str] = field(default_factory=dict)
    """Endpoint name -> URL (e.g. ``spot_ws``, ``futures_ws``)."""
    instruments: Mapping[str, InstrumentPrecision] = field(default_factory=dict)

    @classmethod
    def for_instruments(
        cls, env: str, venues: Mapping[str, str], instruments: Iterable[Instrument]
    ) -> RecordingHeader:
        return cls(
            env=env,
            venues=dict(venues),
            instruments={
                i.symbol: InstrumentPrecision(i.venue.value, i.price_precision, i.qty_precision)
                for i in instruments
            },
        )

    def to_json(self) -> dict[str, Any]:
        return {
            HEADER_KEY: FORMAT_VERSION,
            "env": self.env,
            "venues": dict(self.venues),
            "instruments": {
                symbol: {
                    "venue": p.venue,
                    "price_precision": p.price_precision,
                    "qty_precision": p.qty_precision,
                }
                for symbol, p in self.instruments.items()
            },
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> RecordingHeader:
        """Read a header object; unknown keys are ignored, a newer version is refused."""
        version = obj.get(HEADER_KEY)
        if version != FORMAT_VERSION:
            raise RecordingError(
                f"recording format version {version!r} is not supported (expected {FORMAT_VERSION})"
            )
        venues = obj.get("venues") or {}
        instruments: dict[str, InstrumentPrecision] = {}
        raw = obj.get("instruments") or {}
        if not isinstance(venues, dict) or not isinstance(raw, dict):
            raise RecordingError("recording header: 'venues' and 'instruments' must be objects")
        for symbol, spec in raw.items():
            try:
                instruments[symbol] = InstrumentPrecision(
                    str(spec.get("venue", "")),
                    _non_negative_int(spec["price_precision"]),
                    _non_negative_int(spec["qty_precision"]),
                )
            except (AttributeError, KeyError, TypeError, ValueError):
                raise RecordingError(f"recording header: bad precision for {symbol!r}") from None
        return cls(
            str(obj.get("env", "")), {str(k): str(v) for k, v in venues.items()}, instruments
        )


def _non_negative_int(value: object) -> int:
    if type(value) is not int or value < 0:
        raise ValueError(value)
    return value


@dataclass(frozen=True, slots=True)
class RecordedFrame:
    line: int
    """1-based line number in the file."""
    text: str
    """The frame exactly as received."""
    t: float | None = None
    direction: str = "in"
    venue: str | None = None
    """``spot`` / ``futures``; None for a bare frame file (the reader can't tell)."""


@dataclass(frozen=True, slots=True)
class MalformedLine:
    line: int
    reason: str


class _Envelope(msgspec.Struct, forbid_unknown_fields=False):
    frame: str
    t: float | None = None
    dir: str = "in"
    venue: str | None = None


_envelope_decoder = msgspec.json.Decoder(_Envelope)
_any_decoder = msgspec.json.Decoder()


class RecordingReader:
    """Iterate a recording (or a bare frame file) as RecordedFrame / MalformedLine items.

    ``header`` is set when the file starts with a recording header, else None.
    Blank lines are skipped. Use as an iterator once; the file is closed at the end.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._file: IO[bytes] = self.path.open("rb")
        self.header: RecordingHeader | None = None
        self._pending: tuple[int, bytes] | None = None
        self._line = 0
        try:
            self._read_header()
        except BaseException:
            self._file.close()
            raise

    def _read_header(self) -> None:
        for raw in self._file:
            self._line += 1
            if not raw.strip():
                continue
            try:
                obj = _any_decoder.decode(raw)
            except msgspec.DecodeError:
                obj = None
            if isinstance(obj, dict) and HEADER_KEY in obj:
                self.header = RecordingHeader.from_json(obj)
            else:
                self._pending = (self._line, raw)
            return

    def __iter__(self) -> Iterator[RecordedFrame | MalformedLine]:
        try:
            if self._pending is not None:
                yield self._parse(*self._pending)
                self._pending = None
            for raw in self._file:
                self._line += 1
                if raw.strip():
                    yield self._parse(self._line, raw)
        finally:
            self._file.close()

    def close(self) -> None:
        self._file.close()

    def _parse(self, line: int, raw: bytes) -> RecordedFrame | MalformedLine:
        if self.header is None:
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                return MalformedLine(line, "not UTF-8 text")
            return RecordedFrame(line, text)
        try:
            envelope = _envelope_decoder.decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            return MalformedLine(line, f"not a frame record ({exc})")
        if envelope.dir not in DIRECTIONS:
            return MalformedLine(line, f"unknown direction {envelope.dir!r}")
        return RecordedFrame(line, envelope.frame, envelope.t, envelope.dir, envelope.venue)


class RecordingWriter:
    """Append frames to a new recording file; the header is written on open.

    Frames are buffered; call :meth:`flush` (or close) to make them durable.
    ``frame`` may be ``bytes`` (decoded as UTF-8, undecodable bytes replaced).
    """

    def __init__(self, path: str | Path, header: RecordingHeader) -> None:
        self.path = Path(path)
        self._file: IO[bytes] = self.path.open("wb")
        self._encoder = msgspec.json.Encoder()
        self.frames = 0
        self._file.write(self._encoder.encode(header.to_json()) + b"\n")

    def write_frame(
        self,
        frame: str | bytes,
        *,
        venue: str,
        direction: str = "in",
        t: float | None = None,
    ) -> None:
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
        text = frame.decode("utf-8", errors="replace") if isinstance(frame, bytes) else frame
        record = {
            "t": time.time() if t is None else t,
            "dir": direction,
            "venue": venue,
            "frame": text,
        }
        self._file.write(self._encoder.encode(record) + b"\n")
        self.frames += 1

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            self._file.close()

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
