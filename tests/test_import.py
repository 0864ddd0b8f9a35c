"""Bringing a ledger in: headings in English or Chinese, all rows or none, round trips."""

import csv
import json

import pytest
from openpyxl import Workbook

from superviser import journal, store
from superviser.errors import Forbidden
from superviser.exports.report import Scope
from superviser.exports.run import export
from superviser.importer import CATCH_UPS, import_ledger
from superviser.read import objectives
from superviser.services import org, registry, steps


def write_csv(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def counts(path):
    db = store.connect(path)
    return tuple(db.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("objectives", "decisions", "units", "log"))


CHINESE = [
    ["督办事项", "牵头单位", "配合单位", "完成时限", "办理状态", "完成进度", "具体内容"],
    ["修订公文处理办法", "Finance", "East Station、Planning", "2026年12月20日", "办理中", "40%", "年底前完成"],
    ["整理档案", "Planning", "", "2026/12/31", "", "", ""],
]


@pytest.fixture(params=["", "chained ahead"])
def ahead(request, monkeypatch):
    """Whether the plan chains its first entries while it plans the rest (a large ledger's way),
    here from its first entry on."""
    if request.param:
        monkeypatch.setattr("superviser.planned.CHAINED_AHEAD_FROM", 1)


def test_chinese_headings_are_recognised(office, tmp_path):
    outcome = import_ledger(office.director, write_csv(tmp_path / "台账.csv", CHINESE))
    assert outcome.ok and len(outcome.objectives) == 2 and len(outcome.decisions) == 1
    assert outcome.mapping["牵头单位"] == "lead" and outcome.mapping["完成时限"] == "deadline"
    db = store.connect(office.path)
    first = objectives.get(db, outcome.objectives[0]["ref"])
    assert first["status"] == "in_progress" and first["percent"] == 40 and first["deadline"] == "2026-12-20"
    assert first["co_units"] == ["East Station", "Planning"] and first["detail"] == "年底前完成"
    assert objectives.get(db, outcome.objectives[1]["ref"])["status"] == "registered"
    actions = [r[0] for r in db.conn.execute("SELECT action FROM log ORDER BY seq DESC LIMIT 4")]
    assert actions == ["import", "objective.add", "objective.add", "decision.add"]
    assert journal.audit(db).ok


def test_a_broken_row_leaves_the_database_unchanged(office, tmp_path):
    rows = CHINESE + [["", "Finance", "", "2026-12-01", "", "", ""], ["Bad date", "Finance", "", "someday", "", "", ""],
                      ["Bad status", "Finance", "", "2026-12-01", "sleeping", "", ""]]
    before = counts(office.path)
    outcome = import_ledger(office.director, write_csv(tmp_path / "bad.csv", rows))
    assert not outcome.ok
    problems = [str(r) for r in outcome.rejected]
    assert any("row 4" in p and "must not be empty" in p for p in problems)
    assert any("row 5" in p and "not a date" in p for p in problems)
    assert any("row 6" in p and "status: must be one of" in p for p in problems)
    assert counts(office.path) == before


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_empty_rows_are_passed_over_and_the_rows_after_them_keep_their_numbers(office, tmp_path, kind):
    rows = CHINESE + [["", "", "", "", "", "", ""], ["Bad date", "Finance", "", "someday", "", "", ""]]
    if kind == "csv":
        path = write_csv(tmp_path / "gap.csv", rows)
    else:
        path, book = tmp_path / "gap.xlsx", Workbook()
        for row in rows:
            book.active.append([value or None for value in row])
        book.save(path)
    outcome = import_ledger(office.director, path)
    assert [str(r).split(":")[0] for r in outcome.rejected] == ["row 5"] and "someday" in str(outcome.rejected[0])


def test_unknown_units_are_offered_for_creation(office, tmp_path):
    rows = [["title", "lead unit", "deadline"], ["Survey", "Harbour Office", "2026-12-01"]]
    path = write_csv(tmp_path / "units.csv", rows)
    before = counts(office.path)
    refused = import_ledger(office.director, path)
    assert not refused.ok and refused.units == ["Harbour Office"] and "--create-units" in str(refused.rejected[0])
    assert counts(office.path) == before
    made = import_ledger(office.director, path, create_units=True)
    assert made.ok and made.units == ["Harbour Office"]


def test_dry_run_writes_nothing(office, tmp_path):
    before = counts(office.path)
    outcome = import_ledger(office.director, write_csv(tmp_path / "台账.csv", CHINESE), dry_run=True)
    assert outcome.ok and len(outcome.objectives) == 2
    assert counts(office.path) == before
    # nor keeps the rows it staged before the lock (the app's connection stays open)
    conn = office.director.db.conn
    assert "scratch" not in [row[1] for row in conn.execute("PRAGMA database_list")]
    assert conn.execute("SELECT name FROM temp.sqlite_master").fetchall() == []


def test_the_cycle_collector_is_held_off_while_the_rows_are_worked_out(office, tmp_path, monkeypatch):
    """A large ledger is millions of objects that every full pass of the collector would walk
    again; it is held off meanwhile and on again afterwards, refused or not."""
    import gc

    from superviser.planned import Plan

    prepare, seen = Plan.prepare, []

    def noting(plan):
        seen.append(gc.isenabled())
        prepare(plan)

    monkeypatch.setattr(Plan, "prepare", noting)
    assert import_ledger(office.director, write_csv(tmp_path / "台账.csv", CHINESE)).ok
    assert seen == [False] and gc.isenabled()
    with pytest.raises(Exception, match="--map"):
        import_ledger(office.director, write_csv(tmp_path / "odd.csv", [["任务"], ["Buy salt"]]))
    assert gc.isenabled()


def test_the_derived_rows_worked_out_elsewhere_arrive_or_nothing_does(office, tmp_path, monkeypatch):
    """The search pairs and counters of the imported rows are worked out in a forked child
    while the rows are staged: they are there once the import is (search finds the rows, the
    counters are what a recount gives), and if working them out fails, the import fails with
    it, nothing written, no child left behind."""
    import os

    from superviser import grams, tallies
    from superviser.read.objectives import Filter

    outcome = import_ledger(office.director, write_csv(tmp_path / "台账.csv", CHINESE))
    db = store.connect(office.path)
    found, _total = objectives.page(db, Filter(search="档案"), order="deadline")
    assert [row["ref"] for row in found] == [outcome.objectives[1]["ref"]]  # (a two-character word: the pairs)
    assert tallies.stored(db) == tallies.recount(db)

    def broken(values):
        raise ValueError("a broken pair")

    monkeypatch.setattr(grams, "pairs", broken)
    before = counts(office.path)
    with pytest.raises(ValueError, match="a broken pair"):
        import_ledger(office.director, write_csv(tmp_path / "again.csv", CHINESE))
    assert counts(office.path) == before
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_staged_entries_that_are_not_the_entries_checked_are_refused(office):
    """The log's chain is checked over the entries given while the rows come from the scratch
    table: a table that does not hold them is refused, nothing written."""
    from superviser import scratch
    from superviser.changes import write

    db = office.director.db
    seq, prev = journal.head(db)
    rows = [journal.entry(seq + 1, prev, actor="boss", action="note", detail="checked")]
    staged = scratch.stage(db.conn, "log", len(journal.COLUMNS),
                           [journal.entry(seq + 1, prev, actor="boss", action="note", detail="staged")])
    with pytest.raises(RuntimeError, match="staged"), write(office.director):
        journal.append_chained(db, rows, staged)
    assert journal.head(db) == (seq, prev)


def test_map_names_an_unusual_heading(office, tmp_path):
    rows = [["任务", "牵头处室", "时限"], ["Buy salt", "Finance", "2026-12-01"]]
    path = write_csv(tmp_path / "odd.csv", rows)
    with pytest.raises(Exception, match="--map"):
        import_ledger(office.director, path)
    outcome = import_ledger(office.director, path, mapping={"牵头处室": "lead"})
    assert outcome.ok and outcome.mapping["牵头处室"] == "lead"


def test_xlsx_with_real_dates(office, tmp_path):
    import datetime

    book = Workbook()
    sheet = book.active
    sheet.append(["Objective", "Lead unit", "Deadline", "% done"])
    sheet.append(["Fix the roof", "Finance", datetime.datetime(2026, 12, 5), 0.5])
    book.save(tmp_path / "l.xlsx")
    outcome = import_ledger(office.director, tmp_path / "l.xlsx")
    item = objectives.get(store.connect(office.path), outcome.objectives[0]["ref"])
    assert item["deadline"] == "2026-12-05" and item["percent"] == 50


def test_round_trip_through_the_xlsx_ledger(office, tmp_path):
    parent = office.objective(title="修复雨棚", co=["East Station"], deadline="2026-12-20", status="in_progress")
    office.objective(title="Part one", parent=parent, deadline="2026-12-10", status="accepted")
    office.objective(title="Fence", lead="Planning", deadline="2026-11-30", status="closed")
    steps.urge(office.director, parent)
    ledger = export(office.director, "xlsx", Scope(), tmp_path / "ledger.xlsx").path

    empty = tmp_path / "empty.db"
    boss = org.init(empty, "boss")
    imported = import_ledger(boss, ledger, create_units=True)
    assert imported.ok, [str(r) for r in imported.rejected]

    def shape(path):
        rows = objectives.list_objectives(store.connect(path), limit=None, order="ref")
        return [(r["ref"], r["title"], r["lead_unit"], r["co_units"], r["deadline"], r["original_deadline"], r["status"],
                 r["percent"], r["urge_count"], r["decision_ref"]) for r in rows]

    assert shape(empty) == shape(office.path)
    db = store.connect(empty)
    assert objectives.get(db, "2026-001.1.1")["parent_ref"] == "2026-001.1"
    assert objectives.reports(db, objectives.get(db, "2026-001.1")["id"])[0]["text"] == "begun"
    assert journal.audit(db).ok


def test_only_the_office_imports(office, tmp_path):
    with pytest.raises(Forbidden):
        import_ledger(office.session("li"), write_csv(tmp_path / "x.csv", CHINESE))
    with pytest.raises(Forbidden):
        import_ledger(office.session("sup"), write_csv(tmp_path / "y.csv", CHINESE), create_units=True)


def test_cli_import(office, tmp_path, cli):
    path = write_csv(tmp_path / "台账.csv", CHINESE)
    dry = cli("--db", office.path, "import", path, "--dry-run")
    assert dry.code == 0 and "would create: 2 objectives" in dry.out
    assert "2026-002.1  修订公文处理办法 · Finance · 2026-12-20" in dry.out  # each objective it would make
    bad = write_csv(tmp_path / "bad.csv", [["title", "lead unit", "deadline"], ["X", "Finance", "soon"]])
    ran = cli("--db", office.path, "import", bad, "--json")
    result = json.loads(ran.out)
    assert ran.code == 2 and result["rejected"][0]["row"] == 2 and not result["objectives"]
    done = cli("--db", office.path, "import", path)
    assert done.code == 0 and "created: 2 objectives" in done.out
    audited = cli("--db", office.path, "audit")  # the log replays to the tables the import wrote
    assert audited.code == 0 and "every table agrees with it" in audited.out


@pytest.mark.parametrize("meanwhile", ["note", "decision"])
@pytest.mark.usefixtures("ahead")
def test_an_import_planned_while_someone_writes(office, tmp_path, monkeypatch, meanwhile):
    """The rows are worked out without the write lock. A colleague's note meanwhile changes
    nothing they rely on: its entries are chained after the note. A decision registered
    meanwhile takes the number the import counted on: the import is worked out again. Either
    way nothing is lost or written twice, and the log replays."""
    from superviser import audit, importer
    from superviser.services import steps

    ref = office.objective()
    planned = importer._planned
    calls = []

    def and_a_colleague_writes(*args, **kwargs):
        plan = planned(*args, **kwargs)
        calls.append(plan)
        if len(calls) == 1 and meanwhile == "note":
            steps.note(office.session("li"), ref, text="written while the import was being planned")
        elif len(calls) == 1:
            registry.decision_add(office.session("sup"), "Registered meanwhile", source="meeting", decided_on="today")
        return plan

    monkeypatch.setattr(importer, "_planned", and_a_colleague_writes)
    outcome = import_ledger(office.director, write_csv(tmp_path / "台账.csv", CHINESE))
    assert outcome.ok and len(outcome.objectives) == 2
    assert len(calls) == (1 if meanwhile == "note" else 2)
    db = store.connect(office.path)
    last = [r[0] for r in db.conn.execute("SELECT action FROM log ORDER BY seq DESC LIMIT 5")]
    assert last == ["import", "objective.add", "objective.add", "decision.add",
                    "note" if meanwhile == "note" else "decision.add"]
    assert outcome.seq == journal.head(db)[0]
    decisions = sorted(r[0] for r in db.conn.execute("SELECT ref FROM decisions"))
    assert decisions == ["2026-001", "2026-002", "2026-003"][:2 if meanwhile == "note" else 3]
    assert audit.run(db).ok


@pytest.mark.parametrize("notes", [1, CATCH_UPS + 1])
@pytest.mark.usefixtures("ahead")
def test_notes_written_as_the_import_takes_the_lock_are_chained_before_it(office, tmp_path, monkeypatch, notes):
    """The plan chains its entries after others' before it takes the lock. A note written after
    that, as it takes the lock, sends it back to catch up without the lock (hashing its entries
    again while nobody waits); only when others wrote every time it tried does it chain them
    again holding the lock. Either way nothing is lost and the log replays."""
    from superviser import audit
    from superviser.planned import Plan

    ref = office.objective()
    caught_up = Plan.catch_up
    calls = []

    def then_a_colleague_writes(plan):
        caught_up(plan)
        calls.append((plan.head[0], plan.conn.in_transaction))
        if len(calls) <= notes:
            steps.note(office.session("li"), ref, text="written just before the import took the lock")

    monkeypatch.setattr(Plan, "catch_up", then_a_colleague_writes)
    outcome = import_ledger(office.director, write_csv(tmp_path / "台账.csv", CHINESE))
    assert outcome.ok
    first = calls[0][0]
    outside = [(first + n, False) for n in range(notes)]
    if notes == 1:  # caught up once more without the lock, then nothing left to chain in it
        assert calls == [*outside, (first + 1, False), (first + 1, True)]
    else:  # out of tries: the last note's entry is chained before the import's inside the lock
        assert calls == [*outside, (first + notes, True)]
    db = store.connect(office.path)
    last = [r[0] for r in db.conn.execute("SELECT action FROM log ORDER BY seq DESC LIMIT 5")]
    assert last == ["import", "objective.add", "objective.add", "decision.add", "note"]
    assert outcome.seq == journal.head(db)[0] and audit.run(db).ok
    assert db.conn.execute("SELECT count(*) FROM log WHERE action = 'note'").fetchone()[0] >= notes


@pytest.mark.usefixtures("ahead")
def test_others_writing_while_the_import_catches_up_have_it_chain_its_entries_in_the_lock(office, tmp_path,
                                                                                          monkeypatch):
    """Others who write even while the plan catches up write more often than a catch-up without
    the lock can win: it takes the lock at once and chains its entries again inside it."""
    from superviser import audit
    from superviser.planned import Plan

    ref = office.objective()
    caught_up, rechained = Plan.catch_up, journal.rechained
    calls = []

    def a_note_meanwhile(*args):
        if len(calls) == 1:
            steps.note(office.session("li"), ref, text="written while the import caught up")
        return rechained(*args)

    def after_a_note(plan):
        if not calls:
            steps.note(office.session("li"), ref, text="written while the import was planned")
        calls.append(None)
        caught_up(plan)
        calls[-1] = (plan.head[0], plan.conn.in_transaction)

    monkeypatch.setattr(Plan, "catch_up", after_a_note)
    monkeypatch.setattr(journal, "rechained", a_note_meanwhile)
    outcome = import_ledger(office.director, write_csv(tmp_path / "台账.csv", CHINESE))
    assert outcome.ok and calls == [(calls[0][0], False), (calls[0][0] + 1, True)]
    db = store.connect(office.path)
    last = [r[0] for r in db.conn.execute("SELECT action FROM log ORDER BY seq DESC LIMIT 6")]
    assert last == ["import", "objective.add", "objective.add", "decision.add", "note", "note"]
    assert outcome.seq == journal.head(db)[0] and audit.run(db).ok


# The command line in a process of its own (one thread: the plan forks), a plan of 100 rows or
# more chaining its first entries ahead; it says how many children it forked and whether any
# is left (running, or not waited for) once the command is done.
_COUNTING_FORKS = """
import os, sys
from superviser import planned
from tests import frozen
planned.CHAINED_AHEAD_FROM = 100
forked, fork = [], os.fork
def counted():
    pid = fork()
    if pid:
        forked.append(pid)
    return pid
os.fork = counted
try:
    frozen.main(sys.argv[1:])
    code = 0
except SystemExit as stop:
    code = stop.code
try:
    left = os.waitpid(-1, os.WNOHANG) is not None
except ChildProcessError:
    left = False
print("forked", len(forked), "left", left, file=sys.stderr)
sys.exit(code)
"""


def _import_counting_forks(office, path):
    import os
    import subprocess
    import sys

    from tests.conftest import NOW, ROOT

    return subprocess.run([sys.executable, "-c", _COUNTING_FORKS, NOW, "--", "--db", str(office.path), "import",
                           str(path)], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), SUPERVISER_USER="boss"), timeout=120)


