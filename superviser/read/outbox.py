"""The outbox and the notices, for the CLI, ``doctor``, and the app's screens (an
objective's notices with their delivery status, the dashboard's failed deliveries)."""

from __future__ import annotations

from superviser.store import Database

_COLUMNS = ("o.id, o.seq, o.objective_id, ob.ref AS objective, o.unit_id, u.name AS unit, o.login, o.kind, o.level, "
            "o.channel, o.recipient, o.lang, o.subject, o.status, o.attempts, o.next_at, o.last_error, o.sent_at, "
            "o.queued_at, o.queued_by")
_FROM = " FROM outbox o LEFT JOIN units u ON u.id = o.unit_id LEFT JOIN objectives ob ON ob.id = o.objective_id"


def _rows(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor]


def summary(db: Database) -> dict:
    """How many messages are in each status, and the oldest still waiting."""
    counts = dict(db.conn.execute("SELECT status, count(*) FROM outbox GROUP BY status"))
    oldest = db.conn.execute("SELECT min(queued_at) FROM outbox WHERE status IN ('queued', 'sending')").fetchone()[0]
    return {"queued": counts.get("queued", 0), "sending": counts.get("sending", 0), "sent": counts.get("sent", 0),
            "failed": counts.get("failed", 0), "cancelled": counts.get("cancelled", 0), "oldest_waiting": oldest}


def messages(db: Database, *, status: str | None = None, objective_id: int | None = None, limit: int | None = 50) -> list[dict]:
    """Messages, newest first."""
    where, params = [], []
    if status:
        where.append("o.status = ?")
        params.append(status)
    if objective_id is not None:
        where.append("o.objective_id = ?")
        params.append(objective_id)
    sql = "SELECT " + _COLUMNS + _FROM + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY o.id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return _rows(db.conn.execute(sql, params))


def failed(db: Database, limit: int = 20) -> list[dict]:
    """Deliveries that failed for good, newest first (the dashboard's list)."""
    return messages(db, status="failed", limit=limit)


def notices(db: Database, objective_id: int) -> list[dict]:
    """An objective's numbered notices."""
    return _rows(db.conn.execute(
        "SELECT n.id, n.year, n.number, n.level, n.unit_id, u.name AS unit, n.issued_at, n.issued_by FROM notices n "
        "JOIN units u ON u.id = n.unit_id WHERE n.objective_id = ? ORDER BY n.id", (objective_id,)))
