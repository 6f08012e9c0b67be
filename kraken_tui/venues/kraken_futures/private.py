"""Derivatives WebSocket v1 private feeds: wire models, ``decode_private`` and the requests.

Client side::

    ws.send(challenge_request(api_key))
    msg = decode_private(frame)   # FuturesChallenge | FuturesFills | ... | UnknownFrame
    ws.send(private_subscribe("fills", api_key, challenge, sign_challenge(secret, challenge)))

Field names are Kraken's own (snake_case, plus ``triggerSignal``); see kraken-protocol
§3.3 and §3.6. Models keep unknown fields and hold enum-like values (``type``,
``reason``, ``fill_type``, ``priority``) as plain text, so a new value never breaks
decoding; numbers become Decimals from the exact JSON text. The challenge and the
credential fields an ack may echo are left out of every ``repr``. Like
:func:`~kraken_tui.venues.kraken_futures.codec.decode`, ``decode_private`` raises
only :class:`~kraken_tui.venues.FrameError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pydantic import AliasChoices, BaseModel, Field, model_validator

from kraken_tui.venues.errors import FrameError, UnknownFrame, validate_model
from kraken_tui.venues.jsontext import dump, load_object
from kraken_tui.venues.kraken_futures.messages import KNOWN_EVENTS, FuturesEvent, WireModel

SUBSCRIBE_FEEDS = (
    "open_orders",
    "open_orders_verbose",
    "open_positions",
    "fills",
    "balances",
    "account_log",
    "notifications_auth",
)
"""Every private feed name a client may subscribe to."""

# ------------------------------------------------------------------- events


class FuturesChallenge(WireModel):
    """The server's answer to a challenge request; ``message`` is the UUID to sign."""

    event: str = "challenge"
    message: str = Field(repr=False)


class FuturesPrivateEvent(FuturesEvent):
    """``subscribed``, ``subscribed_failed``, ``alert``, ``error``... on the private socket.

    Private acks may echo the credential fields; they are kept but never printed.
    """

    api_key: str | None = Field(None, repr=False)
    original_challenge: str | None = Field(None, repr=False)
    signed_challenge: str | None = Field(None, repr=False)


# ------------------------------------------------------------------- orders


class FuturesOpenOrder(WireModel):
    """One order of ``open_orders``/``open_orders_verbose`` (snapshot element or delta)."""

    instrument: str
    time: int | None = None
    last_update_time: int | None = None
    qty: Decimal
    filled: Decimal = Decimal(0)
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    type: str = ""
    """``limit``, ``take_profit``, ``stop``, ``trailing_stop`` or anything new."""
    order_id: str
    cli_ord_id: str | None = None
    direction: int
    """0 = buy, 1 = sell."""
    reduce_only: bool = False
    trigger_signal: str | None = Field(
        None, validation_alias=AliasChoices("triggerSignal", "trigger_signal")
    )
    trailing_stop_options: dict[str, Any] | None = None


class FuturesOpenOrdersSnapshot(WireModel):
    """``open_orders_snapshot`` / ``open_orders_verbose_snapshot``: every open order."""

    feed: str
    account: str | None = None
    orders: list[FuturesOpenOrder]


class FuturesOpenOrderDelta(WireModel):
    """``open_orders`` / ``open_orders_verbose``: one order placed, changed or gone.

    A cancellation may carry only ``order_id``; anything else carries ``order``.
    """

    feed: str
    order: FuturesOpenOrder | None = None
    order_id: str | None = None
    is_cancel: bool = False
    reason: str | None = None

    @model_validator(mode="after")
    def _names_an_order(self) -> FuturesOpenOrderDelta:
        if self.order is None and (self.order_id is None or not self.is_cancel):
            raise ValueError("an update needs an order; a cancel at least an order_id")
        return self

    @property
    def target_id(self) -> str:
        """The id of the order this delta is about."""
        if self.order is not None:
            return self.order.order_id
        assert self.order_id is not None  # the validator guarantees one of them
        return self.order_id


# ---------------------------------------------------------------- positions


class FuturesPosition(WireModel):
    """One element of ``open_positions.positions``; ``balance`` is the signed size."""

    instrument: str
    balance: Decimal
    pnl: Decimal | None = None
    entry_price: Decimal
    mark_price: Decimal | None = None
    index_price: Decimal | None = None
    liquidation_threshold: Decimal | None = None
    """0 (or absent) when the exchange computes no liquidation price."""
    effective_leverage: Decimal | None = None
    return_on_equity: Decimal | None = None
    unrealized_funding: Decimal | None = None
    initial_margin: Decimal | None = None
    initial_margin_with_orders: Decimal | None = None
    maintenance_margin: Decimal | None = None
    pnl_currency: str | None = None
    """Absent for inverse contracts."""


