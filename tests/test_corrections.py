"""Correcting what was registered: decisions, objectives, the deadline, units. Each correction
is one logged step with before and after, refused on a stale version, and replays."""

import json
import sqlite3

import pytest

from superviser import audit, journal, refs, store
from superviser.errors import Conflict, Forbidden, InvalidInput, NotFound, Refused
from superviser.read import objectives, units
from superviser.services import corrections, org, registry, steps, undo


def entry(office, seq: int) -> dict:
    row = store.connect(office.path).conn.execute("SELECT action, changes FROM log WHERE seq = ?", (seq,)).fetchone()
    return {"action": row[0], "changes": json.loads(row[1])}


def replays(office) -> bool:
    return audit.run(store.connect(office.path)).ok


# --- decisions ---------------------------------------------------------------------------------
def test_a_decision_corrected_with_before_and_after(office):
    done = corrections.decision_edit(office.director, office.decision, title="Winter safety 2026", leader="Zhao",
                                     source_ref="Office meeting 2026/22", priority="urgent", expected_version=1)
    changes = entry(office, done.seq)["changes"]
    assert changes["decisions#1.title"] == ["Winter safety", "Winter safety 2026"]
    assert changes["decisions#1.leader"] == ["", "Zhao"]
    assert changes["decisions#1.priority"] == ["normal", "urgent"]
    assert changes["decisions#1.version"] == [1, 2]
    assert "decisions#1.source" not in changes  # what was not given stays as it was
    assert replays(office)


def test_a_decision_changed_since_is_a_conflict(office):
    corrections.decision_edit(office.session("sup"), office.decision, leader="Zhao")
    before = journal.head(store.connect(office.path))
    with pytest.raises(Conflict, match="changed since you looked at it"):
        corrections.decision_edit(office.director, office.decision, leader="Qian", expected_version=1)
    assert journal.head(store.connect(office.path)) == before


def test_a_liaison_never_corrects(office):
    with pytest.raises(Forbidden, match="only a director or supervisor"):
        corrections.decision_edit(office.session("li"), office.decision, title="Mine now")


def test_a_decision_date_after_its_objectives_deadlines_is_refused(office):
    office.objective(deadline="2026-11-25")
    with pytest.raises(InvalidInput, match="is due 2026-11-25, before this date"):
        corrections.decision_edit(office.director, office.decision, decided_on="2026-12-01")
    with pytest.raises(InvalidInput, match="must not be empty"):
        corrections.decision_edit(office.director, office.decision, title="  ")
    with pytest.raises(InvalidInput, match="nothing to change"):
        corrections.decision_edit(office.director, office.decision, title="Winter safety")


def _options(cli, *command) -> set[str]:
    text = cli(*command, "--help").out
    return {word.rstrip(",") for word in text.split() if word.startswith("--")} - {"--help", "--json", "--if-version"}


def test_edit_takes_the_same_options_as_add(cli):
    assert _options(cli, "decision", "edit") == _options(cli, "decision", "add") | {"--title"}
    assert _options(cli, "objective", "edit") == {"--title", "--detail", "--co", "--priority", "--parent"}
    assert _options(cli, "objective", "edit") - {"--title"} <= _options(cli, "objective", "add")


def test_decision_edit_through_the_cli(office, cli):
    ran = cli("--db", office.path, "decision", "edit", office.decision, "--ref", "Doc 〔2026〕7", "--if-version", "1",
              "--json")
    assert ran.code == 0, ran.err
    assert refs.decision(store.connect(office.path), office.decision)["source_ref"] == "Doc 〔2026〕7"
    stale = cli("--db", office.path, "decision", "edit", office.decision, "--leader", "Qian", "--if-version", "1")
    assert stale.code == 6 and len(stale.err.strip().splitlines()) == 1


