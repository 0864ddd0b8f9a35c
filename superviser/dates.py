"""Dates as people type them and as they read them, in the user's language."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Literal, overload

from superviser import clock
from superviser.errors import InvalidInput
from superviser.i18n import _, current, humanize, is_chinese, ngettext

_RELATIVE = re.compile(r"^([+-])(\d+)([dw])$", re.ASCII)
# 2026-11-21, 2026-1-5, 2026/11/21, 2026.11.21, 2026年11月21日 (after NFKC: full-width digits too)
_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$", re.ASCII)


FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


@overload
def parse(field: str, value: str | date | None, *, required: Literal[True] = True, label: str | None = None) -> date: ...
@overload
def parse(field: str, value: str | date | None, *, required: bool, label: str | None = None) -> date | None: ...
def parse(field: str, value: str | date | None, *, required: bool = True, label: str | None = None) -> date | None:
    """``YYYY-MM-DD``, ``today``, ``tomorrow``, ``yesterday`` or ``+Nd`` / ``+Nw``, between the
    years 2000 and 2100 (anything else is a typing mistake, not a deadline)."""
    day = value if isinstance(value, date) else _parse_text(field, value, required, label)
    if day is None:
        return None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(field, _("{date} is outside the years 2000 to 2100").format(date=day.isoformat()), label)
    return day


def _parse_text(field: str, value: str | None, required: bool, label: str | None) -> date | None:
    text = unicodedata.normalize("NFKC", value or "").strip().lower()
    if not text:
        if required:
            raise InvalidInput(field, _("a date is required (YYYY-MM-DD, today, tomorrow or +Nd)"), label)
        return None
    today = clock.today()
    words = {"today": 0, "tomorrow": 1, "yesterday": -1, "今天": 0, "明天": 1, "昨天": -1,
             "hoy": 0, "mañana": 1, "ayer": -1}
    if text in words:
        return today + timedelta(days=words[text])
    if match := _RELATIVE.match(text):
        sign, number, unit = match.groups()
        days = int(number) * (7 if unit == "w" else 1) if len(number) <= 6 else None
        try:
            if days is not None:
                return today + timedelta(days=days if sign == "+" else -days)
        except OverflowError:
            pass
        # beyond the calendar itself: the same words as beyond 2100
        raise InvalidInput(field, _("{value} is outside the years 2000 to 2100").format(value=_shown(text)), label)
    if match := _DAY.match(text):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise InvalidInput(
        field, _("{value!r} is not a date; use YYYY-MM-DD, today, tomorrow or +Nd").format(value=_shown(text)), label)


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def relative_deadline(deadline: str | date | None, today: date | None = None, *, short: bool = False) -> str:
    """"in 3 days", "due today", "overdue by 2 days" (or the Chinese equivalents);
    ``short`` gives the table form, "2 days late"."""
    if not deadline:
        return ""
    today = today or clock.today()
    days = clock.days_between(today, deadline)
    if days == 0:
        return _("due today")
    if days == 1:
        return _("due tomorrow")
    if days > 0:
        return ngettext("in {n} day", "in {n} days", days).format(n=days)
    if short:
        return ngettext("{n} day late", "{n} days late", -days).format(n=-days)
    return ngettext("overdue by {n} day", "overdue by {n} days", -days).format(n=-days)


def days_left(deadline: str | date | None, today: date | None = None) -> int | None:
    if not deadline:
        return None
    return clock.days_between(today or clock.today(), deadline)


def _day(day: str | date) -> date:
    return date.fromisoformat(day[:10]) if isinstance(day, str) else day


def long_date(day: str | date) -> str:
    """A date written out in the user's language: "November 20, 2026", "2026年11月20日"."""
    from babel.dates import format_date  # imported on first use: it loads locale data

    return format_date(_day(day), "long", locale=current())


def short_date(day: str | date) -> str:
    """Day and month: "Nov 23", "11月23日"."""
    from babel.dates import format_skeleton

    return format_skeleton("MMMd", _day(day), locale=current())


def week_heading(day: str | date, today: date | None = None) -> tuple[str, str]:
    """The week a deadline falls in, and the day it ends: ("This week", "until Nov 22"),
    ("Next week", "until Nov 29"), ("Week of Nov 30", "until Dec 6")."""
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    today = today or clock.today()
    monday = day - timedelta(days=day.weekday())
    this_monday = today - timedelta(days=today.weekday())
    if monday == this_monday:
        name = _("This week")
    elif monday == this_monday + timedelta(days=7):
        name = _("Next week")
    else:
        name = _("Week of {date}").format(date=short_date(monday))
    # Translators: the last day of a week of deadlines, under "due" beside the week's name: keep it short
    return name, _("until {date}").format(date=short_date(monday + timedelta(days=6)))


_OFFSETS: dict[str, timedelta] = {}


def local(stamp: str) -> datetime:
    """A stored UTC timestamp as a naive local time.

    The local offset is looked up once per hour of UTC (offsets change on the hour),
    since ``astimezone()`` asks the C library every time and exports call this per step.
    """
    utc = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    hour = stamp[:13]
    offset = _OFFSETS.get(hour)
    if offset is None:
        offset = _OFFSETS[hour] = utc.astimezone().utcoffset() or timedelta(0)
    return utc.replace(tzinfo=None) + offset


_DAYS: dict[str, str] = {}


def local_day(stamp: str) -> str:
    """The local date (ISO) of a stored UTC timestamp, as ``local`` gives it; looked up once per
    hour of UTC unless the day changes within that hour (an offset with minutes)."""
    hour = stamp[:13]
    day = _DAYS.get(hour)
    if day is None:
        first, last = local(hour + ":00:00Z").date(), local(hour + ":59:59.999Z").date()
        day = _DAYS[hour] = first.isoformat() if first == last else ""
    return day or local(stamp).date().isoformat()


def moment(stamp: str) -> str:
    """A log timestamp in local time, to the minute."""
    at = local(stamp)
    return f"{at.year:04d}-{at.month:02d}-{at.day:02d} {at.hour:02d}:{at.minute:02d}"


def ago(stamp: str | datetime) -> str:
    """"3 hours ago" in the user's language: humanize's words in English and Spanish ("hace 3
    horas"); Babel's in Chinese ("3小时前"), where humanize says "3小时之前" and, for a month
    ago, "1月之前" (tests/test_quantities.py shows both)."""
    when = clock.parse_stamp(stamp) if isinstance(stamp, str) else stamp
    if is_chinese():
        from babel.dates import format_timedelta

        return format_timedelta(when - clock.now(), add_direction=True, locale=current())
    return humanize().naturaltime(clock.now() - when)
