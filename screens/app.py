"""The superviser terminal app."""

from __future__ import annotations

import importlib
import sys
import weakref
from collections.abc import Iterable
from concurrent.futures import Future

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette, Provider
from textual.screen import Screen

from screens import keymap, render
from screens.backend import Backend, Change, warm_up
from screens.dashboard import DashboardScreen
from screens.messages import DataChanged, StepDone
from screens.role_keys import RoleKeys
from screens.workers import background, failed
from superviser import roles, text
from superviser.errors import SuperviserError
from superviser.i18n import N_, _
from superviser.read import units
from superviser.read.objectives import Filter
from superviser.session import Session

# Textual's own key (the command palette), translated where our key bar shows it.
N_("palette")


class _Section:
    """A section's screen, its module imported when it is first wanted: the dashboard's
    first frame does not wait for the others (read-ahead imports them soon after, off
    the UI thread). The command palette reads its class's keys (``screen_class``)."""

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def screen_class(self) -> type[Screen]:
        return getattr(importlib.import_module(f"screens.{self.module}"), self.name)

    def __call__(self) -> Screen:
        return self.screen_class()()


def _jump_provider() -> type[Provider]:
    from screens.commands import JumpProvider

    return JumpProvider


class SuperviserApp(RoleKeys, App):
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    # A key with a tooltip is also a command in the palette (ctrl+p), the tooltip saying what
    # it does (screens/commands.py); so are the sections' keys that have one.
    BINDINGS = [
        Binding("1", "section('dashboard')", N_("Dashboard"), show=False, id="app.dashboard",
                tooltip=N_("The lights at a glance, and what needs attention")),
        Binding("2", "section('decisions')", N_("Decisions"), show=False, id="app.decisions",
                tooltip=N_("Every decision, newest first, with its objectives")),
        Binding("3", "section('units')", N_("Units"), show=False, id="app.units",
                tooltip=N_("Each unit's open and overdue work and its on-time record")),
        Binding("4", "section('deadlines')", N_("Deadlines"), show=False, id="app.deadlines",
                tooltip=N_("Open objectives by due date")),
        Binding("5", "section('log')", N_("Log"), show=False, id="app.log",
                tooltip=N_("The supervision log: every step, newest first")),
        Binding("e", "export", N_("Export"), id="app.export",
                tooltip=N_("The ledger (xlsx, CSV) or the bulletin for a meeting (docx, Markdown, HTML)")),
        Binding("question_mark,f1", "help", N_("Help"), id="app.help", tooltip=N_("Keys on this screen")),
        Binding("q", "quit", N_("Quit"), id="app.quit", tooltip=N_("Quit superviser")),
    ]
    ROLE_STEPS = {"export": "export"}  # the step a key takes: offered (key bar, palette) only if the role allows it

    MODES = {
        "dashboard": DashboardScreen, "decisions": _Section("decisions", "DecisionsScreen"),
        "units": _Section("units", "UnitsScreen"), "deadlines": _Section("deadlines", "DeadlinesScreen"),
        "log": _Section("log_screen", "LogScreen"),
    }
    DEFAULT_MODE = "dashboard"
    COMMANDS = App.COMMANDS | {_jump_provider}

    def __init__(self, session: Session, start: str | None = None, prefetched: Future | None = None):
        super().__init__()
        render.use_colour(not self.no_color)  # Textual reads NO_COLOR (and removes it) just above
        self.set_class(self.no_color, "-monochrome")
        self.prefetched = prefetched  # the dashboard's first data, read while the app started
        self.backend = Backend(session)
        self.person = session.person()
        self.unit_names: list[str] = []  # for the unit pickers in forms
        self.units_by_id: dict[int, str] = {}  # for describing log entries
        self.steps_loaded = False  # the steps' declarations, loaded after the first frame (load_unit_names)
        self._opened_modes: set[str] = {"dashboard"}
        self._css_key: tuple | None = None  # what the stylesheet was last refreshed with
        self._styled: weakref.WeakKeyDictionary[Screen, tuple] = weakref.WeakKeyDictionary()  # screen → that, when styled
        self.start = start
        self.title = _("superviser")

    @property
    def login(self) -> str:
        return self.backend.login

    @property
    def change_count(self) -> int:
        return self.backend.generation

    @property
    def person_label(self) -> str:
        if self.person is None:
            return _("{login} (read only)").format(login=self.login)
        return f"{text.one_line(self.person['name'])} · {roles.role_label(self.person['role'])}"

    def on_mount(self) -> None:
        mapping, problem = keymap.load()
        if mapping:
            self.set_keymap(mapping)
            self.check_keymap(mapping)
        if problem:
            self.notify(problem, severity="warning", markup=False)
        if self.person is None:
            self.notify(
                _("You ({login}) are not among the people of this office: you can read but not act. "
                  "Ask the director to add you.").format(login=self.login),
                severity="warning", timeout=8, markup=False)
        if self.start == "review":
            self.call_after_refresh(self.start_review)
        self.screen_change_signal.subscribe(self, self._styled_now)
        self.load_unit_names()
        self.backend.watch(self._seen_elsewhere)
        self.set_timer(0.4, lambda: warm_up(self))
        self.set_timer(0.6, self.read_ahead)

    def on_unmount(self) -> None:
        self.backend.stop()

    @background("keymap")
    def check_keymap(self, mapping: dict[str, str]) -> None:
        """Off the UI thread: the check imports every screen, which the first frame does not wait for."""
        problem = keymap.check(mapping, type(self))
        if problem:
            self.call_from_thread(self.notify, problem, severity="warning", timeout=10, markup=False)

    @background("units")
    def load_unit_names(self) -> None:
        self.unit_names, self.units_by_id = self.backend.call(_unit_names)  # (with the steps' declarations)
        self.call_from_thread(self._steps_loaded)

    def _steps_loaded(self) -> None:
        """The keys a role does not allow leave the key bar (screens/role_keys.py)."""
        self.steps_loaded = True
        self.screen.refresh_bindings()

    @background("prefetch")
    def read_ahead(self) -> None:
        self.backend.read_ahead(lambda: self._opened_modes)

    # --- changes --------------------------------------------------------------------------
    def check_changes(self) -> None:
        """After a step of ours: tell the screen in front at once (others' changes arrive
        from the watching thread)."""
        changes = self.backend.changes()
        if changes:
            self.screen.post_message(DataChanged(changes))
            self.catch_up(changes)

    @background("catch-up", exclusive=False)
    def catch_up(self, changes: list[Change]) -> None:
        self._catch_up(changes)

    def _seen_elsewhere(self, changes: list[Change]) -> None:
        """On the watching thread: someone committed."""
        for screen in self.screen_stack[-1:]:  # none while the app closes
            screen.post_message(DataChanged(changes))
        try:
            self._catch_up(changes)
        except Exception as error:  # noqa: BLE001 - the watch goes on; the app says what went wrong
            failed(self, error)

    def _catch_up(self, changes: list[Change]) -> None:
        """Off the UI thread: what the app keeps besides the screens (others catch up on resume)."""
        if any(c.action.startswith(("unit.", "person.")) for c in changes):
            self.unit_names, self.units_by_id = self.backend.call(_unit_names)
            self.person = self.backend.call(lambda session: session.person())
        if len(self._opened_modes) < len(self.MODES):
            self.backend.read_ahead(lambda: self._opened_modes, after=0.5)

    def worker_failed(self, error: Exception) -> None:
        """The one handler for work that failed in the background (screens/workers.py): a
        refusal in the core's words; anything else to the error log, and where it is."""
        from superviser import crash, files

        error = error if isinstance(error, SuperviserError) else files.explain(error, self.backend.path)
        if isinstance(error, SuperviserError):
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(crash.said(error, crash.record(error, "app")), severity="error", timeout=30, markup=False)

    def on_step_done(self, message: StepDone) -> None:
        self.notify(message.result.message, markup=False)
        self.check_changes()

    # --- styles ---------------------------------------------------------------------------
    def refresh_css(self, animate: bool = True) -> None:
        """Textual calls this on a switch to a section whose screen it has not refreshed
        itself (a first visit twice, and again on later ones), and each time parses the whole
        stylesheet again and restyles the screen in front: most of a section switch. There is
        nothing to refresh when the stylesheet's variables (the theme) are those it was last
        refreshed with and the screen in front has its styles from them (it is yet to be
        mounted, which styles it, or was in front since)."""
        key = self._css_now()
        front = self.screen_stack[-1] if self.screen_stack else None
        if front is not None and key == self._css_key and (not front.is_mounted or self._styled.get(front) == key):
            self._styled[front] = key
            return
        super().refresh_css(animate)
        self._css_key = key
        for screen in self.screen_stack:  # the screens Textual restyled
            self._styled[screen] = key

    def _css_now(self) -> tuple:
        return self.get_css_variables(), self.ansi_theme

    def _styled_now(self, screen: Screen) -> None:
        """A screen in front, pushed or switched to, has the styles of the stylesheet as it is."""
        key = self._css_now()
        if key == self._css_key:
            self._styled[screen] = key

    # --- navigation -----------------------------------------------------------------------
    def action_section(self, name: str) -> None:
        self.switch_mode(name)

    def switch_mode(self, mode: str):
        self._opened_modes.add(mode)
        return super().switch_mode(mode)

    def action_command_palette(self) -> None:
        # As Textual's, with the prompt in the person's language.
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=_("Search for commands…"), id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from screens.commands import system_commands

        return system_commands(self, screen)

    def search_themes(self) -> None:
        # As Textual's, with the prompt in the person's language.
        from textual.theme import ThemeProvider

        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=_("Search for themes…")))

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_export(self) -> None:
        from screens.export import open_export

        scope = getattr(self.screen, "export_scope", lambda: {})()
        open_export(self, scope, getattr(self.screen, "objective_in_view", lambda: None)())

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


def _unit_names(session: Session) -> tuple[list[str], dict[int, str]]:
    from superviser import describe  # with the steps' declarations, which the first frame does not need

    return units.names(session.db), describe.unit_names(session.db)


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
    except Exception as error:  # noqa: BLE001 - Textual could not start or stop (the terminal, the driver)
        said = crash.said(error, crash.record(error, "app"))
    else:
        if not app.return_code:
            return 0
        said = crash.said(None, crash.record(None, "app", details=details.getvalue()))
    print(f"superviser: {said}", file=sys.stderr)
    return UNEXPECTED_EXIT
