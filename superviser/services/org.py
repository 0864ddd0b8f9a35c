"""The office itself: creating the database, units, people and settings."""

from __future__ import annotations

from pathlib import Path

from superviser import clock, fields, refs, roles, sshkeys, store
from superviser.changes import write
from superviser.errors import InvalidInput, Refused, StoreError
from superviser.fields import Field
from superviser.i18n import N_, _, joined, ngettext, separated
from superviser.services.base import Result, Session, check, validate
from superviser.tables import DEFAULT_SETTINGS

_LOGIN = Field("login", N_("login"), "login", required=True)
_NAME = Field("name", N_("name"), "line", required=True, limit=80)


def init(path: str | Path, login: str, name: str | None = None) -> Session:
    """Create a database with ``login`` as its director."""
    path = Path(path)
    login = fields.parse(_LOGIN, login)
    name = fields.parse(_NAME, name or login)
    if path.exists() and path.stat().st_size > 0:
        db = store.connect(path)
        if db.conn.execute("SELECT count(*) FROM people").fetchone()[0]:
            raise StoreError(_("{path} already holds a superviser database").format(path=path))
    else:
        db = store.connect(path, create=True)
    session = Session(db, login)
    with write(session) as changes:
        for key, value in DEFAULT_SETTINGS.items():
            if db.conn.execute("SELECT 1 FROM settings WHERE key = ?", (key,)).fetchone() is None:
                changes.insert("settings", {"key": key, "value": value})
        changes.insert("people", {"login": login, "name": name, "role": roles.DIRECTOR, "unit_id": None, "active": 1,
                                  "created_at": clock.stamp()})
        changes.log("init", detail=name)
    return session


def _unit_clash(db, name: str, other_than: int | None = None) -> None:
    if db.conn.execute("SELECT 1 FROM units WHERE name = ? COLLATE NOCASE AND id IS NOT ?", (name, other_than)).fetchone():
        raise InvalidInput("name", _("a unit named {name} already exists").format(name=name), N_("name"))


def unit_add(session: Session, name=None, parent=None) -> Result:
    v = validate("unit.add", name=name, parent=parent)
    with write(session) as changes:
        check(session, "unit.add")
        db = session.db
        parent_id = refs.active_unit(db, v["parent"], "parent", N_("parent"))["id"] if v["parent"] else None
        _unit_clash(db, v["name"])
        unit_id = changes.insert("units", {"name": v["name"], "parent_id": parent_id, "created_at": clock.stamp()})
        seq = changes.log("unit.add", detail=v["name"])
    return Result(_("unit {name} added").format(name=v["name"]), seq=seq, data={"id": unit_id})


def _still_working(db, unit: dict) -> None:
    """A unit is deactivated only once it leads no open objective and no active unit is under it."""
    open_refs = [r[0] for r in db.conn.execute(
        "SELECT ref FROM objectives WHERE lead_unit_id = ? AND status NOT IN ('closed', 'suspended', 'cancelled') "
        "ORDER BY sort_key LIMIT 6", (unit["id"],))]
    if open_refs:
        shown = separated(open_refs[:5]) + ("…" if len(open_refs) > 5 else "")
        raise Refused(_("{name} still leads open objectives ({refs}); transfer, close or cancel them first").format(
            name=unit["name"], refs=shown))
    below = [r[0] for r in db.conn.execute(
        "SELECT name FROM units WHERE parent_id = ? AND active = 1 ORDER BY name", (unit["id"],))]
    if below:
        raise Refused(_("{name} still has active units under it ({units}); move or deactivate them first").format(
            name=unit["name"], units=joined(below)))


def unit_edit(session: Session, unit, *, name=None, parent=None, active=None) -> Result:
    """Rename a unit, move it under another (``parent=""`` makes it top-level), or deactivate it
    (``active=False``: refused while it leads open objectives, naming them)."""
    v = validate("unit.edit", name=name, parent=parent, active=active)
    with write(session) as changes:
        check(session, "unit.edit")
        db = session.db
        row = refs.unit(db, unit)
        values = {}
        if v["name"] and v["name"] != row["name"]:
            _unit_clash(db, v["name"], row["id"])
            values["name"] = v["name"]
        if parent is not None:
            parent_id = refs.active_unit(db, v["parent"], "parent", N_("parent"))["id"] if v["parent"] else None
            if parent_id is not None and parent_id in roles.unit_scope(db, row["id"]):
                raise InvalidInput("parent", _("a unit cannot be placed under itself or its own sub-units"), N_("parent"))
            values["parent_id"] = parent_id
        if active is not None:
            if not v["active"] and row["active"]:
                _still_working(db, row)
            values["active"] = 1 if v["active"] else 0
        if not changes.update("units", row["id"], values):
            raise InvalidInput("unit", _("nothing to change"), N_("unit"))
        shown = values.get("name", row["name"])
        seq = changes.log("unit.edit", detail=shown)
    if values.get("active") == 0:
        return Result(_("unit {name} deactivated").format(name=shown), seq=seq)
    return Result(_("unit {name} changed").format(name=shown), seq=seq)


