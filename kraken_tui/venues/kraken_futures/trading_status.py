"""Derivatives REST v3 order statuses and error codes in plain language (kraken-protocol §4.3-4.4).

``sendStatus``/``editStatus``/``cancelStatus`` ``status`` words and the ``error``
codes of ``{"result": "error"}`` answers, each turned into a short sentence for
the status bar. A word we do not know keeps its raw spelling in the message.
"""

from __future__ import annotations

ACCEPTED_SEND = frozenset({"placed", "partiallyFilled", "filled", "cancelled", "edited"})
"""``sendStatus`` words meaning the order reached the book (it may be done already)."""
ACCEPTED_EDIT = frozenset({"edited"})
ACCEPTED_CANCEL = frozenset({"cancelled"})
ACCEPTED_CANCEL_ALL = frozenset({"cancelled", "noOrdersToCancel"})

RECONCILE_STATUSES = frozenset(
    {"clientOrderIdAlreadyExist", "notFound", "orderForEditNotFound", "filled"}
)
"""Refusals that say our picture of the order may be wrong: look it up on the exchange."""

STATUS_MESSAGES: dict[str, str] = {
    "placed": "order placed",
    "partiallyFilled": "order placed and partly filled",
    "filled": "order filled",
    "cancelled": "order cancelled",
    "edited": "order changed",
    "marketSuspended": "the market is suspended, so the order was not placed",
    "marketInactive": "the market is not open for trading, so the order was not placed",
    "invalidPrice": "the price is not valid for this market (check the tick size)",
    "invalidSize": "the size is not valid for this market (check the minimum and the step)",
    "tooManySmallOrders": "too many small orders are open on this market; cancel some first",
    "insufficientAvailableFunds": "not enough available margin for this order",
    "wouldCauseLiquidation": "the order would trigger a liquidation, so it was not placed",
    "clientOrderIdAlreadyExist": (
        "an order with this client order id already exists; checking it instead of placing another"
    ),
    "clientOrderIdTooBig": "the client order id is too long (100 characters at most)",
    "clientOrderIdTooLong": "the client order id is too long (100 characters at most)",
    "clientOrderIdInvalid": "the exchange does not accept this client order id",
    "maxPositionViolation": "the order would take the position over the maximum size allowed",
    "outsidePriceCollar": "the price is too far from the market (outside the price collar)",
    "wouldIncreasePriceDislocation": (
        "the order would push the price too far from the index, so it was not placed"
    ),
    "notFound": "no such open order: it may already be filled or cancelled",
    "orderForEditNotFound": "the order to change was not found: it may be filled or cancelled",
    "orderForEditNotAStop": "that order is not a stop order, so it has no stop price to change",
    "postWouldExecute": "post-only order would have taken liquidity, so it was not placed",
    "iocWouldNotExecute": (
        "immediate-or-cancel order found nothing to trade at its price, so nothing was done"
    ),
    "selfFill": "the order would have traded with one of your own orders, so it was not placed",
    "wouldNotReducePosition": (
        "reduce-only order would not reduce the position, so it was not placed"
    ),
    "reduceOnlyWouldIncreasePosition": (
        "reduce-only order would increase the position, so it was not placed"
    ),
    "marketIsPostOnly": "the market takes post-only orders only right now",
    "tooManyOrders": "too many open orders; cancel some first",
    "fixedLeverageTooHigh": "the leverage set for this market is too high for this order",
    "cannotEditTriggerPriceOfTrailingStop": "a trailing stop's trigger price cannot be changed",
    "cannotEditLimitPriceOfTrailingStop": "a trailing stop's limit price cannot be changed",
    "wouldProcessAfterSpecifiedTime": (
        "the order reached the exchange after its deadline, so it was not placed"
    ),
    "invalidOrderType": "the exchange does not accept this order type here",
    "invalidSide": "the order side is not valid",
    "noOrdersToCancel": "there were no open orders to cancel",
}

CANCEL_MESSAGES: dict[str, str] = {
    "cancelled": "order cancelled",
    "filled": "the order had already filled, so there was nothing to cancel",
    "notFound": "no such open order to cancel: it may already be filled or cancelled",
}
"""``cancelStatus`` words where the send-order reading would mislead (``filled``)."""

ERROR_MESSAGES: dict[str, str] = {
    "accountInactive": "the futures account is not active",
    "apiLimitExceeded": "the exchange's rate limit was hit; wait a few seconds",
    "authenticationError": "the exchange did not accept the API key or its signature",
    "insufficientFunds": "not enough funds for this request",
    "invalidAccount": "the account is not valid for this request",
    "invalidAmount": "the amount is not valid",
    "invalidArgument": "a field of the request was not accepted",
    "invalidUnit": "the unit is not valid",
    "Json Parse Error": "the exchange could not read the request",
    "marketUnavailable": "the market is not available",
    "nonceBelowThreshold": "refused as out of sequence (nonce too low); nothing was done",
    "nonceDuplicate": "refused as a repeat (nonce used already); nothing was done",
    "notFound": "not found",
    "requiredArgumentMissing": "a required field of the request is missing",
    "Server Error": "the exchange had an internal error",
    "Unavailable": "the exchange is unavailable",
    "unknownError": "the exchange reported an unknown error",
}

AMBIGUOUS_ERRORS = frozenset({"Server Error", "Unavailable", "unknownError"})
"""Error answers that do not say whether the request was carried out."""


def status_message(status: str) -> str:
    """Plain words for a ``sendStatus``/``editStatus`` word (or an error code found where a
    status was expected, as ``invalidArgument``); unknown words kept raw."""
    return (
        STATUS_MESSAGES.get(status)
        or ERROR_MESSAGES.get(status)
        or f"refused by the exchange ({status})"
    )


def cancel_message(status: str) -> str:
    """Plain words for a ``cancelStatus`` word."""
    return CANCEL_MESSAGES.get(status) or status_message(status)


def error_message(code: str) -> str:
    """Plain words for the ``error`` code of a ``{"result": "error"}`` answer."""
    return ERROR_MESSAGES.get(code) or f"refused by the exchange ({code})"


UPDATE_REASON_MESSAGES: dict[str, str] = {
    "NEW_USER_ORDER": "placed",
    "FULL_FILL": "filled",
    "PARTIAL_FILL": "partly filled",
    "CANCELLED_BY_USER": "cancelled by you",
    "CANCELLED_BY_ADMIN": "cancelled by the exchange",
    "DEAD_MAN_SWITCH": "cancelled by the dead-man switch",
    "NOT_ENOUGH_MARGIN": "cancelled: not enough margin",
    "MARKET_INACTIVE": "cancelled: the market is not open",
    "CONTRACT_EXPIRED": "cancelled: the contract expired",
    "EXPIRED": "expired",
    "LIQUIDATION_ORDER": "cancelled for a liquidation",
    "POST_WOULD_EXECUTE_REASON": "post-only order would have taken liquidity",
    "IOC_WOULD_NOT_EXECUTE_REASON": "immediate-or-cancel order found nothing to trade",
    "WOULD_EXECUTE_SELF_REASON": "it would have traded with one of your own orders",
    "WOULD_NOT_REDUCE_POSITION": "reduce-only order would not reduce the position",
    "STOP_ORDER_TRIGGERED": "the stop triggered",
}
"""``orders/status`` ``updateReason`` words (UPPER_SNAKE) in plain language."""


def update_reason_message(reason: str) -> str:
    """Plain words for an ``orders/status`` ``updateReason`` ('' stays '')."""
    if not reason:
        return ""
    return UPDATE_REASON_MESSAGES.get(reason) or reason.lower().replace("_", " ")
