"""The outbox: what a step asks to send, written in the step's own transaction.

A step never waits for the network: it calls ``queue`` inside ``write(session)``,
which adds one row per recipient and channel (recorded in the step's log entry like
every other row), and ``superviser deliver`` sends them later. Rolled back with the
step, a queued message never existed.
"""

from __future__ import annotations

import json

from superviser import clock, journal, store
from superviser.changes import Changes
from superviser.delivery import messages
from superviser.delivery.labels import channel_label
from superviser.delivery.masking import mask_url
from superviser.delivery.office import details, person
from superviser.i18n import _, current, joined, speaking

MENTIONS_BY_MOBILE = ("wecom", "dingtalk")  # Feishu mentions by user id, which we do not keep
KINDS = ("urge", "supervision", "extend.approve", "extend.reject", "sendback", "digest")


class Queued(list):
    """The rows queued (dicts: id, unit_id, unit, channel, recipient), and the units
    nothing could reach (no channel, nobody with mail)."""

    def __init__(self, rows=(), unreached=()):
        super().__init__(rows)
        self.unreached: list[str] = list(unreached)

    def message(self) -> str:
        return phrase(self)


def phrase(queued: Queued) -> str:
    """"queued for Finance Department by mail and WeCom", in the user's language."""
    by_unit: dict[str, list[str]] = {}
    for row in queued:
        labels = by_unit.setdefault(row["unit"], [])
        label = channel_label(row["channel"])
        if label not in labels:
            labels.append(label)
    parts = []
    if by_unit:
        # Translators: a unit and how it is reached: "Finance Department by mail and WeCom"
        units = _("; ").join(_("{unit} by {channels}").format(unit=unit, channels=joined(labels))
                             for unit, labels in by_unit.items())
        parts.append(_("queued for {units}").format(units=units))
    if queued.unreached:
        parts.append(_("nothing reaches {units} (add a channel: superviser channel add)").format(
            units=joined(queued.unreached)))
    return _("; ").join(parts)


def concerned_units(db, kind: str, objective: dict) -> list[int]:
    """Who must act: the lead unit; for a supervision notice, the co-units too."""
    units = [objective["lead_unit_id"]]
    if kind == "supervision":
        units += [r[0] for r in db.conn.execute(
            "SELECT unit_id FROM co_units WHERE objective_id = ? ORDER BY unit_id", (objective["id"],))]
    return units


def targets(db, unit_id: int) -> list[dict]:
    """Every way to reach a unit: its active channels, and its liaisons and head by mail."""
    people = store.rows(
        db, "SELECT login, email, mobile FROM people WHERE unit_id = ? AND active = 1 AND (role = 'liaison' OR unit_head = 1) "
        "ORDER BY unit_head DESC, login", (unit_id,))
    mobiles = [p["mobile"] for p in people if p["mobile"]]
    found = []
    for channel_id, kind, address, webhook in db.conn.execute(
            "SELECT id, kind, address, webhook FROM unit_channels WHERE unit_id = ? AND active = 1 ORDER BY id", (unit_id,)):
        if kind == "mail":
            found.append({"channel": "mail", "channel_id": channel_id, "login": None, "recipient": address,
                          "target": address.lower(), "mentions": []})
        else:
            found.append({"channel": kind, "channel_id": channel_id, "login": None, "recipient": mask_url(webhook),
                          "target": f"#{channel_id}", "mentions": mobiles if kind in MENTIONS_BY_MOBILE else []})
    for who in people:
        if who["email"]:
            found.append({"channel": "mail", "channel_id": None, "login": who["login"], "recipient": who["email"],
                          "target": who["email"].lower(), "mentions": []})
    return found


def unit_language(db, unit_id: int) -> str:
    """The unit's language for messages; without one, the language of whoever queues them."""
    row = db.conn.execute("SELECT lang FROM units WHERE id = ?", (unit_id,)).fetchone()
    return (row[0] if row else None) or current()