def test_an_import_in_a_process_of_its_own_chains_its_entries_on_both_cores(office, tmp_path):
    """In a process of one thread, as the command line is, the plan forks: a child works out
    the first entries' text and hashes while the rest are planned, another some of the rest
    after its last while the process encodes the others and hashes them after that child's
    last, and a third the derived rows. The log proves it all in the audit."""
    from superviser import audit, tallies

    rows = [["督办事项", "牵头单位", "完成时限", "办理状态", "最新进展"]]
    rows += [[f"事项 {i}", "Finance", "2026-12-20", "办理中", "2026-11-01 40% 已过半"] for i in range(400)]
    ran = _import_counting_forks(office, write_csv(tmp_path / "台账.csv", rows))
    assert ran.returncode == 0, ran.stderr
    assert "forked 3 left False" in ran.stderr
    db = store.connect(office.path)
    assert db.conn.execute("SELECT count(*) FROM log WHERE action = 'objective.add'").fetchone()[0] == 400
    assert db.conn.execute("SELECT count(*) FROM log WHERE action = 'progress'").fetchone()[0] == 400
    assert audit.run(db).ok and tallies.stored(db) == tallies.recount(db)


def test_a_ledger_refused_late_leaves_no_child_chaining_ahead(office, tmp_path):
    """A row refused after the first entries were given to a child to chain: the child is let
    go with the plan, nothing written."""
    rows = [["督办事项", "牵头单位", "完成时限", "决策日期"]]
    rows += [[f"事项 {i}", "Finance", "2026-12-20", "2026-11-01"] for i in range(400)]
    rows[390][2] = "2026-10-01"  # (before its decision's date: refused as the rows are written into the plan)
    before = counts(office.path)
    ran = _import_counting_forks(office, write_csv(tmp_path / "台账.csv", rows))
    assert ran.returncode == 2 and "row 391" in ran.stderr
    assert "forked 1 left False" in ran.stderr
    assert counts(office.path) == before