# --- objectives --------------------------------------------------------------------------------
def test_an_objective_corrected(office):
    ref = office.objective(co=["East Station"], status="accepted")
    version = objectives.get(office.director.db, ref)["version"]
    done = corrections.objective_edit(office.director, ref, title="Repair the canopy and gutters", detail="Both sides",
                                      co=["Planning"], priority="critical", expected_version=version)
    changes = entry(office, done.seq)["changes"]
    assert changes["objectives#1.title"] == ["Repair the canopy", "Repair the canopy and gutters"]
    assert changes["objectives#1.priority"] == ["normal", "critical"]
    assert changes["co_units#1,3"] == [{"objective_id": 1, "unit_id": 3}, None]
    assert changes["co_units#1,5"] == [None, {"objective_id": 1, "unit_id": 5}]
    with pytest.raises(Conflict):
        corrections.objective_edit(office.director, ref, title="Again", expected_version=version)
    with pytest.raises(InvalidInput, match="lead unit cannot also be a co-unit"):
        corrections.objective_edit(office.director, ref, co=["Finance"])
    assert replays(office)


def test_moving_an_objective_renumbers_it_and_keeps_the_old_reference(office):
    first = office.objective(title="Boilers", deadline="2026-12-20")
    second = office.objective(title="Chimneys", deadline="2026-12-10")
    child = office.objective(title="North chimney", deadline="2026-12-01", parent=second)
    moved = corrections.objective_edit(office.director, second, parent=first)
    assert moved.ref == "2026-001.1.1" and "it is now 2026-001.1.1" in moved.message
    db = store.connect(office.path)
    assert refs.objective(db, child)["ref"] == "2026-001.1.1.1"
    assert refs.objective(db, second)["ref"] == "2026-001.1.1"  # the old reference still finds it
    newcomer = office.objective(title="Gutters")
    assert newcomer == "2026-001.3"  # never the reference another objective had
    undone = undo.undo(office.director, moved.seq)
    assert refs.objective(store.connect(office.path), "2026-001.2")["title"] == "Chimneys"
    assert refs.objective(store.connect(office.path), "2026-001.2.1")["title"] == "North chimney"
    assert undone.ref == "2026-001.2"
    assert replays(office)


def test_moves_that_make_no_sense_are_refused(office):
    first = office.objective(title="Boilers", deadline="2026-12-20")
    child = office.objective(title="North", deadline="2026-12-10", parent=first)
    late = office.objective(title="Late", deadline="2027-01-31")
    with pytest.raises(InvalidInput, match="under itself or its own sub-objectives"):
        corrections.objective_edit(office.director, first, parent=child)
    with pytest.raises(InvalidInput, match="is after the deadline of"):
        corrections.objective_edit(office.director, late, parent=first)
    other = registry.decision_add(office.director, "Other", source="leader", decided_on="2026-11-01").ref
    elsewhere = office.objective(title="Elsewhere", decision=other)
    with pytest.raises(InvalidInput, match="belongs to another decision"):
        corrections.objective_edit(office.director, elsewhere, parent=first)
    assert corrections.objective_edit(office.director, child, parent="").ref == "2026-001.3"


# --- the deadline --------------------------------------------------------------------------------
def test_the_director_moves_a_passed_deadline_and_the_original_stays(office, set_now):
    ref = office.objective(deadline="2026-11-25", status="accepted")
    set_now("2026-11-28T09:00:00Z")
    done = corrections.deadline(office.director, ref, to="2026-12-31", reason="the province moved it")
    assert "the original deadline 2026-11-25 is kept" in done.message
    row = objectives.get(store.connect(office.path), ref)
    assert (row["deadline"], row["original_deadline"], row["reason"]) == ("2026-12-31", "2026-11-25", "on_track")
    assert entry(office, done.seq)["changes"]["objectives#1.deadline"] == ["2026-11-25", "2026-12-31"]
    steps.complete(office.session("li"), ref, text="done")
    steps.verify(office.director, ref)
    card = next(c for c in units.scorecards(store.connect(office.path)) if c["name"] == "Finance")
    assert card["lead"]["on_time"] == 0  # the on-time rate is counted on the original deadline
    with pytest.raises(Forbidden):
        corrections.deadline(office.session("sup"), office.objective(), to="2026-12-31", reason="x")


