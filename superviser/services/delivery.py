"""Steps on what leaves the office: a failed message queued again (``deliver.requeue``) and a
numbered notice printed (``notice``). The sender itself is superviser/delivery/sender.py."""

from __future__ import annotations

from superviser import clock, fields
from superviser.actions import ACTIONS
from superviser.changes import write
from superviser.delivery.labels import TROUBLE, channel_label, status_label
from superviser.delivery.notices import LEVELS, issue
from superviser.errors import NotFound, Refused
from superviser.fields import Field
from superviser.i18n import N_, _, speaking
from superviser.services.base import Result, check

MESSAGE = Field("message", N_("message"), "int", required=True, low=1, limit=10**12)


def requeue(session, message) -> Result:
    """Queue a failed message (or one whose delivery is unknown) again, tries afresh: an office
    decision, logged."""
    number = fields.parse(MESSAGE, message)
    db = session.db
    with write(session) as changes:
        check(session, "deliver.requeue")
        cursor = db.conn.execute("SELECT o.status, o.objective_id, o.channel, o.recipient, u.name FROM outbox o "
                                 "LEFT JOIN units u ON u.id = o.unit_id WHERE o.id = ?", (number,))
        found = cursor.fetchone()
        if found is None:
            raise NotFound("message", _("no message {id} in the outbox").format(id=number))
        status, objective_id, channel, recipient, unit = found
        if status not in TROUBLE:
            raise Refused(_("message {id} is {status}; only a message that failed, or whose delivery is unknown, "
                            "is queued again").format(id=number, status=status_label(status)))
        changes.update("outbox", number, {"status": "queued", "attempts": 0, "next_at": clock.stamp()})
        seq = changes.log("deliver.requeue", objective_id=objective_id, detail=_("{channel} to {unit} ({to})").format(
            channel=channel_label(channel), unit=unit or "", to=recipient))
    return Result(_("message {id} queued again").format(id=number), seq=seq)


def print_notice(session, ref, *, level=None, language=None, new=False) -> Result:
    """The numbered notice for ``ref`` as a Word document (``data["bytes"]``), issued or printed
    again; the caller writes or sends it."""
    from superviser.exports import notice as notice_doc
    from superviser.services.contacts import language as parse_language

    declared = {f.key: f for f in ACTIONS["notice"].fields}
    level = fields.parse(declared["level"], level)
    lang = parse_language(language) if language else None
    new = fields.parse(declared["new"], new)
    issued = issue(session, ref, level=LEVELS[level] if level else None, new=bool(new), lang=lang)
    data = notice_doc.render(issued)
    with speaking(issued.lang):
        number = issued.number_text()
    said = _("{number} ({level}), printed again") if issued.reprint else _("{number} ({level})")
    return Result(said.format(number=number, level=issued.title()), seq=issued.seq, ref=issued.objective["ref"],
                  data={"bytes": data, "name": notice_doc.default_name(issued), "number": number,
                        "year": issued.year, "serial": issued.number, "level": issued.level,
                        "reprint": issued.reprint})
