"""Contacts (issue 12): each unit's channels (a mailbox, a group robot), its language
for messages, people's mail and mobile, and the office's own details. The director
keeps them; a person may keep their own mail and mobile. Every change goes through
``Changes`` and is logged; robot addresses and secrets are logged as fingerprints
and shown masked (``https://qyapi.weixin.qq.com/…key=ab…9f``)."""

from __future__ import annotations

from superviser import actions, clock, fields, refs
from superviser.actions import ACTIONS
from superviser.changes import write
from superviser.delivery import config as delivery_config
from superviser.delivery.masking import mask_url
from superviser.delivery.outbox import channel_label
from superviser.errors import Forbidden, InvalidInput, NotFound
from superviser.fields import Field
from superviser.i18n import LANGUAGES, N_, _, ngettext, normalise
from superviser.services.base import Result, check

# The fields as the steps declare them (superviser/actions.py): the forms check the same.
UNIT, KIND, ADDRESS, WEBHOOK, SECRET, LABEL = ACTIONS["channel.add"].fields
EMAIL, MOBILE, _HEAD = ACTIONS["person.contact"].fields
# The command line takes a language as people write it (zh-CN, zh_CN.UTF-8, zh), normalised.
LANG = Field("lang", N_("language"), "line", limit=20)
LOGIN = Field("login", N_("login"), "login", required=True)
OFFICE_FIELDS = {
    "office.name": Field("name", N_("office name"), "line", limit=120),
    "office.contact": Field("contact", N_("contact"), "line", limit=200),
    "office.prefix": Field("prefix", N_("number prefix"), "line", limit=10),
}


def shown(kind: str, address: str | None, webhook: str | None) -> str:
    """Where a channel goes, as people may see it."""
    return (address or "") if kind == "mail" else mask_url(webhook)


def channel_add(session, unit=None, kind=None, *, address=None, webhook=None, secret=None, label=None,
                config: delivery_config.Config | None = None) -> Result:
    """Give a unit a mailbox or a group robot (director)."""
    unit_name = fields.parse(UNIT, unit)
    kind = fields.parse(KIND, kind)
    address, webhook = fields.parse(ADDRESS, address), fields.parse(WEBHOOK, webhook)
    secret, label = fields.parse(SECRET, secret), fields.parse(LABEL, label)
    if kind == "mail":
        if not address:
            raise fields.problem(ADDRESS, _("must not be empty for a mail channel"))
        if webhook or secret:
            raise fields.problem(WEBHOOK, _("a mail channel has an address, not a webhook"))
    else:
        if not webhook:
            raise fields.problem(WEBHOOK, _("must not be empty for a group robot"))
        if address:
            raise fields.problem(ADDRESS, _("a group robot has a webhook address, not a mail address"))
        if kind == "wecom" and secret:
            raise fields.problem(SECRET, _("WeCom robots do not sign their messages; leave it out"))
        delivery_config.check_webhook(webhook, config or delivery_config.load(), WEBHOOK.key, WEBHOOK.label)
    db = session.db
    with write(session) as changes:
        check(session, "channel.add")
        row = refs.unit(db, unit_name)
        column, value = ("address", address) if kind == "mail" else ("webhook", webhook)
        clash = db.conn.execute(f"SELECT 1 FROM unit_channels WHERE unit_id = ? AND kind = ? AND {column} = ? AND active = 1",
                                (row["id"], kind, value)).fetchone()
        if clash:
            raise InvalidInput(column, _("{unit} already has this channel").format(unit=row["name"]))
        channel_id = changes.insert("unit_channels", {
            "unit_id": row["id"], "kind": kind, "address": address or None, "webhook": webhook or None,
            "secret": secret or None, "label": label, "active": 1, "created_at": clock.stamp(), "created_by": session.login})
        where = shown(kind, address, webhook)
        seq = changes.log("channel.add", detail=f"{row['name']}: {channel_label(kind)} {where}")
    return Result(_("{channel} added for {unit}: {target} (channel {id})").format(
        channel=channel_label(kind), unit=row["name"], target=where, id=channel_id), seq=seq, data={"id": channel_id})


