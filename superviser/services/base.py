"""What every step shares: the session (database + who is acting) and the result it
returns (``superviser.session``), and ``objective_step``: load the objective inside the
step's transaction, check it (version, role, state, unit: ``actions.require``), change it,
log it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from superviser import actions, clock, fields, refs, rhythm, store
from superviser.changes import Changes, write
from superviser.errors import Conflict
from superviser.i18n import _
from superviser.session import Result as Result  # the steps import both from here
from superviser.session import Session as Session
from superviser.store import Database


def validate(action: str, **raw) -> dict:
    """The step's values, checked by its declared fields (superviser/actions.py)."""
    return fields.validate(actions.ACTIONS[action].fields, raw)


def check(session: Session, action: str) -> dict:
    """The acting person, if their role allows ``action``; else Forbidden."""
    who = session.person()
    actions.require(action, who, session.login)
    assert who is not None  # require() refuses whoever is not among the people
    return who


@contextlib.contextmanager
def step(session: Session, changes: Changes | None = None) -> Iterator[Changes]:
    """The step's transaction, or the caller's when a composite step runs several at once."""
    if changes is not None:
        yield changes
        return
    with write(session) as opened:
        yield opened


def pending_extension(db: Database, objective_id: int) -> dict | None:
    return store.row(
        db, "SELECT * FROM extensions WHERE objective_id = ? AND status = 'pending' AND withdrawn_seq IS NULL "
        "ORDER BY id DESC LIMIT 1",
        (objective_id,),
    )


def co_unit_ids(db: Database, objective_id: int) -> list[int]:
    return [r[0] for r in db.conn.execute(
        "SELECT unit_id FROM co_units WHERE objective_id = ? ORDER BY unit_id", (objective_id,))]


class Step:
    """The objective a step acts on, loaded and checked inside the step's transaction."""

    def __init__(self, session: Session, changes: Changes, objective: dict, actor: dict, action: str):
        self.session = session
        self.db = session.db
        self.changes = changes
        self.objective = objective
        self.actor = actor
        self.action = action
        self._fields: dict = {}
        self.seq: int | None = None
        self.before_log: list[Callable[[Step], None]] = []

    @property
    def id(self) -> int:
        return self.objective["id"]

    @property
    def ref(self) -> str:
        return self.objective["ref"]

    @property
    def fields(self) -> dict:
        """The objective's columns this step changes (so far)."""
        return self._fields

    def set(self, **values) -> None:
        """Change the objective's own columns (written when the step logs)."""
        self._fields.update(values)

    def set_co_units(self, unit_ids: list[int]) -> None:
        wanted = sorted(set(unit_ids) - {self._fields.get("lead_unit_id", self.objective["lead_unit_id"])})
        current = co_unit_ids(self.db, self.id)
        for unit_id in current:
            if unit_id not in wanted:
                self.changes.delete("co_units", (self.id, unit_id))
        for unit_id in wanted:
            if unit_id not in current:
                self.changes.insert("co_units", {"objective_id": self.id, "unit_id": unit_id})
        self.objective["co_unit_ids"] = wanted

    def log(self, detail: str = "", facts: dict | None = None) -> int:
        """Write the objective's changes (a new version) and the step's log entry; once per step."""
        assert self.seq is None, "a step logs once"
        rhythm.keep_report_due(self)
        version = self.objective["version"]
        self.changes.update("objectives", self.id, dict(self._fields, version=version + 1, updated_at=clock.stamp()))
        self.objective = dict(self.objective, **self._fields, version=version + 1)
        for hook in self.before_log:
            hook(self)
        self.seq = self.changes.log(self.action, objective_id=self.id, detail=detail, facts=facts)
        return self.seq


def conflict_message(db: Database, objective: dict, expected: int) -> str:
    last = db.conn.execute(
        "SELECT actor, action, at FROM log WHERE objective_id = ? ORDER BY seq DESC LIMIT 1", (objective["id"],)
    ).fetchone()
    from superviser.dates import moment

    if last:
        who = _("{actor} did “{action}” at {time}").format(actor=last[0], action=actions.label(last[1]),
                                                            time=moment(last[2]))
    else:
        who = _("someone changed it")
    return _(
        "{ref} changed since you looked at it ({who}; version {expected} → {current}); "
        "nothing was written, look again and retry"
    ).format(ref=objective["ref"], who=who, expected=expected, current=objective["version"])


def load_for_step(db: Database, ref: str | int) -> dict:
    """The objective with what ``actions.refusal`` needs: co-units and a waiting extension."""
    objective = refs.objective(db, ref)
    objective["co_unit_ids"] = co_unit_ids(db, objective["id"])
    pending = pending_extension(db, objective["id"])
    objective["extension_to"] = pending["to_deadline"] if pending else None
    return objective


@contextlib.contextmanager
def objective_step(session: Session, action: str, ref: str | int, expected_version: int | None = None,
                   changes: Changes | None = None) -> Iterator[Step]:
    """Load the objective in the step's transaction and check version, role, state and unit."""
    with step(session, changes) as opened:
        objective = load_for_step(session.db, ref)
        if expected_version is not None and objective["version"] != expected_version:
            raise Conflict(conflict_message(session.db, objective, expected_version))
        actor = session.person()
        actions.require(action, actor, session.login, objective)
        assert actor is not None  # require() refuses whoever is not among the people
        current = Step(session, opened, objective, actor, action)
        yield current
        if current.seq is None:
            raise RuntimeError(f"step {action} did not write its log entry")
