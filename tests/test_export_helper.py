"""The export's second process (superviser/exports/helper.py): what it reads is what the
export reads itself, from the same snapshot; when it cannot be (a step written since the
export's snapshot began) the export does the work itself."""

from datetime import date

import pytest
from openpyxl import load_workbook

from superviser import journal, store, text
from superviser.exports import helper
from superviser.exports.report import Scope, scores_of, steps_of
from superviser.exports.run import export
from superviser.services import steps
from tests.test_audit_state import full_history

TODAY = date(2026, 11, 20)


@pytest.fixture
def storied(office):
    full_history(office)
    office.objective(title="Order salt", co=["East Station"], deadline="2026-11-10", status="in_progress")
    return office


def cells(path) -> list:
    book = load_workbook(path)
    return [(sheet.title, [[c.value for c in row] for row in sheet.iter_rows()]) for sheet in book.worksheets]


def start_however_short(db, head, monkeypatch, steps):
    """The helper even for the short log of a test (it starts from PARALLEL_FROM entries)."""
    monkeypatch.setattr(helper, "PARALLEL_FROM", 0)
    return helper.start(db, head, Scope(), TODAY, steps=steps)


def test_the_helper_sends_what_the_export_reads_itself(storied, monkeypatch):
    db = store.connect(storied.path)
    with store.snapshot(db):
        head = journal.head(db)
        started = helper.start(db, head, Scope(), TODAY, steps=steps_of(db, Scope(), head[0]))
        assert started is None  # a short log: not worth a process
        steps = steps_of(db, Scope(), head[0])
        started = start_however_short(db, head, monkeypatch, steps)
        assert started is not None and steps.helper is started and 0 < steps.handed_to < head[0]
        pages = list(started.pages())
        scores = started.scores()
        started.close()
        assert started.finished and started.ended and not started.failed and started.process.returncode == 0
        mine = list(steps_of(db, Scope(), head[0]).pages(None, steps.handed_to))
        assert [row for page in pages for row in page] == [row for page in mine for row in page]
        assert scores == scores_of(db, Scope(), TODAY) and scores.units


@pytest.mark.parametrize("scope", [Scope(), Scope(since=date(2026, 11, 1), until=date(2026, 11, 30), unit="Finance")])
def test_an_export_with_the_helper_is_the_export_without(storied, tmp_path, monkeypatch, scope):
    alone = export(storied.director, "xlsx", scope, tmp_path / "alone.xlsx")
    monkeypatch.setattr(helper, "PARALLEL_FROM", 0)
    helped = export(storied.director, "xlsx", scope, tmp_path / "helped.xlsx")
    before, after = cells(alone.path), cells(helped.path)
    assert [name for name, _rows in after] == ["Ledger", "Log", "Scorecards", "Scores", "Points"]
    # the same but for the headings (the head, one entry on: the first export's) and that export's step
    assert [r for r in after[1][1][4:] if not r[4].startswith("export")] == before[1][1][4:]
    for (name, rows), (_name, earlier) in zip(after, before):
        if name != "Log":
            assert rows[3:] == earlier[3:], name
    assert all(len(after[i][1]) > 4 for i in (0, 1, 3, 4))  # rows under the headings, to compare


def test_a_step_written_since_the_snapshot_leaves_the_work_here(storied, monkeypatch):
    """The helper's own snapshot has another head: it says so, and the export reads here."""
    db = store.connect(storied.path)
    with store.snapshot(db):
        head = journal.head(db)
        steps.urge(storied.director, "2026-001.1", text="now")  # another connection, committed meanwhile
        listed = steps_of(db, Scope(), head[0])
        started = start_however_short(db, head, monkeypatch, listed)
        assert started is not None
        assert started.scores() is None and list(started.pages()) == [] and started.failed
        local = list(listed)  # read here, in this snapshot
        assert sorted(local) == list(steps_of(db, Scope(), head[0])) and local[0][0] == listed.handed_to + 1



def test_the_export_reads_the_newest_steps_itself_and_places_each(storied, tmp_path):
    """The export reads the steps after those it hands to the helper itself, first, then takes
    the helper's pages and its scores: each step goes to its row of the Log sheet, newest at the top."""
    import pickle
    import subprocess

    db = store.connect(storied.path)
    with store.snapshot(db):
        head = journal.head(db)
        every = list(steps_of(db, Scope(), head[0]))
        scores = scores_of(db, Scope(), TODAY)
        sent = tmp_path / "sent"
        with open(sent, "wb") as out:
            for message in [("steps", every[:5]), ("steps", every[5:12]), ("scores", scores), ("end",)]:
                pickle.dump(message, out)
        steps = steps_of(db, Scope(), head[0])
        given = helper.Helper(subprocess.Popen(["cat", str(sent)], stdout=subprocess.PIPE), with_steps=True)
        steps.helped_by(given, every[11][0])
        got = list(steps)
        assert got == every[12:] + every[:12] and len(every) > 20
        placed = dict(zip(steps.rows_at(4), got))
        assert [placed[row] for row in range(4, 4 + len(every))] == every[::-1]
        assert given.finished and given.scores() == scores and given.ended and not given.failed
        given.close()


def test_clean_keeps_every_printable_character():
    """``text.clean`` returns printable text as it is, unread: nothing it removes may be printable."""
    assert all(text.clean(chr(c)) == chr(c) for c in range(0x110000) if chr(c).isprintable())
    assert text.clean("a\u202eb\r\nc") == "ab\nc"


@pytest.mark.slow
@pytest.mark.parametrize("helped", [False, True])
def test_an_export_while_someone_writes_is_one_state(storied, tmp_path, monkeypatch, helped):
    """A writer in another process urges all along: every export's ledger counts exactly the
    urges its log lists, up to the head it names (the ledger read before the head, or the log
    after it, would not)."""
    import os
    import subprocess
    import sys

    from tests.conftest import NOW, ROOT

    if helped:
        monkeypatch.setattr(helper, "PARALLEL_FROM", 0)
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.frozen", NOW, "--module", "tests.concurrent_worker", "--",
         str(storied.path), "boss", "400", "7", str(tmp_path / "writer.json")],
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        made = 0
        while writer.poll() is None or made < 3:
            exported = export(storied.director, "xlsx", Scope(), tmp_path / f"ledger{made}.xlsx")
            book = load_workbook(exported.path, read_only=True)
            ledger = list(book["Ledger"].iter_rows(values_only=True))
            urges = sum(row[ledger[3].index("urges")] for row in ledger[4:])
            log = list(book["Log"].iter_rows(values_only=True))[4:]
            assert log[0][0] == exported.head_seq
            assert urges == sum(1 for row in log if row[4].startswith("urge"))
            made += 1
    finally:
        _out, errors = writer.communicate(timeout=120)
    assert writer.returncode == 0, errors
    assert made >= 3