def channel_remove(session, channel_id) -> Result:
    """Stop using a channel (director): its secrets are erased, what it had queued is cancelled."""
    number = fields.parse(Field("channel", N_("channel"), "int", required=True, low=1, limit=10**12), channel_id)
    db = session.db
    with write(session) as changes:
        check(session, "channel.remove")
        cursor = db.conn.execute("SELECT c.id, c.kind, c.address, c.webhook, u.name FROM unit_channels c "
                                 "JOIN units u ON u.id = c.unit_id WHERE c.id = ? AND c.active = 1", (number,))
        found = cursor.fetchone()
        if found is None:
            raise NotFound("channel", _("no channel {id}; see `superviser channel list`").format(id=number))
        _id, kind, address, webhook, unit = found
        changes.update("unit_channels", number, {"active": 0, "webhook": None, "secret": None})
        waiting = [r[0] for r in db.conn.execute("SELECT id FROM outbox WHERE channel_id = ? AND status = 'queued'", (number,))]
        for outbox_id in waiting:
            changes.update("outbox", outbox_id, {"status": "cancelled", "last_error": _("the channel was removed")})
        seq = changes.log("channel.remove", detail=f"{unit}: {channel_label(kind)} {shown(kind, address, webhook)}")
    message = _("{channel} of {unit} removed").format(channel=channel_label(kind), unit=unit)
    if waiting:
        message += _("; ") + ngettext("{n} queued message cancelled", "{n} queued messages cancelled",
                                      len(waiting)).format(n=len(waiting))
    return Result(message, seq=seq)


def language(value) -> str | None:
    """A language code we have a catalog for; "" clears it."""
    raw = fields.parse(LANG, value)
    if not raw:
        return None
    code = normalise(raw)
    if code not in LANGUAGES:
        raise fields.problem(LANG, _("must be one of: {choices}").format(choices=", ".join(LANGUAGES)))
    return code


def unit_language(session, unit, lang) -> Result:
    """The language a unit's messages and notices are written in (director); "" clears it."""
    unit_name, code = fields.parse(UNIT, unit), language(lang)
    db = session.db
    with write(session) as changes:
        check(session, "unit.lang")
        row = refs.unit(db, unit_name)
        if not changes.update("units", row["id"], {"lang": code}):
            raise InvalidInput("lang", _("nothing to change"))
        seq = changes.log("unit.lang", detail=f"{row['name']}: {code or '–'}")
    if code is None:
        return Result(_("{unit} gets messages in the sender's language").format(unit=row["name"]), seq=seq)
    return Result(_("{unit} gets messages in {language}").format(unit=row["name"], language=LANGUAGES[code]), seq=seq)


def person_contact(session, login, *, email=None, mobile=None, head: bool | None = None) -> Result:
    """A person's mail and mobile ("" clears), and whether they head their unit (the director;
    anyone may keep their own mail and mobile)."""
    login = fields.parse(LOGIN, login)
    values = {}
    if email is not None:
        values["email"] = fields.parse(EMAIL, email) or None
    if mobile is not None:
        values["mobile"] = fields.parse(MOBILE, mobile) or None
    if head is not None:
        values["unit_head"] = 1 if head else None
    if not values:
        raise InvalidInput("email", _("nothing to change; give --email, --mobile or --head"))
    db = session.db
    with write(session) as changes:
        problem = actions.contact_refusal(session.person(), session.login, login, head=head is not None)
        if problem:
            raise Forbidden(problem)
        cursor = db.conn.execute("SELECT name, unit_id FROM people WHERE login = ?", (login,))
        found = cursor.fetchone()
        if found is None:
            raise NotFound("login", _("{login} is not among the people").format(login=login))
        if head and found[1] is None:
            raise InvalidInput("head", _("{login} has no unit to head; give them one with superviser person edit").format(
                login=login))
        if not changes.update("people", login, values):
            raise InvalidInput("email", _("nothing to change"))
        seq = changes.log("person.contact", detail=found[0])
    return Result(_("{login}: contact details changed").format(login=login), seq=seq)


def office_set(session, **given) -> Result:
    """The office's name, contact and notice prefix (director); "" clears one."""
    values = {}
    for key, field in OFFICE_FIELDS.items():
        if given.get(field.key) is not None:
            values[key] = fields.parse(field, given[field.key])
    if not values:
        raise InvalidInput("name", _("nothing to change; give --name, --contact or --prefix"))
    db = session.db
    with write(session) as changes:
        check(session, "office.set")
        for key, value in values.items():
            current = db.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            if not value:
                if current:
                    changes.delete("settings", key)
            elif current:
                changes.update("settings", key, {"value": value})
            else:
                changes.insert("settings", {"key": key, "value": value})
        if not changes.pending:
            raise InvalidInput("name", _("nothing to change"))
        seq = changes.log("office.set", detail="; ".join(f"{k}={v}" for k, v in values.items()))
    return Result(_("the office's details changed"), seq=seq)

