# ruff: noqa: E501
"""Futures v1 examples from kraken-protocol.md §3.2–3.5, copied as frame text.

The ticker example is the protocol doc's fixed version (the docs page's JSON is invalid).
"""

from __future__ import annotations

SUBSCRIBE_BOOK = '{"event": "subscribe", "feed": "book", "product_ids": ["PI_XBTUSD"]}'
SUBSCRIBED_BOOK = '{"event": "subscribed", "feed": "book", "product_ids": ["PI_XBTUSD"]}'
SUBSCRIBED_TRAILING_SPACE = '{"event": "subscribed ", "feed": "book", "product_ids": ["PI_XBTUSD"]}'
ERROR = '{"event": "error", "message": "Invalid product id"}'
ALERT = '{"event": "alert", "message": "Failed to subscribe to authenticated feed"}'
CHALLENGE_REQUEST = (
    '{"event": "challenge", "api_key": "CMl2SeSn09Tz+2tWuzPfdaJdsahq6qv5UaexXuQ3SnahDQU/gO3aT+"}'
)
CHALLENGE_REPLY = '{"event": "challenge", "message": "226aee50-88fc-4618-a42a-34f7709570b2"}'
INFO = '{"event":"info","version":1}'

SUBSCRIBE_HEARTBEAT = '{"event": "subscribe", "feed": "heartbeat"}'
HEARTBEAT = '{"feed": "heartbeat", "time": 1534262350627}'

TICKER = '{"time": 1676393235406, "product_id": "PI_XBTUSD", "funding_rate": -6.2604214e-11, "funding_rate_prediction": -3.65989977e-10, "relative_funding_rate": -1.380384722222e-6, "relative_funding_rate_prediction": -8.047629166667e-6, "next_funding_rate_time": 1676394000000, "feed": "ticker", "bid": 21978.5, "ask": 21987.0, "bid_size": 2536.0, "ask_size": 13948.0, "volume": 31403908.0, "dtm": 0, "leverage": "50x", "index": 21984.54, "premium": -0.0, "last": 21983.5, "change": 1.9974017538161748, "suspended": false, "tag": "perpetual", "pair": "XBT:USD", "openInterest": 30072580.0, "markPrice": 21979.68641534714, "maturityTime": 0, "post_only": false, "volumeQuote": 31403908.0, "open": 21968.5, "high": 22123.0, "low": 21456.0}'
TICKER_LITE = '{"feed": "ticker_lite", "product_id": "PI_XBTUSD", "bid": 34932, "ask": 34949.5, "change": 3.3705205220015966, "premium": 0.1, "volume": 264126741, "tag": "perpetual", "pair": "XBT:USD", "dtm": 0, "maturityTime": 0, "volumeQuote": 264126741}'
TRADE = '{"feed": "trade", "product_id": "PI_XBTUSD", "uid": "05af78ac-a774-478c-a50c-8b9c234e071e", "side": "sell", "type": "fill", "seq": 653355, "time": 1612266317519, "qty": 15000, "price": 34969.5}'
# Shape from §3.4 (field list only in the docs); two trades, newest first.
TRADE_SNAPSHOT = '{"feed": "trade_snapshot", "product_id": "PI_XBTUSD", "trades": [{"feed": "trade", "product_id": "PI_XBTUSD", "uid": "b", "side": "buy", "type": "fill", "seq": 653354, "time": 1612266317000, "qty": 10, "price": 34970}, {"feed": "trade", "product_id": "PI_XBTUSD", "uid": "a", "side": "sell", "type": "liquidation", "seq": 653353, "time": 1612266316000, "qty": 5.5, "price": 34969.5}]}'

BOOK_SNAPSHOT = '{"feed": "book_snapshot", "product_id": "PI_XBTUSD", "timestamp": 1612269825817, "seq": 326072249, "tickSize": null, "bids": [{"price": 34892.5, "qty": 6385}, {"price": 34892, "qty": 10924}], "asks": [{"price": 34911.5, "qty": 20598}, {"price": 34912, "qty": 2300}]}'
BOOK_DELTA = '{"feed": "book", "product_id": "PI_XBTUSD", "side": "sell", "seq": 326094134, "price": 34981, "qty": 0, "timestamp": 1612269953629}'
