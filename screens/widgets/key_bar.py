"""The keys that matter here, on one line at the bottom.

One widget drawing one line of text: Textual's Footer mounts a widget per key and
rebuilds them whenever the bindings change, which costs more than the rest of
opening a screen. Clicking a key presses it.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.widgets import Static

from superviser.i18n import _


class KeyBar(Static):
    PINNED = "help"  # the action that lists every key keeps its place on a short line

    @staticmethod
    def _width(key: tuple[str, str, str, str]) -> int:
        return cell_len(key[1]) + 1 + cell_len(key[2]) + 2

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.draw())
        self._spans: list[tuple[int, int, str]] = []
        if self.screen.is_current:
            self.draw()
        else:
            # On Python 3.12+ Textual starts tasks eagerly, so a screen's widgets mount
            # before the screen is on the stack, when its bindings can't be checked yet.
            self.call_after_refresh(self.draw)

    def on_resize(self) -> None:
        self.draw()

    def _keys(self) -> list[tuple[str, str, str, str]]:
        seen, keys = set(), []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or not active.enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append((key, self.app.get_key_display(binding), _(binding.description), binding.action))
        return keys

    def draw(self) -> None:
        if not self.screen.is_current:
            return
        width = self.size.width or 80
        keys = self._keys()
        pinned = [k for k in keys if k[3] == self.PINNED]
        room = width - sum(self._width(k) for k in pinned)
        rest = []
        for k in (k for k in keys if k[3] != self.PINNED):
            room -= self._width(k)
            if room < 0:
                break
            rest.append(k)
        parts: list = []
        self._spans = []
        used = 0
        for key, shown, description, action in (k for k in keys if k in rest or k in pinned):
            item = self._width((key, shown, description, action))
            self._spans.append((used, used + item, key))
            parts += [(f"{shown}", "bold $accent"), " ", description, "  "]
            used += item
        self.update(Content.assemble(*parts) if parts else "")

    async def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                await self.app.action_simulate_key(key)
                return
