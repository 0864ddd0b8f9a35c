"""Who is working on which database, and what a step returns: what the app and the
commands hold, without the steps' machinery (``superviser.services``), which the app's
first frame and a read do not need."""

from __future__ import annotations

from dataclasses import dataclass, field

from superviser import roles
from superviser.store import Database


@dataclass
class Session:
    """A person working on a database."""

    db: Database
    login: str  # decided by superviser.identity, never by the caller's environment

    def person(self) -> dict | None:
        """Who is acting, with ``scope``: the units a liaison acts for (theirs and those under it)."""
        who = roles.person(self.db, self.login)
        if who is not None:
            who["scope"] = roles.unit_scope(self.db, who["unit_id"]) if who["role"] == roles.LIAISON else set()
        return who


@dataclass
class Result:
    """What a step did: a confirmation, the log entry, the objective as it is now."""

    message: str
    seq: int | None = None
    ref: str | None = None
    objective: dict | None = None
    data: dict = field(default_factory=dict)
