"""Kraken Spot WebSocket v2 (public): wire models, codec, mapping to the domain model.

Start with :mod:`kraken_tui.venues.kraken_spot.codec` (``decode``, ``subscribe``,
the server ``encode_*``) and :mod:`kraken_tui.venues.kraken_spot.mapping`.
"""
