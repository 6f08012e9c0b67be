"""What became of an order request, venue-neutral: the four outcomes of a trading call.

* :class:`Accepted` — the exchange processed the request (an order placed, filled,
  changed or cancelled; a dead-man switch armed).
* :class:`Rejected` — the exchange answered and refused it; nothing changed, except
  where ``reconcile`` says the refusal itself is a reason to look (the order may
  already exist, or may have filled before the cancel arrived).
* :class:`Ambiguous` — no clear answer (timeout, dropped connection, HTTP 5xx, an
  unreadable body). The request may or may not have been carried out. It is never
  resent automatically: the caller shows the order as UNKNOWN and reconciles it
  from the exchange by its client order id.
* :class:`NotSent` — provably never left this machine (connection refused, bad
  input, a secret that cannot sign). Safe to try again.

Every ``message`` is short, plain language for the status bar, and never holds a
secret, a signature, a token or a nonce.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """One ``orderEvents[]`` entry of a futures answer (``PLACE``, ``EXECUTION``, ``REJECT``...)."""

    type: str
    order_id: str = ""
    cli_ord_id: str = ""
    reason: str = ""
    """REJECT events: Kraken's UPPER_SNAKE reason (``POST_WOULD_EXECUTE``)."""
    price: Decimal | None = None
    """EXECUTION events: the fill price."""
    amount: Decimal | None = None
    """EXECUTION events: the filled quantity."""
    execution_id: str = ""
    raw: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Accepted:
    status: str
    """The exchange's word (futures ``placed``, ``filled``, ``edited``, ``cancelled``...)."""
    message: str
    order_id: str = ""
    cli_ord_id: str = ""
    events: tuple[OrderEvent, ...] = ()
    cancelled_ids: tuple[str, ...] = ()
    """Cancel-all: the ids of the orders it cancelled."""
    trigger_time: str = ""
    """Dead-man switch: when it will cancel everything ('' when disarmed)."""
    count: int | None = None
    """Spot ``cancel_all``: how many orders were cancelled."""

    @property
    def filled(self) -> Decimal:
        """What the answer says traded at once (the sum of its EXECUTION events)."""
        return sum(
            (e.amount for e in self.events if e.type == "EXECUTION" and e.amount is not None),
            Decimal(0),
        )


@dataclass(frozen=True, slots=True)
class Rejected:
    status: str
    """The exchange's word or error code, kept raw (``postWouldExecute``, ``EOrder:...``)."""
    message: str
    order_id: str = ""
    cli_ord_id: str = ""
    reconcile: bool = False
    """True when the refusal hints the order's real state differs from what we think
    (client id already used, cancel of an order that already filled or vanished)."""
    events: tuple[OrderEvent, ...] = ()


@dataclass(frozen=True, slots=True)
class Ambiguous:
    reason: str
    cli_ord_id: str = ""
    order_id: str = ""

    @property
    def message(self) -> str:
        return f"outcome unknown ({self.reason}); checking the exchange before anything else"


@dataclass(frozen=True, slots=True)
class NotSent:
    reason: str
    cli_ord_id: str = ""

    @property
    def message(self) -> str:
        return f"not sent: {self.reason}"


Outcome = Accepted | Rejected | Ambiguous | NotSent
