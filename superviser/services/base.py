"""What every step shares: the session (database + who is acting), the result it
returns, and the ``objective_step`` machinery that loads, checks, changes and logs."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlite_utils import Database

from superviser import clock, journal, lifecycle, refs, roles
from superviser.errors import Conflict
from superviser.i18n import _
from superviser.store import transaction


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


def created(table: str, row_id: int, values: dict) -> dict:
    """Log changes for a new row of another table: ``table#id.field: [None, value]``."""
    return {f"{table}#{row_id}.{key}": [None, value] for key, value in values.items() if value not in (None, "")}


class Step:
    """The objective a step acts on, loaded inside the step's transaction."""

    def __init__(self, session: Session, objective: dict, actor: dict, action: str):
        self.session = session
        self.db = session.db
        self.objective = objective
        self.actor = actor
        self.action = action
        self._fields: dict = {}
        self._changes: dict = {}
        self.seq: int | None = None

    @property
    def id(self) -> int:
        return self.objective["id"]

    @property
    def ref(self) -> str:
        return self.objective["ref"]

    def set(self, **values) -> None:
        for key, value in values.items():
            if self.objective.get(key) != value:
                self._fields[key] = value

    def change(self, key: str, before, after) -> None:
        """Record a change outside the objective's row (another table, the co-units)."""
        if before != after:
            self._changes[key] = [before, after]

    def next_seq(self) -> int:
        return journal.head(self.db)[0] + 1

    def log(self, detail: str = "") -> int:
        """Write the objective's changed fields and the log entry; once per step."""
        assert self.seq is None, "a step logs once"
        before = self.objective
        changes = {key: [before.get(key), value] for key, value in self._fields.items()}
        version = before["version"]
        changes["version"] = [version, version + 1]
        fields = dict(self._fields, version=version + 1, updated_at=clock.stamp())
        assignments = ", ".join(f"{key} = ?" for key in fields)
        cursor = self.db.conn.execute(
            f"UPDATE objectives SET {assignments} WHERE id = ? AND version = ?",
            (*fields.values(), self.id, version),
        )
        if cursor.rowcount != 1:  # cannot happen inside BEGIN IMMEDIATE; refuse rather than guess
            raise Conflict(_("{ref} changed while this step ran; nothing was written").format(ref=self.ref))
        changes.update(self._changes)
        self.seq = journal.append(
            self.db, actor=self.session.login, action=self.action, objective_id=self.id, detail=detail, changes=changes
        )
        self.objective = dict(before, **fields)
        return self.seq


def conflict_message(db: Database, objective: dict, expected: int) -> str:
    last = db.conn.execute(
        "SELECT actor, action, at FROM log WHERE objective_id = ? ORDER BY seq DESC LIMIT 1", (objective["id"],)
    ).fetchone()
    from superviser.actions import label
    from superviser.dates import moment

    if last:
        who = _("{actor} did “{action}” at {time}").format(actor=last[0], action=label(last[1]), time=moment(last[2]))
    else:
        who = _("someone changed it")
    return _(
        "{ref} changed since you looked at it ({who}; version {expected} → {current}); "
        "nothing was written, look again and retry"
    ).format(ref=objective["ref"], who=who, expected=expected, current=objective["version"])


@contextlib.contextmanager
def objective_step(
    session: Session, action: str, ref: str | int, expected_version: int | None = None, *, lifecycle_step: str | None = None
) -> Iterator[Step]:
    """Load the objective in a write transaction and check version, role and lifecycle."""
    db = session.db
    with transaction(db):
        objective = refs.objective(db, ref)
        if expected_version is not None and objective["version"] != expected_version:
            raise Conflict(conflict_message(db, objective, expected_version))
        actor = roles.check(db, session.login, action, objective)
        lifecycle.require(lifecycle_step or action, objective)
        step = Step(session, objective, actor, action)
        yield step
        if step.seq is None:
            raise RuntimeError(f"step {action} did not write its log entry")


def co_unit_ids(db: Database, objective_id: int) -> list[int]:
    return [r[0] for r in db.conn.execute("SELECT unit_id FROM co_units WHERE objective_id = ? ORDER BY unit_id", (objective_id,))]


def set_co_units(db: Database, objective_id: int, unit_ids: list[int]) -> None:
    db.conn.execute("DELETE FROM co_units WHERE objective_id = ?", (objective_id,))
    db.conn.executemany(
        "INSERT INTO co_units (objective_id, unit_id) VALUES (?, ?)", [(objective_id, u) for u in sorted(set(unit_ids))]
    )


def office_log(session: Session, action: str, *, detail: str = "", changes: dict | None = None, decision_id=None) -> int:
    """A log entry for a step that is not about one objective (units, people, settings)."""
    return journal.append(
        session.db, actor=session.login, action=action, decision_id=decision_id, detail=detail, changes=changes
    )
