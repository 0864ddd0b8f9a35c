"""What a message says, in the recipient unit's language (call inside ``i18n.speaking``):
the objective, its decision, the deadline and how overdue, the escalation level, what
is required, and who to answer."""

from __future__ import annotations

from dataclasses import dataclass

from superviser import dates, lifecycle, rhythm, text
from superviser.delivery.office import Office
from superviser.i18n import N_, _, aside

URGE_TITLES = {1: N_("Reminder"), 2: N_("Urge notice"), 3: N_("Supervision notice")}
TITLES = {
    "supervision": N_("Supervision notice"),
    "extend.approve": N_("Extension approved"),
    "extend.reject": N_("Extension not approved"),
    "sendback": N_("Sent back for rework"),
    "digest": N_("Supervision digest"),
}
REQUIRED = {
    1: N_("Report your progress in writing."),
    2: N_("Report your progress in writing and explain any delay."),
    3: N_("Report in writing what has been done, explain the delay, and say when it will be finished."),
    "extend.approve": N_("Work to the new deadline and report when it is done."),
    "extend.reject": N_("Keep to the current deadline, or explain in writing why it cannot be met."),
    "sendback": N_("Rework it and submit the completion again."),
}
# Robots cut long messages; these stay under every platform's limit (WeCom: 2,048 bytes).
ROBOT_BYTES = 2000


@dataclass(frozen=True)
class Message:
    subject: str
    body: str

    def robot_text(self) -> str:
        whole = f"{self.subject}\n\n{self.body}"
        encoded = whole.encode("utf-8")
        if len(encoded) <= ROBOT_BYTES:
            return whole
        return encoded[:ROBOT_BYTES - 3].decode("utf-8", "ignore") + "…"


def _urge_level(level: int | None) -> int:
    return min(max(level or 1, 1), 3)


def level_of(kind: str, level: int | None) -> int | None:
    if kind == "supervision":
        return 3
    if kind == "urge":
        return _urge_level(level)
    return None


def title(kind: str, level: int | None = None) -> str:
    if kind == "urge":
        return _(URGE_TITLES[_urge_level(level)])
    return _(TITLES[kind])


def _who(person: dict | None) -> str:
    if not person:
        return ""
    reach = [value for value in (person.get("email"), person.get("mobile")) if value]
    name = text.one_line(person["name"])
    # Translators: between a person's contacts: "li@example.org, 13800138000"
    return aside(name, _(", ").join(reach)) if reach else name


def answer_to(office: Office, person: dict | None) -> str:
    """"General Office, tel. 6512 3456; Su Pei (su@example.org)"."""
    parts = [text.one_line(office.name) or _("the supervision office")]
    if office.contact:
        parts[0] = aside(parts[0], text.one_line(office.contact))
    who = _who(person)
    if who:
        parts.append(who)
    return _("; ").join(parts)


def _decision_line(decision: dict) -> str:
    source = _(lifecycle.SOURCES.get(decision["source"], decision["source"]))
    where = _(", ").join(part for part in (source, dates.long_date(decision["decided_on"]),
                                          text.one_line(decision.get("source_ref") or "")) if part)
    return aside(f"{decision['ref']} {text.one_line(decision['title'])}", where)


def _deadline_line(objective: dict) -> str:
    deadline = objective["deadline"]
    line = aside(dates.long_date(deadline), dates.relative_deadline(deadline))
    original = objective.get("original_deadline")
    if original and original != deadline:
        line += _("; ") + _("original deadline {date}").format(date=dates.long_date(original))
    return line


def about_objective(kind: str, *, level: int | None, objective: dict, decision: dict, unit: str, office: Office,
                    person: dict | None, note: str, seq: int) -> Message:
    """A message about one objective: an urge, a supervision notice, an extension decision, a send-back."""
    heading = title(kind, level)
    ref, name = objective["ref"], text.one_line(objective["title"])
    subject = _("[{what}] {ref} {title}").format(what=heading, ref=ref, title=name)
    lines = [_("To: {unit}").format(unit=text.one_line(unit))]
    if kind in ("urge", "supervision"):
        count = max(objective.get("urge_count") or 0, level_of(kind, level) or 0)
        lines.append(_("Level: {level} (urge {n})").format(level=heading, n=count))
    lines += [
        _("Objective: {ref} {title}").format(ref=ref, title=name),
        _("Decision: {decision}").format(decision=_decision_line(decision)),
        _("Deadline: {deadline}").format(deadline=_deadline_line(objective)),
    ]
    body_note = text.multiline(note)
    if kind in ("urge", "supervision"):
        required = body_note or _(REQUIRED[level_of(kind, level)])
        lines.append(_("Required: {what}").format(what=required))
    else:
        if kind == "extend.approve":
            lines.append(_("The deadline is now {date}.").format(date=dates.long_date(objective["deadline"])))
        if body_note:
            lines.append((_("Note: {text}") if kind == "extend.approve" else _("Reason: {text}")).format(text=body_note))
        lines.append(_("Required: {what}").format(what=_(REQUIRED[kind])))
    lines.append(_("Answer to: {who}").format(who=answer_to(office, person)))
    lines += ["", _("Sent by superviser · supervision log #{seq}").format(seq=seq)]
    return Message(subject, "\n".join(lines))


DIGEST_SECTIONS = {
    "overdue": N_("Overdue"),
    "week": N_("Due within a week"),
    "silent": N_("No report for too long"),
    "report_due": N_("Reports due soon"),
    "unaccepted": N_("Not yet accepted"),
}


def digest(*, unit: str, day: str, sections: list[tuple[str, list[dict]]], office: Office, person: dict | None,
           seq: int) -> Message:
    """A unit's week: what is on it, by section."""
    heading = title("digest")
    subject = _("[{what}] {unit}, {date}").format(what=heading, unit=text.one_line(unit), date=dates.long_date(day))
    lines = [_("To: {unit}").format(unit=text.one_line(unit)), ""]
    for key, rows in sections:
        lines.append(aside(_(DIGEST_SECTIONS[key]), len(rows)))
        for row in rows:
            when = rhythm.summary(row) if key == "report_due" else dates.relative_deadline(row["deadline"])
            lines.append("- " + aside(f"{row['ref']} {text.one_line(row['title'])}", when))
        lines.append("")
    lines.append(_("Answer to: {who}").format(who=answer_to(office, person)))
    lines += ["", _("Sent by superviser · supervision log #{seq}").format(seq=seq)]
    return Message(subject, "\n".join(lines))
