"""What every screen shares: the section bar on top, the footer, refreshing on change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from screens.messages import DataChanged
from screens.widgets.key_bar import KeyBar
from superviser import text
from superviser.i18n import N_, _

SECTIONS = [
    ("dashboard", "1", N_("Dashboard")),
    ("decisions", "2", N_("Decisions")),
    ("units", "3", N_("Units")),
    ("deadlines", "4", N_("Deadlines")),
    ("log", "5", N_("Log")),
]


class NavBar(Static):
    """The sections, the current one highlighted, and who is working."""

    def __init__(self):
        super().__init__(id="nav")

    def on_mount(self) -> None:
        self.draw()  # in the screen's first frame: it spans the screen, so it is as wide as the terminal

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        app = self.app
        sections: list = []
        for key, number, label in SECTIONS:
            style = "bold reverse" if key == app.current_mode else ""
            sections += [(number, "bold $accent"), (f" {_(label)} ", style), " "]
        left = Content.assemble(*sections)
        who = Content.styled(text.one_line(app.person_label), "dim")
        brand = Content.styled(f" {_('superviser')} ", "bold")
        width = self.size.width or app.size.width
        if brand.cell_length + left.cell_length + who.cell_length + 2 <= width:
            left = Content.assemble(brand, " ", left)
        gap = max(1, width - left.cell_length - who.cell_length)
        self.update(Content.assemble(left, " " * gap, who))


class BaseScreen(Screen):
    """A screen of the app. Subclasses compose ``body()``, reload in
    ``refresh_data`` and say in ``concerns`` which changes touch them."""

    BINDINGS = [
        Binding("backspace", "back", N_("Back"), show=False, id="nav.back"),
        Binding("escape", "back", N_("Back"), show=False, id="nav.back_escape"),
    ]

    def compose(self) -> ComposeResult:
        yield NavBar()
        yield from self.body()
        yield KeyBar(id="keys")

    def body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        # Textual calls this after the subclass's own on_mount (it dispatches to every
        # class in the MRO), so subclasses must not call super().on_mount() as well.
        self.seen = self.app.change_count
        self.refresh_data()

    def refresh_data(self) -> None:
        """Load (or reload) what the screen shows."""

    def concerns(self, message: DataChanged) -> bool:
        return True

    def on_data_changed(self, message: DataChanged) -> None:
        self.seen = self.app.change_count
        if self.concerns(message):
            self.refresh_data()

    def on_screen_resume(self) -> None:
        if getattr(self, "seen", None) is not None and self.seen != self.app.change_count:
            self.seen = self.app.change_count
            self.refresh_data()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()


def title_bar(ref: str, title: str) -> Content:
    return Content.assemble((f" {ref} ", "bold reverse"), " ", Content(text.one_line(title)))
