"""Objectives: filtered, paged lists and one objective in full."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from superviser import clock, dates, lifecycle, refs, store
from superviser.errors import InvalidInput
from superviser.i18n import _
from superviser.lights import (
    AWAITED_SQL,
    DUE_SOON_SQL,
    ENDED_SQL,
    GREEN,
    GREY,
    LIGHT_SQL,
    LIGHTS,
    OPEN_SQL,
    OVERDUE_SQL,
    QUIET_SQL,
    REASON_SQL,
    RED,
    REPORT_DUE_SQL,
    SILENT_SQL,
    URGED_SQL,
    WAITING_OFFICE_SQL,
    YELLOW,
    Thresholds,
    explain,
    light_of,
    set_by_office,
)
from superviser.read import counts, search
from superviser.store import Database
from superviser.tables import FTS_TABLES

SEP = "\x1f"  # joins co-unit names; control characters never survive into stored names


ORDERS = {
    # Open work first, most urgent deadline first; finished and stopped ones after.
    "deadline": f"{ENDED_SQL}, o.deadline, o.sort_key",  # (idx_objectives_open_first's expression)
    "ref": "o.sort_key",
    # The dashboard's panels, each read in the order of its index (schema m008_speed).
    "due": "o.deadline, o.sort_key",
    "quiet": f"{QUIET_SQL}, o.deadline, o.id",
    "light": f"CASE ({LIGHT_SQL}) WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 WHEN 'green' THEN 2 ELSE 3 END, o.deadline, o.sort_key",
    "updated": "o.updated_at DESC, o.id DESC",
}


@dataclass
class Filter:
    """What to list. Every field is optional; they combine with AND."""

    light: str | None = None
    unit: str | int | None = None
    unit_role: str = "any"  # lead, co or any
    decision: str | int | None = None
    status: list[str] = field(default_factory=list)
    open_only: bool = False
    due_before: date | None = None
    due_after: date | None = None
    search: str | None = None
    reason: str | None = None
    waiting: bool = False  # completions to verify and extension requests: the office's move
    ids: list[int] | None = None
    recurrence: int | None = None  # the instances a recurring matter registered
    # A period: objectives that existed by ``active_until`` and were still open at
    # ``active_since`` (or closed or cancelled since then).
    active_since: date | None = None
    active_until: date | None = None


# The facts, each decided once (superviser.lights); a filter by reason uses them directly.
FACTS = {"overdue": OVERDUE_SQL, "due_soon": DUE_SOON_SQL, "silent": SILENT_SQL, "urged": URGED_SQL,
         "report_due": REPORT_DUE_SQL}
# Necessary (not sufficient) conditions for a light or another reason, so a filtered
# list does not evaluate the light rule on every row.
_PREFILTER = {
    "submitted": WAITING_OFFICE_SQL,
    "red": f"(o.light_override = 'red' OR {OVERDUE_SQL})",
    "grey": ENDED_SQL,
}
_WAITING = (
    f"({WAITING_OFFICE_SQL} OR o.id IN "
    "(SELECT objective_id FROM extensions WHERE status = 'pending' AND withdrawn_seq IS NULL))"
)


def _walking(sql: str) -> str:
    """The same condition with the status hidden from the planner ("+o.status"): a page
    then walks the list's ordered index and stops once it is full, instead of reading
    every match through the status index and sorting them."""
    return sql.replace("o.status =", "+o.status =")


# A light's list in the order of the lists ("deadline": open work by deadline, ended after),
# as the union of its parts, each walking an index in that order: SQLite merges them and
# stops once the page is full, where the light rule on every objective would read them all.
# The rule's parts are those of the objectives the office did not set (their light follows
# their reason, lights.REASON_SQL); the office's part is those it set to this light.
_NOT_SET = "o.light_override IS NULL"
_LATER = f"{AWAITED_SQL} AND o.deadline > :near"
_RULE_PARTS = {
    RED: [("idx_objectives_awaited", OVERDUE_SQL)],
    YELLOW: [("idx_objectives_awaited", DUE_SOON_SQL),
             ("idx_objectives_awaited", f"{AWAITED_SQL} AND {SILENT_SQL}"),
             # the urged are few: read among the objectives with unanswered urges (m009)
             ("idx_objectives_urged", f"{AWAITED_SQL} AND o.urges_unanswered > 0 AND {URGED_SQL}")],
    GREEN: [("idx_objectives_waiting", WAITING_OFFICE_SQL),
            ("idx_objectives_awaited", f"{_LATER} AND NOT {SILENT_SQL} AND NOT {URGED_SQL}")],
}
_OPEN_ORDER = "o.deadline, o.sort_key"


def _part(index: str, condition: str) -> str:
    return f"SELECT o.id, o.deadline, o.sort_key FROM objectives o INDEXED BY {index} WHERE {condition}"


def _merged(db: Database, flt: Filter, order: str, params: dict) -> list[str] | None:
    """The statements that read this list as merged parts, each selecting id, deadline and
    sort key (open work, then ended work), or None when it is read the ordinary way."""
    if order != "deadline":
        return None
    if flt.light in LIGHTS and flt == Filter(light=flt.light):
        params["light"] = flt.light
        set_here = _part("idx_objectives_light_override", f"o.light_override = :light AND NOT {ENDED_SQL}")
        parts = [_part(index, f"{condition} AND {_NOT_SET}") for index, condition in _RULE_PARTS.get(flt.light, [])]
        if flt.light == GREY:  # ended work, whatever the office set, after the open work it set grey
            return [set_here, f"SELECT o.id, o.deadline, o.sort_key FROM objectives o WHERE ({ENDED_SQL}) = 1"]
        if flt.light == YELLOW and params["urges"] <= 0:  # every later objective counts as urged: no index helps
            parts[-1] = _part("idx_objectives_awaited", f"{URGED_SQL} AND {_NOT_SET}")
        return [" UNION ALL ".join([*parts, set_here])]
    if flt == Filter(status=flt.status) and sorted(flt.status) == sorted(lifecycle.AWAITED):  # the deadlines
        return [_part("idx_objectives_awaited", AWAITED_SQL)]
    if flt.unit not in (None, "") and flt == Filter(unit=flt.unit, open_only=True):
        params["unit_id"] = refs.unit(db, flt.unit)["id"]
        lead = _part("idx_objectives_unit_open", f"o.lead_unit_id = :unit_id AND {OPEN_SQL}")
        co = ("SELECT o.id, o.deadline, o.sort_key FROM co_units c CROSS JOIN objectives o ON o.id = c.objective_id"
              f" WHERE c.unit_id = :unit_id AND {OPEN_SQL}")
        return [f"{lead} UNION ALL {co}"]
    return None


def _merged_page(db: Database, statements: list[str], params: dict, offset: int, limit: int | None) -> list[int]:
    """A page of the list ``_merged`` reads: its statements' rows one after the other."""
    ids: list[int] = []
    for sql in statements:
        wanted = -1 if limit is None else limit - len(ids)
        if wanted == 0:
            break
        rows = db.conn.execute(f"{sql} ORDER BY {_OPEN_ORDER} LIMIT {int(wanted)} OFFSET {int(offset)}", params).fetchall()
        if rows or offset == 0:
            offset = 0  # the next statement's rows follow these
        else:  # this page begins after all of this statement's rows
            offset -= db.conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
        ids += [r[0] for r in rows]
    return ids


