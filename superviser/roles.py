"""Who may do what (DOMAIN.md, "Who does what"), enforced here so the CLI and the
app agree. A liaison acts only on objectives of their own unit (or the units
under it); a viewer reads and exports; a login not among the people only reads.
"""

from __future__ import annotations

from sqlite_utils import Database

from superviser.errors import Forbidden
from superviser.i18n import N_, _

DIRECTOR, SUPERVISOR, LIAISON, VIEWER = "director", "supervisor", "liaison", "viewer"
ROLES = (DIRECTOR, SUPERVISOR, LIAISON, VIEWER)
ROLE_LABELS = {
    DIRECTOR: N_("director"),
    SUPERVISOR: N_("supervisor"),
    LIAISON: N_("liaison"),
    VIEWER: N_("viewer"),
}

OFFICE = frozenset({DIRECTOR, SUPERVISOR})
PERMITTED: dict[str, frozenset[str]] = {
    "unit.add": frozenset({DIRECTOR}),
    "unit.edit": frozenset({DIRECTOR}),
    "person.add": frozenset({DIRECTOR}),
    "person.edit": frozenset({DIRECTOR}),
    "settings.set": frozenset({DIRECTOR}),
    "decision.add": OFFICE,
    "objective.add": OFFICE,
    "import": OFFICE,
    "assign": OFFICE,
    "transfer": OFFICE,
    "accept": frozenset({DIRECTOR, LIAISON}),
    "return": frozenset({DIRECTOR, LIAISON}),
    "progress": frozenset({DIRECTOR, LIAISON}),
    "urge": OFFICE,
    "inspect": OFFICE,
    "extend.request": frozenset({DIRECTOR, LIAISON}),
    "extend.approve": frozenset({DIRECTOR}),
    "extend.reject": frozenset({DIRECTOR}),
    "complete": frozenset({DIRECTOR, LIAISON}),
    "verify": OFFICE,
    "sendback": OFFICE,
    "suspend": frozenset({DIRECTOR}),
    "cancel": frozenset({DIRECTOR}),
    "reopen": frozenset({DIRECTOR}),
    "note": frozenset({DIRECTOR, SUPERVISOR, LIAISON}),
    "light": OFFICE,
    "undo": frozenset({DIRECTOR, SUPERVISOR, LIAISON}),
    "review": OFFICE,
    "export": frozenset(ROLES),
    # Delivery (issue 12): the director keeps the contacts; the office sends and prints.
    "channel.add": frozenset({DIRECTOR}),
    "channel.remove": frozenset({DIRECTOR}),
    "unit.lang": frozenset({DIRECTOR}),
    "person.contact": frozenset({DIRECTOR}),
    "office.set": frozenset({DIRECTOR}),
    "deliver": OFFICE,
    "digest.send": OFFICE,
    "notice": OFFICE,
}

# Steps a liaison may take only on their own unit's objectives; co-units count
# for reports and notes, the lead unit alone for the rest.
LEAD_ONLY = {"accept", "return", "extend.request", "complete"}
LEAD_OR_CO = {"progress", "note", "undo"}


def role_label(role: str) -> str:
    return _(ROLE_LABELS.get(role, role))


def person(db: Database, login: str) -> dict | None:
    row = db.conn.execute(
        "SELECT login, name, role, unit_id, active FROM people WHERE login = ? AND active = 1", (login,)
    ).fetchone()
    if row is None:
        return None
    return dict(zip(("login", "name", "role", "unit_id", "active"), row))


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


def _who_may(step: str) -> str:
    allowed = [role_label(r) for r in ROLES if r in PERMITTED[step]]
    return _(" or ").join(allowed)


def refusal(step: str, role: str | None, login: str) -> str | None:
    """Why a person with ``role`` may not take ``step`` (None if they may), unit aside."""
    from superviser.actions import label

    if role is None:
        return _(
            "{login} is not among the people of this office, so can read but not act; "
            "ask the director to run: superviser person add {login} --name NAME --role ROLE"
        ).format(login=login)
    if role not in PERMITTED[step]:
        return _("{step}: only a {roles} may do this (you are a {role})").format(
            step=label(step), roles=_who_may(step), role=role_label(role))
    return None


def outside_unit(step: str, objective: dict, scope: set[int], co_unit_ids=()) -> str | None:
    """Why a liaison whose units are ``scope`` may not take ``step`` on ``objective``
    (None if it is their unit's): the app asks before opening a form, the services again."""
    from superviser.actions import label

    units = {objective["lead_unit_id"]}
    if step in LEAD_OR_CO:
        units |= set(co_unit_ids)
    if units & scope:
        return None
    return _("{step}: {ref} is not your unit's objective; a liaison acts only for their own unit").format(
        step=label(step), ref=objective["ref"])


def check(db: Database, login: str, step: str, objective: dict | None = None) -> dict:
    """The acting person, if they may take ``step`` (on ``objective``); else Forbidden."""
    who = person(db, login)
    problem = refusal(step, who["role"] if who else None, login)
    if problem:
        raise Forbidden(problem)
    if who["role"] == LIAISON and objective is not None:
        co = [r[0] for r in db.conn.execute("SELECT unit_id FROM co_units WHERE objective_id = ?", (objective["id"],))]
        problem = outside_unit(step, objective, unit_scope(db, who["unit_id"]), co)
        if problem:
            raise Forbidden(problem)
    return who
