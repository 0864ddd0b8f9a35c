"""Dates and times as Excel's day numbers (days from 30 December 1899), so that people can
sort and filter on them; numbers are also cheaper cells than text."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from superviser import dates

_DAY0 = date(1899, 12, 30).toordinal()
_EPOCH = datetime(1899, 12, 30)


def day(value: str):
    """An ISO date as Excel's day number; "" stays ""."""
    return date.fromisoformat(value).toordinal() - _DAY0 if value else ""


_HOURS: dict[str, int] = {}  # a UTC hour → microseconds from Excel's day 0 to that hour in local time


def moment(stamp: str) -> float:
    """A log timestamp in local time as Excel's number of days: the hour looked up once, the
    minutes and seconds read from the text (the log's timestamps are all written alike)."""
    if len(stamp) != 24 or stamp[-1] != "Z":  # not clock.stamp()'s shape: the long way
        return (dates.local(stamp) - _EPOCH).total_seconds() / 86400
    hour = _HOURS.get(stamp[:13])
    if hour is None:
        hour = _HOURS[stamp[:13]] = (dates.local(stamp[:13] + ":00:00.000Z") - _EPOCH) // timedelta(microseconds=1)
    micro = hour + (int(stamp[14:16]) * 60 + int(stamp[17:19])) * 1_000_000 + int(stamp[20:23]) * 1000
    return micro / 1_000_000 / 86400
