"""The office itself: creating the database, units, people and settings."""

from __future__ import annotations

from pathlib import Path

from superviser import clock, refs, roles, store, text
from superviser.errors import InvalidInput, StoreError
from superviser.i18n import N_, _
from superviser.services.base import Result, Session, created, office_log


def init(path: str | Path, login: str, name: str | None = None) -> Session:
    """Create a database with ``login`` as its director."""
    path = Path(path)
    name = text.required(_("name"), name or login, text.NAME_MAX)
    login = text.required(_("login"), login, text.NAME_MAX)
    if path.exists() and path.stat().st_size > 0:
        db = store.connect(path)
        if db.conn.execute("SELECT count(*) FROM people").fetchone()[0]:
            raise StoreError(_("{path} already holds a superviser database").format(path=path))
    else:
        db = store.connect(path, create=True)
    session = Session(db, login)
    with store.transaction(db):
        db.conn.execute(
            "INSERT INTO people (login, name, role, unit_id, active, created_at) VALUES (?, ?, ?, NULL, 1, ?)",
            (login, name, roles.DIRECTOR, clock.stamp()),
        )
        office_log(
            session, "init", detail=name,
            changes={f"person:{login}.name": [None, name], f"person:{login}.role": [None, roles.DIRECTOR]},
        )
    return session


def unit_add(session: Session, name: str, parent: str | int | None = None) -> Result:
    db = session.db
    name = text.required(_("name"), name, text.NAME_MAX)
    with store.transaction(db):
        roles.check(db, session.login, "unit.add")
        parent_id = refs.unit(db, parent, _("parent"))["id"] if parent not in (None, "") else None
        if db.conn.execute("SELECT 1 FROM units WHERE name = ? COLLATE NOCASE", (name,)).fetchone():
            raise InvalidInput(_("name"), _("a unit named {name} already exists").format(name=name))
        unit_id = db.conn.execute(
            "INSERT INTO units (name, parent_id, created_at) VALUES (?, ?, ?)", (name, parent_id, clock.stamp())
        ).lastrowid
        seq = office_log(session, "unit.add", detail=name, changes=created("unit", unit_id, {"name": name, "parent_id": parent_id}))
    return Result(_("unit {name} added").format(name=name), seq=seq, data={"id": unit_id})


def unit_edit(session: Session, unit: str | int, *, name: str | None = None, parent: str | int | None = None) -> Result:
    """Rename a unit or move it under another (``parent=""`` makes it top-level)."""
    db = session.db
    new_name = text.required(_("name"), name, text.NAME_MAX) if name is not None else None
    with store.transaction(db):
        roles.check(db, session.login, "unit.edit")
        row = refs.unit(db, unit)
        changes = {}
        if new_name is not None and new_name != row["name"]:
            clash = db.conn.execute(
                "SELECT 1 FROM units WHERE name = ? COLLATE NOCASE AND id != ?", (new_name, row["id"])
            ).fetchone()
            if clash:
                raise InvalidInput(_("name"), _("a unit named {name} already exists").format(name=new_name))
            changes[f"unit#{row['id']}.name"] = [row["name"], new_name]
        if parent is not None:
            parent_id = refs.unit(db, parent, _("parent"))["id"] if parent != "" else None
            if parent_id is not None and parent_id in roles.unit_scope(db, row["id"]):
                raise InvalidInput(_("parent"), _("a unit cannot be placed under itself or its own sub-units"))
            if parent_id != row["parent_id"]:
                changes[f"unit#{row['id']}.parent_id"] = [row["parent_id"], parent_id]
        if not changes:
            raise InvalidInput(_("unit"), _("nothing to change"))
        for key, (_before, after) in changes.items():
            column = key.split(".", 1)[1]
            db.conn.execute(f"UPDATE units SET {column} = ? WHERE id = ?", (after, row["id"]))
        seq = office_log(session, "unit.edit", detail=new_name or row["name"], changes=changes)
    return Result(_("unit {name} changed").format(name=new_name or row["name"]), seq=seq)


def _role(value: str) -> str:
    value = (value or "").strip().lower()
    if value not in roles.ROLES:
        raise InvalidInput(_("role"), _("must be one of: {choices}").format(choices=", ".join(roles.ROLES)))
    return value