def test_a_deadline_that_breaks_the_tree_is_refused(office):
    parent = office.objective(deadline="2026-12-20")
    child = office.objective(deadline="2026-12-15", parent=parent)
    with pytest.raises(InvalidInput, match="sub-objectives 2026-001.1.1 are due later"):
        corrections.deadline(office.director, parent, to="2026-12-10", reason="sooner")
    with pytest.raises(InvalidInput, match="after the parent objective's deadline"):
        corrections.deadline(office.director, child, to="2026-12-25", reason="later")
    with pytest.raises(InvalidInput, match="before the decision's date"):
        corrections.deadline(office.director, child, to="2026-10-01", reason="past")


def test_deadline_through_the_cli(office, cli):
    ref = office.objective(status="assigned")
    ran = cli("--db", office.path, "deadline", ref, "--to", "2027-01-15", "--reason", "more time")
    assert ran.code == 0 and "2027-01-15" in ran.out
    missing = cli("--db", office.path, "deadline", ref, "--to", "2027-01-20")
    assert missing.code == 2 and "reason" in missing.err


# --- units -------------------------------------------------------------------------------------
def test_a_unit_is_deactivated_only_once_it_leads_nothing_open(office, cli):
    first = office.objective(lead="Planning", status="accepted")
    second = office.objective(lead="Planning", status="registered")
    with pytest.raises(Refused, match=f"Planning still leads open objectives \\({first}, {second}\\)"):
        org.unit_edit(office.director, "Planning", active=False)
    steps.cancel(office.director, first, reason="moot")
    steps.assign(office.director, second, lead="Finance")
    done = org.unit_edit(office.director, "Planning", active=False)
    assert done.message == "unit Planning deactivated"
    with pytest.raises(InvalidInput, match="Planning is deactivated"):
        registry.objective_add(office.director, office.decision, "New", lead="Planning", deadline="2026-12-20")
    assert "Planning" not in units.names(store.connect(office.path))
    with pytest.raises(Refused, match="still has active units under it"):
        org.unit_edit(office.director, "East Station", active=False)
    ran = cli("--db", office.path, "unit", "edit", "Planning", "--active")
    assert ran.code == 0, ran.err
    assert replays(office)


def test_people_change_unit_and_role(office):
    org.person_edit(office.director, "li", unit="Planning", role="supervisor")
    person = store.connect(office.path).conn.execute("SELECT role, unit_id FROM people WHERE login = 'li'").fetchone()
    assert person == ("supervisor", 5)
    org.unit_edit(office.director, "General Office", name="Office of the Director", parent="Planning")
    with pytest.raises(NotFound):
        org.unit_edit(office.director, "General Office", name="Again")
    assert replays(office)


# --- the upgrade ---------------------------------------------------------------------------------
def test_an_older_database_upgrades_and_still_replays(tmp_path):
    """A database from before m007, with rows: the columns added with a default are in the log
    (``column.added``), so audit replays to the same tables."""
    from sqlite_utils import Database

    from superviser import schema

    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path, isolation_level=None))
    for migration in schema.migrations._migrations[:3]:  # m001–m003
        migration.fn(db)
        db["_sqlite_migrations"].insert({"migration_set": "superviser", "name": migration.name,
                                         "applied_at": "2026-01-01"}, alter=True)
    db.conn.execute("BEGIN")
    from superviser.changes import Changes

    changes = Changes(db, "boss")
    changes.insert("people", {"login": "boss", "name": "Bao", "role": "director", "active": 1, "created_at": "x"})
    changes.insert("units", {"name": "Finance", "created_at": "x"})
    changes.insert("decisions", {"ref": "2026-001", "year": 2026, "seq": 1, "title": "Old", "source": "leader",
                                 "decided_on": "2026-01-05", "created_at": "x", "created_by": "boss"})
    changes.log("init")
    db.conn.execute("COMMIT")
    db.conn.close()

    upgraded = store.connect(path)
    assert upgraded.conn.execute("SELECT version FROM decisions").fetchone() == (1,)
    facts = [json.loads(r[0]) for r in upgraded.conn.execute("SELECT changes FROM log WHERE action = 'migration'")]
    assert {"table": "decisions", "column": "version", "default": 1} in [f.get("column.added", [0, 0])[1] for f in facts]
    assert any("settings#score.base" in f for f in facts)
    assert audit.run(upgraded).ok, audit.run(upgraded).problems
