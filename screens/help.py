"""Help for the screen in front: every key it answers to, with the binding's id
(the name to use in keymap.toml to change it)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from screens import keymap
from superviser.i18n import N_, _


class ScrollBody(VerticalScroll):
    """A modal's text that scrolls: Home, End, PageUp and PageDown move at once. Textual
    glides there over a second, and a key pressed meanwhile (or a slow terminal) left the end
    of the help, where keymap.toml is explained, out of sight."""

    def action_scroll_home(self) -> None:
        self._scroll(self.scroll_home)

    def action_scroll_end(self) -> None:
        self._scroll(self.scroll_end)

    def action_page_up(self) -> None:
        self._scroll(self.scroll_page_up)

    def action_page_down(self) -> None:
        self._scroll(self.scroll_page_down)

    def _scroll(self, scroll) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()  # nothing to scroll: the key goes on to the screen
        scroll(animate=False)


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
        lines += [Content(""), Content.styled(_("Everywhere"), "bold")]
        # Each key beside what it does, which wraps under itself, not back under the key (the
        # messages, translated too, put the key first and two spaces or more after it).
        everywhere = [line.split("  ", 1) if "  " in line else ("", line) for line in (
            _("ctrl+p  commands, and a jump to any decision, objective or unit"),
            _("1–5     dashboard, decisions, units, deadlines, log"),
            _("/       filter the list as you type;  Enter opens;  Backspace or Escape goes back"))]
        everywhere_width = max(cell_len(key) for key, _what in everywhere) + 2
        keymap_lines = [
            Content(""),
            Content.styled(_("Change a key: add it to {path}, for example").format(path=keymap.path()), "dim"),
            Content.styled(keymap.EXAMPLE, "dim"),
        ]
        with Vertical(id="help"):
            with ScrollBody():
                yield Static(Content("\n").join(lines))
                for key, what in everywhere:
                    key_cell = Static(Content(key))
                    key_cell.styles.width = everywhere_width
                    with Horizontal(classes="help-row"):
                        yield key_cell
                        yield Static(Content(what.lstrip()), classes="help-what")
                yield Static(Content("\n").join(keymap_lines))
            yield Static(Content.styled(_("Escape closes"), "dim"), id="help-foot")

    def action_close(self) -> None:
        self.dismiss()
