"""``kraken-tui sim`` as a process: prints its URLs, serves, exits 0 on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys

from kraken_tui.endpoints import from_exchange_url


def test_sim_cli_prints_urls_and_exits_cleanly() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kraken_tui.sim.cli", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(4)]
        values = dict(line.split("=", 1) for line in lines)
        assert set(values) == {"spot_ws", "spot_auth_ws", "futures_ws", "rest"}
        assert values["spot_ws"].startswith("ws://127.0.0.1:") and values["spot_ws"].endswith("/v2")
        assert values["futures_ws"].endswith("/ws/v1")
        endpoints = from_exchange_url(
            values["rest"], auth_port=int(values["spot_auth_ws"].rsplit(":", 1)[1].split("/")[0])
        )
        assert endpoints.spot_ws == values["spot_ws"]
        assert endpoints.spot_auth_ws == values["spot_auth_ws"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_sim_cli_refuses_remote_host() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kraken_tui.sim.cli", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--allow-remote" in result.stderr