def where(db: Database, flt: Filter, params: dict, *, page_only: bool = False) -> str:
    clauses = []
    plain = _walking if page_only else str
    if flt.light:
        if flt.light not in LIGHTS:
            raise InvalidInput(_("light"), _("must be one of: {choices}").format(choices=", ".join(LIGHTS)))
        params["light"] = flt.light
        clauses += [plain(_PREFILTER[flt.light])] if flt.light in _PREFILTER else []
        clauses.append(f"({LIGHT_SQL}) = :light")
    if flt.reason in FACTS:
        clauses.append(plain(FACTS[flt.reason]))
    elif flt.reason:
        params["reason"] = flt.reason
        clauses += [plain(_PREFILTER[flt.reason])] if flt.reason in _PREFILTER else []
        clauses.append(f"({REASON_SQL}) = :reason")
    if flt.waiting:
        clauses.append(_WAITING)
    if flt.unit not in (None, ""):
        params["unit_id"] = refs.unit(db, flt.unit)["id"]
        lead = "o.lead_unit_id = :unit_id"
        co = "o.id IN (SELECT objective_id FROM co_units WHERE unit_id = :unit_id)"
        clauses.append({"lead": lead, "co": co}.get(flt.unit_role, f"({lead} OR {co})"))
    if flt.decision not in (None, ""):
        params["decision_id"] = refs.decision(db, flt.decision)["id"]
        clauses.append("o.decision_id = :decision_id")
    if flt.status:
        unknown = [s for s in flt.status if s not in lifecycle.STATUSES]
        if unknown:
            raise InvalidInput(_("status"), _("must be one of: {choices}").format(choices=", ".join(lifecycle.STATUSES)))
        names = []
        for i, status in enumerate(flt.status):
            params[f"s{i}"] = status
            names.append(f":s{i}")
        # A few statuses are selective: let the status index find them. Many are not:
        # "+" keeps the planner on the ordered index, so a page stops after its rows.
        column = "o.status" if len(flt.status) < 3 else "+o.status"
        clauses.append(f"{column} IN ({', '.join(names)})")
    if flt.open_only:
        clauses.append(OPEN_SQL)
    if flt.due_before:
        params["due_before"] = flt.due_before.isoformat()
        clauses.append("o.deadline < :due_before")
    if flt.due_after:
        params["due_after"] = flt.due_after.isoformat()
        clauses.append("o.deadline >= :due_after")
    if flt.search and flt.search.strip():
        clauses.append(search.clause(db, "objectives", "o", FTS_TABLES["objectives"], flt.search, params))
    if flt.active_until:
        params["active_until"] = flt.active_until.isoformat()
        clauses.append("substr(o.created_at, 1, 10) <= :active_until")
    if flt.active_since:
        params["active_since"] = flt.active_since.isoformat()
        clauses.append(
            "(o.status NOT IN ('closed', 'cancelled') OR (o.status = 'closed' AND o.closed_on >= :active_since)"
            " OR (o.status = 'cancelled' AND substr(o.updated_at, 1, 10) >= :active_since))"
        )
    if flt.recurrence is not None:
        params["recurrence_id"] = int(flt.recurrence)
        clauses.append("o.recurrence_id = :recurrence_id")
    if flt.ids is not None:
        clauses.append("o.id IN (" + ",".join(str(int(i)) for i in flt.ids) + ")" if flt.ids else "0")
    return " AND ".join(clauses) or "1"


