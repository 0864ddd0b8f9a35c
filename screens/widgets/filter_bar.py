"""The ``/`` filter: an input under a list that filters it as you type."""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from superviser.i18n import N_, _

DEBOUNCE = 0.05  # seconds of quiet typing before the list is asked again


def too_broad(value: str) -> bool:
    """One Latin letter or digit matches a good part of everything: wait for the next.
    (One Chinese character is a word, and filters at once.)"""
    value = value.strip()
    return len(value) == 1 and value.isascii() and value.isalnum()


class FilterBar(Input):
    BINDINGS = [
        Binding("enter", "done", N_("Go to the list"), show=False, id="filter.done"),
        Binding("escape", "clear", N_("Clear the filter"), show=False, id="filter.clear"),
        Binding("down", "done", N_("Go to the list"), show=False, id="filter.down"),
    ]

    class Typed(Message):
        def __init__(self, value: str):
            super().__init__()
            self.value = value

    class Finished(Message):
        pass

    def __init__(self, **kwargs):
        super().__init__(placeholder=_("filter: words in the reference, title or detail"), **kwargs)
        self._timer = None
        self.display = False

    def open(self) -> None:
        self.display = True
        self.focus()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        if too_broad(self.value):
            return
        self._timer = self.set_timer(DEBOUNCE, lambda: self.post_message(self.Typed(self.value)))

    def action_done(self) -> None:
        self.post_message(self.Finished())

    def action_clear(self) -> None:
        if self.value:
            self.value = ""
            self.post_message(self.Typed(""))
        else:
            self.display = False
            self.post_message(self.Finished())
