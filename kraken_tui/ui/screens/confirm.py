"""A small modal question with one key per answer (yes/no, or keep / cancel all / stay).

Dismisses with the chosen answer's value, or None on escape; nothing happens until
one of the listed keys is pressed, so a stray Enter never confirms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


@dataclass(frozen=True, slots=True)
class Choice:
    key: str
    label: str
    value: str


YES_NO = (Choice("y", "yes", "yes"), Choice("n", "no", "no"))


class ConfirmScreen(ModalScreen[str | None]):
    """Ask ``question``; each :class:`Choice` is answered by its key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer_none", "back"),
        Binding("q", "answer_none", "back", show=False),
    ]

    def __init__(
        self,
        title: str,
        question: str,
        choices: tuple[Choice, ...] = YES_NO,
        *,
        danger: bool = True,
    ) -> None:
        super().__init__(classes="order-modal")
        self.title_text = title
        self.question = question
        self.choices = choices
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="modal-box"):
            yield Static(self.title_text, classes="modal-title")
            yield Static(self.question, id="confirm-question")
            keys = "   ".join(f"[b]{c.key}[/b] {c.label}" for c in self.choices)
            yield Static(f"{keys}   [b]esc[/b] back", id="confirm-keys", classes="modal-keys")

    def on_key(self, event: events.Key) -> None:
        for choice in self.choices:
            if event.character == choice.key:
                event.stop()
                self.dismiss(choice.value)
                return

    def action_answer_none(self) -> None:
        self.dismiss(None)
