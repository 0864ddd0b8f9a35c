"""The supervision log, newest first, filtered."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from superviser import refs, store
from superviser.store import Database

_SELECT = """
SELECT l.seq, l.at, l.actor, l.action, l.objective_id, o.ref AS objective, l.decision_id,
       coalesce(d.ref, od.ref) AS decision, l.detail, l.changes, l.prev_hash, l.hash,
       o.title AS objective_title, p.name AS actor_name
FROM log l
LEFT JOIN objectives o ON o.id = l.objective_id
LEFT JOIN decisions d ON d.id = l.decision_id
LEFT JOIN decisions od ON od.id = o.decision_id
LEFT JOIN people p ON p.login = l.actor
"""


@dataclass
class LogFilter:
    since: date | None = None
    until: date | None = None
    unit: str | int | None = None
    decision: str | int | None = None
    objective: str | int | None = None
    action: str | None = None
    actor: str | None = None
    before_seq: int | None = None
    after_seq: int | None = None
    text: str | None = None  # words in the detail, the actor, or the objective's reference or title


def _utc_bound(day: date) -> str:
    """Local midnight of ``day``, as a UTC log timestamp, for comparing with ``at``."""
    local = datetime.combine(day, time()).astimezone()
    return local.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _where(db: Database, flt: LogFilter, params: list) -> str:
    clauses = []
    if flt.since:
        clauses.append("l.at >= ?")
        params.append(_utc_bound(flt.since))
    if flt.until:
        from datetime import timedelta

        clauses.append("l.at < ?")
        params.append(_utc_bound(flt.until + timedelta(days=1)))
    if flt.objective not in (None, ""):
        clauses.append("l.objective_id = ?")
        params.append(refs.objective(db, flt.objective)["id"])
    if flt.decision not in (None, ""):
        decision_id = refs.decision(db, flt.decision)["id"]
        clauses.append("(l.decision_id = ? OR l.objective_id IN (SELECT id FROM objectives WHERE decision_id = ?))")
        params += [decision_id, decision_id]
    if flt.unit not in (None, ""):
        unit_id = refs.unit(db, flt.unit)["id"]
        clauses.append(
            "l.objective_id IN (SELECT id FROM objectives WHERE lead_unit_id = ? "
            "UNION SELECT objective_id FROM co_units WHERE unit_id = ?)"
        )
        params += [unit_id, unit_id]
    if flt.action:
        if flt.action.endswith("*"):
            clauses.append("l.action LIKE ?")
            params.append(flt.action[:-1] + "%")
        else:
            clauses.append("l.action = ?")
            params.append(flt.action)
    if flt.actor:
        clauses.append("l.actor = ?")
        params.append(flt.actor)
    if flt.text:
        like = f"%{flt.text}%"
        clauses.append(
            "(l.detail LIKE ? OR l.actor LIKE ? OR l.objective_id IN "
            "(SELECT id FROM objectives WHERE ref LIKE ? OR title LIKE ?))"
        )
        params += [like, like, like, like]
    if flt.before_seq:
        clauses.append("l.seq < ?")
        params.append(flt.before_seq)
    if flt.after_seq:
        clauses.append("l.seq > ?")
        params.append(flt.after_seq)
    return " AND ".join(clauses) or "1"


def entries(db: Database, flt: LogFilter | None = None, *, limit: int | None = 50, offset: int = 0) -> list[dict]:
    params: list = []
    sql = _SELECT + " WHERE " + _where(db, flt or LogFilter(), params) + " ORDER BY l.seq DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    found = store.rows(db, sql, params)
    for row in found:
        row["changes"] = json.loads(row["changes"]) if row["changes"] else {}
    return found


_STEPS = """
SELECT l.seq, l.at, l.actor, l.action, l.objective_id, coalesce(o.ref, d.ref, ''), l.detail, l.changes
FROM log l
LEFT JOIN objectives o ON o.id = l.objective_id
LEFT JOIN decisions d ON d.id = l.decision_id
"""


def steps(db: Database, flt: LogFilter, *, limit: int) -> list[tuple]:
    """A page of entries as an export's log lists them, oldest first: (seq, at, actor, action,
    objective_id, the objective's reference or else the decision's, detail, changes as stored).
    Without the joins, the parsing and the dicts of ``entries``: an export reads every step."""
    params: list = []
    sql = _STEPS + " WHERE " + _where(db, flt, params) + f" ORDER BY l.seq LIMIT {int(limit)}"
    return db.conn.execute(sql, params).fetchall()


def count(db: Database, flt: LogFilter | None = None) -> int:
    params: list = []
    clause = _where(db, flt or LogFilter(), params)
    if clause == "1":  # the whole log: its entries are numbered 1, 2, 3… without a gap (its guards)
        return db.conn.execute("SELECT coalesce(max(seq), 0) FROM log").fetchone()[0]
    return db.conn.execute("SELECT count(*) FROM log l WHERE " + clause, params).fetchone()[0]


PUBLIC_FIELDS = ("seq", "at", "actor", "action", "objective", "decision", "detail", "changes", "prev_hash", "hash")


def as_json(row: dict) -> dict:
    """The documented JSON shape of a log entry."""
    return {key: row.get(key) for key in PUBLIC_FIELDS}
