# ruff: noqa: E501
"""Spot v2 examples from kraken-protocol.md §1.2–1.8, copied verbatim as frame text."""

from __future__ import annotations

SUBSCRIBE_BOOK = (
    '{"method": "subscribe", "params": {"channel": "book", "symbol": ["ALGO/USD", "MATIC/USD"]}}'
)
ACK_BOOK_ALGO = '{"method": "subscribe", "result": {"channel": "book", "depth": 10, "snapshot": true, "symbol": "ALGO/USD"}, "success": true, "time_in": "2023-10-06T17:35:55.219022Z", "time_out": "2023-10-06T17:35:55.219067Z"}'
ACK_BOOK_MATIC = '{"method": "subscribe", "result": {"channel": "book", "depth": 10, "snapshot": true, "symbol": "MATIC/USD"}, "success": true, "time_in": "2023-10-06T17:35:55.219022Z", "time_out": "2023-10-06T17:35:55.219067Z"}'
# time_in was elided as "..." in the SDK assertion; kept as text.
ERROR_ACK = '{"error": "Subscription Not Found", "method": "subscribe", "req_id": 123456789, "success": false, "symbol": "BTC/USD", "time_in": "..."}'
ACK_TICKER_TRIGGER = '{"method": "subscribe", "req_id": 12345678, "result": {"channel": "ticker", "event_trigger": "trades", "snapshot": true, "symbol": "BTC/USD"}, "success": true}'

PING = '{"method": "ping", "req_id": 101}'
PONG = '{"method": "pong", "req_id": 101, "time_in": "2023-09-24T14:10:23.799685Z", "time_out": "2023-09-24T14:10:23.799703Z"}'
HEARTBEAT = '{"channel": "heartbeat"}'
STATUS = '{"channel": "status", "data": [{"api_version": "v2", "connection_id": 13834774380200032777, "system": "online", "version": "2.0.0"}], "type": "update"}'

BOOK_SNAPSHOT = """{"channel": "book", "type": "snapshot", "data": [{"symbol": "MATIC/USD",
  "bids": [{"price": 0.5666, "qty": 4831.75496356}, {"price": 0.5665, "qty": 6658.22734739}, {"price": 0.5664, "qty": 18724.91513344}, {"price": 0.5663, "qty": 11563.92544914}, {"price": 0.5662, "qty": 14006.65365711}, {"price": 0.5661, "qty": 17454.85679807}, {"price": 0.566, "qty": 18097.1547}, {"price": 0.5659, "qty": 33644.89175666}, {"price": 0.5658, "qty": 148.3464}, {"price": 0.5657, "qty": 606.70854372}],
  "asks": [{"price": 0.5668, "qty": 4410.79769741}, {"price": 0.5669, "qty": 4655.40412487}, {"price": 0.567, "qty": 49844.89424998}, {"price": 0.5671, "qty": 24306.41678}, {"price": 0.5672, "qty": 29783.25223475}, {"price": 0.5673, "qty": 57234.71239278}, {"price": 0.5674, "qty": 45065.04744}, {"price": 0.5675, "qty": 5912.76380354}, {"price": 0.5676, "qty": 42514.92434778}, {"price": 0.5677, "qty": 36304.0847022}],
  "checksum": 2439117997, "timestamp": "2023-10-06T17:35:55.440295Z"}]}"""
BOOK_UPDATE = '{"channel": "book", "type": "update", "data": [{"symbol": "MATIC/USD", "bids": [{"price": 0.5657, "qty": 1098.3947558}], "asks": [], "checksum": 2114181697, "timestamp": "2023-10-06T17:35:55.440295Z"}]}'

SUBSCRIBE_TICKER = (
    '{"method": "subscribe", "params": {"channel": "ticker", "symbol": ["ALGO/USD"]}}'
)
ACK_TICKER = '{"method": "subscribe", "result": {"channel": "ticker", "snapshot": true, "symbol": "ALGO/USD"}, "success": true, "time_in": "2023-09-25T09:04:31.742599Z", "time_out": "2023-09-25T09:04:31.742648Z"}'
TICKER_SNAPSHOT = '{"channel": "ticker", "type": "snapshot", "data": [{"symbol": "ALGO/USD", "bid": 0.10025, "bid_qty": 740.0, "ask": 0.10036, "ask_qty": 1361.44813783, "last": 0.10035, "volume": 997038.98383185, "vwap": 0.10148, "low": 0.09979, "high": 0.10285, "change": -0.00017, "change_pct": -0.17, "timestamp": "2023-09-25T09:04:31.742648Z"}]}'
TICKER_UPDATE = '{"channel": "ticker", "type": "update", "data": [{"symbol": "ALGO/USD", "bid": 0.10025, "bid_qty": 740.0, "ask": 0.10035, "ask_qty": 740.0, "last": 0.10035, "volume": 997038.98383185, "vwap": 0.10148, "low": 0.09979, "high": 0.10285, "change": -0.00017, "change_pct": -0.17, "timestamp": "2023-09-25T09:04:31.742648Z"}]}'
# "..." in the docs stands for time_in/time_out; omitted here.
UNSUB_ACK_TICKER = '{"method": "unsubscribe", "result": {"channel": "ticker", "event_trigger": "trades", "symbol": "ALGO/USD"}, "success": true}'