_DETAIL = f"""
SELECT o.id, o.ref, o.sort_key, o.decision_id, d.ref AS decision_ref, d.title AS decision_title,
       o.parent_id, p.ref AS parent_ref, o.title, o.detail, o.lead_unit_id, u.name AS lead_unit,
       o.priority, o.deadline, o.original_deadline, o.status, o.percent, o.light_override,
       o.light_override_reason, o.urge_count, o.urges_unanswered, o.last_report_on, o.active_since,
       o.submitted_on, o.closed_on, o.created_at, o.updated_at, o.version,
       o.report_rhythm, o.next_report_due, o.recurrence_id,
       ({REASON_SQL}) AS reason,
       (SELECT group_concat(name, char(31)) FROM (SELECT cu.name FROM co_units c JOIN units cu ON cu.id = c.unit_id
          WHERE c.objective_id = o.id ORDER BY cu.name)) AS co_units,
       (SELECT group_concat(c.unit_id) FROM co_units c WHERE c.objective_id = o.id) AS co_unit_ids,
       (SELECT count(*) FROM objectives k WHERE k.parent_id = o.id) AS children,
       (SELECT e.to_deadline FROM extensions e WHERE e.objective_id = o.id AND e.status = 'pending'
          AND e.withdrawn_seq IS NULL ORDER BY e.id DESC LIMIT 1) AS extension_to
FROM objectives o
JOIN decisions d ON d.id = o.decision_id
JOIN units u ON u.id = o.lead_unit_id
LEFT JOIN objectives p ON p.id = o.parent_id
"""


