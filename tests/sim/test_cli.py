"""``kraken-tui sim`` as a process: prints URLs and practice keys, serves, exits 0 on SIGTERM."""

from __future__ import annotations

import base64
import signal
import subprocess
import sys
import urllib.request

from kraken_tui.endpoints import from_exchange_url
from kraken_tui.model.secret import Secret
from kraken_tui.venues.signing import futures_authent

KEY_LINES = ("futures_api_key", "futures_api_secret", "spot_api_key", "spot_api_secret")


def test_sim_cli_prints_urls_and_exits_cleanly() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kraken_tui.sim.cli", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(8)]
        values = dict(line.split("=", 1) for line in lines)
        assert list(values) == ["spot_ws", "spot_auth_ws", "futures_ws", "rest", *KEY_LINES]
        assert len(values["futures_api_key"]) == 56 and len(values["spot_api_key"]) == 56
        assert len(base64.b64decode(values["spot_api_secret"], validate=True)) == 64
        assert values["futures_api_key"] != values["spot_api_key"]
        assert values["spot_ws"].startswith("ws://127.0.0.1:") and values["spot_ws"].endswith("/v2")
        assert values["futures_ws"].endswith("/ws/v1")
        endpoints = from_exchange_url(
            values["rest"], auth_port=int(values["spot_auth_ws"].rsplit(":", 1)[1].split("/")[0])
        )
        assert endpoints.spot_ws == values["spot_ws"]
        assert endpoints.spot_auth_ws == values["spot_auth_ws"]
        # the printed futures key signs a private REST call
        path = "/derivatives/api/v3/openpositions"
        authent = futures_authent(Secret(values["futures_api_secret"]), "", "1", path)
        request = urllib.request.Request(
            values["rest"] + path,
            headers={"APIKey": values["futures_api_key"], "Authent": authent, "Nonce": "1"},
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=10) as response:
            assert b'"openPositions"' in response.read()
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
