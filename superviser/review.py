"""The daily review's queue and summary (DOMAIN.md, "A director's morning").

Worst first: overdue → set red by the office → deadline near → silent too long →
a report due soon by the objective's own rhythm → not accepted → returned by the unit →
extension requests → completions to verify.
Overdue, deadline near and silent are the facts of ``superviser.lights``; a light the
office set never makes an objective overdue, nor hides one that is.
An objective appears once, under its worst reason. Items this person marked
reviewed today leave the queue until the objective changes (its version moves)
or the day ends.

The queue is never read whole: each category is walked through the index that holds it in
its order, a page at a time after a cursor (``page``), and how many items each category
holds comes from the counters and a few index ranges (``sizes``), so that opening the review
and moving through it take as long in an office of a million objectives as in a small one
(tests/test_flat_reads.py checks the plans; benchmarks/review.py times them).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from superviser import clock, roles, store
from superviser.i18n import N_, _
from superviser.lights import (
    AWAITED_SQL,
    OPEN_SQL,
    QUIET_SQL,
    REASON_SQL,
    REPORT_DUE_SQL,
    WAITING_OFFICE_SQL,
    WORKING_SQL,
    Thresholds,
)
from superviser.store import Database

CATEGORIES = [
    ("overdue", N_("overdue")),
    ("flagged", N_("set red by the office")),
    ("due_soon", N_("deadline near")),
    ("silent", N_("no report for too long")),
    ("report_due", N_("report due soon")),
    ("not_accepted", N_("not yet accepted")),
    ("returned", N_("returned by the unit")),
    ("extension", N_("extension requested")),
    ("verify", N_("completion to verify")),
]
CATEGORY_LABELS = dict(CATEGORIES)
# Units to chase: the categories where the unit, not the office, has to move.
CHASE = ("overdue", "flagged", "due_soon", "silent", "report_due", "not_accepted")
CHASE_SHOWN = 200  # items still in the queue listed under their units at the end; the count says the rest

_FLAGGED = "o.light_override = 'red'"  # the queue holds open objectives only: the office's light counts
_PENDING = "EXISTS (SELECT 1 FROM extensions e WHERE e.objective_id = o.id AND e.status = 'pending' AND e.withdrawn_seq IS NULL)"
_MARKED = ("EXISTS (SELECT 1 FROM review_marks m WHERE m.login = :login AND m.objective_id = o.id"
           " AND m.day = :day AND m.version = o.version)")

# An objective's place in the queue, marks aside: one CASE with an operand, so the light rule
# is evaluated once per row. Every walk below keeps the rows of its own rank, so an objective
# is met once, under its worst reason, whichever index found it.
_RANK = f"""CASE WHEN NOT {OPEN_SQL} THEN NULL ELSE CASE ({REASON_SQL})
  WHEN 'overdue' THEN 1
  WHEN 'due_soon' THEN CASE WHEN {_FLAGGED} THEN 2 ELSE 3 END
  WHEN 'silent' THEN CASE WHEN {_FLAGGED} THEN 2 ELSE 4 END
  ELSE CASE
    WHEN {_FLAGGED} THEN 2
    WHEN {REPORT_DUE_SQL} THEN 5
    WHEN o.status = 'assigned' THEN 6
    WHEN o.status = 'returned' THEN 7
    WHEN {_PENDING} THEN 8
    WHEN o.status = 'submitted' OR (o.status = 'verified' AND :director) THEN 9
  END
