"""Spot v2 trading encoders against the docs examples (kraken-protocol §1.12), ack decoding
and the plain-language error texts (§1.13)."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import pytest

from kraken_tui.model.account import OrderSide
from kraken_tui.model.secret import Secret
from kraken_tui.venues.errors import FrameError, UnknownFrame
from kraken_tui.venues.kraken_spot.trading import (
    TradingAck,
    add_order,
    amend_order,
    cancel_all,
    cancel_all_orders_after,
    cancel_order,
    decode_trading_ack,
    new_cl_ord_id,
    spot_error_message,
    spot_refusal,
)
from kraken_tui.venues.outcomes import Accepted, Ambiguous, Rejected

TOKEN = "G38a1tGFzqGiUCmnegBcm8d4nfP3tytiNQz6tkCBYXY"
CID = "2c6be801-1f53-4f79-a0bb-4ea1c95dfae9"


def parsed(frame: str) -> dict[str, Any]:
    """JSON with numbers as Decimals, so 26500.4 compares by value and digits."""
    result: dict[str, Any] = json.loads(frame, parse_float=Decimal)
    return result


# ----------------------------------------------------------------- encoders


def test_add_order_limit_matches_the_docs_example() -> None:
    # Docs example with order_userref 100054; we always send a cl_ord_id instead.
    docs = parsed(
        '{"method": "add_order", "params": {"order_type": "limit", "side": "buy", '
        '"limit_price": 26500.4, "order_userref": 100054, "order_qty": 1.2, '
        '"symbol": "BTC/USD", "token": "G38a1tGFzqGiUCmnegBcm8d4nfP3tytiNQz6tkCBYXY"}, '
        '"req_id": 123456789}'
    )
    del docs["params"]["order_userref"]
    docs["params"]["cl_ord_id"] = CID
    frame = add_order(
        Secret(TOKEN),
        order_type="limit",
        side=OrderSide.BUY,
        limit_price=Decimal("26500.4"),
        order_qty=Decimal("1.2"),
        symbol="BTC/USD",
        cl_ord_id=CID,
        req_id=123456789,
    )
    assert parsed(frame) == docs
    assert '"limit_price":26500.4' in frame and '"order_qty":1.2' in frame


def test_add_order_keeps_the_digits_it_was_given() -> None:
    frame = add_order(
        TOKEN,
        order_type="limit",
        side="sell",
        order_qty=Decimal("0.00100000"),
        limit_price=Decimal("0.5660"),
        symbol="DOGE/USD",
        cl_ord_id="short-id-1",
    )
    assert '"order_qty":0.00100000' in frame
    assert '"limit_price":0.5660' in frame
    assert "req_id" not in parsed(frame)
    assert "e-" not in frame.lower()


def test_stop_loss_carries_a_static_trigger_like_the_docs() -> None:
    # Shape of the docs trailing-stop example's triggers block, with a static price.
    frame = add_order(
        TOKEN,
        order_type="stop-loss",
        side="sell",
        order_qty=100,
        symbol="MATIC/USD",
        trigger_price=Decimal("1.0"),
        reduce_only=True,
        cl_ord_id=CID,
    )
    params = parsed(frame)["params"]
    assert params["triggers"] == {
        "reference": "last",
        "price": Decimal("1.0"),
        "price_type": "static",
    }
    assert params["order_type"] == "stop-loss"
    assert params["reduce_only"] is True
    assert "limit_price" not in params


def test_take_profit_limit_with_index_reference_and_flags() -> None:
    frame = add_order(
        TOKEN,
        order_type="take-profit-limit",
        side="buy",
        order_qty="2",
        symbol="ETH/USD",
        limit_price="2010",
        trigger_price="2000",
        trigger_reference="index",
        time_in_force="gtc",
        cl_ord_id=CID,
    )
    params = parsed(frame)["params"]
    assert params["limit_price"] == 2010
    assert params["triggers"]["reference"] == "index"
    assert params["triggers"]["price"] == 2000
    assert params["time_in_force"] == "gtc"


def test_post_only_and_ioc_limit_orders() -> None:
    post = parsed(
        add_order(
            TOKEN,
            order_type="limit",
            side="buy",
            order_qty=1,
            symbol="BTC/USD",
            limit_price=1,
            post_only=True,
            cl_ord_id=CID,
        )
    )["params"]
    ioc = parsed(
        add_order(
            TOKEN,
            order_type="limit",
            side="buy",
            order_qty=1,
            symbol="BTC/USD",
            limit_price=1,
            time_in_force="ioc",
            cl_ord_id=CID,
        )
    )["params"]
    assert post["post_only"] is True and "time_in_force" not in post
    assert ioc["time_in_force"] == "ioc" and "post_only" not in ioc


def test_market_order_never_sends_no_mpp() -> None:
    frame = add_order(
        TOKEN, order_type="market", side="sell", order_qty="0.5", symbol="BTC/USD", cl_ord_id=CID
    )
    params = parsed(frame)["params"]
    assert set(params) == {"order_type", "side", "order_qty", "symbol", "cl_ord_id", "token"}
    assert "mpp" not in frame


@pytest.mark.parametrize(
    "kwargs",
    [
        {"order_type": "limit"},  # no price
        {"order_type": "market", "limit_price": "1"},
        {"order_type": "stop-loss"},  # no trigger
        {"order_type": "limit", "limit_price": "1", "trigger_price": "1"},
        {"order_type": "iceberg", "limit_price": "1"},
        {"order_type": "limit", "limit_price": 1.5},  # binary float
        {"order_type": "limit", "limit_price": "0"},
        {"order_type": "limit", "limit_price": "1", "time_in_force": "fok"},
        {"order_type": "limit", "limit_price": "1", "post_only": True, "time_in_force": "ioc"},
        {"order_type": "market", "post_only": True},
        {"order_type": "limit", "limit_price": "1", "cl_ord_id": "x" * 19},
        {"order_type": "limit", "limit_price": "1", "cl_ord_id": ""},
        {"order_type": "limit", "limit_price": "1", "side": "long"},
    ],
)
def test_bad_add_order_input_raises_before_writing(kwargs: dict[str, Any]) -> None:
    args: dict[str, Any] = {"side": "buy", "order_qty": 1, "symbol": "BTC/USD", "cl_ord_id": CID}
    with pytest.raises(ValueError):
        add_order(TOKEN, **(args | kwargs))


def test_client_order_ids_in_all_three_forms() -> None:
    for cid in (new_cl_ord_id(), uuid.uuid4().hex, "ladder-42"):
        frame = add_order(
            TOKEN, order_type="market", side="buy", order_qty=1, symbol="BTC/USD", cl_ord_id=cid
        )
        assert parsed(frame)["params"]["cl_ord_id"] == cid
    assert uuid.UUID(new_cl_ord_id()).version == 4


def test_amend_order_matches_the_docs_examples() -> None:
    first = parsed(
        '{"method": "amend_order", "params": {"cl_ord_id": "2c6be801-1f53-4f79-a0bb-4ea1c95dfae9",'
        ' "limit_price": 490795, "order_qty": 1.2, '
        '"token": "PM5Qm0MDrS54l657aQAtb7AhrwN30e2LBg1nUYOd6vU"}}'
    )
    second = parsed(
        '{"method": "amend_order", "params": {"order_id": "OAIYAU-LGI3M-PFM5VW", '
        '"limit_price": 61031.3, "deadline": "2024-07-21T09:53:59.050Z", "post_only": true, '
        '"token": "DGB00LiKlPlLI/amQaSKUUr8niqXDb+1zwvtjp34nzk"}}'
    )
    assert (
        parsed(
            amend_order(
                Secret("PM5Qm0MDrS54l657aQAtb7AhrwN30e2LBg1nUYOd6vU"),
                cl_ord_id=CID,
                limit_price=490795,
                order_qty=Decimal("1.2"),
            )
        )
        == first
    )
    assert (
        parsed(
            amend_order(
                "DGB00LiKlPlLI/amQaSKUUr8niqXDb+1zwvtjp34nzk",
                order_id="OAIYAU-LGI3M-PFM5VW",
                limit_price=Decimal("61031.3"),
                deadline="2024-07-21T09:53:59.050Z",
                post_only=True,
            )
        )
        == second
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"limit_price": "1"},
        {"order_id": "O1", "cl_ord_id": CID, "limit_price": "1"},
        {"order_id": "O1"},
        {"order_id": "O1", "order_qty": "-2"},
    ],
)
def test_bad_amend_raises(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        amend_order(TOKEN, **kwargs)


def test_cancel_order_matches_the_docs_example() -> None:
    docs = parsed(
        '{"method": "cancel_order", "params": {"order_id": ["OM5CRX-N2HAL-GFGWE9", '
        '"OLUMT4-UTEGU-ZYM7E9"], "token": "zGXT1dUQQjJjy5VmGXMegdDQngXXehNo5qbMBVolwEQ"}, '
        '"req_id": 123456789}'
    )
    frame = cancel_order(
        Secret("zGXT1dUQQjJjy5VmGXMegdDQngXXehNo5qbMBVolwEQ"),
        order_ids=["OM5CRX-N2HAL-GFGWE9", "OLUMT4-UTEGU-ZYM7E9"],
        req_id=123456789,
    )
    assert parsed(frame) == docs
    by_client = parsed(cancel_order(TOKEN, cl_ord_ids=[CID]))["params"]
    assert by_client == {"cl_ord_id": [CID], "token": TOKEN}
    with pytest.raises(ValueError):
        cancel_order(TOKEN)
    with pytest.raises(ValueError):
        cancel_order(TOKEN, order_ids="OM5CRX-N2HAL-GFGWE9")


def test_cancel_all_and_dead_man_match_the_docs_examples() -> None:
    token = "weeBxllys/7kHy/zHpkATSDIS42BvDgWS2b04ZSZHZ5"
    assert parsed(cancel_all(Secret(token), req_id=1234567890)) == {
        "method": "cancel_all",
        "params": {"token": token},
        "req_id": 1234567890,
    }
    dms_token = "zwpdzWUe18Bn6h4TAMorh26+QbcMeST2B5tamfe+pgQ"
    assert parsed(cancel_all_orders_after(Secret(dms_token), 100, req_id=1234567890)) == {
        "method": "cancel_all_orders_after",
        "params": {"timeout": 100, "token": dms_token},
        "req_id": 1234567890,
    }
    assert parsed(cancel_all_orders_after(TOKEN, 0))["params"]["timeout"] == 0
    for bad in (-1, 86400, True):
        with pytest.raises(ValueError):
            cancel_all_orders_after(TOKEN, bad)


# --------------------------------------------------------------------- acks


def test_add_order_success_ack() -> None:
    ack = decode_trading_ack(
        '{"method": "add_order", "req_id": 123456789, "result": {"order_id": '
        '"AA5JGQ-SBMRC-SCJ7J7", "order_userref": 100054}, "success": true, '
        '"time_in": "2023-09-21T14:15:07.197274Z", "time_out": "2023-09-21T14:15:07.205301Z"}'
    )
    assert isinstance(ack, TradingAck)
    assert ack.req_id == 123456789
    outcome = ack.outcome(cli_ord_id=CID)
    assert isinstance(outcome, Accepted)
    assert (outcome.order_id, outcome.cli_ord_id) == ("AA5JGQ-SBMRC-SCJ7J7", CID)
    assert outcome.status == "placed"


def test_amend_cancel_and_dead_man_acks() -> None:
    amend = decode_trading_ack(
        '{"method": "amend_order", "result": {"amend_id": "TTW6PD-RC36L-ZZSWNU", "cl_ord_id": '
        '"2c6be801-1f53-4f79-a0bb-4ea1c95dfae9"}, "success": true, '
        '"time_in": "2024-07-26T13:39:04.922699Z", "time_out": "2024-07-26T13:39:04.924912Z"}'
    )
    cancel = decode_trading_ack(
        '{"method": "cancel_order", "req_id": 123456789, "result": {"order_id": '
        '"OLUMT4-UTEGU-ZYM7E9"}, "success": true}'
    )
    cancel_all_ack = decode_trading_ack(
        '{"method": "cancel_all", "req_id": 1234567890, "result": {"count": 1}, "success": true}'
    )
    armed = decode_trading_ack(
        '{"method": "cancel_all_orders_after", "req_id": 1234567890, "result": {"currentTime": '
        '"2023-09-21T15:49:29Z", "triggerTime": "2023-09-21T15:51:09Z"}, "success": true}'
    )
    disarmed = decode_trading_ack(
        '{"method": "cancel_all_orders_after", "result": {"currentTime": '
        '"2023-09-21T15:49:29Z", "triggerTime": "0"}, "success": true}'
    )
    assert isinstance(amend, TradingAck) and isinstance(cancel, TradingAck)
    assert isinstance(cancel_all_ack, TradingAck)
    assert isinstance(armed, TradingAck) and isinstance(disarmed, TradingAck)
    assert amend.result is not None and amend.result.amend_id == "TTW6PD-RC36L-ZZSWNU"
    amended = amend.outcome()
    assert isinstance(amended, Accepted) and amended.cli_ord_id == CID
    cancelled = cancel.outcome()
    assert isinstance(cancelled, Accepted) and cancelled.order_id == "OLUMT4-UTEGU-ZYM7E9"
    everything = cancel_all_ack.outcome()
    assert isinstance(everything, Accepted) and everything.count == 1
    switch = armed.outcome()
    assert isinstance(switch, Accepted)
    assert (switch.status, switch.trigger_time) == ("armed", "2023-09-21T15:51:09Z")
    off = disarmed.outcome()
    assert isinstance(off, Accepted) and off.status == "disarmed"


def test_failure_ack_becomes_a_plain_rejection() -> None:
    ack = decode_trading_ack(
        '{"method": "add_order", "req_id": 99, "success": false, '
        '"error": "EOrder:Insufficient funds", "time_in": "x", "time_out": "y"}'
    )
    assert isinstance(ack, TradingAck)
    outcome = ack.outcome(cli_ord_id="ticket-3")
    assert isinstance(outcome, Rejected)
    assert outcome.status == "EOrder:Insufficient funds"
    assert outcome.message == "not enough funds available for this order"
    assert outcome.cli_ord_id == "ticket-3"


def test_cancel_of_unknown_order_asks_for_reconciliation() -> None:
    ack = decode_trading_ack(
        '{"method": "cancel_order", "success": false, "error": "EOrder:Unknown order"}'
    )
    assert isinstance(ack, TradingAck)
    outcome = ack.outcome()
    assert isinstance(outcome, Rejected) and outcome.reconcile


def test_service_unavailable_is_ambiguous() -> None:
    ack = decode_trading_ack(
        '{"method": "add_order", "success": false, "error": "EService:Unavailable"}'
    )
    assert isinstance(ack, TradingAck)
    assert isinstance(ack.outcome(cli_ord_id=CID), Ambiguous)


@pytest.mark.parametrize(
    "frame",
    [
        "{not json",
        "[1]",
        '{"method": "add_order", "success": "yes", "error": "x"}',
        '{"method": "add_order", "success": true}',
        '{"method": "add_order", "success": true, "result": [1, 2]}',
        '{"method": "cancel_all", "success": true, "result": {"count": "many"}}',
        '{"method": "add_order", "success": false, "error": 7}',
        '{"method": "add_order", "success": true, "result": {}, "req_id": "seven"}',
    ],
)
def test_malformed_acks_raise_frame_error(frame: str) -> None:
    with pytest.raises(FrameError):
        decode_trading_ack(frame)


@pytest.mark.parametrize(
    "frame",
    [
        '{"channel": "heartbeat"}',
        '{"method": "subscribe", "success": true, "result": {"channel": "executions"}}',
        '{"method": "add_order"}',
        '{"method": "batch_add", "success": true, "result": []}',
    ],
)
def test_frames_that_are_not_trading_acks_are_unknown(frame: str) -> None:
    assert isinstance(decode_trading_ack(frame), UnknownFrame)


def test_ack_with_unknown_fields_is_read() -> None:
    ack = decode_trading_ack(
        '{"method": "add_order", "success": true, "result": {"order_id": "O1", '
        '"warnings": ["w"], "brand_new": 1}, "extra": {"a": 1}}'
    )
    assert isinstance(ack, TradingAck)
    assert ack.result is not None and ack.result.warnings == ["w"]


# ------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ("EOrder:Insufficient funds", "not enough funds available for this order"),
        ("EOrder:Order minimum not met", "the order is smaller than this market's minimum size"),
        ("EOrder:Tick size check failed", "the price is not a multiple of this market's tick size"),
        ("EOrder:Invalid price", "the price is not valid for this market"),
        ("EOrder:Reduce only:No position exists", "reduce-only order, but there is no position"),
        ("EGeneral:Invalid arguments", "a field of the order was not accepted"),
        (
            "EGeneral:Invalid arguments:cl_ord_id",
            "a field of the order was not accepted (cl_ord_id)",
        ),
        ("EAPI:Invalid token", "the session token was not accepted; reconnect to get a new one"),
        ("ESession:Invalid session", "the trading session is not valid; reconnect"),
        ("EOrder:Unknown order", "no such open order: it may already be filled or cancelled"),
        ("EService:Unavailable", "the exchange's trading service is unavailable"),
        ("EOrder:Rate limit exceeded", "too many order requests on this market; wait a moment"),
        (
            "EOrder:Post only order",
            "post-only order would have taken liquidity, so it was not placed",
        ),
        ("EService:Market in cancel_only mode", "the market takes cancels only right now"),
        ("EOrder:Something new", "refused by the exchange (EOrder:Something new)"),
        ("", "refused without a reason"),
    ],
)
def test_spot_errors_in_plain_words(error: str, message: str) -> None:
    assert spot_error_message(error) == message


def test_refusal_keeps_the_raw_error_as_its_status() -> None:
    outcome = spot_refusal("EOrder:Cost minimum not met", cli_ord_id="c")
    assert isinstance(outcome, Rejected)
    assert outcome.status == "EOrder:Cost minimum not met"
    assert not outcome.reconcile


def test_token_appears_only_in_the_frame_never_in_errors() -> None:
    with pytest.raises(ValueError) as caught:
        add_order(
            Secret(TOKEN),
            order_type="limit",
            side="buy",
            order_qty=1,
            symbol="BTC/USD",
            cl_ord_id=CID,
        )
    assert TOKEN not in str(caught.value)
    frame = cancel_all(Secret(TOKEN))
    assert parsed(frame)["params"]["token"] == TOKEN


def test_failure_ack_without_an_error_text_is_still_a_refusal() -> None:
    ack = decode_trading_ack('{"method": "amend_order", "success": false, "req_id": 4}')
    assert isinstance(ack, TradingAck)
    outcome = ack.outcome(cli_ord_id="c-4")
    assert isinstance(outcome, Rejected)
    assert (outcome.message, outcome.cli_ord_id) == ("refused without a reason", "c-4")
