"""Reporting rhythms: an objective's own "no report for too long", kept by the steps as
``next_report_due`` in their transaction, shown by the light, the review and Deadlines."""

from datetime import date

import pytest

from superviser import audit, review, rhythm, store
from superviser.errors import InvalidInput
from superviser.read import objectives
from superviser.services import reporting, steps, undo


def state(office, ref) -> dict:
    return objectives.get(store.connect(office.path), ref)


def test_weekly_reports_follow_their_own_rhythm(office, set_now):
    ref = office.objective(status="accepted", deadline="2027-03-01")  # accepted on 2026-11-20
    quiet = office.objective(title="General rule", status="accepted", deadline="2027-03-01")
    reporting.rhythm(office.director, ref, rhythm="weekly")
    assert state(office, ref)["next_report_due"] == "2026-11-27"
    set_now("2026-11-28T09:00:00Z")  # 8 days: past its week, well within the general 14 days
    row = state(office, ref)
    assert (row["reason"], row["light"]) == ("silent", "yellow")
    assert row["light_explained"] == "weekly report due by 2026-11-27, none since"
    assert state(office, quiet)["reason"] == "on_track"
    queue = review.queue(store.connect(office.path), "boss")
    assert [(i["ref"], i["category"]) for i in queue] == [(ref, "silent")]
    steps.progress(office.session("li"), ref, percent=20, text="begun")
    assert state(office, ref)["next_report_due"] == "2026-12-05"
    assert state(office, ref)["reason"] == "on_track"
    assert audit.run(store.connect(office.path)).ok


def test_monthly_and_the_months_end():
    assert rhythm.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert rhythm.add_months(date(2026, 11, 30), 3, on_day=31) == date(2027, 2, 28)
    assert rhythm.next_due("monthly", "2026-11-20", "2026-11-01", []) == "2026-12-20"
    assert rhythm.next_due("weekly", None, "2026-11-20", []) == "2026-11-27"
    assert rhythm.next_due(None, "2026-11-20", None, []) is None


def test_stages_are_met_by_the_report_in_their_window(office, set_now):
    ref = office.objective(status="accepted", deadline="2027-03-01")
    reporting.rhythm(office.director, ref, rhythm="stages",
                     milestones=["2026-12-01 Plan agreed", "2027-01-15 Half the sites", "2027-02-15 All sites"])
    assert state(office, ref)["next_report_due"] == "2026-12-01"
    li = office.session("li")
    set_now("2026-11-25T09:00:00Z")
    steps.progress(li, ref, percent=10, text="plan drafted")  # in the first stage's window
    assert state(office, ref)["next_report_due"] == "2027-01-15"
    set_now("2026-12-01T09:00:00Z")  # the first stage's day: nothing more is met
    steps.progress(li, ref, percent=15, text="plan agreed")
    assert state(office, ref)["next_report_due"] == "2027-01-15"
    set_now("2027-02-01T09:00:00Z")  # after the second stage passed unreported: silent
    assert state(office, ref)["reason"] == "silent"
    assert state(office, ref)["light_explained"] == "stage report due by 2027-01-15, none since"
    late = steps.progress(li, ref, percent=60, text="half, late")  # meets the missed one and the next
    assert state(office, ref)["next_report_due"] is None
    met = [(m["due_on"], m["reported_on"]) for m in rhythm.milestones(store.connect(office.path), 1)]
    assert met == [("2026-12-01", "2026-11-25"), ("2027-01-15", "2027-02-01"), ("2027-02-15", "2027-02-01")]
    undo.undo(li, late.seq)
    assert state(office, ref)["next_report_due"] == "2027-01-15"
    assert rhythm.milestones(store.connect(office.path), 1)[1]["reported_on"] is None
    assert audit.run(store.connect(office.path)).ok


def test_milestones_reported_on_stay_when_the_stages_change(office, set_now):
    ref = office.objective(status="accepted", deadline="2027-03-01")
    reporting.rhythm(office.director, ref, rhythm="stages", milestones="2026-11-25 Survey\n2026-12-20 Plan")
    steps.progress(office.session("li"), ref, percent=10, text="surveyed")
    reporting.rhythm(office.director, ref, rhythm="stages", milestones=["2027-01-10 Plan, later"])
    shown = [(m["due_on"], m["title"], bool(m["reported_on"])) for m in rhythm.milestones(store.connect(office.path), 1)]
    assert shown == [("2026-11-25", "Survey", True), ("2027-01-10", "Plan, later", False)]
    done = reporting.rhythm(office.director, ref, rhythm="none")
    assert "general rule" in done.message
    assert state(office, ref)["next_report_due"] is None and state(office, ref)["report_rhythm"] is None