END END"""
_RANKS = {rank: category for rank, (category, _label) in enumerate(CATEGORIES, start=1)}
_QUIET = "coalesce(o.last_report_on, o.active_since, '')"
# Each category is read in its order (its key, then sort_key and id) by walking the index
# ranges that hold it (several for the silent, merged), a page at a time after a cursor:
# rank → [(the key as that index orders it, the range)].
_BY_DEADLINE = "o.deadline"
_WALKS: dict[int, list[tuple[str, str]]] = {
    1: [(_BY_DEADLINE, f"objectives o INDEXED BY idx_objectives_awaited WHERE {AWAITED_SQL} AND o.deadline < :today")],
    2: [(_BY_DEADLINE, f"objectives o INDEXED BY idx_objectives_light_override WHERE {_FLAGGED}")],  # set by hand: few
    3: [(_BY_DEADLINE, f"objectives o INDEXED BY idx_objectives_awaited WHERE {AWAITED_SQL}"
                       " AND o.deadline >= :today AND o.deadline <= :near")],
    4: [  # without a rhythm: the last sign of life before light.silent_days ago (or none, at 0 days)
        (QUIET_SQL, f"objectives o INDEXED BY idx_objectives_quiet WHERE {WORKING_SQL} AND {QUIET_SQL} <= :silent"
                    " AND o.deadline > :near AND o.report_rhythm IS NULL"),
        ("''", f"objectives o INDEXED BY idx_objectives_quiet WHERE {WORKING_SQL} AND {QUIET_SQL} IS NULL"
               " AND :today <= :silent"),
        # with one: its report late (these are sorted whole)
        (_QUIET, "objectives o INDEXED BY idx_objectives_report_due WHERE o.next_report_due < :today"),
    ],
    5: [("o.next_report_due", "objectives o INDEXED BY idx_objectives_report_due"
                              " WHERE o.next_report_due >= :today AND o.next_report_due <= :near")],
    6: [(_BY_DEADLINE, "objectives o INDEXED BY idx_objectives_status_deadline"
                       " WHERE o.status = 'assigned' AND o.deadline > :near")],
    7: [(_BY_DEADLINE, "objectives o INDEXED BY idx_objectives_status_deadline"
                       " WHERE o.status = 'returned' AND o.deadline > :near")],
    8: [(_BY_DEADLINE, "objectives o WHERE o.id IN (SELECT objective_id FROM extensions"  # requests waiting: few
                       " WHERE status = 'pending' AND withdrawn_seq IS NULL)")],
    9: [(_BY_DEADLINE, f"objectives o INDEXED BY idx_objectives_waiting WHERE {WAITING_OFFICE_SQL}")],
}
PAGE = 50


def _params(db: Database, login: str) -> dict:
    who = roles.person(db, login)
    params = Thresholds.load(db).params()
    params.update(login=login, day=clock.today().isoformat(), director=int(bool(who and who["role"] == roles.DIRECTOR)))
    return params


def _walk(db: Database, rank: int, params: dict, cursor: tuple | None, limit: int | None, back: bool) -> list[dict]:
    """Up to ``limit`` items of one category after ``cursor`` (before it, nearest first, with ``back``)."""
    parts = _WALKS[rank]
    beyond, order = ("<", "DESC") if back else (">", "")
    if cursor is not None:
        params = dict(params, k=cursor[1], s=cursor[2], i=cursor[3])
    rows: list[tuple] = []
    for key, part in parts:
        where = "" if cursor is None else (
            f" AND {key} {beyond}= :k AND ({key} {beyond} :k OR (o.sort_key, o.id) {beyond} (:s, :i))")
        ordered = f" ORDER BY {key} {order}, o.sort_key {order}, o.id {order}"
        sql = (f"SELECT o.id, o.ref, o.version, {key}, o.sort_key FROM {part}{where}"
               f" AND ({_RANK}) = {rank} AND NOT {_MARKED}{ordered}" + ("" if limit is None else f" LIMIT {int(limit)}"))
        rows += db.conn.execute(sql, params).fetchall()
    if len(parts) > 1:
        rows.sort(key=lambda r: (r[3] or "", r[4], r[0]), reverse=back)
    rows = rows if limit is None else rows[:limit]
    return [{"id": r[0], "ref": r[1], "version": r[2], "category": _RANKS[rank], "at": (rank, r[3] or "", r[4], r[0])}
            for r in rows]


def page(db: Database, login: str, after: tuple | None = None, limit: int | None = PAGE, *,
         before: tuple | None = None) -> list[dict]:
    """A page of the review queue for ``login`` today, worst first: [{id, ref, version, category,
    at}], ``at`` being the item's place, the cursor for the next page (``after``) or the
    previous one (``before``: the items just before it, in queue order)."""
    params = _params(db, login)
    back = before is not None
    cursor = before if back else after
    ranks = sorted(_RANKS, reverse=back)
    found: list[dict] = []
    for rank in ranks:
        if cursor is not None and (rank > cursor[0] if back else rank < cursor[0]):
            continue
        wanted = None if limit is None else limit - len(found)
        if wanted == 0:
            break
        found += _walk(db, rank, params, cursor if cursor is not None and rank == cursor[0] else None, wanted, back)
    return found[::-1] if back else found


def queue(db: Database, login: str) -> list[dict]:
    """The whole review queue for ``login`` today, worst first (the pages one after another)."""
    return page(db, login, limit=None)


def sizes(db: Database, login: str) -> dict[str, int]:
    """How many items the queue holds in each category, without walking it: overdue, due soon,
    silent and completions from the counters (superviser.tallies), corrected by the few that
    the office set red, that wait on an extension or that this person marked today; the others
    from their index ranges."""
    from superviser.read import counts as tallied

    params = _params(db, login)
    reasons = tallied.reasons(db, params)
    waiting = tallied.with_status(db, ["submitted", "verified"] if params["director"] else ["submitted"])
    found = {1: reasons["overdue"], 3: reasons["due_soon"], 4: reasons["silent"], 9: waiting, 2: 0, 8: 0}
    counted = {1: "overdue", 3: "due_soon", 4: "silent"}  # by reason; 9 by status
    few = f"""SELECT ({_RANK}), ({REASON_SQL}), {WAITING_OFFICE_SQL} AND (o.status = 'submitted' OR :director),
                     {_MARKED} FROM objectives o WHERE o.id IN (
        SELECT id FROM objectives WHERE {_FLAGGED.replace("o.", "")}
        UNION SELECT objective_id FROM extensions WHERE status = 'pending' AND withdrawn_seq IS NULL
        UNION SELECT objective_id FROM review_marks WHERE login = :login AND day = :day)"""
    for rank, reason, waits, marked in db.conn.execute(few, params):
        for base, name in counted.items():
            if reason == name and (rank != base or marked):
                found[base] -= 1
        if waits and (rank != 9 or marked):
            found[9] -= 1
        if rank in (2, 8) and not marked:
            found[rank] += 1
    for rank in (5, 6, 7):
        found[rank] = sum(db.conn.execute(f"SELECT count(*) FROM {part} AND ({_RANK}) = {rank} AND NOT {_MARKED}",
                                          params).fetchone()[0] for _key, part in _WALKS[rank])
    return {_RANKS[rank]: found[rank] for rank in sorted(found)}


def position_of(db: Database, login: str, item: dict, known: dict[str, int] | None = None) -> int:
    """How many items come before ``item`` in the queue (its place, counted from 0)."""
    known = known if known is not None else sizes(db, login)
    rank = item["at"][0]
    ahead = sum(known[_RANKS[r]] for r in _RANKS if r < rank)
    return ahead + len(_walk(db, rank, _params(db, login), item["at"], None, back=True))


def placed(db: Database, login: str, objective_id: int) -> dict | None:
    """One objective as the queue holds it today (with its place ``at``), or None if it is not in it."""
    params = dict(_params(db, login), id=objective_id)
    found = db.conn.execute(f"SELECT ({_RANK}), {_MARKED} FROM objectives o WHERE o.id = :id", params).fetchone()
    if found is None or found[0] is None or found[1]:
        return None
    rank = found[0]
    key = _QUIET if rank == 4 else _WALKS[rank][0][0]  # what each of the silent's walks orders by, on this row
    row = db.conn.execute(f"SELECT o.id, o.ref, o.version, {key}, o.sort_key FROM objectives o WHERE o.id = :id",
                          params).fetchone()
    return {"id": row[0], "ref": row[1], "version": row[2], "category": _RANKS[rank], "at": (rank, row[3] or "", row[4], row[0])}


def opening(db: Database, login: str, position: int | None = None) -> dict:
    """What the review shows as it opens: how many items in all (``sizes`` per category), and
    the page from ``position`` on (an objective: where a review stopped; the items before it are
    read when the person goes back to them) or from the start; ``first`` is the place of the
    first item of ``items``."""
    known = sizes(db, login)
    there = placed(db, login, position) if position is not None else None
    if there is None:
        return {"sizes": known, "total": sum(known.values()), "items": page(db, login, limit=PAGE), "first": 0}
    return {"sizes": known, "total": sum(known.values()), "items": [there, *page(db, login, there["at"], PAGE - 1)],
            "first": position_of(db, login, there, known)}


def category_label(category: str) -> str:
    return _(CATEGORY_LABELS[category])


def current(db: Database, login: str) -> dict | None:
    """Today's unfinished review of ``login``, if any."""
    found = store.row(
        db, "SELECT * FROM reviews WHERE login = ? AND day = ? AND finished_at IS NULL ORDER BY id DESC LIMIT 1",
        (login, clock.today().isoformat()),
    )
    if found is None:
        return None
    found["done"] = [r[0] for r in db.conn.execute(
        "SELECT DISTINCT objective_id FROM review_steps WHERE review_id = ? AND kind != 'skip'", (found["id"],))]
    found["counts"] = counts(db, found["id"])
    return found


