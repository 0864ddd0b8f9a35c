"""Recurring matters: a template that registers the next objective when it is due.

Calendar rules repeat from the first date, on its day of the month (the month's last day
when it is shorter): monthly, quarterly, yearly. ``after-close`` registers the next one
a number of days after the last one was closed (or cancelled). Each instance is an
objective of its own, marked with its template and date (``recurrence_id``,
``recurrence_on``, unique together); it is due ``days`` after that date. A template only
ever registers dates after its latest instance, so running it again, or after its rule
changed, never registers one twice or rewrites one already registered.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from superviser import dates, store
from superviser.i18n import N_, _
from superviser.rhythm import add_months
from superviser.store import Database

MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
AFTER_CLOSE = "after-close"
RULES = {"monthly": N_("monthly"), "quarterly": N_("quarterly"), "yearly": N_("yearly"),
         AFTER_CLOSE: N_("after the last one closed")}


def rule_text(recurrence: dict) -> str:
    if recurrence["rule"] == AFTER_CLOSE:
        return _("{days} days after the last one closed").format(days=recurrence["gap"] or 0)
    return _("{rule}, from {date}").format(rule=_(RULES[recurrence["rule"]]), date=recurrence["start_on"])


def occurrences(rule: str, start: date, after: date | None, until: date) -> list[date]:
    """The dates of a calendar rule after ``after`` (None: from the start), up to ``until``."""
    return [day for day in _calendar(rule, start, until) if after is None or day > after]


def _calendar(rule: str, start: date, until: date) -> Iterator[date]:
    step, k = MONTHS[rule], 0
    while (day := add_months(start, k * step)) <= until:
        yield day
        k += 1


def instance_title(title: str, rule: str, on: date) -> str:
    """The objective's title: the template's, with its period."""
    if rule == "monthly":
        period = f"{on.year}-{on.month:02d}"
    elif rule == "quarterly":
        period = f"{on.year}Q{(on.month - 1) // 3 + 1}"
    elif rule == "yearly":
        period = str(on.year)
    else:
        period = on.isoformat()
    return f"{title} ({period})"


def latest(db: Database, recurrence_id: int) -> dict | None:
    return store.row(
        db, "SELECT ref, recurrence_on, status, closed_on, updated_at FROM objectives WHERE recurrence_id = ? "
        "ORDER BY recurrence_on DESC LIMIT 1", (recurrence_id,))


def waiting(recurrence: dict, last: dict | None) -> bool:
    """After-close, while the last one is not finished: the next waits for it."""
    return recurrence["rule"] == AFTER_CLOSE and last is not None and last["status"] not in ("closed", "cancelled")


def following(recurrence: dict, last: dict | None) -> date | None:
    """The next one's date after ``last`` (the latest registered, or None), due or not; None when
    the rule has no date left up to the last a date may have (2100-12-31). Not for one ``waiting``."""
    start = date.fromisoformat(recurrence["start_on"])
    if last is None:
        return start  # checked against the years allowed when it was given
    after = date.fromisoformat(last["recurrence_on"])
    if recurrence["rule"] in MONTHS:
        return next((day for day in _calendar(recurrence["rule"], start, dates.LAST_DAY) if day > after), None)
    ended = date.fromisoformat(last["closed_on"] if last["status"] == "closed" else last["updated_at"][:10])
    day = max(ended + timedelta(days=recurrence["gap"] or 0), after + timedelta(days=1))
    return day if day <= dates.LAST_DAY else None


def next_dates(db: Database, recurrence: dict, today: date) -> list[date]:
    """The instances due by ``today`` and not registered yet."""
    last = latest(db, recurrence["id"])
    if recurrence["rule"] in MONTHS:
        after = date.fromisoformat(last["recurrence_on"]) if last else None
        return occurrences(recurrence["rule"], date.fromisoformat(recurrence["start_on"]), after, today)
    if waiting(recurrence, last):
        return []
    day = following(recurrence, last)
    return [day] if day is not None and day <= today else []


def upcoming(db: Database, recurrence: dict, today: date) -> str:
    """When the next one comes, in words, for lists: never blank."""
    if not recurrence["active"]:
        return _("stopped")
    last = latest(db, recurrence["id"])
    if waiting(recurrence, last):
        return _("after the current one closes")
    day = following(recurrence, last)
    if day is None:
        return _("none left")  # its next date would pass 2100-12-31, beyond any date the office may give
    if day <= today:
        return _("due now ({date})").format(date=day.isoformat())
    return day.isoformat()


def recurrences(db: Database, include_stopped: bool = True) -> list[dict]:
    return store.rows(
        db, "SELECT r.*, d.ref AS decision_ref, u.name AS lead_unit, "
        "(SELECT group_concat(cu.name, '、') FROM recurrence_co_units c JOIN units cu ON cu.id = c.unit_id "
        " WHERE c.recurrence_id = r.id) AS co_units, "
        "(SELECT count(*) FROM objectives o WHERE o.recurrence_id = r.id) AS instances "
        "FROM recurrences r JOIN decisions d ON d.id = r.decision_id JOIN units u ON u.id = r.lead_unit_id "
        + ("" if include_stopped else "WHERE r.active = 1 ") + "ORDER BY r.id")