def _shape(row: dict, today: date) -> dict:
    row["light"] = light_of(row["reason"], row["light_override"])
    row["set_by_office"] = set_by_office(row["status"], row["light_override"])
    row["co_units"] = row["co_units"].split(SEP) if row["co_units"] else []
    row["co_unit_ids"] = [int(i) for i in row["co_unit_ids"].split(",")] if row["co_unit_ids"] else []
    row["days_left"] = dates.days_left(row["deadline"], today)
    return row


def list_objectives(
    db: Database, flt: Filter | None = None, *, limit: int | None = 50, offset: int = 0, order: str = "deadline",
    thresholds: Thresholds | None = None,
) -> list[dict]:
    """A page of objectives, shaped for display and JSON (without the total, so that
    reading stops once the page is full)."""
    return page(db, flt, limit=limit, offset=offset, order=order, thresholds=thresholds, count=False)[0]


def page(
    db: Database, flt: Filter | None = None, *, limit: int | None = 50, offset: int = 0, order: str = "deadline",
    thresholds: Thresholds | None = None, count: bool = True,
) -> tuple[list[dict], int | None]:
    """A page of objectives and how many match in all (None with ``count=False``: the
    page then stops reading as soon as it has its rows; None too when a search found
    more than ``search.CAP`` and looked at the newest of them)."""
    flt = flt or Filter()
    today = clock.today()
    thresholds = thresholds or Thresholds.load(db)
    params = thresholds.params(today)
    known = _counted(db, flt, thresholds) if count else None
    merged = _merged(db, flt, order, params)
    if merged is not None:
        ids = _merged_page(db, merged, params, offset, limit)
        return rows_by_id(db, ids, params, today), known if count else None
    clause = where(db, flt, params, page_only=not count or known is not None)
    # Filters the indexes cannot answer (the light rule, text) read every row anyway:
    # count while doing it. Otherwise a page stops early and the count is separate.
    scanning = count and known is None and bool(flt.search or flt.light or flt.reason or flt.waiting)
    counted = ", count(*) OVER ()" if scanning else ""
    # The page's ids first, then the wide rows for those only.
    sql = f"SELECT o.id{counted} FROM objectives o WHERE {clause} ORDER BY {ORDERS[order]}"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    found = db.conn.execute(sql, params).fetchall()
    if not count or (flt.search and search.beyond_cap(db, "objectives", FTS_TABLES["objectives"], flt.search)):
        total = None
    elif known is not None:
        total = known
    elif scanning and found:
        total = found[0][1]
    else:
        total = db.conn.execute(f"SELECT count(*) FROM objectives o WHERE {clause}", params).fetchone()[0]
    if not found:
        return [], total
    return rows_by_id(db, [r[0] for r in found], params, today), total


def _counted(db: Database, flt: Filter, thresholds: Thresholds) -> int | None:
    """The total of a list of one light, one reason, or of statuses (all, open, some), from
    the counters (None for others)."""
    if flt.light and flt == Filter(light=flt.light) and flt.light in LIGHTS:
        return counts.overview(db, thresholds)["lights"][flt.light]
    if flt.reason and flt == Filter(reason=flt.reason):
        return counts.overview(db, thresholds)["reasons"].get(flt.reason)
    if flt == Filter(status=flt.status, open_only=flt.open_only):
        wanted = [s for s in flt.status or lifecycle.STATUSES if not flt.open_only or s in lifecycle.OPEN]
        return counts.with_status(db, wanted)
    if flt.unit not in (None, "") and flt == Filter(unit=flt.unit, open_only=True):
        return counts.with_status(db, list(lifecycle.OPEN), unit_id=refs.unit(db, flt.unit)["id"])
    return None


