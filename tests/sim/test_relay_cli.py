"""``kraken-tui sim --upstream URL`` as a process: a standalone paper exchange."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys

from kraken_tui.model.scaled import format_scaled
from tests.sim.relay_helpers import frozen_upstream
from tests.sim.wsclient import WsClient, is_book, levels


async def test_sim_with_upstream_relays_the_upstream_book() -> None:
    upstream = frozen_upstream()
    await upstream.start()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kraken_tui.sim.cli",
        "--upstream",
        upstream.urls.rest,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        lines = [
            (await asyncio.wait_for(proc.stdout.readline(), 30)).decode().strip() for _ in range(8)
        ]
        values = dict(line.split("=", 1) for line in lines)
        client = await WsClient.connect(values["spot_ws"])
        try:
            await client.send(
                {
                    "method": "subscribe",
                    "params": {"channel": "book", "symbol": ["BTC/USD"], "depth": 10},
                }
            )
            snapshot = await client.recv_until(is_book("BTC/USD"))
        finally:
            await client.close()
        market = upstream.markets["BTC/USD"]
        expected = [
            (format_scaled(p, market.pp), format_scaled(q, market.qp))
            for p, q in market.bids.top(10)
        ]
        got = [(str(p), str(q)) for p, q in levels(snapshot["data"][0]["bids"])]
        assert got == expected
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 10) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await upstream.stop()


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_sim_with_an_unreachable_upstream_exits_2() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kraken_tui.sim.cli",
        "--upstream",
        f"http://127.0.0.1:{_dead_port()}",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    assert b"could not reach ws://127.0.0.1:" in err
    assert b"Traceback" not in err