class FuturesOpenPositions(WireModel):
    """``open_positions``: the whole list every time (snapshot and updates alike)."""

    feed: str = "open_positions"
    account: str | None = None
    positions: list[FuturesPosition]
    seq: int | None = None
    timestamp: int | None = None


# -------------------------------------------------------------------- fills


class FuturesFill(WireModel):
    instrument: str
    time: int
    price: Decimal
    seq: int | None = None
    buy: bool
    qty: Decimal
    remaining_order_qty: Decimal | None = None
    order_id: str = ""
    cli_ord_id: str | None = None
    fill_id: str
    fill_type: str = ""
    """``maker``, ``taker``, ``liquidation``, ``assignee``, ``takerAfterEdit``..."""
    fee_paid: Decimal | None = None
    fee_currency: str | None = None
    taker_order_type: str | None = None
    order_type: str | None = None


class FuturesFills(WireModel):
    """``fills_snapshot`` or a ``fills`` delta (same shape; deltas carry ``username``)."""

    feed: str
    account: str | None = None
    username: str | None = None
    fills: list[FuturesFill]

    @property
    def is_snapshot(self) -> bool:
        return self.feed == "fills_snapshot"


# ----------------------------------------------------------------- balances


class FuturesFlexCurrency(WireModel):
    """One collateral currency of the multi-collateral wallet."""

    quantity: Decimal | None = None
    value: Decimal | None = None
    """USD value."""
    collateral_value: Decimal | None = None
    available: Decimal | None = None
    haircut: Decimal | None = None
    conversion_spread: Decimal | None = None


class FuturesMarginPart(WireModel):
    """The ``cross`` block, or one entry of ``isolated``, of the flex wallet."""

    balance_value: Decimal | None = None
    portfolio_value: Decimal | None = None
    collateral_value: Decimal | None = None
    initial_margin: Decimal | None = None
    initial_margin_without_orders: Decimal | None = None
    maintenance_margin: Decimal | None = None
    pnl: Decimal | None = None
    unrealized_funding: Decimal | None = None
    total_unrealized: Decimal | None = None
    total_unrealized_as_margin: Decimal | None = None
    margin_equity: Decimal | None = None
    available_margin: Decimal | None = None
    effective_leverage: Decimal | None = None
    total_position_size: Decimal | None = None


class FuturesFlexWallet(FuturesMarginPart):
    """``flex_futures``: the multi-collateral account (values in USD)."""

    currencies: dict[str, FuturesFlexCurrency] | None = None
    isolated: dict[str, FuturesMarginPart] | None = None
    cross: FuturesMarginPart | None = None
    unified_balances: bool | None = None


class FuturesSingleWallet(WireModel):
    """One ``futures`` single-collateral wallet (``F-XBT:USD``), in settlement units."""

    name: str | None = None
    pair: str | None = None
    unit: str | None = None
    portfolio_value: Decimal | None = None
    balance: Decimal | None = None
    maintenance_margin: Decimal | None = None
    initial_margin: Decimal | None = None
    available: Decimal | None = None
    unrealized_funding: Decimal | None = None
    pnl: Decimal | None = None
    cash_value: Decimal | None = None


class FuturesBalances(WireModel):
    """``balances_snapshot`` or a ``balances`` delta.

    A delta may carry only the wallet groups that changed; an absent group is
    ``None`` (unchanged), not empty.
    """

    feed: str
    account: str | None = None
    timestamp: int | None = None
    seq: int | None = None
    holding: dict[str, Decimal] | None = None
    futures: dict[str, FuturesSingleWallet] | None = None
    flex_futures: FuturesFlexWallet | None = None

    @property
    def is_snapshot(self) -> bool:
        return self.feed == "balances_snapshot"


# -------------------------------------------------------------- account log


class FuturesAccountLogEntry(WireModel):
    """One ledger booking. ``date`` is kept verbatim (the docs show ``13: 00: 27``)."""

    id: int
    date: str | None = None
    asset: str | None = None
    info: str | None = None
    booking_uid: str | None = None
    margin_account: str | None = None
    old_balance: Decimal | None = None
    new_balance: Decimal | None = None
    old_average_entry_price: Decimal | None = None
    new_average_entry_price: Decimal | None = None
    trade_price: Decimal | None = None
    mark_price: Decimal | None = None
    realized_pnl: Decimal | None = None
    fee: Decimal | None = None
    execution: str | None = None
    collateral: str | None = None
    funding_rate: Decimal | None = None
    realized_funding: Decimal | None = None
    conversion_spread_percentage: Decimal | None = None
    liquidation_fee: Decimal | None = None