def rows_by_id(db: Database, ids: list[int], params: dict, today: date) -> list[dict]:
    """These objectives, shaped for display, in this order."""
    if not ids:
        return []
    position = {oid: i for i, oid in enumerate(ids)}
    rows = sorted(store.rows(db, _DETAIL + f" WHERE o.id IN ({','.join(map(str, ids))})", params),
                  key=lambda r: position[r["id"]])
    return [_shape(r, today) for r in rows]


def get(db: Database, ref: str | int, thresholds: Thresholds | None = None) -> dict:
    """One objective with its light, units and the reason for its light."""
    row = refs.objective(db, ref)
    thresholds = thresholds or Thresholds.load(db)
    today = clock.today()
    found = store.rows(db, _DETAIL + " WHERE o.id = :id", dict(thresholds.params(today), id=row["id"]))
    shaped = _shape(found[0], today)
    shaped["light_explained"] = explain(shaped["reason"], thresholds, shaped)
    return shaped


def children(db: Database, objective_id: int) -> list[dict]:
    ids = [r[0] for r in db.conn.execute("SELECT id FROM objectives WHERE parent_id = ?", (objective_id,))]
    return list_objectives(db, Filter(ids=ids), limit=None, order="ref") if ids else []


def reports(db: Database, objective_id: int) -> list[dict]:
    return store.rows(
        db, "SELECT r.*, u.name AS unit FROM reports r LEFT JOIN units u ON u.id = r.unit_id "
        "WHERE r.objective_id = ? AND r.withdrawn_seq IS NULL ORDER BY r.id DESC",
        (objective_id,),
    )


def inspections(db: Database, objective_id: int) -> list[dict]:
    return store.rows(
        db, "SELECT * FROM inspections WHERE objective_id = ? AND withdrawn_seq IS NULL ORDER BY id DESC", (objective_id,)
    )


def extensions(db: Database, objective_id: int) -> list[dict]:
    return store.rows(
        db, "SELECT * FROM extensions WHERE objective_id = ? AND withdrawn_seq IS NULL ORDER BY id DESC", (objective_id,)
    )


def detail(db: Database, ref: str | int, *, log_limit: int | None = 200) -> dict:
    """Everything about one objective: the objective, its decision, history and log."""
    from superviser import actions
    from superviser.read import log as log_read

    objective = get(db, ref)
    oid = objective["id"]
    objective["decision"] = store.row(db, "SELECT * FROM decisions WHERE id = ?", (objective["decision_id"],))
    objective["reports"] = reports(db, oid)
    objective["inspections"] = inspections(db, oid)
    objective["extensions"] = extensions(db, oid)
    objective["sub_objectives"] = children(db, oid)
    objective["log"] = log_read.entries(db, log_read.LogFilter(objective=oid), limit=log_limit)
    pending = any(e["status"] == "pending" for e in objective["extensions"])
    objective["possible_steps"] = actions.possible_steps(objective["status"], pending)
    return objective


PUBLIC_FIELDS = (
    "id", "ref", "decision_ref", "parent_ref", "title", "detail", "status", "light", "reason", "deadline",
    "original_deadline", "days_left", "lead_unit", "co_units", "percent", "priority", "urge_count",
    "last_report_on", "submitted_on", "closed_on", "version", "updated_at", "report_rhythm", "next_report_due",
)


def as_json(row: dict) -> dict:
    """The documented JSON shape of an objective (see README, "JSON output")."""
    out = {key: row.get(key) for key in PUBLIC_FIELDS}
    out["decision"] = out.pop("decision_ref")
    out["parent"] = out.pop("parent_ref")
    # Why the light is what it is (the office's judgement, or the rule's reason), and
    # the fact of being overdue, which no judgement changes.
    reason = out.pop("reason")
    out["light_reason"] = "override" if row.get("set_by_office") else reason
    out["light_override_reason"] = row.get("light_override_reason") if row.get("set_by_office") else None
    out["overdue"] = reason == "overdue"
    return out
