"""The traffic light at its boundaries (today is 2026-11-20; near 3 days, silent 14, urges 2)."""

import pytest

from superviser import actions, store
from superviser.errors import InvalidInput
from superviser.read import counts as read_counts
from superviser.read import objectives
from superviser.services import org, steps


def light(office, ref):
    item = objectives.get(store.connect(office.path), ref)
    return item["light"], item["reason"]


@pytest.mark.parametrize("deadline,expected", [
    ("2026-11-19", ("red", "overdue")),
    ("2026-11-20", ("yellow", "due_soon")),
    ("2026-11-23", ("yellow", "due_soon")),
    ("2026-11-24", ("green", "on_track")),
])
def test_deadline_boundaries(office, deadline, expected):
    ref = office.objective(deadline=deadline, status="in_progress")
    assert light(office, ref) == expected


def _silent_since(office, ref, day):
    db = store.connect(office.path)
    db.conn.execute("UPDATE objectives SET last_report_on = ?, active_since = ? WHERE ref = ?", (day, day, ref))


@pytest.mark.parametrize("last_report,expected", [("2026-11-06", "silent"), ("2026-11-07", "on_track")])
def test_silence_boundary(office, last_report, expected):
    ref = office.objective(deadline="2027-01-31", status="in_progress")
    _silent_since(office, ref, last_report)
    assert light(office, ref)[1] == expected


def test_silence_counts_from_acceptance_when_nothing_was_reported(office):
    ref = office.objective(deadline="2027-01-31", status="accepted")
    db = store.connect(office.path)
    db.conn.execute("UPDATE objectives SET active_since = '2026-11-01' WHERE ref = ?", (ref,))
    assert light(office, ref) == ("yellow", "silent")


def test_urged_boundary(office):
    ref = office.objective(deadline="2027-01-31", status="in_progress")
    steps.urge(office.director, ref)
    assert light(office, ref) == ("green", "on_track")
    steps.urge(office.director, ref)
    assert light(office, ref) == ("yellow", "urged")


def test_thresholds_are_settings(office):
    ref = office.objective(deadline="2026-11-27", status="in_progress")
    assert light(office, ref) == ("green", "on_track")
    org.setting_set(office.director, "light.near_days", "7")
    assert light(office, ref) == ("yellow", "due_soon")


@pytest.mark.parametrize("status,expected", [
    ("closed", ("grey", "closed")), ("suspended", ("grey", "suspended")), ("cancelled", ("grey", "cancelled")),
    ("submitted", ("green", "submitted")), ("verified", ("green", "submitted")),
])
def test_status_lights(office, status, expected):
    ref = office.objective(deadline="2026-11-25", status=status)
    assert light(office, ref) == expected


def test_overdue_registered_and_returned_are_red(office):
    for status in ("registered", "returned"):
        ref = office.objective(deadline="2026-11-19", status=status)
        assert light(office, ref) == ("red", "overdue")


def test_override_changes_the_light_not_the_facts_until_closed(office):
    ref = office.objective(deadline="2026-11-19", status="in_progress")
    steps.light(office.director, ref, colour="green", reason="practically done")
    assert light(office, ref) == ("green", "overdue")  # still overdue: the office only judged the light
    item = objectives.get(store.connect(office.path), ref)
    assert item["set_by_office"]
    assert item["light_explained"] == "set green by the office: practically done; by the rules: past its deadline"
    steps.complete(office.session("li"), ref, text="done")
    steps.verify(office.director, ref)
    assert light(office, ref) == ("grey", "closed")


def test_a_light_is_set_with_a_reason_and_cleared_without(office):
    ref = office.objective(status="in_progress")
    with pytest.raises(InvalidInput, match=r"reason: is required to set a light \(clearing the override needs none\)"):
        steps.light(office.director, ref, colour="red")
    steps.light(office.director, ref, colour="red", reason="the minister asked")
    steps.light(office.director, ref, colour="clear")
    assert light(office, ref)[0] == "green"
    field = next(f for f in actions.ACTIONS["light"].fields if f.key == "reason")
    assert not field.required and "required to set a light" in field.hint  # the form says when it is needed


def test_filter_and_count_by_light_agree_with_rows(office):
    office.objective(deadline="2026-11-19", status="in_progress")
    office.objective(deadline="2026-11-21", status="in_progress")
    office.objective(deadline="2026-12-30", status="in_progress")
    office.objective(deadline="2026-12-30", status="closed")
    db = store.connect(office.path)
    counts = read_counts.overview(db)["lights"]
    assert counts == {"red": 1, "yellow": 1, "green": 1, "grey": 1}
    for colour, n in counts.items():
        rows = objectives.list_objectives(db, objectives.Filter(light=colour))
        assert len(rows) == n and all(r["light"] == colour for r in rows)
