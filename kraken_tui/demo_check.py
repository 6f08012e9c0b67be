"""Is Kraken's futures demo still there? Checked once before ``--env demo`` starts.

Two SDK maintainers reported demo-futures.kraken.com retired in July 2026, now
answering with a redirect to a marketing page. A client that does not check gets
HTML where it expects JSON and fails with a confusing decode error; we ask one
cheap public endpoint first and say plainly what we found.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from kraken_tui.endpoints import is_loopback

PROBE_PATH = "/derivatives/api/v3/instruments"
ADVICE = "Practise on the embedded exchange instead: run kraken-tui (the default --env sim)."


async def demo_problem(futures_rest: str, *, timeout: float = 8.0) -> str | None:  # noqa: ASYNC109
    """None when the demo answers the instruments call with real JSON, else what is wrong."""
    url = futures_rest.rstrip("/") + PROBE_PATH
    host = urlsplit(url).netloc
    try:
        async with (
            aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=timeout), trust_env=not is_loopback(url)
            ) as http,
            http.get(url, allow_redirects=False) as response,
        ):
            if 300 <= response.status < 400:
                where = response.headers.get("Location", "another page")
                return (
                    f"Kraken's futures demo ({host}) no longer serves the API: it redirects "
                    f"(HTTP {response.status}) to {where}. It was reported retired in July "
                    f"2026. {ADVICE}"
                )
            text = await response.text(errors="replace")
            if response.status >= 400:
                return f"Kraken's futures demo ({host}) answered HTTP {response.status}. {ADVICE}"
    except (aiohttp.ClientError, TimeoutError) as exc:
        reason = type(exc).__name__ if isinstance(exc, TimeoutError) else str(exc) or "failed"
        return f"Kraken's futures demo ({host}) could not be reached: {reason}. {ADVICE}"
    try:
        body: Any = json.loads(text)
    except ValueError:
        return (
            f"Kraken's futures demo ({host}) answered with a web page instead of JSON; the "
            f"demo API looks retired. {ADVICE}"
        )
    if not isinstance(body, dict) or not isinstance(body.get("instruments"), list):
        return f"Kraken's futures demo ({host}) answered without an instrument list. {ADVICE}"
    return None
