"""People of the office."""

from __future__ import annotations

from superviser import store
from superviser.store import Database


def people(db: Database, include_inactive: bool = False) -> list[dict]:
    return store.rows(
        db, "SELECT p.login, p.name, p.role, p.unit_id, u.name AS unit, p.active, p.email, p.mobile, p.unit_head "
        "FROM people p "
        "LEFT JOIN units u ON u.id = p.unit_id " + ("" if include_inactive else "WHERE p.active = 1 ")
        + "ORDER BY CASE p.role WHEN 'director' THEN 0 WHEN 'supervisor' THEN 1 WHEN 'liaison' THEN 2 ELSE 3 END, p.login"
    )
