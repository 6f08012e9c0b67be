"""End to end: the embedded exchange in one process, the real dashboard headless in another.

For each ``--rate`` (book messages/s in total over the five watched spot books,
as ``kraken-tui sim --rate``; trades and tickers of those markets come on top)
it starts ``benchmarks/e2e_exchange.py``, then ``benchmarks/e2e_app.py``:
``KrakenApp(...).run(headless=True, size=(140, 45))`` on a ``LiveMarketSession``
against the exchange's URLs, with the practice keys (private feeds on, as in
sim). The ladder shows the first symbol; the other four books are subscribed
through the same spot feed. After ``--seconds`` of measuring, the exchange stops
its market and reports what it sent; the app reports what it applied once all
of that arrived (or nothing more came for three seconds). One row per rate:

- sent / ingested / lost: spot book messages the exchange queued for the app vs.
  book messages the app's spot feed applied (snapshots included), all five books.
- crc_bad: checksum mismatches over the five books; not_ok: any other outcome
  than OK (mismatch, crossed, bad value, ignored while awaiting a snapshot).
- msg/s: book messages the app applied per second during the window.
- cpu%: the app process's CPU time (all threads) over the window, % of one core.
- frames/s: ladder frames per second that brought a new book version to the
  screen. The ladder repaints only the lines that changed, so a rebuild that
  changes no visible line counts when it is made (the screen already shows it).
- lat p50/p99: for every book message of the ladder's symbol, from its
  ``timestamp`` (stamped by the exchange when it generates the step, ms
  resolution) to the wall-clock time Textual renders the first ladder frame
  built from a book version that includes it.
- key p50/max: ``g``/``G`` (group coarser/finer) posted to the app every
  ``--key-every`` s, to the rendering of the first ladder frame with the new
  grouping.
- rss: the app's resident memory at the end of the window (MB).
- launch: from starting the app process to the first rendered SYNCED ladder
  (the exchange is already running).
- ex_cpu%: the exchange process's CPU over the window; near 100 it cannot keep
  up with the rate asked (one core is all it can use), so msg/s falls short.

The header line gives the load average: the figures are only as quiet as the machine.

Headless means Textual composes every frame (``render_line`` runs) but writes no
escape codes to a terminal, so a real terminal adds that encoding cost:
``--terminal`` runs the dashboard on a 140x45 pseudo-terminal instead (Textual's
Linux driver, TERM=xterm-256color) and adds tty_kb/s, what it wrote there.
Then ``kraken-tui --help`` wall time (median of three runs).

``--fps N``, ``--low-power`` and ``--low-flicker`` run the dashboard in that
render mode (as the same kraken-tui options), to show what each saves: compare
cpu%, frames/s and, with ``--terminal``, tty_kb/s against a default run.

    python benchmarks/e2e.py [--rate 1000 10000] [--seconds 20] [--terminal] [--quick]
                             [--fps N] [--low-power] [--low-flicker]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import math
import os
import pty
import selectors
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
SYMBOLS = ("BTC/USD", "ETH/USD", "SOL/USD", "XRP/USD", "DOGE/USD")

COLUMNS = (
    ("rate", 7),
    ("sent", 9),
    ("ingested", 9),
    ("lost", 5),
    ("crc_bad", 7),
    ("not_ok", 6),
    ("msg/s", 7),
    ("cpu%", 6),
    ("frames/s", 8),
    ("lat_p50_ms", 10),
    ("lat_p99_ms", 10),
    ("key_p50_ms", 10),
    ("key_max_ms", 10),
    ("rss_mb", 7),
    ("launch_s", 8),
    ("ex_cpu%", 7),
    ("tty_kb/s", 8),
)
SIZE = (140, 45)


class BenchError(RuntimeError):
    pass


@dataclass
class Child:
    proc: subprocess.Popen[str]
    stderr: IO[str]
    reader: IO[str]
    """JSON lines from the child (its stdout, or a pipe when it owns a terminal)."""
    writer: IO[str]
    """Lines to the child (its stdin, or a pipe when it owns a terminal)."""
    terminal: Terminal | None = None

    def line(self, timeout: float) -> dict[str, Any]:
        """The next JSON line from the child."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.reader, selectors.EVENT_READ)
            if not selector.select(timeout):
                raise BenchError(f"no answer in {timeout:.0f} s{self.tail()}")
        text = self.reader.readline()
        if not text:
            raise BenchError(f"child exited ({self.proc.poll()}){self.tail()}")
        record: dict[str, Any] = json.loads(text)
        if record.get("event") == "error":
            raise BenchError(f"{record['error']}{self.tail()}")
        return record

    def send(self, text: str) -> None:
        self.writer.write(text + "\n")
        self.writer.flush()

    def tail(self) -> str:
        self.stderr.seek(0)
        text = self.stderr.read()[-2000:]
        if self.terminal is not None:
            text += self.terminal.last.decode("utf-8", "replace")[-2000:]
        return f"\n--- child stderr ---\n{text}" if text.strip() else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()
        for stream in (self.reader, self.writer):
            with contextlib.suppress(OSError):
                stream.close()
        if self.terminal is not None:
            self.terminal.close()


