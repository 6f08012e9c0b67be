"""``kraken-tui verify``: replay a recording's book frames and report their integrity.

Spot v2 ``book`` frames go through :class:`SpotBook` via the app's own hot path
(:func:`kraken_tui.book.wire.apply_spot_book_message`): every checksum is checked.
The subscribed depth comes from a ``subscribe`` ack in the stream, else ``--depth``.
Precisions come from ``--precision SYM=PRICE,QTY``, else the recording header, else
an ``instrument`` channel message seen earlier in the stream. (An explicit flag wins
over the header so a wrong header can be overridden.)

Futures v1 ``book_snapshot``/``book`` frames go through :class:`FuturesBook`
(``seq`` must rise by one); their precision is taken from the flag or header,
else inferred from the decimals the file carries for that product.

Output: a per-book table, then one summary line of ``key=value`` pairs. Exit code
0 when every check passed, 1 on any bad checksum / seq gap / cross / unreadable
level, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

import msgspec

from kraken_tui.book import ApplyResult, FuturesBook, L2Book, SpotBook
from kraken_tui.book.wire import apply_spot_book_message
from kraken_tui.recording import MalformedLine, RecordingError, RecordingReader

MAX_WARNINGS = 20


class UsageError(Exception):
    """A problem the user fixes on the command line (exit code 2)."""


@dataclass(slots=True)
class BookStats:
    venue: str
    symbol: str
    book: L2Book
    unverified: int = 0
    bad_values: int = 0


@dataclass(slots=True)
class VerifyReport:
    messages: int = 0
    """Inbound frames read (all channels)."""
    malformed: int = 0
    books: dict[tuple[str, str], BookStats] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def _total(self, name: str) -> int:
        return sum(getattr(s.book, name) for s in self.books.values())

    @property
    def checksums_ok(self) -> int:
        return self._total("checksum_ok")

    @property
    def checksums_bad(self) -> int:
        return self._total("checksum_bad")

    @property
    def seq_gaps(self) -> int:
        return self._total("seq_gaps")

    @property
    def crossed(self) -> int:
        return self._total("crossed_count")

    @property
    def unverified(self) -> int:
        """Book messages that could not be checked (no checksum, or no snapshot yet)."""
        return sum(s.unverified for s in self.books.values())

    @property
    def bad_values(self) -> int:
        return sum(s.bad_values for s in self.books.values())

    @property
    def ok(self) -> bool:
        return not (self.checksums_bad or self.seq_gaps or self.crossed or self.bad_values)

    def table(self) -> str:
        head = (
            f"{'venue':<8} {'book':<16} {'prec':>5} {'depth':>6} {'msgs':>8} {'ok':>8} "
            f"{'bad':>5} {'gaps':>5} {'cross':>5} {'unver':>6} {'health':<9}"
        )
        rows = [head]
        for stats in sorted(self.books.values(), key=lambda s: (s.venue, s.symbol)):
            b = stats.book
            depth = "-" if isinstance(b, FuturesBook) else str(b.depth)
            rows.append(
                f"{stats.venue:<8} {stats.symbol:<16} {b.price_precision:>2},{b.qty_precision:<2} "
                f"{depth:>6} {b.messages:>8} {b.checksum_ok:>8} {b.checksum_bad:>5} "
                f"{b.seq_gaps:>5} {b.crossed_count:>5} {stats.unverified:>6} {b.health.value:<9}"
            )
        return "\n".join(rows)

    def summary_line(self) -> str:
        return (
            f"messages={self.messages} books={len(self.books)} checksums_ok={self.checksums_ok} "
            f"checksums_bad={self.checksums_bad} seq_gaps={self.seq_gaps} crossed={self.crossed} "
            f"bad_values={self.bad_values} malformed={self.malformed} "
            f"unverified={self.unverified} result={'ok' if self.ok else 'FAIL'}"
        )


def _decimals(value: object) -> int:
    if isinstance(value, str):
        try:
            exponent = Decimal(value).as_tuple().exponent
        except InvalidOperation:
            return 0
        return max(0, -exponent) if isinstance(exponent, int) else 0
    return 0


class _Verifier:
    def __init__(self, precisions: Mapping[str, tuple[int, int]], depth: int) -> None:
        self.report = VerifyReport()
        self.precisions = dict(precisions)
        self.stream_precisions: dict[str, tuple[int, int]] = {}
        self.futures_precisions: dict[str, tuple[int, int]] = {}
        self.depth = depth
        self.depths: dict[str, int] = {}
        self.decoder = msgspec.json.Decoder(float_hook=str)

    def warn(self, line: int, reason: str) -> None:
        self.report.malformed += 1
        self.report.warnings.append(f"line {line}: {reason}")

    def frame(self, line: int, text: str, venue: str | None) -> None:
        self.report.messages += 1
        try:
            msg = self.decoder.decode(text)
        except msgspec.DecodeError as exc:
            self.warn(line, f"not JSON ({exc})")
            return
        if not isinstance(msg, dict):
            self.warn(line, "not a JSON object")
            return
        try:
            if venue == "futures" or (venue is None and ("feed" in msg or "event" in msg)):
                self.futures(msg, line)
            else:
                self.spot(msg, line)
        except (KeyError, TypeError, IndexError, AttributeError) as exc:
            self.warn(line, f"unexpected message shape ({type(exc).__name__}: {exc})")

    # ------------------------------------------------------------------------- spot
    def spot(self, msg: dict[str, Any], line: int) -> None:
        channel = msg.get("channel")
        if channel == "book" and msg.get("type") in ("snapshot", "update"):
            data = msg["data"][0]
            symbol = data["symbol"]
            if not isinstance(symbol, str):
                raise TypeError("symbol is not a string")
            stats = self.report.books.get(("spot", symbol))
            is_snapshot = msg["type"] == "snapshot"
            if stats is None:
                pp, qp = self.spot_precision(symbol)
                new_book = SpotBook(symbol, pp, qp, self.depths.get(symbol, self.depth))
                stats = self.report.books[("spot", symbol)] = BookStats("spot", symbol, new_book)
            book = stats.book
            assert isinstance(book, SpotBook)
            if is_snapshot:
                book.depth = self.depths.get(symbol, self.depth)
            result = apply_spot_book_message(book, data, is_snapshot)
            if result is ApplyResult.IGNORED or (
                result is ApplyResult.OK and data.get("checksum") is None
            ):
                stats.unverified += 1
            elif result is ApplyResult.BAD_VALUE:
                stats.bad_values += 1
                self.report.warnings.append(f"line {line}: {symbol}: level does not fit precision")
        elif msg.get("method") == "subscribe" and msg.get("success") is True:
            result_obj = msg.get("result") or {}
            if result_obj.get("channel") == "book" and isinstance(result_obj.get("depth"), int):
                self.depths[str(result_obj.get("symbol"))] = result_obj["depth"]
        elif channel == "instrument" and isinstance(msg.get("data"), dict):
            for pair in msg["data"].get("pairs") or []:
                pp, qp = pair.get("price_precision"), pair.get("qty_precision")
                if type(pp) is int and type(qp) is int and isinstance(pair.get("symbol"), str):
                    self.stream_precisions[pair["symbol"]] = (pp, qp)

    def spot_precision(self, symbol: str) -> tuple[int, int]:
        found = self.precisions.get(symbol) or self.stream_precisions.get(symbol)
        if found is None:
            raise UsageError(
                f"no precision known for spot book {symbol}: pass "
                f"--precision {symbol}=PRICE_DECIMALS,QTY_DECIMALS (e.g. --precision BTC/USD=1,8)"
            )
        return found

    # ---------------------------------------------------------------------- futures
    def futures(self, msg: dict[str, Any], line: int) -> None:
        feed = msg.get("feed")
        if "event" in msg or feed not in ("book_snapshot", "book"):
            return
        product = msg["product_id"]
        seq = msg["seq"]
        if not isinstance(product, str) or type(seq) is not int:
            raise TypeError("product_id/seq of the wrong type")
        stats = self.report.books.get(("futures", product))
        if stats is None:
            pp, qp = self.precisions.get(product) or self.futures_precisions.get(product, (0, 0))
            stats = BookStats("futures", product, FuturesBook(product, pp, qp))
            self.report.books[("futures", product)] = stats
        book = stats.book
        assert isinstance(book, FuturesBook)
        if feed == "book_snapshot":
            result = book.apply_snapshot(
                seq,
                [(lvl["price"], lvl["qty"]) for lvl in msg["bids"]],
                [(lvl["price"], lvl["qty"]) for lvl in msg["asks"]],
            )
        else:
            result = book.apply_delta(seq, msg["side"], msg["price"], msg["qty"])
        if result is ApplyResult.IGNORED:
            stats.unverified += 1
        elif result is ApplyResult.BAD_VALUE:
            stats.bad_values += 1
            self.report.warnings.append(f"line {line}: {product}: unreadable level")

    def scan_futures_decimals(self, frames: Iterable[str]) -> None:
        """First pass: the most decimals each futures product's book frames carry."""
        for text in frames:
            try:
                msg = self.decoder.decode(text)
            except msgspec.DecodeError:
                continue
            if not isinstance(msg, dict) or msg.get("feed") not in ("book_snapshot", "book"):
                continue
            product = msg.get("product_id")
            if not isinstance(product, str):
                continue
            levels = (
                [msg]
                if msg["feed"] == "book"
                else [*(msg.get("bids") or []), *(msg.get("asks") or [])]
            )
            pp, qp = self.futures_precisions.get(product, (0, 0))
            for level in levels:
                if isinstance(level, dict):
                    pp = max(pp, _decimals(level.get("price")))
                    qp = max(qp, _decimals(level.get("qty")))
            self.futures_precisions[product] = (pp, qp)


