"""The one clock. Everything that asks "what time is it" asks here.

``SUPERVISER_NOW`` (ISO date or date-time) freezes it for tests, snapshots and
reproducible demos; ``frozen()`` moves it temporarily, which the demo builder
uses to lay down months of history through the real services.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

_override: datetime | None = None


def _parse(value: str) -> datetime:
    value = value.strip().replace("Z", "+00:00")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def now() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    if _override is not None:
        return _override
    frozen = os.environ.get("SUPERVISER_NOW")
    if frozen:
        return _parse(frozen)
    return datetime.now(timezone.utc)


def today() -> date:
    """Today's date where the office is (the server's local time)."""
    if _override is None and os.environ.get("SUPERVISER_NOW"):
        # A frozen clock is frozen in the office's terms: its date is today.
        raw = os.environ["SUPERVISER_NOW"].strip()
        if len(raw) == 10:
            return date.fromisoformat(raw)
        return _parse(raw).date()
    return now().astimezone().date()


def stamp(moment: datetime | None = None) -> str:
    """A log timestamp: UTC, ISO 8601, milliseconds, ``Z`` suffix."""
    moment = (moment or now()).astimezone(timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_stamp(value: str) -> datetime:
    return _parse(value)


def days_between(earlier: date | str, later: date | str) -> int:
    if isinstance(earlier, str):
        earlier = date.fromisoformat(earlier)
    if isinstance(later, str):
        later = date.fromisoformat(later)
    return (later - earlier).days


def shift(day: date, days: int) -> date:
    return day + timedelta(days=days)


@contextlib.contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """Run a block as if it were ``moment`` (used to build demo history)."""
    global _override
    saved = _override
    _override = moment.astimezone(timezone.utc)
    try:
        yield
    finally:
        _override = saved
