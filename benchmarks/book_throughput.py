"""Spot v2 book throughput: decode + apply + checksum-verify, as the app does it.

Generates a seeded, realistic BTC/USD-like ``book`` stream (a snapshot of ``depth``
levels per side, then updates of 1-3 levels each, every level on a random side, so
about a third of the updates touch both sides; a delete brings its replacement
level along, so the real count is a little higher; Kraken's own BTC/USD stream in
shared/vectors averages 1.3 levels per update). Changes are size changes,
deletes with a replacement level from beyond the depth, inserts that push the
worst level out, and sweeps of the best level as the price walks; within a message
each side's changes come in that order). Each update
carries the checksum of an independent reference model kept here (sorted lists
of price ticks and the wire texts, checksum string built from those texts as the
docs describe), and is serialised as real wire JSON bytes with fixed-precision
numbers. Only the replay is timed: ``msgspec.json.Decoder(float_hook=str)`` then
:func:`kraken_tui.book.wire.apply_spot_book_message`, the app's hot path.

    python benchmarks/book_throughput.py [--depth 10 1000] [--messages N] [--seconds S] [--quick]
    python benchmarks/book_throughput.py --peer [--quick]

``--peer`` (depths 10, 100 and 1000 unless ``--depth`` says otherwise) also
replays the same frames through python-kraken-sdk's spot order-book client
(``benchmarks/peer_kraken_sdk.py``; the optional ``bench`` extra) for up to
``--peer-seconds`` per depth, and prints both rates (CPU time, which stays
steady when other work shares the cores) and their ratio. Without the extra it
says so and prints our figures only.

Exits 1 if any checksum fails to verify (ours or the peer's).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import zlib
from bisect import bisect_left, insort
from dataclasses import dataclass, replace
from pathlib import Path

import msgspec

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kraken_tui.book import ApplyResult, SpotBook
from kraken_tui.book.wire import apply_spot_book_message

SYMBOL = "BTC/USD"
PRICE_PRECISION = 1
QTY_PRECISION = 8
QTY_UNITS = 10**QTY_PRECISION


def _price_text(tick: int) -> str:
    return f"{tick // 10}.{tick % 10}"


def _qty_text(units: int) -> str:
    return f"{units // QTY_UNITS}.{units % QTY_UNITS:08d}"


def _field(text: str) -> str:
    """The docs' checksum field: fixed-precision text without '.' and leading zeros."""
    return text.replace(".", "").lstrip("0")