class FuturesAccountLogSnapshot(WireModel):
    """``account_log_snapshot``: recent bookings, newest first (key ``logs``; docs say ``log``)."""

    feed: str = "account_log_snapshot"
    logs: list[FuturesAccountLogEntry] = Field(validation_alias=AliasChoices("logs", "log"))


class FuturesAccountLogDelta(WireModel):
    feed: str = "account_log"
    new_entry: FuturesAccountLogEntry


# ------------------------------------------------------------ notifications


class FuturesNotification(WireModel):
    id: int | None = None
    type: str = ""
    """``market``, ``general``, ``new_feature``, ``bug_fix``, ``maintenance``, ``settlement``."""
    priority: str = ""
    """``low``, ``medium``, ``high`` (high maintenance = downtime at ``effective_time``)."""
    note: str = ""
    effective_time: int | None = None
    expected_downtime_minutes: int | None = None


class FuturesNotifications(WireModel):
    feed: str = "notifications_auth"
    notifications: list[FuturesNotification]


FuturesPrivateInbound = (
    FuturesChallenge
    | FuturesPrivateEvent
    | FuturesOpenOrdersSnapshot
    | FuturesOpenOrderDelta
    | FuturesOpenPositions
    | FuturesFills
    | FuturesBalances
    | FuturesAccountLogSnapshot
    | FuturesAccountLogDelta
    | FuturesNotifications
)
"""What :func:`decode_private` returns (besides UnknownFrame)."""

_FEED_MODELS: dict[str, type[BaseModel]] = {
    "open_orders_snapshot": FuturesOpenOrdersSnapshot,
    "open_orders_verbose_snapshot": FuturesOpenOrdersSnapshot,
    "open_orders": FuturesOpenOrderDelta,
    "open_orders_verbose": FuturesOpenOrderDelta,
    "open_positions": FuturesOpenPositions,
    "fills_snapshot": FuturesFills,
    "fills": FuturesFills,
    "balances_snapshot": FuturesBalances,
    "balances": FuturesBalances,
    "account_log_snapshot": FuturesAccountLogSnapshot,
    "account_log": FuturesAccountLogDelta,
    "notifications_auth": FuturesNotifications,
}


# ------------------------------------------------------------------- decode


def decode_private(frame: str | bytes) -> FuturesPrivateInbound | UnknownFrame:
    """Decode one inbound frame of a private Futures v1 socket.

    Public feeds, unknown feeds and unknown events come back as UnknownFrame.
    """
    msg = load_object(frame)
    event = msg.get("event")
    if event is not None:
        if type(event) is not str:
            raise FrameError("event is not text")
        name = event.strip()
        if name == "challenge":
            if "message" not in msg:
                raise FrameError("challenge event without message")
            return validate_model(FuturesChallenge, msg)
        if name not in KNOWN_EVENTS:
            return UnknownFrame(msg)
        return validate_model(FuturesPrivateEvent, msg)
    feed = msg.get("feed")
    if type(feed) is not str:
        if feed is None:
            return UnknownFrame(msg)
        raise FrameError("feed is not text")
    model = _FEED_MODELS.get(feed)
    if model is None:
        return UnknownFrame(msg)
    return validate_model(model, msg)  # type: ignore[return-value]


# ---------------------------------------------------------- client requests


def challenge_request(api_key: str) -> str:
    """``{"event":"challenge","api_key":...}``: ask for a challenge to sign."""
    return dump({"event": "challenge", "api_key": api_key})


def private_subscribe(
    feed: str,
    api_key: str,
    original: str,
    signed: str,
    product_ids: Sequence[str] | None = None,
) -> str:
    """Subscribe to one private feed with the connection's challenge and its signature.

    ``product_ids`` narrows ``fills`` to some products (Kraken's optional filter).
    """
    return _private_request("subscribe", feed, api_key, original, signed, product_ids)


def private_unsubscribe(
    feed: str,
    api_key: str,
    original: str,
    signed: str,
    product_ids: Sequence[str] | None = None,
) -> str:
    """The matching unsubscribe; Kraken wants the challenge fields here too."""
    return _private_request("unsubscribe", feed, api_key, original, signed, product_ids)


def _private_request(
    event: str,
    feed: str,
    api_key: str,
    original: str,
    signed: str,
    product_ids: Sequence[str] | None,
) -> str:
    msg: dict[str, Any] = {"event": event, "feed": feed}
    if product_ids is not None:
        msg["product_ids"] = list(product_ids)
    msg["api_key"] = api_key
    msg["original_challenge"] = original
    msg["signed_challenge"] = signed
    return dump(msg)
