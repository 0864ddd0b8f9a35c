"""Help for the screen in front: every key it answers to, with the binding's id
(the name to use in keymap.toml to change it)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from screens import keymap
from superviser.i18n import N_, _


class HelpScreen(ModalScreen):
    BINDINGS = [
        Binding("escape,question_mark,f1,q", "close", N_("Close"), id="help.close"),
    ]

    def __init__(self, screen: Screen):
        super().__init__()
        self.target = screen

    def _rows(self) -> list[tuple[str, str, str]]:
        """Every key the screen answers to now (a step it refuses still answers, with the reason)."""
        rows, seen = [], set()
        for key, active in self.target.active_bindings.items():
            binding = active.binding
            if not binding.id or not binding.description or (binding.action, key) in seen:
                continue
            seen.add((binding.action, key))
            rows.append((self.app.get_key_display(binding), _(binding.description), binding.id))
        return rows

    def compose(self) -> ComposeResult:
        rows = self._rows()
        key_width = max((cell_len(k) for k, _d, _i in rows), default=4) + 2
        desc_width = max((cell_len(d) for _k, d, _i in rows), default=10) + 2
        lines = [Content.styled(_("Keys on this screen"), "bold"), Content("")]
        for key, description, binding_id in rows:
            lines.append(Content.assemble(
                (key + " " * (key_width - cell_len(key)), "bold $accent"),
                description + " " * (desc_width - cell_len(description)),
                (binding_id, "dim")))
        lines += [
            Content(""),
            Content.styled(_("Everywhere"), "bold"),
            Content(_("ctrl+p  commands, and a jump to any decision, objective or unit")),
            Content(_("1–5     dashboard, decisions, units, deadlines, log")),
            Content(_("/       filter the list as you type;  Enter opens;  Backspace or Escape goes back")),
            Content(""),
            Content.styled(_("Change a key: add it to {path}, for example").format(path=keymap.path()), "dim"),
            Content.styled(keymap.EXAMPLE, "dim"),
        ]
        with Vertical(id="help"):
            with VerticalScroll():
                yield Static(Content("\n").join(lines))
            yield Static(Content.styled(_("Escape closes"), "dim"), id="help-foot")

    def action_close(self) -> None:
        self.dismiss()