class ReferenceBook:
    """The generator's own book: price ticks in sorted lists, qty kept as wire text."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.asks: list[int] = []  # ascending: best first
        self.bids: list[int] = []  # ascending by -tick: best first
        self.ask_qty: dict[int, str] = {}
        self.bid_qty: dict[int, str] = {}

    def set_ask(self, tick: int, qty: str | None) -> None:
        self._set(self.asks, self.ask_qty, tick, tick, qty)

    def set_bid(self, tick: int, qty: str | None) -> None:
        self._set(self.bids, self.bid_qty, -tick, tick, qty)

    def _set(
        self, keys: list[int], qtys: dict[int, str], key: int, tick: int, qty: str | None
    ) -> None:
        if qty is None:
            if tick in qtys:
                del qtys[tick]
                del keys[bisect_left(keys, key)]
            return
        if tick not in qtys:
            insort(keys, key)
        qtys[tick] = qty

    def truncate(self) -> None:
        for keys, qtys, sign in ((self.asks, self.ask_qty, 1), (self.bids, self.bid_qty, -1)):
            while len(keys) > self.depth:
                del qtys[sign * keys.pop()]

    def checksum(self) -> int:
        parts = [_field(_price_text(t)) + _field(self.ask_qty[t]) for t in self.asks[:10]]
        parts += [_field(_price_text(-k)) + _field(self.bid_qty[-k]) for k in self.bids[:10]]
        return zlib.crc32("".join(parts).encode("ascii"))


def _levels_json(levels: list[tuple[int, str]]) -> str:
    return ",".join(f'{{"price":{_price_text(t)},"qty":{q}}}' for t, q in levels)


def _frame(kind: str, bids: list[tuple[int, str]], asks: list[tuple[int, str]], crc: int) -> bytes:
    return (
        f'{{"channel":"book","type":"{kind}","data":[{{"symbol":"{SYMBOL}",'
        f'"bids":[{_levels_json(bids)}],"asks":[{_levels_json(asks)}],'
        f'"checksum":{crc},"timestamp":"2026-11-21T10:00:00.000000Z"}}]}}'
    ).encode()


class StreamGenerator:
    """Seeded random walk of a book that never crosses."""

    def __init__(self, depth: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.book = ReferenceBook(depth)
        self.depth = depth

    def _qty(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.05:
            return _qty_text(rng.randint(1, 1000))  # dust
        if roll < 0.10:
            return _qty_text(rng.randint(10, 500) * QTY_UNITS)  # whole coins
        return _qty_text(rng.randint(1, 5 * QTY_UNITS))

    def snapshot(self) -> bytes:
        mid = 294_300
        book = self.book
        asks = [(mid + 1 + i + self.rng.randint(0, 1) * i, self._qty()) for i in range(self.depth)]
        bids = [(mid - i - self.rng.randint(0, 1) * i, self._qty()) for i in range(self.depth)]
        asks = list(dict(asks).items())
        bids = list(dict(bids).items())
        for t, q in asks:
            book.set_ask(t, q)
        for t, q in bids:
            book.set_bid(t, q)
        book.truncate()
        return _frame("snapshot", bids, asks, book.checksum())

    def _side_changes(self, is_ask: bool, count: int) -> list[tuple[int, str]]:
        book, rng = self.book, self.rng
        keys = book.asks if is_ask else book.bids
        qtys = book.ask_qty if is_ask else book.bid_qty
        setter = book.set_ask if is_ask else book.set_bid
        sign = 1 if is_ask else -1
        changes: list[tuple[int, str]] = []
        # Size changes, then deletes, then inserts: a level an insert pushes out is
        # never brought back by a later delete of the same message, so truncating
        # after each level (as some clients do) and after the message agree.
        for roll in sorted(rng.random() for _ in range(count)):
            if not keys:
                roll = 0.9
            if roll < 0.45:  # size change, biased to the top of the book
                tick = sign * keys[min(len(keys) - 1, int(rng.expovariate(0.3)))]
                qty = self._qty()
            elif roll < 0.70:  # delete; Kraken then sends the level that becomes visible
                tick = sign * keys[min(len(keys) - 1, int(rng.expovariate(0.3)))]
                qty = "0.00000000"
                changes.append((tick, qty))
                setter(tick, None)
                tick = sign * keys[-1] + sign * rng.randint(1, 3) if keys else tick
                qty = self._qty()
            else:  # insert inside the book (pushes the worst level out) or just behind the best
                other = book.bids if is_ask else book.asks
                best_other = -sign * other[0] if other else None
                base = sign * keys[0] if keys else (best_other or 294_300) + sign
                tick = base + sign * rng.randint(-1, max(1, min(len(keys), 40)))
                if best_other is not None and sign * (tick - best_other) <= 0:
                    tick = best_other + sign
                qty = self._qty()
            if tick <= 0:
                continue
            changes.append((tick, qty))
            setter(tick, qty if qty != "0.00000000" else None)
            if tick not in qtys and qty != "0.00000000":
                raise AssertionError("reference book lost a level")
        return changes

    def update(self) -> bytes:
        rng = self.rng
        count = rng.randint(1, 3)
        ask_count = sum(rng.random() < 0.5 for _ in range(count))
        asks = self._side_changes(True, ask_count) if ask_count else []
        bids = self._side_changes(False, count - ask_count) if count > ask_count else []
        self.book.truncate()
        return _frame("update", bids, asks, self.book.checksum())


def generate(depth: int, messages: int, seed: int) -> list[bytes]:
    """Snapshot plus ``messages - 1`` updates."""
    gen = StreamGenerator(depth, seed)
    frames = [gen.snapshot()]
    frames.extend(gen.update() for _ in range(messages - 1))
    return frames


@dataclass(frozen=True)
class RunResult:
    depth: int
    messages: int
    seconds: float
    """Wall-clock time of the replay."""
    cpu_seconds: float
    """CPU time of this process during the replay (steadier when other work shares the cores)."""
    verified: int
    bad: int
    levels_per_update: float = 0.0

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else float("inf")

    @property
    def cpu_rate(self) -> float:
        return self.messages / self.cpu_seconds if self.cpu_seconds > 0 else float("inf")


def replay(frames: list[bytes], depth: int) -> RunResult:
    """Decode and apply every frame exactly as the spot feed does; time only this."""
    decoder = msgspec.json.Decoder(float_hook=str)
    book = SpotBook(SYMBOL, PRICE_PRECISION, QTY_PRECISION, depth)
    ok = ApplyResult.OK
    bad = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    for frame in frames:
        msg = decoder.decode(frame)
        if msg["channel"] == "book":
            result = apply_spot_book_message(book, msg["data"][0], msg["type"] == "snapshot")
            if result is not ok:
                bad += 1
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    return RunResult(
        depth, len(frames), seconds, cpu_seconds, book.checksum_ok, bad + book.checksum_bad
    )


def run(
    depth: int, messages: int, seconds: float | None, seed: int, frames: list[bytes] | None = None
) -> RunResult:
    if frames is None:
        frames = generate(depth, messages, seed)
    levels = sum(frame.count(b'"price"') for frame in frames[1:])
    per_update = levels / max(1, len(frames) - 1)
    result = replay(frames, depth)
    result = replace(result, levels_per_update=per_update)
    if seconds is None:
        return result
    total = result
    while total.seconds < seconds:
        more = replay(frames, depth)
        total = RunResult(
            depth,
            total.messages + more.messages,
            total.seconds + more.seconds,
            total.cpu_seconds + more.cpu_seconds,
            total.verified + more.verified,
            total.bad + more.bad,
            per_update,
        )
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, nargs="+", default=None, help="default 10 1000")
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--seconds", type=float, default=None, help="repeat replay at least S s")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="about one second in all")
    parser.add_argument("--peer", action="store_true", help="compare with python-kraken-sdk")
    parser.add_argument("--peer-seconds", type=float, default=5.0, help="peer budget per depth")
    args = parser.parse_args(argv)
    if args.depth is None:
        args.depth = [10, 100, 1000] if args.peer else [10, 1000]
    if args.quick:
        args.messages = min(args.messages, 20_000)
        args.peer_seconds = min(args.peer_seconds, 0.3)
    if args.messages < 1 or any(d < 1 for d in args.depth):
        parser.error("--messages and --depth must be positive")
    print(
        f"{'depth':>6} {'messages':>10} {'seconds':>8} {'messages/s':>12} {'verified':>10}"
        f" {'cpu_msg/s':>12} {'levels/update':>13}"
    )
    failed = False
    ours: dict[int, RunResult] = {}
    for depth in args.depth:
        frames = generate(depth, args.messages, args.seed)
        r = run(depth, args.messages, args.seconds, args.seed, frames)
        ours[depth] = r
        print(
            f"{r.depth:>6} {r.messages:>10} {r.seconds:>8.3f} {r.rate:>12,.0f} {r.verified:>10}"
            f" {r.cpu_rate:>12,.0f} {r.levels_per_update:>13.2f}"
        )
        if r.bad or r.verified != r.messages:
            print(f"FAIL depth={depth}: {r.messages - r.verified} checksums not verified")
            failed = True
    if args.peer:
        failed = compare_with_peer(args, ours) or failed
    return 1 if failed else 0


PEER_ROUNDS = 3
"""Paired rounds per depth: ours then the peer, back to back, so a slow spell on a shared
machine hits both sides of a ratio; the table gives the median of each column."""


def compare_with_peer(args: argparse.Namespace, ours: dict[int, RunResult]) -> bool:
    """Print the peer table; return True if the peer found a checksum mismatch."""
    from benchmarks import peer_kraken_sdk as peer

    version = peer.peer_version()
    if version is None:
        print(
            "peer: python-kraken-sdk is not installed (pip install -e '.[bench]');"
            " peer comparison skipped, our figures above"
        )
        return False
    print(
        f"peer: python-kraken-sdk {version} SpotOrderBookClient, same frames, {PEER_ROUNDS}"
        f" paired rounds per depth (ours, then the peer for up to {args.peer_seconds:g} s),"
        " medians; it verifies update checksums only"
    )
    print(
        f"{'depth':>6} {'ours_cpu_msg/s':>15} {'peer_cpu_msg/s':>15} {'ratio':>8}"
        f" {'peer_messages':>14} {'peer_mismatch':>14}"
    )
    failed = False
    for depth in ours:
        frames = generate(depth, args.messages, args.seed)
        ours_rates, peer_rates, ratios = [], [], []
        peer_messages = mismatches = 0
        for _ in range(PEER_ROUNDS):
            gc.collect()  # neither side pays for the other's garbage
            mine = replay(frames, depth)
            gc.collect()
            theirs = peer.replay(frames, depth, PRICE_PRECISION, QTY_PRECISION, args.peer_seconds)
            ours_rates.append(mine.cpu_rate)
            peer_rates.append(theirs.cpu_rate)
            ratios.append(mine.cpu_rate / theirs.cpu_rate if theirs.cpu_rate else float("inf"))
            peer_messages += theirs.messages
            mismatches += theirs.mismatches
        print(
            f"{depth:>6} {statistics.median(ours_rates):>15,.0f}"
            f" {statistics.median(peer_rates):>15,.0f} {statistics.median(ratios):>7.1f}x"
            f" {peer_messages:>14} {mismatches:>14}"
        )
        if mismatches:
            print(f"FAIL depth={depth}: the peer found {mismatches} checksum mismatches")
            failed = True
    return failed


if __name__ == "__main__":
    sys.exit(main())