def person_add(session: Session, login: str, name: str, role: str, unit: str | int | None = None) -> Result:
    db = session.db
    login = text.required(_("login"), login, text.NAME_MAX)
    if any(c.isspace() for c in login):
        raise InvalidInput(_("login"), _("must not contain spaces"))
    name = text.required(_("name"), name, text.NAME_MAX)
    role = _role(role)
    with store.transaction(db):
        roles.check(db, session.login, "person.add")
        unit_id = refs.unit(db, unit)["id"] if unit not in (None, "") else None
        if role == roles.LIAISON and unit_id is None:
            raise InvalidInput(_("unit"), _("a liaison speaks for a unit; name it with --unit"))
        existing = db.conn.execute("SELECT active FROM people WHERE login = ?", (login,)).fetchone()
        if existing and existing[0]:
            raise InvalidInput(_("login"), _("{login} is already among the people").format(login=login))
        if existing:
            db.conn.execute(
                "UPDATE people SET name = ?, role = ?, unit_id = ?, active = 1 WHERE login = ?", (name, role, unit_id, login)
            )
        else:
            db.conn.execute(
                "INSERT INTO people (login, name, role, unit_id, active, created_at) VALUES (?, ?, ?, ?, 1, ?)",
                (login, name, role, unit_id, clock.stamp()),
            )
        seq = office_log(
            session, "person.add", detail=name,
            changes={f"person:{login}.{k}": [None, v] for k, v in {"name": name, "role": role, "unit_id": unit_id}.items()},
        )
    return Result(_("{name} ({login}) added as {role}").format(name=name, login=login, role=roles.role_label(role)), seq=seq)


def person_edit(
    session: Session, login: str, *, name: str | None = None, role: str | None = None,
    unit: str | int | None = None, active: bool | None = None,
) -> Result:
    """Change a person's name, role or unit, or deactivate them (``active=False``)."""
    db = session.db
    values = {}
    if name is not None:
        values["name"] = text.required(_("name"), name, text.NAME_MAX)
    if role is not None:
        values["role"] = _role(role)
    with store.transaction(db):
        roles.check(db, session.login, "person.edit")
        row = db.conn.execute("SELECT login, name, role, unit_id, active FROM people WHERE login = ?", (login,)).fetchone()
        if row is None:
            raise InvalidInput(_("login"), _("{login} is not among the people").format(login=login))
        current = dict(zip(("login", "name", "role", "unit_id", "active"), row))
        if unit is not None:
            values["unit_id"] = refs.unit(db, unit)["id"] if unit != "" else None
        if active is not None:
            values["active"] = 1 if active else 0
        changes = {f"person:{login}.{k}": [current[k], v] for k, v in values.items() if current[k] != v}
        if not changes:
            raise InvalidInput(_("person"), _("nothing to change"))
        final = dict(current, **values)
        if final["role"] == roles.LIAISON and final["unit_id"] is None:
            raise InvalidInput(_("unit"), _("a liaison speaks for a unit; name it with --unit"))
        if login == session.login and (final["role"] != roles.DIRECTOR or not final["active"]):
            directors = db.conn.execute(
                "SELECT count(*) FROM people WHERE role = 'director' AND active = 1 AND login != ?", (login,)
            ).fetchone()[0]
            if not directors:
                raise InvalidInput(_("role"), _("you are the only director; name another director first"))
        assignments = ", ".join(f"{k} = ?" for k in values)
        db.conn.execute(f"UPDATE people SET {assignments} WHERE login = ?", (*values.values(), login))
        seq = office_log(session, "person.edit", detail=final["name"], changes=changes)
    return Result(_("{login} changed").format(login=login), seq=seq)


SETTINGS = {
    "light.near_days": N_("days before the deadline when the light turns yellow"),
    "light.silent_days": N_("days without a report before the light turns yellow"),
    "light.urges": N_("urges without a report before the light turns yellow"),
}


def setting_set(session: Session, key: str, value: str) -> Result:
    db = session.db
    if key not in SETTINGS:
        raise InvalidInput(_("setting"), _("unknown setting {key}; known: {known}").format(key=key, known=", ".join(SETTINGS)))
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InvalidInput(key, _("must be a whole number")) from None
    if not 0 <= number <= 365:
        raise InvalidInput(key, _("must be between 0 and 365"))
    with store.transaction(db):
        roles.check(db, session.login, "settings.set")
        before = db.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        db.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, str(number)))
        seq = office_log(session, "settings.set", detail=key, changes={f"setting:{key}": [before[0] if before else None, str(number)]})
    return Result(_("{key} is now {value}").format(key=key, value=number), seq=seq)