@pytest.mark.parametrize("rhythm_,milestones,problem", [
    ("stages", [], "needs at least one milestone"),
    ("weekly", ["2026-12-01 Plan"], "go with a rhythm by stage"),
    ("stages", ["2026-12-01 Plan", "soon Next"], "line 2: 'soon' is not a date"),
    ("stages", ["2026-12-01"], "line 1: give a date and what is due"),
    ("stages", ["2027-05-01 After"], "is after the deadline 2027-03-01"),
])
def test_milestones_are_checked(office, rhythm_, milestones, problem):
    ref = office.objective(status="accepted", deadline="2027-03-01")
    with pytest.raises(InvalidInput, match=problem):
        reporting.rhythm(office.director, ref, rhythm=rhythm_, milestones=milestones)


def test_due_milestones_for_the_deadlines_list(office):
    ref = office.objective(status="accepted", deadline="2027-03-01")
    reporting.rhythm(office.director, ref, rhythm="stages", milestones=["2026-11-10 Late one", "2026-12-01 Plan"])
    db = store.connect(office.path)
    assert [m["milestone_title"] for m in rhythm.due_milestones(db, None, None)] == ["Late one", "Plan"]
    assert [m["milestone_title"] for m in rhythm.due_milestones(db, "2026-11-10", "2026-11-30")] == []
    assert [m["deadline"] for m in rhythm.due_milestones(db, "2026-11-10", None, "plan")] == ["2026-12-01"]


def test_rhythm_through_the_cli(office, cli):
    ref = office.objective(status="assigned", deadline="2027-03-01")
    ran = cli("--db", office.path, "rhythm", ref, "stages", "--milestone", "2026-12-01 Plan agreed",
              "--milestone", "2027-01-15 Half")
    assert ran.code == 0 and "the next by 2026-12-01" in ran.out, ran.err
    shown = cli("--db", office.path, "objective", "show", ref, "--json")
    assert '"report_rhythm": "stages"' in shown.out and '"next_report_due": "2026-12-01"' in shown.out
    bad = cli("--db", office.path, "rhythm", ref, "fortnightly")
    assert bad.code == 2 and "rhythm" in bad.err


def test_a_monthly_rhythm_is_not_silent_where_the_general_rule_would_be(office, set_now):
    ref = office.objective(status="accepted", deadline="2027-03-01")
    general = office.objective(title="General rule", status="accepted", deadline="2027-03-01")
    reporting.rhythm(office.director, ref, rhythm="monthly")
    set_now("2026-12-10T09:00:00Z")  # 20 days: past light.silent_days (14), within the month
    assert (state(office, ref)["reason"], state(office, general)["reason"]) == ("on_track", "silent")
    set_now("2026-12-21T09:00:00Z")
    assert state(office, ref)["reason"] == "silent"


def test_a_report_due_soon_is_in_the_review_and_the_digests(office, set_now):
    from superviser import digest
    from superviser.delivery import digests

    ref = office.objective(title="Weekly", status="accepted", deadline="2027-03-01")  # accepted on 2026-11-20
    later = office.objective(title="Monthly", status="accepted", deadline="2027-03-01")
    reporting.rhythm(office.director, ref, rhythm="weekly")  # due 2026-11-27
    reporting.rhythm(office.director, later, rhythm="monthly")  # due 2026-12-20
    db = store.connect(office.path)
    assert review.queue(db, "boss") == []  # a week ahead: nothing to chase yet
    set_now("2026-11-25T09:00:00Z")  # two days before, within light.near_days (3)
    assert [(i["ref"], i["category"]) for i in review.queue(db, "boss")] == [(ref, "report_due")]
    assert state(office, ref)["reason"] == "on_track"  # due soon is not late: the light stays green
    shown = digest.render(digest.digest(db))
    assert "Reports due soon" in shown and "weekly, the next by 2026-11-27" in shown and "Monthly" not in shown
    unit = db.conn.execute("SELECT lead_unit_id FROM objectives WHERE ref = ?", (ref,)).fetchone()[0]
    assert [(key, [r["ref"] for r in rows]) for key, rows in digests.sections(db, unit)
            if key == "report_due"] == [("report_due", [ref])]
    set_now("2026-11-28T09:00:00Z")  # a day late: no longer due soon, silent by its rhythm
    assert [(i["ref"], i["category"]) for i in review.queue(db, "boss")] == [(ref, "silent")]
