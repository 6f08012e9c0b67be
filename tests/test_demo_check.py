"""The start-up check of Kraken's futures demo, against small servers on 127.0.0.1."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

from kraken_tui.demo_check import demo_problem
from kraken_tui.ui import run

MARKETING_PAGE = "<!doctype html><html><body><h1>Kraken Pro</h1></body></html>"


@contextlib.asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def app_with(handler: Handler) -> web.Application:
    app = web.Application()
    app.router.add_get("/derivatives/api/v3/instruments", handler)
    return app


async def test_a_redirect_to_a_web_page_is_reported_plainly() -> None:
    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently(location="https://www.kraken.com/pro")

    async with serving(app_with(moved)) as base:
        problem = await demo_problem(base)
    assert problem is not None
    assert "redirects (HTTP 301) to https://www.kraken.com/pro" in problem
    assert "retired" in problem and "--env sim" in problem


async def test_html_instead_of_json_is_reported() -> None:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text=MARKETING_PAGE, content_type="text/html")

    async with serving(app_with(page)) as base:
        problem = await demo_problem(base)
    assert problem is not None and "web page instead of JSON" in problem


async def test_a_demo_that_answers_with_instruments_passes() -> None:
    async def instruments(request: web.Request) -> web.Response:
        return web.json_response({"result": "success", "instruments": [{"symbol": "PF_XBTUSD"}]})

    async with serving(app_with(instruments)) as base:
        assert await demo_problem(base) is None


async def test_an_unreachable_demo_is_reported() -> None:
    async with serving(web.Application()) as base:
        pass  # the port is closed again
    problem = await demo_problem(base, timeout=2)
    assert problem is not None and "could not be reached" in problem


def test_the_dashboard_refuses_a_retired_demo_before_starting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[str] = []

    def retired(futures_rest: str) -> str:
        seen.append(futures_rest)
        return "Kraken's futures demo no longer serves the API."

    monkeypatch.setattr(run, "check_demo", retired)
    status = run.run_dashboard(
        env="demo",
        exchange_url=None,
        symbol="PF_XBTUSD",
        venue="futures",
        depth=25,
        theme=None,
        seed=1,
        scenario="calm",
    )
    assert status == 2
    assert seen == ["https://demo-futures.kraken.com"]
    assert "no longer serves the API" in capsys.readouterr().err
