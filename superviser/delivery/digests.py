"""The daily digest for each unit (what is on you this week), queued for delivery:
``superviser digest --send`` from cron, then ``superviser deliver``."""

from __future__ import annotations

from datetime import timedelta

from superviser import clock, lifecycle
from superviser.changes import write
from superviser.delivery.outbox import Queued, queue_digest, targets
from superviser.read import objectives
from superviser.read.objectives import Filter
from superviser.services.base import check


def sections(db, unit_id: int) -> list[tuple[str, list[dict]]]:
    """What is on the unit (as lead or co-unit), by section; empty sections left out."""
    today = clock.today()
    found = [
        ("overdue", Filter(unit=unit_id, reason="overdue")),
        ("week", Filter(unit=unit_id, status=list(lifecycle.AWAITED), due_after=today,
                        due_before=today + timedelta(days=8))),
        ("silent", Filter(unit=unit_id, reason="silent")),
        ("report_due", Filter(unit=unit_id, reason="report_due")),
        ("unaccepted", Filter(unit=unit_id, status=[lifecycle.ASSIGNED])),
    ]
    out = []
    for key, flt in found:
        rows = objectives.list_objectives(db, flt, limit=None, order="deadline")
        if rows:
            out.append((key, rows))
    return out


def queue_digests(session, unit: str | int | None = None) -> Queued:
    """Queue today's digest for every unit with something on it (or only ``unit``)."""
    from superviser import refs

    db = session.db
    day = clock.today().isoformat()
    queued = Queued()
    with write(session) as changes:
        check(session, "digest.send")
        if unit not in (None, ""):
            units = [(refs.unit(db, unit)["id"], refs.unit(db, unit)["name"])]
        else:
            units = list(db.conn.execute("SELECT id, name FROM units ORDER BY name"))
        for unit_id, name in units:
            parts = sections(db, unit_id)
            if not parts:
                continue
            if not targets(db, unit_id):
                queued.unreached.append(name)
                continue
            made = queue_digest(changes, unit_id, name, day=day, sections=parts, actor_login=session.login)
            if made:
                changes.log("digest.send", detail=name)
                queued.extend(made)
    return queued
