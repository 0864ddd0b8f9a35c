"""The roles (DOMAIN.md, "Who does what") and who a person is in the office.

Which role may take which step is declared with the step (superviser/actions.py).
A liaison acts only on objectives of their own unit (or the units under it); a
viewer reads and exports; a login not among the people only reads.
"""

from __future__ import annotations

from superviser import store
from superviser.i18n import N_, _
from superviser.store import Database

DIRECTOR, SUPERVISOR, LIAISON, VIEWER = "director", "supervisor", "liaison", "viewer"
ROLES = (DIRECTOR, SUPERVISOR, LIAISON, VIEWER)
ROLE_LABELS = {
    DIRECTOR: N_("director"),
    SUPERVISOR: N_("supervisor"),
    LIAISON: N_("liaison"),
    VIEWER: N_("viewer"),
}


def role_label(role: str) -> str:
    return _(ROLE_LABELS.get(role, role))


def person(db: Database, login: str) -> dict | None:
    return store.row(db, "SELECT login, name, role, unit_id, active FROM people WHERE login = ? AND active = 1", (login,))


def unit_scope(db: Database, unit_id: int | None) -> set[int]:
    """A unit and every unit under it."""
    if unit_id is None:
        return set()
    rows = db.conn.execute(
        "WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id) "
        "SELECT id FROM sub",
        (unit_id,),
    )
    return {r[0] for r in rows}
