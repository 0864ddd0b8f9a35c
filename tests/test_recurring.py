"""Recurring matters: each instance registered once, on its date, tracked on its own; a
changed rule never rewrites an instance already registered; `recur run` is safe to repeat."""

import json
import subprocess
import sys
from datetime import date

import pytest

from superviser import audit, clock, recurring, store
from superviser.errors import InvalidInput
from superviser.read import objectives
from superviser.services import org, steps
from superviser.services import recurring as service
from tests.conftest import ROOT


def instances(office) -> list[tuple]:
    db = store.connect(office.path)
    return [(r["ref"], r["title"], r["deadline"], r["status"], r["report_rhythm"], tuple(r["co_units"]))
            for r in objectives.list_objectives(db, objectives.Filter(), limit=None, order="ref")]


def test_calendar_rules():
    start = date(2026, 1, 31)
    assert recurring.occurrences("monthly", start, None, date(2026, 4, 30)) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert recurring.occurrences("quarterly", start, date(2026, 1, 31), date(2026, 12, 31)) == [
        date(2026, 4, 30), date(2026, 7, 31), date(2026, 10, 31)]
    assert recurring.occurrences("yearly", date(2026, 3, 1), None, date(2028, 2, 29)) == [
        date(2026, 3, 1), date(2027, 3, 1)]
    assert recurring.instance_title("Audit", "quarterly", date(2026, 11, 5)) == "Audit (2026Q4)"


def test_run_registers_what_is_due_once(office, set_now):
    made = service.recur_add(office.director, "Monthly safety report", decision=office.decision, lead="Finance",
                             co=["Planning"], rule="monthly", start="2026-11-05", days=10, rhythm="weekly")
    first = service.recur_run(office.director)
    assert first.data == {"created": ["2026-001.1"], "problems": []}
    assert instances(office) == [("2026-001.1", "Monthly safety report (2026-11)", "2026-11-15", "assigned", "weekly",
                                  ("Planning",))]
    assert service.recur_run(office.director).data["created"] == []  # nothing twice
    set_now("2027-02-06T09:00:00Z")  # three more months came while nobody ran it
    assert service.recur_run(office.director).data["created"] == ["2026-001.2", "2026-001.3", "2026-001.4"]
    row = objectives.get(store.connect(office.path), "2026-001.4")
    assert (row["title"], row["deadline"], row["recurrence_id"]) == ("Monthly safety report (2027-02)", "2027-02-15",
                                                                       made.data["id"])
    assert audit.run(store.connect(office.path)).ok


def test_after_close_waits_for_the_last_one(office, set_now):
    service.recur_add(office.director, "Audit", decision=office.decision, lead="Finance", rule="after-close",
                      start="2026-11-20", days=20, gap=5)
    assert service.recur_run(office.director).data["created"] == ["2026-001.1"]
    set_now("2026-12-30T09:00:00Z")
    assert service.recur_run(office.director).data["created"] == []  # the first is still open
    li = office.session("li")
    steps.accept(li, "2026-001.1")
    steps.complete(li, "2026-001.1", text="done")
    steps.verify(office.director, "2026-001.1")  # closed on 2026-12-30
    set_now("2027-01-03T09:00:00Z")
    assert service.recur_run(office.director).data["created"] == []
    set_now("2027-01-04T09:00:00Z")
    assert service.recur_run(office.director).data["created"] == ["2026-001.2"]
    assert objectives.get(store.connect(office.path), "2026-001.2")["deadline"] == "2027-01-24"


def upcoming(office) -> str:
    db = store.connect(office.path)
    return recurring.upcoming(db, recurring.recurrences(db)[0], clock.today())


def test_the_last_year_gets_its_date_and_then_none_is_left(office, set_now):
    """The list said nothing for a rule that starts more than 400 days ahead, and after its
    December 2100 one named January 2101, a date no step accepts."""
    service.recur_add(office.director, "Report", decision=office.decision, lead="Finance", rule="monthly",
                      start="2100-12-01", days=10)
    assert upcoming(office) == "2100-12-01"
    set_now("2100-12-02T09:00:00Z")
    assert service.recur_run(office.director).data["created"] == ["2026-001.1"]
    assert upcoming(office) == "none left"
    assert service.recur_run(office.director).data["created"] == []


