"""The daily review's queue and summary (DOMAIN.md, "A director's morning").

Worst first: overdue → set red by the office → deadline near → silent too long →
a report due soon by the objective's own rhythm → not accepted → returned by the unit →
extension requests → completions to verify.
Overdue, deadline near and silent are the facts of ``superviser.lights``; a light the
office set never makes an objective overdue, nor hides one that is.
An objective appears once, under its worst reason. Items this person marked
reviewed today leave the queue until the objective changes (its version moves)
or the day ends.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from superviser import clock, roles, store
from superviser.i18n import N_, _
from superviser.lights import REASON_SQL, REPORT_DUE_SQL, Thresholds
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

_FLAGGED = "o.light_override = 'red'"  # the queue holds open objectives only: the office's light counts
_PENDING = "EXISTS (SELECT 1 FROM extensions e WHERE e.objective_id = o.id AND e.status = 'pending' AND e.withdrawn_seq IS NULL)"

# The light rule is evaluated once per row (a CASE with an operand), not once per WHEN.
_QUEUE = f"""
SELECT id, ref, version, rank FROM (
  SELECT o.id, o.ref, o.version, o.deadline, o.sort_key, coalesce(o.last_report_on, o.active_since, '') AS quiet_since,
    o.next_report_due,
    CASE ({REASON_SQL})
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
    END AS rank
  FROM objectives o
  WHERE o.status IN ('registered', 'assigned', 'accepted', 'in_progress', 'returned', 'submitted', 'verified')
    AND NOT EXISTS (SELECT 1 FROM review_marks m WHERE m.login = :login AND m.objective_id = o.id
                    AND m.day = :day AND m.version = o.version)
)
WHERE rank IS NOT NULL
ORDER BY rank, CASE rank WHEN 4 THEN quiet_since WHEN 5 THEN next_report_due ELSE deadline END, sort_key
"""
_RANKS = {rank: category for rank, (category, _label) in enumerate(CATEGORIES, start=1)}


def queue(db: Database, login: str) -> list[dict]:
    """The review queue for ``login`` today: [{id, ref, version, category}], worst first."""
    who = roles.person(db, login)
    params = Thresholds.load(db).params()
    params.update(login=login, day=clock.today().isoformat(), director=int(bool(who and who["role"] == roles.DIRECTOR)))
    cursor = db.conn.execute(_QUEUE, params)
    return [{"id": r[0], "ref": r[1], "version": r[2], "category": _RANKS[r[3]]} for r in cursor]


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


def summary(db: Database, review: dict, remaining: list[dict]) -> dict:
    """What this review did, and the units to chase with their items."""
    rows = db.conn.execute(
        "SELECT s.kind, s.objective_id, s.category, l.action, "
        "EXISTS (SELECT 1 FROM log u WHERE u.action = 'undo' AND u.objective_id = s.objective_id "
        "        AND u.seq > s.seq AND json_extract(u.changes, '$.\"undo.of\"[1]') = s.seq) "
        "FROM review_steps s LEFT JOIN log l ON l.seq = s.seq WHERE s.review_id = ?", (review["id"],)).fetchall()
    done: Counter = Counter(action for kind, _oid, _cat, action, undone in rows if kind == "step" and not undone)
    marked = sum(1 for kind, *_rest in rows if kind == "mark")
    chase = defaultdict(list)
    categories = {item["id"]: item["category"] for item in remaining if item["category"] in CHASE}
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
        "remaining": len(remaining),
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