def verify_file(
    path: str | Path, precisions: Mapping[str, tuple[int, int]] | None = None, depth: int = 10
) -> VerifyReport:
    """Replay every book frame of a recording (or bare frame file) and count the outcome.

    Raises :class:`UsageError` for a spot book whose precision is unknown, and
    :class:`RecordingError` / OSError for a file that can't be read at all.
    """
    explicit = dict(precisions or {})
    reader = RecordingReader(path)
    header_precisions: dict[str, tuple[int, int]] = {}
    if reader.header is not None:
        header_precisions = {
            s: (p.price_precision, p.qty_precision) for s, p in reader.header.instruments.items()
        }
    verifier = _Verifier({**header_precisions, **explicit}, depth)
    if _needs_futures_scan(path):
        verifier.scan_futures_decimals(
            item.text for item in RecordingReader(path) if not isinstance(item, MalformedLine)
        )
    for item in reader:
        if isinstance(item, MalformedLine):
            verifier.warn(item.line, item.reason)
        elif item.direction == "in":
            verifier.frame(item.line, item.text, item.venue)
    return verifier.report


def _needs_futures_scan(path: str | Path) -> bool:
    """Cheap check before a second pass: does the file mention futures book feeds at all?"""
    needle = b"book_snapshot"
    tail = b""
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle) :]
    return False


