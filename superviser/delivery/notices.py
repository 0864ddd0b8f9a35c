"""Numbered notices (一事一单): 督〔2026〕14号. A number is taken from the year's counter
in a logged transaction; the counter only goes up and (year, number) is unique, so a
number is never given twice. Printing the same notice again (same objective, level and
unit) keeps its number; ``new=True`` issues another."""

from __future__ import annotations

from dataclasses import dataclass

from superviser import clock, refs, store
from superviser.changes import write
from superviser.delivery import messages
from superviser.delivery.office import Office, details, person
from superviser.delivery.outbox import unit_language
from superviser.i18n import _, normalise, speaking
from superviser.services.base import check

LEVELS = {"reminder": 1, "urge": 2, "supervision": 3}
COLOURS = {1: "blue", 2: "yellow", 3: "red"}


@dataclass
class Notice:
    id: int
    year: int
    number: int
    level: int
    issued_at: str
    issued_by: dict | None
    objective: dict
    decision: dict
    unit: str
    co_units: list[str]
    office: Office
    lang: str
    seq: int
    reprint: bool

    @property
    def colour(self) -> str:
        return COLOURS[self.level]

    def number_text(self) -> str:
        """督〔2026〕14号; "Supervision [2026] No. 14" in English. Call inside ``speaking(lang)``."""
        return number_text(self.office, self.lang, self.year, self.number)

    def title(self) -> str:
        return messages.title("urge", self.level)


def number_text(office: Office, lang: str, year: int, number: int) -> str:
    """A notice's number in ``lang`` (the language being spoken: call inside ``speaking(lang)``)."""
    prefix = office.prefix if office.prefix != "督" or lang.startswith("zh") else _("Supervision")
    # Translators: a notice's number; Chinese offices write 督〔2026〕14号
    return _("{prefix} [{year}] No. {number}").format(prefix=prefix, year=year, number=number)


def _take_number(changes, year: int) -> int:
    last = changes.db.conn.execute("SELECT last FROM notice_counters WHERE year = ?", (year,)).fetchone()
    number = (last[0] if last else 0) + 1
    if last:
        changes.update("notice_counters", year, {"last": number})
    else:
        changes.insert("notice_counters", {"year": year, "last": number})
    return number


def issue(session, ref, *, level: int | None = None, new: bool = False, lang: str | None = None) -> Notice:
    """The notice for ``ref`` at ``level`` (default: its urge level), numbered."""
    db = session.db
    with write(session) as changes:
        objective = refs.objective(db, ref)
        check(session, "notice")
        level = level or min(max(objective["urge_count"], 1), 3)
        unit_id = objective["lead_unit_id"]
        row = None if new else db.conn.execute(
            "SELECT id, year, number, issued_at, issued_by FROM notices WHERE objective_id = ? AND level = ? AND unit_id = ? "
            "ORDER BY id DESC LIMIT 1", (objective["id"], level, unit_id)).fetchone()
        if row:
            notice_id, year, number, issued_at, issued_by = row
        else:
            year, issued_at, issued_by = clock.today().year, clock.stamp(), session.login
            number = _take_number(changes, year)
            notice_id = changes.insert("notices", {"year": year, "number": number, "objective_id": objective["id"],
                                                   "unit_id": unit_id, "level": level, "issued_at": issued_at,
                                                   "issued_by": issued_by})
        decision = store.rows(db, "SELECT ref, title, source, source_ref, decided_on FROM decisions WHERE id = ?",
                              (objective["decision_id"],))[0]
        co_units = [r[0] for r in db.conn.execute(
            "SELECT u.name FROM co_units c JOIN units u ON u.id = c.unit_id WHERE c.objective_id = ? ORDER BY u.name",
            (objective["id"],))]
        notice = Notice(notice_id, year, number, level, issued_at, person(db, issued_by), objective, decision,
                        refs.unit_name(db, unit_id), co_units, details(db), normalise(lang) or unit_language(db, unit_id), 0,
                        reprint=bool(row))
        with speaking(notice.lang):
            number_text = notice.number_text()
        said = _("{number} printed again") if row else _("{number} issued ({level})")
        notice.seq = changes.log("notice", objective_id=objective["id"], detail=said.format(
            number=number_text, level=messages.title("urge", level)))
    return notice
