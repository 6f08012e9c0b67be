"""The order review: what the ticket would cost and risk, and the second confirm that sends.

OK: Enter or ``y`` sends. SOFT (a fat-finger warning): the reasons show in the warning
colour and only ``y`` pressed twice sends. HARD: the reasons show and nothing sends.
Sending runs once: further keys while the order is on its way do nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.widgets import Static

from kraken_tui.feeds.order_gateway import Ticket, TicketKind, TradeResult
from kraken_tui.feeds.risk import Level, Verdict, check
from kraken_tui.model import Venue
from kraken_tui.ui.screens.order_preview import Preview, preview

if TYPE_CHECKING:
    from kraken_tui.ui.screens.ticket import TicketContext


def money(value: Decimal | None, places: int = 2) -> str:
    return "—" if value is None else f"{value:,.{places}f}"


def review_lines(ticket: Ticket, numbers: Preview, quote: str, price_places: int) -> list[str]:
    """The review's figures as plain text lines (markup-free)."""
    what = ticket.kind.value
    if ticket.kind is TicketKind.STOP:
        at = f"trigger {money(ticket.stop_price, price_places)}"
    elif ticket.kind is TicketKind.MARKET:
        at = "at market"
    else:
        at = f"@ {money(ticket.limit_price, price_places)}"
    flags = "  reduce-only" if ticket.reduce_only else ""
    lines = [f"{ticket.side.value} {ticket.qty} {ticket.symbol} {what} {at}{flags}"]
    lines.append(f"notional     {money(numbers.notional)} {quote}")
    role = "taker" if numbers.taker else "maker"
    lines.append(f"fee (est.)   {money(numbers.fee)} {quote}  {role} {numbers.fee_rate * 100:.2f}%")
    distance = "—" if numbers.distance_pct is None else f"{numbers.distance_pct:+.3f}%"
    reference = "mark" if ticket.venue is Venue.FUTURES else "last"
    lines.append(f"from {reference}    {distance}")
    walk = numbers.walk
    if walk is not None:
        if walk.average is None:
            lines.append("avg fill     — (nothing in the book at that price)")
        elif walk.filled < ticket.qty:
            lines.append(
                f"avg fill     {money(walk.average, price_places)} for {walk.filled} of "
                f"{ticket.qty} (book shows no more)"
            )
        else:
            lines.append(f"avg fill     {money(walk.average, price_places)}")
    elif ticket.kind is TicketKind.POST_ONLY and numbers.price is not None:
        lines.append("avg fill     — rests in the book (post-only)")
    lines.append(f"client id    {ticket.cl_ord_id}")
    return lines


class ReviewScreen(ModalScreen[bool]):
    """Dismisses True once the order was handed to the gateway, False on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "back to the ticket"),
        Binding("q", "back", "back to the ticket", show=False),
        Binding("enter", "confirm('enter')", "send"),
        Binding("y", "confirm('y')", "send", show=False),
    ]

    def __init__(self, context: TicketContext, ticket: Ticket) -> None:
        super().__init__(classes="order-modal")
        self.context = context
        self.ticket = ticket
        key = (ticket.venue, ticket.symbol)
        now = context.recheck()
        self.numbers = preview(ticket, context.store.books.get(key), now.reference)
        # A stale price makes the risk check HARD: no fresh price, no order.
        self.verdict: Verdict = check(ticket, now.reference, now.age, context.limits)
        self.armed = False
        """SOFT only: the first ``y`` arms, the second sends."""
        self.sending = False

    def compose(self) -> ComposeResult:
        instrument = self.context.instrument
        lines = review_lines(
            self.ticket, self.numbers, instrument.quote, instrument.price_precision
        )
        with Vertical(id="review-box", classes="modal-box"):
            yield Static(f"REVIEW  {escape(lines[0])}", classes="modal-title")
            yield Static("\n".join(escape(line) for line in lines[1:]), id="review-figures")
            level = self.verdict.level
            if self.verdict.reasons:
                reasons = "\n".join(f"⚠ {escape(r)}" for r in self.verdict.reasons)
                yield Static(reasons, id="review-reasons", classes=f"risk-{level.name.lower()}")
            yield Static(self._keys_text(), id="review-keys", classes="modal-keys")

    def _keys_text(self) -> str:
        level = self.verdict.level
        if self.sending:
            return "sending…"
        if level is Level.HARD:
            return "blocked: change the ticket  [b]esc[/b] back"
        if level is Level.SOFT:
            if self.armed:
                return "press [b]y[/b] once more to send anyway  [b]esc[/b] back"
            return "warning: press [b]y[/b] twice to send anyway  [b]esc[/b] back"
        return "[b]enter[/b] or [b]y[/b] send  [b]esc[/b] back"

    def _show_keys(self) -> None:
        self.query_one("#review-keys", Static).update(self._keys_text())

    def action_back(self) -> None:
        if not self.sending:
            self.dismiss(False)

    def action_confirm(self, key: str) -> None:
        if self.sending:
            return
        level = self.verdict.level
        if level is Level.HARD:
            self.notify("blocked by the risk check", severity="error")
            return
        if level is Level.SOFT:
            if key != "y":
                return
            if not self.armed:
                self.armed = True
                self._show_keys()
                return
        self.sending = True
        self._show_keys()
        self.run_worker(self._send(), group="orders", exit_on_error=False)

    async def _send(self) -> None:
        try:
            result = await self.context.gateway.place(self.ticket)
        except Exception as error:  # the gateway should not raise; say so if it does
            result = TradeResult(
                False, f"order not confirmed: {type(error).__name__}", unknown=True
            )
        show_result(self.app, result, "order")
        self.dismiss(True)


def show_result(app: App[object], result: TradeResult, title: str) -> None:
    """A toast: error when refused, warning when the outcome is unknown."""
    severity: SeverityLevel = "information"
    if result.unknown:
        severity = "warning"
    elif not result.ok:
        severity = "error"
    app.notify(result.message, title=title, severity=severity)