def test_after_close_names_its_first_date_and_the_next_once_the_last_one_closed(office, set_now):
    service.recur_add(office.director, "Audit", decision=office.decision, lead="Finance", rule="after-close",
                      start="2026-12-01", days=20, gap=5)
    assert upcoming(office) == "2026-12-01"  # none registered yet: there is no current one to wait for
    set_now("2026-12-01T09:00:00Z")
    service.recur_run(office.director)
    assert upcoming(office) == "after the current one closes"
    li = office.session("li")
    steps.accept(li, "2026-001.1")
    steps.complete(li, "2026-001.1", text="done")
    steps.verify(office.director, "2026-001.1")
    assert upcoming(office) == "2026-12-06"


def test_a_changed_rule_never_rewrites_what_was_registered(office, set_now):
    service.recur_add(office.director, "Report", decision=office.decision, lead="Finance", rule="monthly",
                      start="2026-11-01", days=10)
    service.recur_run(office.director)
    before = instances(office)
    service.recur_edit(office.director, "1", title="Safety report", days=20, rule="quarterly", co=["Planning"])
    assert instances(office) == before
    set_now("2027-02-02T09:00:00Z")
    service.recur_run(office.director)
    assert instances(office)[1:] == [("2026-001.2", "Safety report (2027Q1)", "2027-02-21", "assigned", None,
                                      ("Planning",))]


def test_a_template_that_cannot_run_is_named_and_the_others_go_ahead(office, cli):
    service.recur_add(office.director, "Planning's", decision=office.decision, lead="Planning", rule="monthly",
                      start="2026-11-01", days=30)
    service.recur_add(office.director, "Finance's", decision=office.decision, lead="Finance", rule="monthly",
                      start="2026-11-01", days=30)
    org.unit_edit(office.director, "Planning", active=False)
    ran = cli("--db", office.path, "recur", "run", "--json")
    assert ran.code == 4
    result = json.loads(ran.out)
    assert result["created"] == ["2026-001.1"] and "Planning is deactivated" in result["problems"][0]


def test_templates_are_checked(office):
    with pytest.raises(InvalidInput, match="before the decision's date"):
        service.recur_add(office.director, "Early", decision=office.decision, lead="Finance", rule="monthly",
                          start="2026-10-01", days=10)
    with pytest.raises(InvalidInput, match="repeats"):
        service.recur_add(office.director, "Odd", decision=office.decision, lead="Finance", rule="fortnightly",
                          start="2026-12-01", days=10)
    with pytest.raises(InvalidInput, match="nothing to change"):
        service.recur_add(office.director, "R", decision=office.decision, lead="Finance", rule="monthly",
                          start="2026-12-01", days=10)
        service.recur_edit(office.director, "1", days=10)


def test_two_runs_at_once_register_each_instance_once(office):
    """cron may start a run while another is still going: real processes, one database."""
    from superviser.services import registry

    decision = registry.decision_add(office.director, "Monthly returns", source="superior", decided_on="2026-01-01").ref
    service.recur_add(office.director, "Monthly", decision=decision, lead="Finance", rule="monthly",
                      start="2026-01-01", days=30)
    env = {"SUPERVISER_USER": "boss", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tests.frozen", "2026-11-20T09:00:00Z", "--", "--db", str(office.path),
               "recur", "run", "--json"]
    import os

    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                             env=dict(os.environ, **env)) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    created = [ref for out, _err in outputs for ref in json.loads(out)["created"]]
    assert sorted(created, key=lambda r: int(r.rsplit(".", 1)[1])) == [f"2026-002.{n}" for n in range(1, 12)]
    # January to November, once each
    assert len(instances(office)) == 11