def _parse_precision(text: str) -> tuple[str, tuple[int, int]]:
    symbol, sep, numbers = text.rpartition("=")
    price, comma, qty = numbers.partition(",")
    if not (sep and symbol and comma and price.isdigit() and qty.isdigit()):
        raise argparse.ArgumentTypeError(
            f"bad --precision {text!r}: expected SYMBOL=PRICE,QTY (e.g. BTC/USD=1,8)"
        )
    return symbol, (int(price), int(qty))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kraken-tui verify",
        description="Replay a recording's book frames and check every checksum and sequence.",
    )
    parser.add_argument("file", type=Path, help="recording (JSON Lines) or bare frame file")
    parser.add_argument(
        "--precision",
        action="append",
        default=[],
        type=_parse_precision,
        metavar="SYM=PRICE,QTY",
        help="decimals of a book's prices and quantities (repeatable)",
    )
    parser.add_argument(
        "--depth", type=int, default=10, help="subscribed spot depth when no ack says (10)"
    )
    return parser


def run_verify(args: Sequence[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """The CLI entry point: prints the table and summary line; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        ns = parser.parse_args(list(args))
    except SystemExit as exc:  # argparse has already printed the usage message
        return 0 if exc.code == 0 else 2
    if ns.depth < 1:
        print("kraken-tui verify: --depth must be at least 1", file=err)
        return 2
    try:
        report = verify_file(ns.file, dict(ns.precision), ns.depth)
    except UsageError as exc:
        print(f"kraken-tui verify: {exc}", file=err)
        return 2
    except (OSError, RecordingError) as exc:
        print(f"kraken-tui verify: cannot read {ns.file}: {exc}", file=err)
        return 2
    for warning in report.warnings[:MAX_WARNINGS]:
        print(f"warning: {warning}", file=err)
    if len(report.warnings) > MAX_WARNINGS:
        print(f"warning: ... and {len(report.warnings) - MAX_WARNINGS} more", file=err)
    print(report.table(), file=out)
    print(report.summary_line(), file=out)
    return 0 if report.ok else 1
