"""Decisions with their objectives' state rolled up."""

from __future__ import annotations

from superviser import refs, store
from superviser.lights import LIGHT_SQL, SEVERITY, Thresholds
from superviser.read import search as searching
from superviser.store import Database
from superviser.tables import FTS_TABLES

_WORST = f"max(CASE ({LIGHT_SQL}) WHEN 'red' THEN 3 WHEN 'yellow' THEN 2 WHEN 'green' THEN 1 ELSE 0 END)"
_BY_SEVERITY = {v: k for k, v in SEVERITY.items()}


def _where(db: Database, search: str | None, source: str | None, params: dict) -> str:
    clauses = []
    if source:
        params["source"] = source
        clauses.append("d.source = :source")
    if search and search.strip():
        clauses.append(searching.clause(db, "decisions", "d", FTS_TABLES["decisions"], search, params))
    return " AND ".join(clauses) or "1"


def list_decisions(
    db: Database, *, search: str | None = None, source: str | None = None, limit: int | None = 50, offset: int = 0,
    thresholds: Thresholds | None = None,
) -> list[dict]:
    params: dict = {}
    sql = f"SELECT d.* FROM decisions d WHERE {_where(db, search, source, params)} ORDER BY d.decided_on DESC, d.ref DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    decisions = store.rows(db, sql, params)
    if not decisions:
        return []
    rollup = rollups(db, [d["id"] for d in decisions], thresholds)
    for decision in decisions:
        decision.update(rollup.get(decision["id"], {"objectives": 0, "worst_light": "grey", "percent": 0, "open": 0}))
    return decisions


def rollups(db: Database, ids: list[int], thresholds: Thresholds | None = None) -> dict[int, dict]:
    params = (thresholds or Thresholds.load(db)).params()
    sql = (
        f"SELECT o.decision_id, count(*), {_WORST}, "
        "coalesce(round(avg(CASE WHEN o.status != 'cancelled' THEN o.percent END)), 0), "
        "sum(o.status NOT IN ('closed', 'cancelled', 'suspended')) "
        f"FROM objectives o WHERE o.decision_id IN ({','.join(str(int(i)) for i in ids)}) GROUP BY o.decision_id"
    )
    return {
        did: {"objectives": n, "worst_light": _BY_SEVERITY[worst], "percent": int(pct), "open": open_}
        for did, n, worst, pct, open_ in db.conn.execute(sql, params)
    }


def count_decisions(db: Database, *, search: str | None = None, source: str | None = None) -> int | None:
    """How many match; None when a search found more than ``search.CAP`` (it looked at the newest)."""
    if search and searching.beyond_cap(db, "decisions", FTS_TABLES["decisions"], search):
        return None
    params: dict = {}
    return db.conn.execute(f"SELECT count(*) FROM decisions d WHERE {_where(db, search, source, params)}", params).fetchone()[0]


def get(db: Database, ref: str | int) -> dict:
    decision = refs.decision(db, ref)
    decision.update(rollups(db, [decision["id"]]).get(decision["id"],
                                                      {"objectives": 0, "worst_light": "grey", "percent": 0, "open": 0}))
    return decision


PUBLIC_FIELDS = (
    "id", "ref", "title", "source", "source_ref", "decided_on", "leader", "summary", "priority",
    "objectives", "open", "worst_light", "percent", "created_at", "created_by",
)


def as_json(row: dict) -> dict:
    return {key: row.get(key) for key in PUBLIC_FIELDS}
