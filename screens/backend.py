"""The app's way to the core: sessions for worker threads, and change watching.

Database work runs in thread workers, each borrowing a session (one connection)
from a small pool, so the UI never waits on SQLite. A separate connection polls
``PRAGMA data_version`` (cheap) to learn that someone else committed; the log
entries since the last seen one say which objectives changed.
"""

from __future__ import annotations

import contextlib
import queue
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from superviser import store
from superviser.services import Session

T = TypeVar("T")


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
        self._version = store.data_version(self._watch)
        self.last_seq = self._head()

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

    def _head(self) -> int:
        row = self._watch.conn.execute("SELECT coalesce(max(seq), 0) FROM log").fetchone()
        return row[0]

    def changes(self) -> list[Change]:
        """Log entries written (by anyone) since the last call; [] when nothing was committed."""
        version = store.data_version(self._watch)
        if version == self._version:
            return []
        self._version = version
        rows = self._watch.conn.execute(
            "SELECT seq, actor, action, objective_id, decision_id FROM log WHERE seq > ? ORDER BY seq", (self.last_seq,)
        ).fetchall()
        if rows:
            self.last_seq = rows[-1][0]
        return [Change(*row) for row in rows]