_LEAVING = """
import os, sqlite3, sys
from pathlib import Path
from superviser import planned, scratch
from superviser.changes import write
from superviser.errors import DiskFull
from superviser.importer import import_ledger
from superviser.planned import Plan
from tests.conftest import make_office
planned.CHAINED_AHEAD_FROM = 1
office = make_office(Path(sys.argv[2]))
if sys.argv[1] == "applied":
    plan = Plan(office.director.db, "boss", expected=4)
    for name in ("Harbour", "Dock", "Pier", "Quay"):
        plan.insert("units", {"name": name, "created_at": "2026-11-20T09:00:00.000Z"})
        plan.log("unit.add", detail=name)
    plan.prepare()
    with write(office.director) as changes:
        plan.apply(changes)
else:  # someone changes what each plan relies on, and the last one, worked out holding the lock, fails
    catch_up, stage = Plan.catch_up, scratch.stage
    def meanwhile(self):
        catch_up(self)
        if not self.conn.in_transaction:
            office.objective(title="Meanwhile")
    def full(conn, *args, **kwargs):
        if conn.in_transaction:
            raise sqlite3.OperationalError("database or disk is full")
        return stage(conn, *args, **kwargs)
    Plan.catch_up, scratch.stage = meanwhile, full
    try:
        import_ledger(office.director, sys.argv[3])
    except DiskFull:
        print("refused: the disk is full")
try:
    left = os.waitpid(-1, os.WNOHANG) is not None
except ChildProcessError:
    left = False
print("left", left)
"""