class Terminal:
    """A pseudo-terminal of 140x45 whose output a thread reads and counts (then drops)."""

    def __init__(self, columns: int, rows: int) -> None:
        self.master, self.slave = pty.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.bytes = 0
        self.last = b""
        """The latest output, for error reports."""
        self._reader = threading.Thread(target=self._drain, name="pty-drain", daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 1 << 16)
            except OSError:
                return
            if not chunk:
                return
            self.bytes += len(chunk)
            self.last = (self.last + chunk)[-4096:]

    def close(self) -> None:
        for fd in (self.slave, self.master):
            with contextlib.suppress(OSError):
                os.close(fd)


def start(args: list[str], terminal: Terminal | None = None) -> Child:
    err = tempfile.TemporaryFile("w+")
    if terminal is None:
        proc = subprocess.Popen(
            [sys.executable, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            cwd=HERE.parent,
        )
        assert proc.stdout is not None and proc.stdin is not None
        return Child(proc, err, proc.stdout, proc.stdin)
    # The child's stdin/stdout/stderr are the terminal (Textual writes to stderr);
    # reports and the count travel on pipes.
    report_r, report_w = os.pipe()
    count_r, count_w = os.pipe()
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
    proc = subprocess.Popen(
        [sys.executable, *args, "--report-fd", str(report_w), "--count-fd", str(count_r)],
        stdin=terminal.slave,
        stdout=terminal.slave,
        stderr=terminal.slave,
        text=True,
        cwd=HERE.parent,
        env=env,
        pass_fds=(report_w, count_r),
        start_new_session=True,
    )
    os.close(report_w)
    os.close(count_r)
    reader = os.fdopen(report_r, "r", encoding="utf-8")
    writer = os.fdopen(count_w, "w", encoding="utf-8")
    return Child(proc, err, reader, writer, terminal)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    # Nearest rank: the smallest value with at least ``fraction`` of them at or below it.
    index = min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


def run_rate(rate: float, args: argparse.Namespace) -> dict[str, Any]:
    exchange = start([str(HERE / "e2e_exchange.py"), "--rate", str(rate)])
    app: Child | None = None
    try:
        ready = exchange.line(30)
        launched = time.time()
        app = start(
            [
                str(HERE / "e2e_app.py"),
                "--exchange",
                json.dumps(ready),
                "--symbols",
                *SYMBOLS,
                "--depth",
                str(args.depth),
                "--seconds",
                str(args.seconds),
                "--warmup",
                str(args.warmup),
                "--key-every",
                str(args.key_every),
                "--launched-at",
                repr(launched),
                *render_options(args),
            ],
            Terminal(*SIZE) if args.terminal else None,
        )
        app.line(args.warmup + 60)  # the window starts
        ex_cpu0, ex_t0 = cpu_seconds(exchange.proc.pid), time.monotonic()
        tty0 = app.terminal.bytes if app.terminal is not None else 0
        window = app.line(args.seconds + 60)
        ex_cpu = (cpu_seconds(exchange.proc.pid) - ex_cpu0) / (time.monotonic() - ex_t0)
        tty_bytes = app.terminal.bytes - tty0 if app.terminal is not None else None
        exchange.proc.send_signal(signal.SIGUSR1)
        sent = exchange.line(30)
        app.send(str(sent["book_messages"]["spot"]))
        report = app.line(60)
        app.proc.wait(30)
    finally:
        if app is not None:
            app.stop()
        exchange.stop()
    ingested = sum(report["ingested"].get(s, 0) for s in SYMBOLS)
    sent_book = sent["book_messages"]["spot"]
    seconds = window["seconds"]
    keys = window["key_latencies_ms"]
    return {
        "rate": rate,
        "sent": sent_book,
        "ingested": ingested,
        "lost": sent_book - ingested,
        "crc_bad": report["checksum_bad"],
        "not_ok": sum(report["not_ok"].values()),
        "msg/s": window["ingested"] / seconds,
        "cpu%": 100 * window["cpu_seconds"] / seconds,
        "frames/s": window["book_frames"] / seconds,
        "lat_p50_ms": percentile(window["latencies_ms"], 0.50),
        "lat_p99_ms": percentile(window["latencies_ms"], 0.99),
        "key_p50_ms": percentile(keys, 0.50),
        "key_max_ms": max(keys) if keys else None,
        "rss_mb": window["memory_kb"].get("VmRSS", 0) / 1024,
        "launch_s": window["launch_to_synced"],
        "ex_cpu%": 100 * ex_cpu,
        "tty_kb/s": None if tty_bytes is None else tty_bytes / 1024 / seconds,
        "key_presses": window["key_presses"],
        "slow_consumers_dropped": sent["slow_consumers_dropped"],
        "health": report["health"],
    }


def render_options(args: argparse.Namespace) -> list[str]:
    """The dashboard's render-mode options (as kraken-tui's) for the app process."""
    options = [] if args.fps is None else ["--fps", str(args.fps)]
    if args.low_power:
        options.append("--low-power")
    if args.low_flicker:
        options.append("--low-flicker")
    return options


def cell(value: Any, width: int) -> str:
    if value is None:
        return "-".rjust(width)
    if isinstance(value, float):
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"
        return text.rjust(width)
    return str(value).rjust(width)


def help_seconds(runs: int) -> float:
    script = Path(sys.executable).with_name("kraken-tui")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kraken_tui"]
    if not script.exists() and shutil.which("kraken-tui"):
        command = ["kraken-tui"]
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([*command, "--help"], capture_output=True, check=True, cwd=HERE.parent)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, nargs="+", default=[1000.0])
    parser.add_argument("--seconds", type=float, default=20.0, help="measuring window")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--depth", type=int, default=1000, help="book depth subscribed")
    parser.add_argument("--key-every", type=float, default=0.5)
    parser.add_argument("--quick", action="store_true", help="one short run (smoke test)")
    parser.add_argument(
        "--terminal",
        action="store_true",
        help="run the dashboard on a 140x45 pseudo-terminal (real escape codes), not headless",
    )
    parser.add_argument("--fps", type=int, default=None, help="the dashboard's --fps")
    parser.add_argument("--low-power", action="store_true", help="the dashboard's --low-power")
    parser.add_argument("--low-flicker", action="store_true", help="the dashboard's --low-flicker")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.warmup, args.key_every = 1.0, 0.2, 0.3
    if any(r <= 0 for r in args.rate) or args.seconds <= 0:
        parser.error("--rate and --seconds must be positive")
    if args.fps is not None and not 1 <= args.fps <= 60:
        parser.error("--fps must be between 1 and 60")
    print(
        f"e2e: {len(SYMBOLS)} spot books ({', '.join(SYMBOLS)}) at depth {args.depth}, "
        f"ladder on {SYMBOLS[0]}, window {args.seconds:g} s after {args.warmup:g} s warm-up, "
        f"{'pseudo-terminal' if args.terminal else 'headless'} {SIZE[0]}x{SIZE[1]}, "
        f"{os.cpu_count()} cpus, load average {load_average()}, "
        f"render: {' '.join(render_options(args)) or 'default (20 fps)'}"
    )
    print(" ".join(name.rjust(width) for name, width in COLUMNS))
    failed = False
    for rate in args.rate:
        try:
            row = run_rate(rate, args)
        except BenchError as exc:
            print(f"FAIL rate={rate:g}: {exc}")
            failed = True
            continue
        print(" ".join(cell(row[name], width) for name, width in COLUMNS))
        if row["lost"] or row["crc_bad"] or row["slow_consumers_dropped"]:
            print(
                f"  note: lost {row['lost']}, checksum mismatches {row['crc_bad']}, "
                f"slow-consumer drops {row['slow_consumers_dropped']}, health {row['health']}"
            )
    print(f"kraken-tui --help: {help_seconds(1 if args.quick else 3):.3f} s wall")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
