"""The outbox and the notices, for the CLI, ``doctor``, and the app's screens (an
objective's notices with their delivery status, the dashboard's failed deliveries)."""

from __future__ import annotations

from superviser import store
from superviser.delivery.labels import STATUSES, TROUBLE
from superviser.store import Database

_COLUMNS = ("o.id, o.seq, o.objective_id, ob.ref AS objective, o.unit_id, u.name AS unit, o.login, o.kind, o.level, "
            "o.channel, o.recipient, o.lang, o.subject, o.status, o.attempts, o.next_at, o.last_error, o.sent_at, "
            "o.queued_at, o.queued_by")
_FROM = " FROM outbox o LEFT JOIN units u ON u.id = o.unit_id LEFT JOIN objectives ob ON ob.id = o.objective_id"


def summary(db: Database) -> dict:
    """How many messages are in each status, and the oldest still waiting."""
    counts = dict(db.conn.execute("SELECT status, count(*) FROM outbox GROUP BY status"))
    oldest = db.conn.execute("SELECT min(queued_at) FROM outbox WHERE status IN ('queued', 'sending')").fetchone()[0]
    return {**{status: counts.get(status, 0) for status in STATUSES}, "oldest_waiting": oldest}


def trouble(db: Database) -> dict[str, int]:
    """Messages that failed for good and those whose delivery is unknown: two counts read
    through the (status, next_at) index, cheap enough for the dashboard's first frame."""
    return {status: db.conn.execute("SELECT count(*) FROM outbox WHERE status = ?", (status,)).fetchone()[0]
            for status in TROUBLE}


def messages(db: Database, *, status: str | tuple[str, ...] | None = None, objective_id: int | None = None,
             limit: int | None = 50, offset: int = 0) -> list[dict]:
    """Messages, newest first; ``status`` one or several."""
    where: list[str] = []
    params: list = []
    if status:
        statuses = (status,) if isinstance(status, str) else tuple(status)
        where.append("o.status IN (" + ", ".join("?" * len(statuses)) + ")")
        params += statuses
    if objective_id is not None:
        where.append("o.objective_id = ?")
        params.append(objective_id)
    sql = "SELECT " + _COLUMNS + _FROM + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY o.id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return store.rows(db, sql, params)


def notices(db: Database, objective_id: int) -> list[dict]:
    """An objective's numbered notices."""
    return store.rows(
        db, "SELECT n.id, n.year, n.number, n.level, n.unit_id, u.name AS unit, n.issued_at, n.issued_by FROM notices n "
        "JOIN units u ON u.id = n.unit_id WHERE n.objective_id = ? ORDER BY n.id", (objective_id,))


def about_objective(db: Database, objective_id: int, limit: int = 20) -> dict:
    """What was sent about an objective, for its screen: its numbered notices (numbers as the
    reader's language writes them), its newest ``limit`` messages, and whether there are more."""
    from superviser.delivery.notices import number_text
    from superviser.delivery.office import details
    from superviser.i18n import current

    office, lang = details(db), current()
    found = notices(db, objective_id)
    for notice in found:
        notice["number_text"] = number_text(office, lang, notice["year"], notice["number"])
    rows = messages(db, objective_id=objective_id, limit=limit + 1)
    return {"notices": found, "messages": rows[:limit], "more": len(rows) > limit}
