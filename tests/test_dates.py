"""Dates as people type them: the forms a Chinese office writes, full-width digits, and the
periods a form takes, each read the same from the CLI, a form and an import."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from superviser import dates, fields
from superviser.assessment import periods
from superviser.errors import InvalidInput


@pytest.mark.parametrize("typed,day", [
    ("2026-12-01", date(2026, 12, 1)), ("2026/12/1", date(2026, 12, 1)), ("2026.12.01", date(2026, 12, 1)),
    ("2026年12月1日", date(2026, 12, 1)), ("２０２６－１２－０１", date(2026, 12, 1)),
    ("２０２６年１２月１日", date(2026, 12, 1)), ("＋３ｄ", date(2026, 11, 23)), (" Tomorrow ", date(2026, 11, 21)),
])
def test_a_date_as_people_write_it(typed, day):  # (the tests run on 2026-11-20):
    assert dates.parse("deadline", typed) == day


@pytest.mark.parametrize("typed,problem", [
    ("2026-02-30", "'2026-02-30' is not a date"), ("2026年13月1日", "is not a date"),
    ("+99999d", "2300-09-04 is outside the years 2000 to 2100"),
    ("-9999999d", "-9999999d is outside the years 2000 to 2100"),
])
def test_a_date_that_is_none_says_why(typed, problem):
    with pytest.raises(InvalidInput, match=problem):
        dates.parse("deadline", typed)


def test_a_period_field_gives_a_period_or_names_the_mistake():
    field = fields.Field("period", "period", "period", required=True)
    assert fields.parse(field, "2026Q4") == periods.quarter(2026, 4)
    with pytest.raises(InvalidInput, match="period: 2026Q5 is not a period"):
        fields.parse(field, "2026Q5")
    with pytest.raises(InvalidInput, match="period: must not be empty"):
        fields.parse(field, " ")


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=30), st.from_regex(r"[+-]?[0-9０-９]{1,25}[dwDW]?", fullmatch=True),
                 st.from_regex(r"[0-9０-９]{4}[-/.年][0-9０-９]{1,3}[-/.月][0-9０-９]{1,3}日?", fullmatch=True)))
def test_any_text_is_a_date_in_range_or_a_named_mistake(typed):
    try:
        day = dates.parse("deadline", typed)
    except InvalidInput as error:
        assert error.field == "deadline" and error.problem
        return
    assert dates.FIRST_DAY <= day <= dates.LAST_DAY


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=8, unique=True), st.text(max_size=12))
def test_a_part_of_a_units_name_is_one_unit_or_a_named_mistake(names, typed):
    from superviser import refs
    from superviser.errors import NotFound

    try:
        meant = refs.unit_meant(names, typed)
    except (InvalidInput, NotFound) as error:
        assert error.field == "unit" and error.problem
        return
    assert meant in names and typed.strip()
