"""The superviser terminal app."""

from __future__ import annotations

import gc
import sys
from concurrent.futures import Future

from textual.app import App
from textual.binding import Binding

from screens import keymap
from screens import render
from screens.backend import Backend
from screens.commands import JumpProvider
from screens.dashboard import DashboardScreen
from screens.deadlines import DeadlinesScreen
from screens.decisions import DecisionsScreen
from screens.log_screen import LogScreen
from screens.units import UnitsScreen
from screens.messages import DataChanged, StepDone
from screens.workers import background
from superviser import describe, roles, text
from superviser.errors import SuperviserError
from superviser.i18n import N_, _
from superviser.read import units
from superviser.read.objectives import Filter
from superviser.services import Session

POLL_SECONDS = 1.0  # how often to look for other people's changes

# Textual's own key (the command palette), translated where our key bar shows it.
N_("palette")


class SuperviserApp(App):
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("1", "section('dashboard')", N_("Dashboard"), show=False, id="app.dashboard"),
        Binding("2", "section('decisions')", N_("Decisions"), show=False, id="app.decisions"),
        Binding("3", "section('units')", N_("Units"), show=False, id="app.units"),
        Binding("4", "section('deadlines')", N_("Deadlines"), show=False, id="app.deadlines"),
        Binding("5", "section('log')", N_("Log"), show=False, id="app.log"),
        Binding("e", "export", N_("Export"), id="app.export"),
        Binding("question_mark,f1", "help", N_("Help"), id="app.help"),
        Binding("q", "quit", N_("Quit"), id="app.quit"),
    ]

    MODES = {
        "dashboard": DashboardScreen, "decisions": DecisionsScreen, "units": UnitsScreen,
        "deadlines": DeadlinesScreen, "log": LogScreen,
    }
    DEFAULT_MODE = "dashboard"
    COMMANDS = App.COMMANDS | {JumpProvider}

    def __init__(self, session: Session, start: str | None = None, prefetched: Future | None = None):
        super().__init__()
        render.use_colour(not self.no_color)  # Textual reads NO_COLOR (and removes it) just above
        self.set_class(self.no_color, "-monochrome")
        self.prefetched = prefetched  # the dashboard's first data, read while the app started
        self.backend = Backend(session)
        self.person = session.person()
        self.change_count = 0
        self.unit_names: list[str] = []  # for the unit pickers in forms
        self.units_by_id: dict[int, str] = {}  # for describing log entries
        self._opened_modes: set[str] = {"dashboard"}
        self._memo: dict[str, tuple[int, object]] = {}
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
        self.set_timer(0.4, self.warm_up)
        self.set_timer(0.6, self.prefetch_sections)

    def warm_up(self) -> None:
        """Mount one of each widget the other screens use, once, out of sight.

        Textual re-parses the whole stylesheet the first time a widget class
        appears; doing it now, while the dashboard is being read, keeps that cost
        (about 0.1 s) out of the first drill-down, filter or form."""
        from textual.containers import Container
        from textual.widgets import Button, DataTable, Input, Label, Select, TextArea

        from screens.widgets.filter_bar import FilterBar

        if not self.screen_stack or not isinstance(self.screen, DashboardScreen):
            return  # the app is closing, or a form or palette is open: not among its fields
        box = Container(FilterBar(), Input(compact=True), TextArea(compact=True), Select([("a", "a")], compact=True),
                        Button("x", compact=True), Label("x"), DataTable(), id="warm-up")
        box.display = False
        self.screen.mount(box)
        self.call_after_refresh(box.remove)
        self.call_after_refresh(self._freeze_startup_objects)

    @staticmethod
    def _freeze_startup_objects() -> None:
        """Move everything allocated so far (modules, styles, the dashboard) out of the
        garbage collector's reach: full collections otherwise rescan it all and pause
        the app for tens of milliseconds at random moments."""
        gc.collect()
        gc.freeze()

    @background("units")
    def load_unit_names(self) -> None:
        def read(session):
            return units.names(session.db), describe.unit_names(session.db)

        self.unit_names, self.units_by_id = self.backend.call(read)

    def remember(self, key: str, value) -> None:
        self._memo[key] = (self.change_count, value)

    def fresh(self, key: str):
        """A remembered value, if nothing has changed since it was read."""
        seen, value = self._memo.get(key, (None, None))
        return value if seen == self.change_count else None

    @background("prefetch")
    def prefetch_sections(self) -> None:
        """The first page of each section not opened yet, read in the background, so
        opening one draws it once, with its rows."""
        from screens.deadlines import fetch_deadlines
        from screens.decisions import fetch_decisions
        from screens.log_screen import fetch_log
        from screens.units import fetch_units

        readers = {"decisions": fetch_decisions, "deadlines": fetch_deadlines, "log": fetch_log,
                   "units": lambda session: fetch_units(session, cards=self.cached("scorecards", session, units.scorecards))}
        count = self.change_count
        for mode, read in readers.items():
            if mode in self._opened_modes:
                continue
            page = self.backend.call(read)
            self.call_from_thread(lambda mode=mode, page=page: self._memo.update({f"first:{mode}": (count, page)}))

    def cached(self, key: str, session, compute):
        """``compute(session.db)``, shared between screens until the data changes
        (the dashboard's unit panel and the Units section read the same scorecards)."""
        seen, value = self._memo.get(key, (None, None))
        if seen != self.change_count:
            value = compute(session.db)
            self._memo[key] = (self.change_count, value)
        return value

    @background("memo")
    def refresh_scorecards(self) -> None:
        """Recompute the shared scorecards after a change, so the Units section opens at once."""
        count = self.change_count
        cards = self.backend.call(lambda session: units.scorecards(session.db))
        self.call_from_thread(lambda: self._memo.update(scorecards=(count, cards)))

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
            if "scorecards" in self._memo:
                self.set_timer(0.2, self.refresh_scorecards)  # after the screen in front has reloaded
            if len(self._opened_modes) < len(self.MODES):
                self.set_timer(0.7, self.prefetch_sections)

    def worker_failed(self, error: Exception) -> None:
        """The one handler for work that failed in the background (screens/workers.py): a
        refusal in the core's words; anything else to the error log, and where it is."""
        from superviser import crash, files

        error = files.explain(error, self.backend.path) if not isinstance(error, SuperviserError) else error
        if isinstance(error, SuperviserError):
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(crash.said(error, crash.record(error, "app")), severity="error", timeout=30, markup=False)

    def on_step_done(self, message: StepDone) -> None:
        self.notify(message.result.message, markup=False)
        self.check_changes()

    # --- navigation -----------------------------------------------------------------------
    def action_section(self, name: str) -> None:
        self.switch_mode(name)

    def switch_mode(self, mode: str):
        self._opened_modes.add(mode)
        return super().switch_mode(mode)

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_export(self) -> None:
        from screens.export import open_export

        scope = getattr(self.screen, "export_scope", lambda: {})()
        open_export(self, scope)

    def on_delivery_complete(self, event) -> None:
        where = str(event.path) if event.path else event.name
        self.notify(_("Saved {where}").format(where=where), markup=False)

    def on_delivery_failed(self, event) -> None:
        self.notify(_("Could not save {name}: {error}").format(name=event.name, error=event.exception),
                    severity="error", markup=False)

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


def run(session: Session, start: str | None = None, prefetched: Future | None = None) -> int:
    """Run the app; 0 when the person quits. If the app itself fails (a bug), Textual restores
    the terminal, the traceback goes to the error log, one line says where, and the exit is not 0."""
    import io

    from rich.console import Console

    from superviser import crash
    from superviser.errors import UNEXPECTED_EXIT

    app = SuperviserApp(session, start, prefetched)
    details = io.StringIO()
    app.error_console = Console(file=details, width=120, color_system=None, markup=False, highlight=False)
    try:
        app.run()
    except Exception as error:  # Textual could not start or stop (the terminal, the driver)
        said = crash.said(error, crash.record(error, "app"))
    else:
        if not app.return_code:
            return 0
        said = crash.said(None, crash.record(None, "app", details=details.getvalue()))
    print(f"superviser: {said}", file=sys.stderr)
    return UNEXPECTED_EXIT
