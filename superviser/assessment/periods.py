"""Periods people name: ``2026`` (a year), ``2026Q4`` (a quarter), ``2026-11`` (a month),
or ``2026-10-01..2026-12-31`` (any dates)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from superviser import clock, dates
from superviser.errors import InvalidInput
from superviser.i18n import N_, _

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_RANGE = re.compile(r"^(.+?)\s*(?:\.\.|～|~)\s*(.+)$")


@dataclass(frozen=True)
class Period:
    label: str
    since: date
    until: date
    kind: str = "dates"  # year, quarter, month, dates

    def ended(self, today: date | None = None) -> bool:
        return self.until < (today or clock.today())

    def shifted(self, steps: int) -> Period:
        """The period as long, ``steps`` before (negative) or after; dates shift by their length.
        Refused (``InvalidInput``) beyond the years a period may name."""
        try:
            found = self._shifted(steps)
        except (ValueError, OverflowError):  # (beyond the calendar itself)
            found = None
        if found is None or not (found.since >= dates.FIRST_DAY and found.until <= dates.LAST_DAY):
            raise InvalidInput("period", _("{value} is outside the years 2000 to 2100").format(
                value=found.label if found else self.label), N_("period"))
        return found

    def _shifted(self, steps: int) -> Period:
        if self.kind == "year":
            return year(self.since.year + steps)
        if self.kind in ("quarter", "month"):
            months = (3 if self.kind == "quarter" else 1) * steps
            index = self.since.year * 12 + self.since.month - 1 + months
            first = date(index // 12, index % 12 + 1, 1)
            return quarter(first.year, (first.month - 1) // 3 + 1) if self.kind == "quarter" else month(first.year, first.month)
        length = (self.until - self.since).days + 1
        since = date.fromordinal(self.since.toordinal() + steps * length)
        return between(since, date.fromordinal(since.toordinal() + length - 1))


def year(y: int) -> Period:
    return Period(str(y), date(y, 1, 1), date(y, 12, 31), "year")


def quarter(y: int, q: int) -> Period:
    last = q * 3
    return Period(f"{y}Q{q}", date(y, last - 2, 1), date(y, last, calendar.monthrange(y, last)[1]), "quarter")


def month(y: int, m: int) -> Period:
    return Period(f"{y}-{m:02d}", date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), "month")


def between(since: date, until: date) -> Period:
    return Period(f"{since.isoformat()}..{until.isoformat()}", since, until)


def current_quarter(today: date | None = None) -> Period:
    today = today or clock.today()
    return quarter(today.year, (today.month - 1) // 3 + 1)


def parse(text: str, field: str = "period", label: str = N_("period")) -> Period:
    value = (text or "").strip()
    wrong = InvalidInput(field, _("{value} is not a period; use 2026, 2026Q4, 2026-11 or 2026-10-01..2026-12-31").format(
        value=value[:40] or "''"), label)
    try:
        if match := _YEAR.match(value):
            found = year(int(match[1]))
        elif match := _QUARTER.match(value):
            found = quarter(int(match[1]), int(match[2]))
        elif match := _MONTH.match(value):
            if not 1 <= int(match[2]) <= 12:
                raise wrong
            found = month(int(match[1]), int(match[2]))
        elif match := _RANGE.match(value):
            since = dates.parse(field, match[1], label=label)
            until = dates.parse(field, match[2], label=label)
            if until < since:
                raise InvalidInput(field, _("{until} is before {since}").format(
                    until=until.isoformat(), since=since.isoformat()), label)
            found = between(since, until)
        else:
            raise wrong
    except ValueError:
        raise wrong from None
    if not (found.since >= dates.FIRST_DAY and found.until <= dates.LAST_DAY):
        raise InvalidInput(field, _("{value} is outside the years 2000 to 2100").format(value=value), label)
    return found