def _leaving(*args):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    ran = subprocess.run([sys.executable, "-c", _LEAVING, *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert ran.returncode == 0, ran.stderr
    return ran.stdout


def test_a_plan_applied_lets_its_children_go_once_it_has_their_work(tmp_path):
    """(In a process of one thread, where the plan forks.) Its owner need not discard it."""
    assert _leaving("applied", tmp_path / "office.db").splitlines() == ["left False"]


def test_a_plan_worked_out_holding_the_lock_that_fails_leaves_no_child(tmp_path):
    """The last attempt plans inside the transaction: failing there, it lets its children go
    before the transaction ends (its scratch tables go with it)."""
    rows = [["督办事项", "牵头单位", "完成时限"]] + [[f"事项 {i}", "Finance", "2026-12-20"] for i in range(20)]
    said = _leaving("failing", tmp_path / "office.db", write_csv(tmp_path / "台账.csv", rows))
    assert said.splitlines() == ["refused: the disk is full", "left False"]


def test_a_plan_that_fails_as_it_is_prepared_lets_its_scratch_tables_go(office, tmp_path, monkeypatch):
    def broken(*_args):
        raise OSError("no space left on device")

    monkeypatch.setattr(journal, "encoded", broken)  # after the rows are staged
    before = counts(office.path)
    with pytest.raises(OSError, match="no space"):
        import_ledger(office.director, write_csv(tmp_path / "台账.csv", CHINESE))
    assert counts(office.path) == before
    attached = [row[1] for row in office.director.db.conn.execute("PRAGMA database_list")]
    assert "scratch" not in attached


def test_a_plan_is_refused_once_the_database_has_changed(office):
    from superviser.changes import write
    from superviser.planned import Plan, Stale
    from superviser.services import org

    plan = Plan(office.director.db, "boss")
    plan.insert("units", {"name": "Harbour", "created_at": "2026-11-20T09:00:00.000Z"})
    plan.log("unit.add", detail="Harbour")
    org.unit_add(office.session("boss"), "Dock")  # someone else, meanwhile
    with pytest.raises(Stale), write(office.director) as changes:
        plan.apply(changes)
    assert store.connect(office.path).conn.execute("SELECT count(*) FROM units WHERE name = 'Harbour'").fetchone()[0] == 0


def test_a_plan_records_each_row_it_creates_as_it_was_when_the_entry_was_written(office):
    """A plan keeps a created row as its own row until the entry is encoded (in its forked child
    or, here, when it is applied): changed again in the same entry, the entry records it as
    changed; changed in a later entry, the first entry still records it as it was then."""
    from superviser import audit
    from superviser.changes import write
    from superviser.planned import Plan

    plan = Plan(office.director.db, "boss")
    unit = plan.insert("units", {"name": "Harbour", "created_at": "2026-11-20T09:00:00.000Z"})
    plan.log("unit.add", detail="Harbour")
    other = plan.insert("units", {"name": "Dock", "created_at": "2026-11-20T09:00:00.000Z"})
    plan.update("units", other, {"name": "Dock Office"})
    plan.log("unit.add", detail="Dock")
    plan.update("units", unit, {"name": "Harbour Office"})
    plan.log("unit.edit", detail="Harbour Office")
    with write(office.director) as changes:
        plan.apply(changes)
    db = store.connect(office.path)
    logged = [json.loads(text) for (text,) in db.conn.execute("SELECT changes FROM log ORDER BY seq DESC LIMIT 3")][::-1]
    assert logged[0][f"units#{unit}"][1]["name"] == "Harbour"
    assert logged[1][f"units#{other}"][1]["name"] == "Dock Office"
    assert logged[2] == {f"units#{unit}.name": ["Harbour", "Harbour Office"]}
    cursor = db.conn.execute("SELECT * FROM units WHERE id = ?", (other,))
    stored = dict(zip([c[0] for c in cursor.description], cursor.fetchone(), strict=True))
    assert logged[1][f"units#{other}"][1] == {k: v for k, v in stored.items() if v is not None}
    assert audit.run(db).ok


def test_a_plan_relies_whole_on_a_small_table_it_asks_about_again_and_again(office):
    """The retired references are asked about for every new objective: after a while the plan
    reads them all at once, and then relies on all of them: one retired meanwhile (an objective
    moved) makes it stale, though it is none of those it asked about."""
    from superviser.changes import write
    from superviser.planned import ASKED_OFTEN, Plan, Stale
    from superviser.services import corrections

    parent, moved = office.objective(title="Parent"), office.objective(title="Moved")
    plan = Plan(office.director.db, "boss")
    for n in range(ASKED_OFTEN + 5):
        assert plan.read("retired_refs", (f"2026-999.{n}",)) is None
    plan.insert("units", {"name": "Harbour", "created_at": "2026-11-20T09:00:00.000Z"})
    plan.log("unit.add", detail="Harbour")
    corrections.objective_edit(office.session("boss"), moved, parent=parent)  # its reference is retired
    assert store.connect(office.path).conn.execute("SELECT count(*) FROM retired_refs").fetchone()[0] == 1
    with pytest.raises(Stale), write(office.director) as changes:
        plan.apply(changes)


def test_a_large_import_replays_in_the_audit(office, tmp_path):
    from superviser import audit

    rows = [["编号", "决策事项名称", "督办事项", "牵头单位", "配合单位", "完成时限", "办理状态", "完成进度", "最新进展",
             "催办次数"]]
    for i in range(300):
        rows.append([f"2025-{i // 10:03d}.{i % 10 + 1}", f"会议 {i // 10}", f"事项 {i}", "Finance", "Harbour、Planning",
                     "2026-12-20", "办理中", "40%", "2026-11-01 40% 已过半", i % 4])
        rows.append([f"2025-{i // 10:03d}.{i % 10 + 1}.1", f"会议 {i // 10}", f"分解 {i}", "Harbour", "", "2026-12-10",
                     "", "", "", ""])
    outcome = import_ledger(office.director, write_csv(tmp_path / "big.csv", rows), create_units=True)
    assert outcome.ok and len(outcome.objectives) == 600 and len(outcome.decisions) == 30
    assert outcome.units == ["Harbour"]
    db = store.connect(office.path)
    assert objectives.get(db, outcome.objectives[1]["ref"])["parent_ref"] == outcome.objectives[0]["ref"]
    assert audit.run(db).ok
    # the derived tables, filled at once for the imported rows, are as the triggers would keep them
    from superviser import tallies

    assert tallies.stored(db) == tallies.recount(db)
    found = {r["title"] for r in objectives.list_objectives(db, objectives.Filter(search="分解 299"), limit=None)}
    assert "分解 299" in found  # the trigram index
    assert len(objectives.list_objectives(db, objectives.Filter(search="分解"), limit=None)) == 300  # two characters
    names = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"objectives_ai", "objectives_grams_insert", *tallies.BULK_SUSPENDED} <= names
    assert journal.missing_triggers(db) == []  # the log's guards, log_chain among them, as they were


def test_a_value_repeated_down_a_column_is_checked_as_it_stands_in_each_row(office, tmp_path):
    """Each value of a column is checked once and its answer reused, never a neighbour's: True
    is not 1 (a percent refuses a yes/no cell), and a refused value is refused in every row."""
    book = Workbook()
    for row in (["title", "lead", "deadline", "% done", "status"],
                ["A", "Finance", "2026-12-01", 1, "sleeping"], ["B", "Finance", "2026-12-01", True, "assigned"],
                ["C", "Finance", "2026-12-01", 1.0, "sleeping"], ["D", "Finance", "2026-12-01", 1, "assigned"]):
        book.active.append(row)
    book.save(tmp_path / "l.xlsx")
    outcome = import_ledger(office.director, tmp_path / "l.xlsx")
    said = [str(r) for r in outcome.rejected]
    assert [r.split(": ")[:2] for r in said] == [["row 2", "status"], ["row 3", "% done"], ["row 4", "status"]]
    assert said[0][6:] == said[2][6:] and said[1].endswith("must be a whole number from 0 to 100")