def _liaison_needs_unit(role: str, unit_id: int | None) -> None:
    if role == roles.LIAISON and unit_id is None:
        raise InvalidInput("unit", _("a liaison speaks for a unit: give the unit"), N_("unit"))


def person_add(session: Session, login=None, name=None, role=None, unit=None) -> Result:
    v = validate("person.add", login=login, name=name, role=role, unit=unit)
    with write(session) as changes:
        check(session, "person.add")
        db = session.db
        unit_id = refs.active_unit(db, v["unit"])["id"] if v["unit"] else None
        _liaison_needs_unit(v["role"], unit_id)
        existing = db.conn.execute("SELECT active FROM people WHERE login = ?", (v["login"],)).fetchone()
        if existing and existing[0]:
            raise InvalidInput("login", _("{login} is already among the people").format(login=v["login"]), N_("login"))
        values = {"name": v["name"], "role": v["role"], "unit_id": unit_id, "active": 1}
        if existing:
            changes.update("people", v["login"], values)
        else:
            changes.insert("people", dict(values, login=v["login"], created_at=clock.stamp()))
        seq = changes.log("person.add", detail=v["name"])
    return Result(_("{name} ({login}) added as {role}").format(
        name=v["name"], login=v["login"], role=roles.role_label(v["role"])), seq=seq)


def person_edit(session: Session, login, *, name=None, role=None, unit=None, active=None) -> Result:
    """Change a person's name, role or unit, or deactivate them (``active=False``)."""
    v = validate("person.edit", name=name, role=role, unit=unit, active=active)
    with write(session) as changes:
        check(session, "person.edit")
        db = session.db
        current = store.row(db, "SELECT login, name, role, unit_id, active FROM people WHERE login = ?", (login,))
        if current is None:
            raise InvalidInput("login", _("{login} is not among the people").format(login=login), N_("login"))
        values = {}
        if v["name"]:
            values["name"] = v["name"]
        if v["role"]:
            values["role"] = v["role"]
        if unit is not None:
            values["unit_id"] = refs.active_unit(db, v["unit"])["id"] if v["unit"] else None
        if active is not None:
            values["active"] = 1 if v["active"] else 0
        final = dict(current, **values)
        _liaison_needs_unit(final["role"], final["unit_id"])
        if login == session.login and (final["role"] != roles.DIRECTOR or not final["active"]):
            directors = db.conn.execute(
                "SELECT count(*) FROM people WHERE role = 'director' AND active = 1 AND login != ?", (login,)
            ).fetchone()[0]
            if not directors:
                raise InvalidInput("role", _("you are the only director; name another director first"), N_("role"))
        if not changes.update("people", login, values):
            raise InvalidInput("person", _("nothing to change"), N_("person"))
        withdrawn = []
        if current["active"] and not final["active"]:  # their keys no longer open anything
            withdrawn = sshkeys.withdraw(changes, Path(store.path_of(db)), login)
        seq = changes.log("person.edit", detail=final["name"])
    if withdrawn:
        return Result(ngettext("{login} changed; their SSH key was removed", "{login} changed; their {n} SSH keys were removed",
                               len(withdrawn)).format(login=login, n=len(withdrawn)), seq=seq)
    return Result(_("{login} changed").format(login=login), seq=seq)


SETTINGS = {
    "light.near_days": N_("days before the deadline when the light turns yellow"),
    "light.silent_days": N_("days without a report before the light turns yellow"),
    "light.urges": N_("urges without a report before the light turns yellow"),
    "score.base": N_("assessment: the score each unit starts a period with"),
    "score.on_time": N_("assessment: points for each matter closed by its original deadline"),
    "score.late": N_("assessment: points for each matter late on its original deadline"),
    "score.urge": N_("assessment: points for each reminder or urge notice received"),
    "score.notice": N_("assessment: points for each supervision notice received"),
    "score.sendback": N_("assessment: points for each completion sent back"),
    "score.lead": N_("assessment: weight of the points of the lead unit"),
    "score.co": N_("assessment: weight of the points of a co-unit"),
}


def setting_field(key: str) -> Field:
    """What a setting takes: days and counts for the lights; points and weights (signed, with
    decimals) for the assessment."""
    if key.startswith("light."):
        return Field(key, key, "int", required=True, limit=365)
    if key == "score.base":
        return Field(key, key, "number", required=True, limit=1000)
    if key in ("score.lead", "score.co"):
        return Field(key, key, "number", required=True, limit=10)
    return Field(key, key, "number", required=True, low=-100, limit=100)


def setting_set(session: Session, key: str, value) -> Result:
    if key not in SETTINGS:
        raise InvalidInput("setting", _("unknown setting {key}; known: {known}").format(
            key=key, known=", ".join(SETTINGS)), N_("setting"))
    number = fields.parse(setting_field(key), value)
    shown = f"{number:g}"
    with write(session) as changes:
        check(session, "settings.set")
        if session.db.conn.execute("SELECT 1 FROM settings WHERE key = ?", (key,)).fetchone():
            changes.update("settings", key, {"value": shown})
        else:
            changes.insert("settings", {"key": key, "value": shown})
        seq = changes.log("settings.set", detail=key) if changes.pending else None
    return Result(_("{key} is now {value}").format(key=key, value=shown), seq=seq)
