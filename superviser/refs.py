"""References people type: ``2026-014`` (decision), ``2026-014.2`` and
``2026-014.2.1`` (objectives), a plain number (an id), or a unit's name."""

from __future__ import annotations

from collections.abc import Iterable

from superviser import store
from superviser.errors import InvalidInput, NotFound
from superviser.i18n import N_, _, joined
from superviser.store import Database
from superviser.text import one_line

_ID_DIGITS = 18  # an id beyond this is not one (SQLite's integers stop at 9.2e18)

OBJECTIVE_COLUMNS = (
    "id", "ref", "sort_key", "decision_id", "parent_id", "num", "title", "detail", "lead_unit_id",
    "priority", "deadline", "original_deadline", "status", "status_before", "percent",
    "light_override", "light_override_reason", "urge_count", "urges_unanswered", "last_report_on",
    "active_since", "submitted_on", "closed_on", "created_at", "updated_at", "version", "report_rhythm",
    "next_report_due", "recurrence_id", "recurrence_on",
)
_OBJECTIVE_SELECT = "SELECT " + ", ".join(OBJECTIVE_COLUMNS) + " FROM objectives"


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def _by_id_or_ref(db: Database, select: str, text: str) -> dict | None:
    if text.isdigit():
        return None if len(text) > _ID_DIGITS else store.row(db, select + " WHERE id = ?", (int(text),))
    return store.row(db, select + " WHERE ref = ?", (text,))


def objective(db: Database, ref: str | int, field: str = "objective", label: str = N_("objective")) -> dict:
    text = one_line(ref)
    if not text:
        raise InvalidInput(field, _("a reference is required (such as 2026-014.2)"), label)
    found = _by_id_or_ref(db, _OBJECTIVE_SELECT, text)
    if found is None:  # a reference it had before it was moved under another parent
        found = store.row(db, _OBJECTIVE_SELECT + " WHERE id = (SELECT objective_id FROM retired_refs WHERE ref = ?)",
                          (text,))
    if found is None:
        raise NotFound(field, _("no objective {ref}").format(ref=_shown(text)), label)
    return found


def decision(db: Database, ref: str | int, field: str = "decision", label: str = N_("decision")) -> dict:
    text = one_line(ref)
    if not text:
        raise InvalidInput(field, _("a reference is required (such as 2026-014)"), label)
    found = _by_id_or_ref(db, "SELECT * FROM decisions", text)
    if found is None:
        raise NotFound(field, _("no decision {ref}").format(ref=_shown(text)), label)
    return found


def units_meant(names: Iterable[str], typed: str) -> list[str]:
    """The unit names ``typed`` may stand for, as a form's completion offers them: the one it
    is (any case), else those that start with it, else those that hold it ("Finance" for
    "Finance Department", "财务" for "财务处")."""
    wanted = one_line(typed).casefold()
    if not wanted:
        return []  # (nothing typed stands for no unit, not for every one)
    names = list(names)
    for fits in (str.__eq__, str.startswith, str.__contains__):
        found = [name for name in names if fits(name.casefold(), wanted)]
        if found:
            return found
    return []


def unit_meant(names: Iterable[str], typed: str, field: str = "unit", label: str = N_("unit")) -> str:
    """The one unit name ``typed`` stands for; refused, naming the candidates, if it is not one."""
    found = units_meant(names, typed)
    if len(found) == 1:
        return found[0]
    if found:
        raise InvalidInput(field, _("{name} could be {units}; give more of the name").format(
            name=_shown(one_line(typed)), units=joined(sorted(found)[:5], "or")), label)
    raise NotFound(field, _("no unit named {name}").format(name=_shown(one_line(typed))), label)


def unit(db: Database, name: str | int, field: str = "unit", label: str = N_("unit")) -> dict:
    """A unit by id or by name: the whole name (any case) or, failing that, a part of one
    name only (``unit_meant``)."""
    text = one_line(name)
    if not text:
        raise InvalidInput(field, _("a unit is required"), label)
    found = store.row(db, "SELECT * FROM units WHERE name = ? COLLATE NOCASE", (text,))
    if found is None and text.isdigit() and len(text) <= _ID_DIGITS:
        found = store.row(db, "SELECT * FROM units WHERE id = ?", (int(text),))
    if found is None:  # (a few hundred names at most: read them all)
        meant = unit_meant((row[0] for row in db.conn.execute("SELECT name FROM units")), text, field, label)
        found = store.row(db, "SELECT * FROM units WHERE name = ?", (meant,))
    assert found is not None
    return found


def active_unit(db: Database, name: str | int, field: str = "unit", label: str = N_("unit")) -> dict:
    """A unit that may be given work (not deactivated)."""
    found = unit(db, name, field, label)
    if not found["active"]:
        raise InvalidInput(field, _("{name} is deactivated").format(name=found["name"]), label)
    return found


def unit_name(db: Database, unit_id: int | None) -> str:
    if unit_id is None:
        return ""
    row = db.conn.execute("SELECT name FROM units WHERE id = ?", (unit_id,)).fetchone()
    return row[0] if row else ""


def objective_ref(db: Database, objective_id: int | None) -> str | None:
    if objective_id is None:
        return None
    row = db.conn.execute("SELECT ref FROM objectives WHERE id = ?", (objective_id,)).fetchone()
    return row[0] if row else None
