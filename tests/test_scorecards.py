"""Unit scorecards: lead and co-unit counted apart; the original deadline decides on-time."""

import csv

from superviser import store
from superviser.assessment import periods, scorer
from superviser.exports.report import Scope
from superviser.exports.run import export
from superviser.importer import import_ledger
from superviser.read import units
from superviser.services import steps


def card(office, name):
    return next(c for c in units.scorecards(store.connect(office.path)) if c["name"] == name)


def test_lead_and_co_unit_counted_apart(office):
    office.objective(lead="Finance", co=["East Station"], status="in_progress", deadline="2026-11-10")
    office.objective(lead="East Station", status="in_progress", deadline="2026-12-20")
    finance, east = card(office, "Finance"), card(office, "East Station")
    assert finance["lead"]["open"] == 1 and finance["lead"]["overdue"] == 1 and finance["co"]["open"] == 0
    assert east["lead"]["open"] == 1 and east["lead"]["overdue"] == 0
    assert east["co"]["open"] == 1 and east["co"]["overdue"] == 1


def test_on_time_rate_uses_the_original_deadline(office, set_now):
    on_time = office.objective(deadline="2026-11-25", status="accepted")
    extended = office.objective(deadline="2026-11-21", status="accepted")
    steps.extend_request(office.session("li"), extended, to="2026-12-10", reason="rain")
    steps.extend_approve(office.director, extended)
    set_now("2026-11-24T09:00:00Z")  # after the original deadline of the second
    for ref in (on_time, extended):
        steps.complete(office.session("li"), ref, text="done")
        steps.verify(office.director, ref)
    lead = card(office, "Finance")["lead"]
    assert lead["closed"] == 2 and lead["on_time"] == 1 and lead["on_time_rate"] == 50
    assert lead["avg_delay"] == 3.0  # completed on the 24th, originally due the 21st


def test_work_closed_in_a_ledger_brought_in_is_neither_on_time_nor_late(office, tmp_path):
    """Its completion date is unknown: counting it as not on time gave a unit 33% for one
    objective closed on time and two closed before the office used superviser."""
    ledger = tmp_path / "ledger.csv"
    with ledger.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["title", "lead", "due", "status"], ["Old one", "Finance", "2026-06-30", "closed"],
                                 ["Old two", "Finance", "2026-07-31", "closed"]])
    assert import_ledger(office.director, ledger).ok
    office.objective(deadline="2026-12-20", status="closed")
    lead = card(office, "Finance")["lead"]
    assert lead["closed"] == 3 and lead["on_time"] == 1 and lead["on_time_rate"] == 100
    # as the assessment counts the same objectives (on time over on time and late)
    everything = scorer.compute(store.connect(office.path), periods.parse("2000-01-01..2100-12-31"))
    assert everything.unit(card(office, "Finance")["id"]).on_time_rate == 100


def test_average_delay_counts_open_overdue_work_too(office):
    office.objective(deadline="2026-11-10", status="in_progress")  # 10 days late today
    office.objective(deadline="2026-11-16", status="accepted")  # 4 days late
    office.objective(deadline="2026-12-30", status="accepted")  # not late
    lead = card(office, "Finance")["lead"]
    assert lead["late"] == 2 and lead["avg_delay"] == 7.0 and lead["on_time_rate"] is None


def test_urges_and_suspended_work(office):
    ref = office.objective(status="accepted", deadline="2026-12-20")
    steps.urge(office.director, ref)
    steps.urge(office.director, ref)
    office.objective(status="suspended", deadline="2026-12-20")
    lead = card(office, "Finance")["lead"]
    assert lead["urges"] == 2 and lead["open"] == 1  # a suspended objective is not open


def test_units_in_tree_order(office):
    names = [(c["name"], c["depth"]) for c in units.scorecards(store.connect(office.path))]
    assert ("East Depot", 1) in names
    assert names.index(("East Depot", 1)) == names.index(("East Station", 0)) + 1


def test_every_place_showing_the_scorecards_says_they_are_all_time(office, tmp_path, cli):
    """A bulletin for a period, the unit list: their scorecards cover all time, and say so (in a
    period's bulletin they read as the period's); the scores say their counts are the lead's."""
    page = export(office.director, "md", Scope(since=periods.parse("2026Q4").since), tmp_path / "b.md")
    bulletin = page.path.read_text(encoding="utf-8")
    cards = bulletin[bulletin.index("## Unit scorecards"):]
    assert "All time, not a period." in cards.split("|")[0]
    assert "Counts: as lead unit only." in bulletin[bulletin.index("## Assessment"):]
    listed = cli("--db", office.path, "unit", "list")
    assert listed.code == 0 and "All time, not a period." in listed.out
    assert "All time" not in cli("--db", office.path, "unit", "list", "--json").out
