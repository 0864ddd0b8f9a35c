"""References people type: ``2026-014`` (decision), ``2026-014.2`` and
``2026-014.2.1`` (objectives), a plain number (an id), or a unit's name."""

from __future__ import annotations

from sqlite_utils import Database

from superviser.errors import InvalidInput, NotFound
from superviser.i18n import _
from superviser.text import one_line

OBJECTIVE_COLUMNS = (
    "id", "ref", "sort_key", "decision_id", "parent_id", "num", "title", "detail", "lead_unit_id",
    "priority", "deadline", "original_deadline", "status", "status_before", "percent",
    "light_override", "light_override_reason", "urge_count", "urges_unanswered", "last_report_on",
    "active_since", "submitted_on", "closed_on", "created_at", "updated_at", "version",
)
_OBJECTIVE_SELECT = "SELECT " + ", ".join(OBJECTIVE_COLUMNS) + " FROM objectives"


def _row(cursor, row) -> dict:
    return {d[0]: v for d, v in zip(cursor.description, row)}


def objective(db: Database, ref: str | int, field: str = "objective") -> dict:
    text = one_line(ref)
    if not text:
        raise InvalidInput(field, _("a reference is required (such as 2026-014.2)"))
    if text.isdigit():
        cursor = db.conn.execute(_OBJECTIVE_SELECT + " WHERE id = ?", (int(text),))
    else:
        cursor = db.conn.execute(_OBJECTIVE_SELECT + " WHERE ref = ?", (text,))
    row = cursor.fetchone()
    if row is None:
        raise NotFound(field, _("no objective {ref}").format(ref=text))
    return _row(cursor, row)


def decision(db: Database, ref: str | int, field: str = "decision") -> dict:
    text = one_line(ref)
    if not text:
        raise InvalidInput(field, _("a reference is required (such as 2026-014)"))
    column = "id" if text.isdigit() else "ref"
    cursor = db.conn.execute(f"SELECT * FROM decisions WHERE {column} = ?", (int(text) if text.isdigit() else text,))
    row = cursor.fetchone()
    if row is None:
        raise NotFound(field, _("no decision {ref}").format(ref=text))
    return _row(cursor, row)


def unit(db: Database, name: str | int, field: str = "unit") -> dict:
    """A unit by id or by name (case-insensitive)."""
    text = one_line(name)
    if not text:
        raise InvalidInput(field, _("a unit is required"))
    cursor = db.conn.execute("SELECT * FROM units WHERE name = ? COLLATE NOCASE", (text,))
    row = cursor.fetchone()
    if row is None and text.isdigit():
        cursor = db.conn.execute("SELECT * FROM units WHERE id = ?", (int(text),))
        row = cursor.fetchone()
    if row is None:
        raise NotFound(field, _("no unit named {name}; see `superviser unit list`").format(name=text))
    return _row(cursor, row)


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
