"""Post-only orders that would take, per venue as Kraken does them.

Futures refuses them (``sendStatus`` ``postWouldExecute``; kraken-protocol §4.4) and
only ``open_orders_verbose`` tells of the failed order, as a removal with reason
``post_order_failed_because_it_would_filled``. Spot accepts them and cancels them at
once (Kraken's spot add_order docs: post_only "Cancels the order if it will take
liquidity on arrival"); the executions side is in ``test_spot_trading_exchange``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kraken_tui.model import Venue
from kraken_tui.sim import ExchangeServer
from kraken_tui.sim.order_desk import POST_REST_REASON
from tests.sim.test_futures_private import _connect, _subscribe
from tests.sim.test_futures_trading_rest import _post
from tests.sim.test_order_desk import BUY, NOW, _desk, _kinds, _req


def test_spot_post_only_that_would_take_is_accepted_then_cancelled() -> None:
    desk, account, events = _desk()
    result = desk.place(_req(BUY, "post", "0.01", "100010.0", symbol="BTC/USD"), NOW)
    assert (result.outcome, result.reason) == ("cancelled", "postWouldExecute")
    assert result.order is not None and result.order.status == "canceled"
    mine = [f for f in account.fills(Venue.SPOT) if f.order_id == result.order.order_id]
    assert not result.fills and not mine
    assert _kinds(events) == ["order:new_placed_order_by_user", f"order_closed:{POST_REST_REASON}"]
    assert result.order.order_id not in {o.order_id for o in account.open_orders(Venue.SPOT)}
    rests = desk.place(_req(BUY, "post", "0.01", "99000.0", symbol="BTC/USD"), NOW)
    assert rests.outcome == "placed"


async def test_futures_failed_post_only_is_on_the_verbose_feed_only(
    exchange: ExchangeServer,
) -> None:
    verbose, plain = await _connect(exchange), await _connect(exchange)
    await _subscribe(verbose, exchange, "open_orders_verbose")
    await _subscribe(plain, exchange, "open_orders")
    through = str(int(exchange.markets["PF_XBTUSD"].mid * Decimal("1.2")))
    params = {"orderType": "post", "symbol": "PF_XBTUSD", "side": "buy", "size": "0.01"}
    _, body = await _post(exchange, "sendorder", params | {"limitPrice": through})
    order_id = body["sendStatus"]["order_id"]
    assert body["sendStatus"]["status"] == "postWouldExecute"

    def about(msg: dict[str, Any]) -> bool:
        return bool(
            msg.get("order_id") == order_id or msg.get("order", {}).get("order_id") == order_id
        )

    failed = await verbose.recv_until(about)
    assert failed == {
        "feed": "open_orders_verbose",
        "order_id": order_id,
        "is_cancel": True,
        "reason": POST_REST_REASON,
    }
    # A resting order placed afterwards reaches the plain feed first: nothing came before.
    params = params | {
        "orderType": "lmt",
        "limitPrice": str(int(exchange.markets["PF_XBTUSD"].mid * Decimal("0.8"))),
    }
    _, body = await _post(exchange, "sendorder", params)
    placed_id = body["sendStatus"]["order_id"]
    first = await plain.recv_until(lambda m: m.get("feed") == "open_orders")
    assert first["order"]["order_id"] == placed_id and first["is_cancel"] is False
    await verbose.close()
    await plain.close()
