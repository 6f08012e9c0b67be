"""Wire models and codecs, one package per Kraken protocol.

Shared conventions of both venues (``kraken_spot`` and ``kraken_futures``):

* ``decode(frame)`` turns one inbound text frame into a typed object. Numbers
  keep their exact JSON text (``msgspec.json.Decoder(float_hook=str)``): floats
  arrive as ``str``, integers as ``int``.
* A frame whose channel, feed, method or event this package does not know comes
  back as :class:`UnknownFrame` (not an error) so callers can count and skip it.
* Anything that is not JSON, not a JSON object, or a known message with a
  broken shape raises :class:`FrameError` — the only exception a decoder raises.
* Encoders return ``str`` ready for ``websocket.send``; numbers are written from
  scaled ints or Decimals, never through binary floats.
"""

from __future__ import annotations

from kraken_tui.venues.errors import FrameError, UnknownFrame

__all__ = ["FrameError", "UnknownFrame"]