def _add(changes: Changes, queued: Queued, seen: set, *, key_prefix: str, unit_id: int, unit: str, lang: str,
         message: messages.Message, row: dict) -> bool:
    found = targets(changes.db, unit_id)
    for target in found:
        key = f"{key_prefix}:{target['channel']}:{target['target']}"
        if key in seen:
            continue  # one address reached twice (the unit's mailbox is also its liaison's)
        seen.add(key)
        stamp = clock.stamp()
        values = dict(row, unit_id=unit_id, login=target["login"], channel=target["channel"],
                      channel_id=target["channel_id"], recipient=target["recipient"],
                      mentions=json.dumps(target["mentions"]), lang=lang, subject=message.subject,
                      body=message.body, key=key, status="queued", attempts=0, next_at=stamp, queued_at=stamp,
                      queued_by=changes.actor)
        outbox_id = changes.insert("outbox", values)
        queued.append({"id": outbox_id, "unit_id": unit_id, "unit": unit, "channel": target["channel"],
                       "recipient": target["recipient"], "login": target["login"]})
    return bool(found)


def queue(changes: Changes, kind: str, objective: dict, *, actor_login: str, text: str = "", level: int | None = None,
          units: list[int] | None = None) -> Queued:
    """Queue ``kind`` about ``objective`` (as it is after the step: new deadline, urge count)
    for every unit that must act, inside the step's transaction and before its
    ``changes.log()``: the rows belong to that entry, whose number they carry.

    ``kind``: urge (``level`` 1–3; the third is queued as a supervision notice),
    supervision, extend.approve, extend.reject, sendback."""
    if kind == "urge" and (level or 1) >= 3:
        kind = "supervision"
    if kind not in KINDS or kind == "digest":
        raise ValueError(f"unknown message kind {kind}")
    db = changes.db
    seq = journal.head(db)[0] + 1  # the entry the step writes next (we hold the write lock)
    office = details(db)
    who = person(db, actor_login)
    decision = store.rows(db, "SELECT ref, title, source, source_ref, decided_on FROM decisions WHERE id = ?",
                          (objective["decision_id"],))[0]
    queued, seen = Queued(), set[str]()
    for unit_id in (units if units is not None else concerned_units(db, kind, objective)):
        unit = db.conn.execute("SELECT name FROM units WHERE id = ?", (unit_id,)).fetchone()[0]
        lang = unit_language(db, unit_id)
        with speaking(lang):
            message = messages.about_objective(kind, level=level, objective=objective, decision=decision, unit=unit,
                                               office=office, person=who, note=text, seq=seq)
        row = {"seq": seq, "objective_id": objective["id"], "kind": kind, "level": messages.level_of(kind, level)}
        if not _add(changes, queued, seen, key_prefix=f"{seq}:{kind}", unit_id=unit_id, unit=unit, lang=lang,
                    message=message, row=row):
            queued.unreached.append(unit)
    return queued


def on_log(step, kind: str, *, text: str = "", level: int | None = None, units: list[int] | None = None) -> Queued:
    """Queue ``kind`` when ``step`` (services.base.Step) writes its entry: after the objective's
    new values (deadline, urge count) are written, before the entry, in its transaction.
    The returned ``Queued`` fills then; its ``message()`` is for the step's confirmation."""
    queued = Queued()

    def hook(current) -> None:
        made = queue(current.changes, kind, current.objective, actor_login=current.session.login, text=text,
                     level=level, units=units)
        queued.extend(made)
        queued.unreached.extend(made.unreached)

    step.before_log.append(hook)
    return queued


def queue_digest(changes: Changes, unit_id: int, unit: str, *, day: str, sections: list, actor_login: str) -> Queued:
    """Queue a unit's digest for ``day`` (once a day: a second run finds it queued already)."""
    db = changes.db
    seq = journal.head(db)[0] + 1
    lang = unit_language(db, unit_id)
    with speaking(lang):
        message = messages.digest(unit=unit, day=day, sections=sections, office=details(db),
                                  person=person(db, actor_login), seq=seq)
    queued = Queued()
    prefix = f"digest:{day}:{unit_id}"
    seen = {key for (key,) in db.conn.execute("SELECT key FROM outbox WHERE key LIKE ?", (prefix + ":%",))}
    if not _add(changes, queued, seen, key_prefix=prefix, unit_id=unit_id, unit=unit, lang=lang, message=message,
                row={"seq": seq, "objective_id": None, "kind": "digest", "level": None}):
        queued.unreached.append(unit)
    return queued
