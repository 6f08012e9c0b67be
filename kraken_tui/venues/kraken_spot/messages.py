"""Spot WebSocket v2 public messages (inbound and requests) as typed objects.

``book`` is modelled by the light :class:`BookFrame` dataclass (high rate, no
pydantic). Everything else is a pydantic model that tolerates unknown fields
and keeps enum-like fields (``system``, ``status``, ``ord_type``, ``side``...) as
plain ``str`` so a value Kraken adds tomorrow never fails parsing. Numbers are
``Decimal`` built from the exact JSON text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

RawLevel = tuple[str | int, str | int]
"""(price, qty) as the exact JSON number text (or an int when JSON had no dot)."""


class WireModel(BaseModel):
    """Base of every spot wire model: unknown fields are kept, never rejected."""

    model_config = ConfigDict(extra="allow", frozen=True)


# --------------------------------------------------------------------- book


@dataclass(slots=True)
class BookFrame:
    """One ``book`` message (snapshot or update) for one symbol.

    ``data`` is the raw ``data[0]`` object, ready for
    ``kraken_tui.book.wire.apply_spot_book_message(book, data, is_snapshot)``;
    ``bids``/``asks`` are the same levels already unpacked.
    """

    symbol: str
    is_snapshot: bool
    bids: list[RawLevel]
    asks: list[RawLevel]
    checksum: int | None
    timestamp: str
    data: dict[str, Any]


# ------------------------------------------------------------------- ticker


class TickerData(WireModel):
    symbol: str
    bid: Decimal | None = None
    bid_qty: Decimal | None = None
    ask: Decimal | None = None
    ask_qty: Decimal | None = None
    last: Decimal | None = None
    volume: Decimal | None = None
    vwap: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    change: Decimal | None = None
    change_pct: Decimal | None = None
    timestamp: str | None = None


class TickerMessage(WireModel):
    channel: str = "ticker"
    type: str
    data: list[TickerData]


# -------------------------------------------------------------------- trade


class TradeData(WireModel):
    symbol: str
    side: str
    """Taker side: ``buy`` or ``sell`` (kept as text)."""
    price: Decimal
    qty: Decimal
    ord_type: str | None = None
    trade_id: int | str | None = None
    timestamp: str


class TradeMessage(WireModel):
    channel: str = "trade"
    type: str
    data: list[TradeData]


# --------------------------------------------------------------- instrument


class AssetInfo(WireModel):
    id: str
    status: str = "enabled"
    precision: int | None = None
    precision_display: int | None = None
    borrowable: bool | None = None
    collateral_value: Decimal | None = None
    margin_rate: Decimal | None = None
    multiplier: Decimal | None = None


class PairInfo(WireModel):
    symbol: str
    base: str
    quote: str
    status: str = "online"
    qty_precision: int
    qty_increment: Decimal | None = None
    qty_min: Decimal | None = None
    price_precision: int
    price_increment: Decimal | None = None
    tick_size: Decimal | None = None
    """Deprecated by Kraken in favour of ``price_increment``; read as a fallback."""
    cost_precision: int | None = None
    cost_min: Decimal | None = None
    marginable: bool | None = None
    has_index: bool | None = None
    margin_initial: Decimal | None = None
    position_limit_long: int | None = None
    position_limit_short: int | None = None


class InstrumentData(WireModel):
    assets: list[AssetInfo] = Field(default_factory=list)
    pairs: list[PairInfo] = Field(default_factory=list)


class InstrumentMessage(WireModel):
    channel: str = "instrument"
    type: str
    data: InstrumentData


# --------------------------------------------------------- heartbeat/status


class HeartbeatMessage(WireModel):
    channel: str = "heartbeat"


class StatusData(WireModel):
    system: str
    """``online``/``cancel_only``/``maintenance``/``post_only`` or anything new."""
    api_version: str | None = None
    connection_id: int | None = None
    version: str | None = None


class StatusMessage(WireModel):
    channel: str = "status"
    type: str = "update"
    data: list[StatusData]


# ---------------------------------------------------------- method replies


class SubscriptionResult(WireModel):
    """``result`` of a per-symbol subscribe/unsubscribe ack."""

    channel: str
    symbol: str | None = None
    depth: int | None = None
    snapshot: bool | None = None
    event_trigger: str | None = None
    interval: int | None = None
    warnings: list[str] = Field(default_factory=list)


class MethodResponse(WireModel):
    """A ``subscribe``/``unsubscribe`` reply, success or error.

    On failure ``error`` holds the text and ``symbol`` may sit at top level
    (Kraken even answers a failed unsubscribe with ``method: subscribe``).
    """

    method: str
    success: bool
    result: SubscriptionResult | None = None
    error: str | None = None
    symbol: str | None = None
    req_id: int | None = None
    time_in: str | None = None
    time_out: str | None = None

    @property
    def subscribed_symbol(self) -> str | None:
        """The symbol the reply is about, wherever Kraken put it."""
        if self.result is not None and self.result.symbol is not None:
            return self.result.symbol
        return self.symbol


class PongMessage(WireModel):
    method: str = "pong"
    req_id: int | None = None
    time_in: str | None = None
    time_out: str | None = None


# ------------------------------------------------------- requests (client)


class SubscribeParams(WireModel):
    channel: str
    symbol: list[str] | None = None
    depth: int | None = None
    snapshot: bool | None = None
    event_trigger: str | None = None
    interval: int | None = None
    token: str | None = None


class SubscribeRequest(WireModel):
    """A ``subscribe`` or ``unsubscribe`` request as the server receives it."""

    method: str
    params: SubscribeParams
    req_id: int | None = None


class PingRequest(WireModel):
    method: str = "ping"
    req_id: int | None = None


SpotInbound = (
    BookFrame
    | TickerMessage
    | TradeMessage
    | InstrumentMessage
    | HeartbeatMessage
    | StatusMessage
    | MethodResponse
    | PongMessage
)
"""What ``codec.decode`` returns (besides UnknownFrame)."""

SpotRequest = SubscribeRequest | PingRequest
"""What ``codec.decode_request`` returns (besides UnknownFrame)."""
