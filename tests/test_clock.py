"""The clock's log timestamps: the quick path (the second's text kept, and the millisecond's)
writes what the datetime path writes, at every millisecond, across seconds and days."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from superviser import clock

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NOW_NS = 1_790_000_000 * 10**9  # late 2026


def by_datetime(ns: int) -> str:
    return clock.stamp(EPOCH + timedelta(microseconds=ns // 1000))


@given(st.lists(st.integers(min_value=0, max_value=10**9 * 86_400 * 400), min_size=1, max_size=20),
       st.integers(min_value=0, max_value=999_999))
def test_the_quick_stamp_is_the_datetime_stamp(offsets, within):
    for offset in sorted(offsets) + offsets:  # within a second, into the next, and back
        ns = NOW_NS + offset
        assert clock._stamp_ns(ns) == by_datetime(ns)
        moved = ns - ns % 1_000_000 + within  # the same millisecond again, elsewhere in it
        assert clock._stamp_ns(moved) == by_datetime(moved)


def _stamped_with_another_at(line: int, mine: int, theirs: int) -> tuple[str, int]:
    """``_stamp_ns(mine)``, with ``_stamp_ns(theirs)`` made as its ``line``-th line is reached (as
    another thread would); and how many lines it ran."""
    import sys

    lines = 0

    def between(frame, event, _arg):
        nonlocal lines
        if frame.f_code is clock._stamp_ns.__code__ and event == "line":
            lines += 1
            if lines == line:
                sys.settrace(None)
                assert clock._stamp_ns(theirs) == by_datetime(theirs)
                sys.settrace(between)
        return between

    sys.settrace(between)
    try:
        return clock._stamp_ns(mine), lines
    finally:
        sys.settrace(None)


def test_another_thread_stamping_between_any_two_lines_changes_nothing():
    """The app's workers stamp too: another second's stamp made at any point of this one (a thread
    switch) leaves this one as the datetime path writes it."""
    mine, theirs = NOW_NS + 5_123_000_000, NOW_NS + 9_456_000_000
    line, ran = 0, 1
    while line <= ran:
        clock._stamp_ns(mine - 3_000_000_000)  # (the caches hold another second)
        made, ran = _stamped_with_another_at(line, mine, theirs)
        assert made == by_datetime(mine), f"another stamp at line {line}"
        line += 1


def test_a_stamp_has_milliseconds_and_z():
    assert clock._stamp_ns(NOW_NS + 7_000_000) == "2026-09-21T14:13:20.007Z"
    assert clock._stamp_ns(NOW_NS + 999_999_999) == "2026-09-21T14:13:20.999Z"


def test_the_running_clock_and_a_frozen_one():
    clock.freeze(None)  # (the tests' clock is frozen)
    before = clock.stamp(datetime.now(UTC))
    running = clock.stamp()
    assert before <= running <= clock.stamp(datetime.now(UTC))
    moment = datetime(2026, 3, 4, 5, 6, 7, 891_234, tzinfo=UTC)
    with clock.frozen(moment):
        assert clock.stamp() == "2026-03-04T05:06:07.891Z"
