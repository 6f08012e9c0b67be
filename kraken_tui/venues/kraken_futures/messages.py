"""Derivatives WebSocket v1 public messages as typed objects.

Book snapshots and deltas are light slots dataclasses (high rate, no pydantic);
the rest are pydantic models that keep unknown fields and hold enum-like values
(``tag``, ``side``, ``type``, event names) as plain ``str``. Field names follow
Python style; Kraken's camelCase names (``markPrice``, ``openInterest``...) are
accepted as aliases, so a model validates straight from the wire dict.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

RawLevel = tuple[str | int, str | int]
"""(price, qty) as the exact JSON number text (or an int when JSON had no dot)."""


class WireModel(BaseModel):
    """Base of every futures wire model: unknown fields are kept, never rejected."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


def _alias(camel: str, snake: str) -> AliasChoices:
    return AliasChoices(camel, snake)


# --------------------------------------------------------------------- book


@dataclass(slots=True)
class FuturesBookSnapshot:
    """A ``book_snapshot``: every level of one product at ``seq``; ``timestamp`` is epoch ms."""

    product_id: str
    seq: int
    bids: list[RawLevel]
    asks: list[RawLevel]
    timestamp: int
    tick_size: str | int | None = None


@dataclass(slots=True)
class FuturesBookDelta:
    """A ``book`` delta: the new absolute ``qty`` at ``price`` (0 deletes).

    ``side`` is ``buy`` (bid) or ``sell`` (ask), as sent.
    """

    product_id: str
    side: str
    seq: int
    price: str | int
    qty: str | int
    timestamp: int


# ------------------------------------------------------------------ tickers


class FuturesTicker(WireModel):
    """The ``ticker`` feed. Funding fields are omitted by Kraken when zero."""

    feed: str = "ticker"
    product_id: str
    time: int | None = None
    bid: Decimal | None = None
    ask: Decimal | None = None
    bid_size: Decimal | None = None
    ask_size: Decimal | None = None
    volume: Decimal | None = None
    volume_quote: Decimal | None = Field(
        None, validation_alias=_alias("volumeQuote", "volume_quote")
    )
    dtm: int | None = None
    leverage: str | None = None
    index: Decimal | None = None
    premium: Decimal | None = None
    last: Decimal | None = None
    change: Decimal | None = None
    """24h change in percent."""
    open: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None
    suspended: bool | None = None
    post_only: bool | None = None
    tag: str | None = None
    pair: str | None = None
    open_interest: Decimal | None = Field(
        None, validation_alias=_alias("openInterest", "open_interest")
    )
    mark_price: Decimal | None = Field(None, validation_alias=_alias("markPrice", "mark_price"))
    maturity_time: int | None = Field(
        None, validation_alias=_alias("maturityTime", "maturity_time")
    )
    funding_rate: Decimal | None = None
    funding_rate_prediction: Decimal | None = None
    relative_funding_rate: Decimal | None = None
    relative_funding_rate_prediction: Decimal | None = None
    next_funding_rate_time: int | None = None
    """Absolute epoch ms of the next funding (despite the docs' wording)."""


class FuturesTickerLite(WireModel):
    feed: str = "ticker_lite"
    product_id: str
    bid: Decimal | None = None
    ask: Decimal | None = None
    change: Decimal | None = None
    premium: Decimal | None = None
    volume: Decimal | None = None
    volume_quote: Decimal | None = Field(
        None, validation_alias=_alias("volumeQuote", "volume_quote")
    )
    tag: str | None = None
    pair: str | None = None
    dtm: int | None = None
    maturity_time: int | None = Field(
        None, validation_alias=_alias("maturityTime", "maturity_time")
    )


# ------------------------------------------------------------------- trades


class FuturesTrade(WireModel):
    """One trade (the ``trade`` feed, or an element of ``trade_snapshot.trades``)."""

    feed: str = "trade"
    product_id: str
    uid: str | None = None
    side: str
    """Taker side: ``buy`` or ``sell``."""
    type: str | None = None
    """``fill``, ``liquidation``, ``termination``, ``block`` or anything new."""
    seq: int | None = None
    time: int
    qty: Decimal
    price: Decimal


class FuturesTradeSnapshot(WireModel):
    """``trade_snapshot``: recent trades, newest first."""

    feed: str = "trade_snapshot"
    product_id: str
    trades: list[FuturesTrade] = Field(default_factory=list)


class FuturesHeartbeat(WireModel):
    feed: str = "heartbeat"
    time: int | None = None


# ------------------------------------------------------------------- events


class FuturesEvent(WireModel):
    """Events: ``info``, ``(un)subscribed``, ``*_failed``, ``error``, ``alert``, ``challenge``.

    ``event`` is stripped of the stray trailing space some docs examples show.
    """

    event: str
    feed: str | None = None
    product_ids: list[str] | None = None
    message: str | None = None
    version: int | None = None

    @field_validator("event", mode="before")
    @classmethod
    def _strip_event(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value


KNOWN_EVENTS = frozenset(
    {
        "info",
        "subscribed",
        "unsubscribed",
        "subscribed_failed",
        "unsubscribed_failed",
        "error",
        "alert",
        "challenge",
    }
)


# ------------------------------------------------------- requests (client)


class FuturesRequest(WireModel):
    """A client request as the server receives it (``subscribe``/``unsubscribe``/``challenge``)."""

    event: str
    feed: str | None = None
    product_ids: list[str] | None = None
    api_key: str | None = None
    original_challenge: str | None = None
    signed_challenge: str | None = None

    @field_validator("event", mode="before")
    @classmethod
    def _strip_event(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value


FuturesInbound = (
    FuturesBookSnapshot
    | FuturesBookDelta
    | FuturesTicker
    | FuturesTickerLite
    | FuturesTrade
    | FuturesTradeSnapshot
    | FuturesHeartbeat
    | FuturesEvent
)
"""What ``codec.decode`` returns (besides UnknownFrame)."""
