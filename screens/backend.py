"""The app's way to the core, and what keeps the app quick.

- Sessions: database work runs in thread workers, each borrowing a session (one
  connection) from a small pool, so the UI never waits on SQLite.
- Changes: a watching thread polls ``PRAGMA data_version`` (cheap) on a connection of
  its own to learn that someone committed; the log entries since the last seen one
  say which objectives changed. It hands them to the app, off the UI thread.
- A memo of what screens read ahead (each section's first page), valid until the
  next change.
- Start-up: the widgets other screens use are mounted once out of sight (so their
  styles are parsed before the first drill-down), and what start-up allocated is
  frozen out of the garbage collector's way.
"""

from __future__ import annotations

import contextlib
import gc
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from superviser import clock, dates, store
from superviser.session import Session

if TYPE_CHECKING:
    from textual.app import App

T = TypeVar("T")

POLL_SECONDS = 1.0  # how often to look for other people's changes


@dataclass(frozen=True)
class Change:
    """One log entry someone wrote since we last looked."""

    seq: int
    actor: str
    action: str
    objective_id: int | None
    decision_id: int | None


class Backend:
    def __init__(self, session: Session):
        self.path = store.path_of(session.db)
        self.login = session.login
        self._pool: queue.SimpleQueue[Session] = queue.SimpleQueue()
        self._pool.put(session)
        self._watch = store.reopen(session.db)
        self._watching = threading.Lock()  # the watch connection serves the UI thread and the watcher
        self._version = store.data_version(self._watch)
        self.last_seq = self._head()
        self.generation = 0  # moves each time changes are seen: what was read before is stale
        self._memo: dict[str, tuple[int, object]] = {}
        self._stop = threading.Event()

    # --- sessions ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """Borrow a session for one piece of work (in a worker thread)."""
        try:
            session = self._pool.get_nowait()
        except queue.Empty:
            session = Session(store.connect(self.path, migrate=False), self.login)
        try:
            yield session
        finally:
            self._pool.put(session)

    def call(self, work: Callable[[Session], T]) -> T:
        with self.session() as session:
            return work(session)

    # --- changes ----------------------------------------------------------------------------
    def _head(self) -> int:
        row = self._watch.conn.execute("SELECT coalesce(max(seq), 0) FROM log").fetchone()
        return row[0]

    def changes(self) -> list[Change]:
        """Log entries written (by anyone) since the last call; [] when nothing was committed."""
        with self._watching:
            version = store.data_version(self._watch)
            if version == self._version:
                return []
            self._version = version
            rows = self._watch.conn.execute(
                "SELECT seq, actor, action, objective_id, decision_id FROM log WHERE seq > ? ORDER BY seq", (self.last_seq,)
            ).fetchall()
            if rows:
                self.last_seq = rows[-1][0]
                self.generation += 1
        return [Change(*row) for row in rows]

    def watch(self, seen: Callable[[list[Change]], None]) -> None:
        """Look for changes every ``POLL_SECONDS`` on a thread of its own, and pass them to
        ``seen`` there, until ``stop``."""
        def run() -> None:
            while not self._stop.wait(POLL_SECONDS):
                try:
                    changes = self.changes()
                except Exception:  # noqa: BLE001 - a poll that fails (file busy, moved) is tried again next time
                    continue
                if changes and not self._stop.is_set():
                    seen(changes)

        threading.Thread(target=run, daemon=True, name="superviser-watch").start()

    def stop(self) -> None:
        self._stop.set()

    # --- the memo ---------------------------------------------------------------------------
    def remember(self, key: str, value, generation: int | None = None) -> None:
        """Keep ``value`` until the data changes (``generation``: when it was read)."""
        self._memo[key] = (self.generation if generation is None else generation, value)

    def fresh(self, key: str):
        """A remembered value, if nothing has changed since it was read."""
        seen, value = self._memo.get(key, (None, None))
        return value if seen == self.generation else None

    def read_ahead(self, sections: Callable[[], set[str]], *, after: float = 0) -> None:
        """The first page of each section not opened yet (``sections()`` says which are
        open), read now (or ``after`` seconds: the screen in front reloads first), so
        opening one later draws it once, with its rows; and the calendar's names, for the
        dates in words (the deadlines' weeks)."""
        from screens.deadlines import fetch_deadlines
        from screens.decisions import fetch_decisions
        from screens.log_screen import fetch_log
        from screens.units import fetch_units

        if self._stop.wait(after):
            return
        readers = {"decisions": fetch_decisions, "deadlines": fetch_deadlines, "log": fetch_log, "units": fetch_units}
        generation = self.generation
        for mode, read in readers.items():
            if mode not in sections() and not self._stop.is_set():
                self.remember(f"first:{mode}", self.call(read), generation)
        dates.short_date(clock.today())


def warm_up(app: App) -> None:
    """Mount one of each widget the other screens use, once, out of sight.

    Textual re-parses the whole stylesheet the first time a widget class appears;
    doing it now, while the dashboard is being read, keeps that cost (about 0.1 s)
    out of the first drill-down, filter or form. Then everything allocated so far
    (modules, styles, the dashboard) is frozen: full garbage collections otherwise
    rescan it all and pause the app for tens of milliseconds at random moments."""
    from textual.containers import Container
    from textual.widgets import Button, DataTable, Input, Label, Select, TextArea

    from screens.dashboard import DashboardScreen
    from screens.widgets.filter_bar import FilterBar

    if not app.screen_stack or not isinstance(app.screen, DashboardScreen):
        return  # the app is closing, or a form or palette is open: not among its fields
    box = Container(FilterBar(), Input(compact=True), TextArea(compact=True), Select([("a", "a")], compact=True),
                    Button("x", compact=True), Label("x"), DataTable(), id="warm-up")
    box.display = False
    app.screen.mount(box)
    app.call_after_refresh(box.remove)
    app.call_after_refresh(_freeze_startup_objects)


def _freeze_startup_objects() -> None:
    # Frozen as they are, without a collection first: one would pause the app for 50–70 ms
    # just when a person starts to use it, to free the start-up's few cycles (a few MB).
    gc.freeze()
    gc.enable()  # the command line turned it off for the start (superviser/cli/__init__.py)