SUBSCRIBE_TRADE = '{"method": "subscribe", "params": {"channel": "trade", "symbol": ["MATIC/USD"], "snapshot": true}}'
TRADE_SNAPSHOT = '{"channel": "trade", "type": "snapshot", "data": [{"symbol": "MATIC/USD", "side": "buy", "price": 0.5147, "qty": 6423.46326, "ord_type": "limit", "trade_id": 4665846, "timestamp": "2023-09-25T07:48:36.925533Z"}, {"symbol": "MATIC/USD", "side": "buy", "price": 0.5147, "qty": 1136.19677815, "ord_type": "limit", "trade_id": 4665847, "timestamp": "2023-09-25T07:49:36.925603Z"}]}'
TRADE_UPDATE = '{"channel": "trade", "type": "update", "data": [{"symbol": "MATIC/USD", "side": "sell", "price": 0.5117, "qty": 40.0, "ord_type": "market", "trade_id": 4665906, "timestamp": "2023-09-25T07:49:37.708706Z"}]}'

SUBSCRIBE_OHLC = '{"method": "subscribe", "params": {"channel": "ohlc", "symbol": ["ALGO/USD", "MATIC/USD"], "interval": 5}}'
ACK_OHLC = '{"method": "subscribe", "result": {"channel": "ohlc", "interval": 5, "snapshot": true, "symbol": "ALGO/USD", "warnings": ["timestamp is deprecated, use interval_begin"]}, "success": true, "time_in": "2023-10-04T16:26:01.802708Z", "time_out": "2023-10-04T16:26:01.802791Z"}'
OHLC_UPDATE = '{"channel": "ohlc", "type": "update", "timestamp": "2023-10-04T16:26:30.524394914Z", "data": [{"symbol": "MATIC/USD", "open": 0.5624, "high": 0.5628, "low": 0.5622, "close": 0.5627, "trades": 12, "volume": 30927.68066226, "vwap": 0.5626, "interval_begin": "2023-10-04T16:25:00.000000000Z", "interval": 5, "timestamp": "2023-10-04T16:30:00.000000Z"}]}'

SUBSCRIBE_INSTRUMENT = '{"method": "subscribe", "params": {"channel": "instrument"}, "req_id": 79}'
ACK_INSTRUMENT = '{"method": "subscribe", "req_id": 79, "result": {"channel": "instrument", "snapshot": true, "warnings": ["tick_size is deprecated, use price_increment"]}, "success": true, "time_in": "2023-09-26T16:49:20.962586Z", "time_out": "2023-09-26T16:49:20.962630Z"}'
INSTRUMENT_SNAPSHOT = """{"channel": "instrument", "type": "snapshot", "data": {"assets": [{"id": "USD", "status": "enabled", "precision": 4, "precision_display": 2, "borrowable": true, "collateral_value": 1.0, "margin_rate": 0.015}, {"id": "BTC", "status": "enabled", "precision": 10, "precision_display": 5, "borrowable": true, "collateral_value": 1.0, "margin_rate": 0.01}, {"id": "XRP", "status": "enabled", "precision": 8, "precision_display": 5, "borrowable": true, "collateral_value": 0.0, "margin_rate": 0.02}],
 "pairs": [{"symbol": "BTC/USD", "base": "BTC", "quote": "USD", "status": "online", "qty_precision": 8, "qty_increment": 1e-08, "price_precision": 1, "cost_precision": 5, "marginable": true, "has_index": true, "cost_min": 0.5, "margin_initial": 0.2, "position_limit_long": 250, "position_limit_short": 200, "tick_size": 0.1, "price_increment": 0.1, "qty_min": 0.0001},
           {"symbol": "MATIC/GBP", "base": "MATIC", "quote": "GBP", "status": "online", "qty_precision": 8, "qty_increment": 1e-08, "price_precision": 4, "cost_precision": 6, "marginable": false, "has_index": true, "cost_min": 0.43, "tick_size": 0.0001, "price_increment": 0.0001, "qty_min": 4.0}]}}"""
INSTRUMENT_UPDATE = '{"channel": "instrument", "type": "update", "data": {"assets": [{"id": "BTC", "status": "enabled", "precision": 10, "precision_display": 5, "borrowable": true, "collateral_value": 1.0, "margin_rate": 0.01}], "pairs": []}}'
