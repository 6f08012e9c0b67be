"""Kraken Derivatives (Futures) WebSocket v1 public feeds and REST v3 public shapes.

Start with :mod:`.codec` (``decode``, ``subscribe``, the server ``encode_*``),
:mod:`.rest` (instruments/tickers responses) and :mod:`.mapping`.
"""
