"""Opening the terminal app: the one place the core reaches into ``screens``."""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import Future

from superviser.cli.common import Env


def prepare_demo(env: Env) -> None:
    """Create the demo database on first use."""
    if env.path.exists():
        return
    from superviser.cli.progress import shown
    from superviser.demo import build_office
    from superviser.i18n import _

    with shown(_("Creating the demo office")) as progress:
        build_office(env.path, env.login, progress)


def prefetch_dashboard(session) -> Future:
    """The dashboard's data, read on another thread (and core) while Textual starts."""
    from superviser import clock, dates, quantities, store
    from superviser.read.dashboard import dashboard

    def read() -> dict:
        db = store.reopen(session.db)
        try:
            data = dashboard(db)
        finally:
            db.conn.close()
        dates.short_date(clock.today())  # loads the calendar's names here, not on the first frame
        quantities.count(0)  # and what writes the lists' counts
        return data

    future: Future = Future()
    # SQLite lets go of the interpreter for every row it steps through, and the thread then
    # waits its turn: at the default 5 ms a turn, while the main thread imports Textual, a
    # read of a few hundred rows ends after the first frame (a million objectives: 0.2–0.5 s
    # instead of 40 ms). Short turns until it is done.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(PREFETCH_TURN)
    threading.Thread(target=lambda: _fulfil(future, read, interval), daemon=True, name="dashboard-prefetch").start()
    return future


PREFETCH_TURN = 0.00002  # seconds


def _fulfil(future: Future, read, interval: float) -> None:
    try:
        data = read()
    except BaseException as error:  # noqa: BLE001 - the dashboard loads it again, and reports what goes wrong
        sys.setswitchinterval(interval)
        future.set_exception(error)
    else:
        sys.setswitchinterval(interval)
        future.set_result(data)


def launch(env: Env, screen: str | None = None) -> int:
    if env.demo:
        prepare_demo(env)
    session = env.session  # opens (and checks) the database before the app starts
    prefetched = prefetch_dashboard(session) if screen is None else None
    # Textual paints at most 60 times a second by default, so a change can wait up to two
    # frames for its turn; at 120 a key's result reaches the screen about 20 ms sooner
    # (measured). Read before Textual is imported; anyone may set their own.
    os.environ.setdefault("TEXTUAL_FPS", "120")
    from screens.app import run  # the launcher is the core's one entry into the app (.importlinter allows it)

    return run(session, start=screen, prefetched=prefetched)
