"""The one clock. Everything that asks "what time is it" asks here.

It is the system clock: nothing a caller sets in the environment moves it, so the
log's times are the server's. ``frozen()`` moves it for a block of code (the demo
builder lays down months of history through the real services that way);
``freeze()`` holds it still for tests, from Python.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime

_override: datetime | None = None
_second: tuple[int, str] = (-1, "")  # the second last stamped, as text: an import stamps thousands in one
_milli: tuple[int, str] = (-1, "")  # the millisecond last stamped, and its stamp (tens of rows are planned in one)


def parse_stamp(value: str) -> datetime:
    """An ISO date or date-time (``Z`` or an offset; naive means UTC) as an aware UTC moment."""
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def now() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    if _override is not None:
        return _override
    return datetime.now(UTC)


def today() -> date:
    """Today's date where the office is (the server's local time)."""
    return now().astimezone().date()


def stamp(moment: datetime | None = None) -> str:
    """A log timestamp: UTC, ISO 8601, milliseconds, ``Z`` suffix."""
    if moment is None and _override is None:
        return _stamp_ns(time.time_ns())
    moment = (moment or now()).astimezone(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _stamp_ns(ns: int) -> str:
    """``stamp`` of the moment ``ns`` nanoseconds after the epoch (the clock ``now`` reads),
    formatting only the milliseconds while the second stays the same, nothing while the
    millisecond does. (Each cache is read once, whole: another thread may replace it meanwhile.)"""
    global _second, _milli
    milli = ns // 1_000_000
    made = _milli
    if milli == made[0]:
        return made[1]
    second, milliseconds = divmod(milli, 1000)
    whole = _second
    if second != whole[0]:
        whole = _second = (second, datetime.fromtimestamp(second, UTC).isoformat()[:19])
    made = _milli = (milli, f"{whole[1]}.{milliseconds:03d}Z")
    return made[1]


def days_between(earlier: date | str, later: date | str) -> int:
    if isinstance(earlier, str):
        earlier = date.fromisoformat(earlier)
    if isinstance(later, str):
        later = date.fromisoformat(later)
    return (later - earlier).days


def freeze(moment: datetime | None) -> None:
    """Hold the clock at ``moment`` (None lets it run again). For tests."""
    global _override
    _override = moment.astimezone(UTC) if moment is not None else None


@contextlib.contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """Run a block as if it were ``moment`` (used to build demo history)."""
    saved = _override
    freeze(moment)
    try:
        yield
    finally:
        freeze(saved)
