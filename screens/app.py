"""The superviser terminal app."""

from __future__ import annotations

from textual import work
from textual.app import App
from textual.binding import Binding

from screens import keymap
from screens.backend import Backend
from screens.commands import JumpProvider
from screens.dashboard import DashboardScreen
from screens.deadlines import DeadlinesScreen
from screens.decisions import DecisionsScreen
from screens.log_screen import LogScreen
from screens.units import UnitsScreen
from screens.localize import Localized
from screens.messages import DataChanged, StepDone
from superviser import roles, text
from superviser.i18n import N_, _
from superviser.read import units
from superviser.read.objectives import Filter
from superviser.services import Session

POLL_SECONDS = 1.0  # how often to look for other people's changes

# Textual's own footer label, translated like ours when the bindings are localized.
N_("palette")


class SuperviserApp(Localized, App):
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("1", "section('dashboard')", N_("Dashboard"), show=False, id="app.dashboard"),
        Binding("2", "section('decisions')", N_("Decisions"), show=False, id="app.decisions"),
        Binding("3", "section('units')", N_("Units"), show=False, id="app.units"),
        Binding("4", "section('deadlines')", N_("Deadlines"), show=False, id="app.deadlines"),
        Binding("5", "section('log')", N_("Log"), show=False, id="app.log"),
        Binding("question_mark,f1", "help", N_("Help"), id="app.help"),
        Binding("q", "quit", N_("Quit"), id="app.quit"),
    ]

    MODES = {
        "dashboard": DashboardScreen, "decisions": DecisionsScreen, "units": UnitsScreen,
        "deadlines": DeadlinesScreen, "log": LogScreen,
    }
    DEFAULT_MODE = "dashboard"
    COMMANDS = App.COMMANDS | {JumpProvider}

    def __init__(self, session: Session, start: str | None = None):
        super().__init__()
        self.backend = Backend(session)
        self.person = session.person()
        self.change_count = 0
        self.unit_names: list[str] = []  # for the unit pickers in forms
        self.start = start
        self.title = _("superviser")

    @property
    def login(self) -> str:
        return self.backend.login

    @property
    def person_label(self) -> str:
        if self.person is None:
            return _("{login} (read only)").format(login=self.login)
        return f"{text.one_line(self.person['name'])} · {roles.role_label(self.person['role'])}"

    def on_mount(self) -> None:
        mapping, problem = keymap.load()
        if mapping:
            self.set_keymap(mapping)
        if problem:
            self.notify(problem, severity="warning", markup=False)
        if self.person is None:
            self.notify(
                _("You ({login}) are not among the people of this office: you can read but not act. "
                  "Ask the director to add you.").format(login=self.login),
                severity="warning", timeout=8, markup=False)
        if self.start == "review":
            self.call_after_refresh(self.start_review)
        self.load_unit_names()
        self.set_interval(POLL_SECONDS, self.check_changes)

    @work(thread=True, exclusive=True, group="units")
    def load_unit_names(self) -> None:
        self.unit_names = self.backend.call(lambda session: units.names(session.db))

    # --- changes --------------------------------------------------------------------------
    def check_changes(self) -> None:
        """Tell the screen in front what others (or we) changed; others catch up on resume."""
        changes = self.backend.changes()
        if any(c.action.startswith(("unit.", "person.")) for c in changes):
            self.load_unit_names()
            self.person = self.backend.call(lambda session: session.person())
        if changes:
            self.change_count += 1
            self.screen.post_message(DataChanged(changes))

    def on_step_done(self, message: StepDone) -> None:
        self.notify(message.result.message, markup=False)
        self.check_changes()

    # --- navigation -----------------------------------------------------------------------
    def action_section(self, name: str) -> None:
        self.switch_mode(name)

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def open_objective(self, ref: str) -> None:
        from screens.objective import ObjectiveScreen

        self.push_screen(ObjectiveScreen(ref))

    def open_decision(self, ref: str) -> None:
        from screens.decision import DecisionScreen

        self.push_screen(DecisionScreen(ref))

    def open_objectives(self, flt: Filter, title: str, *, search: bool = False) -> None:
        from screens.objectives import ObjectivesScreen

        self.push_screen(ObjectivesScreen(flt, title, search=search))

    def start_review(self) -> None:
        from screens.review import ReviewScreen

        self.push_screen(ReviewScreen())


def run(session: Session, start: str | None = None) -> int:
    SuperviserApp(session, start).run()
    return 0