def counts(db: Database, review_id: int) -> dict[str, int]:
    """Steps, marks and skips recorded in a review."""
    found = dict.fromkeys(("step", "mark", "skip"), 0)
    for kind, n in db.conn.execute("SELECT kind, count(*) FROM review_steps WHERE review_id = ? GROUP BY kind",
                                   (review_id,)):
        found[kind] = n
    return found


def summary(db: Database, review: dict, login: str) -> dict:
    """What this review did, and the units to chase with their items: those the review met in
    the categories where the unit has to move, and the worst of those still in the queue (the
    first ``CHASE_SHOWN``; how many are left in all comes from the counts)."""
    rows = db.conn.execute(
        "SELECT s.kind, s.objective_id, s.category, l.action, "
        "EXISTS (SELECT 1 FROM log u WHERE u.action = 'undo' AND u.objective_id = s.objective_id "
        "        AND u.seq > s.seq AND json_extract(u.changes, '$.\"undo.of\"[1]') = s.seq) "
        "FROM review_steps s LEFT JOIN log l ON l.seq = s.seq WHERE s.review_id = ?", (review["id"],)).fetchall()
    done: Counter = Counter(action for kind, _oid, _cat, action, undone in rows if kind == "step" and not undone)
    marked = sum(1 for kind, *_rest in rows if kind == "mark")
    chase = defaultdict(list)
    worst = page(db, login, limit=CHASE_SHOWN)
    categories = {item["id"]: item["category"] for item in worst if item["category"] in CHASE}
    categories.update({oid: category for kind, oid, category, _a, _u in rows if category in CHASE})
    if categories:
        cursor = db.conn.execute(
            "SELECT o.id, o.ref, o.title, o.deadline, u.name FROM objectives o JOIN units u ON u.id = o.lead_unit_id "
            f"WHERE o.id IN ({','.join(str(int(i)) for i in categories)}) ORDER BY u.name, o.deadline"
        )
        for oid, ref, title, deadline, unit in cursor:
            chase[unit].append({"ref": ref, "title": title, "deadline": deadline, "category": categories[oid]})
    return {
        "done": dict(done),
        "marked": marked,
        "steps": sum(done.values()),
        "remaining": sum(sizes(db, login).values()),
        "chase": dict(chase),
    }


def summary_text(result: dict) -> str:
    """The summary as Markdown, to copy or save."""
    from superviser.actions import label

    lines = [f"# {_('Daily review')} · {clock.today().isoformat()}", ""]
    done = ", ".join(f"{label(a)}: {n}" for a, n in sorted(result["done"].items())) or _("no steps")
    lines.append(_("Done: {done}; marked reviewed: {marked}; left in the queue: {left}.").format(
        done=done, marked=result["marked"], left=result["remaining"]))
    if result["chase"]:
        lines += ["", f"## {_('Units to chase')}", ""]
        for unit, items in result["chase"].items():
            lines.append(f"### {unit}")
            for item in items:
                reason = category_label(item["category"]) if item["category"] else ""
                lines.append(f"- {item['ref']} {item['title']} ({_('deadline')} {item['deadline']}; {reason})")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
