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


def start_however_short(db, head, monkeypatch):
    """The helper even for the short log of a test (it starts from PARALLEL_FROM entries)."""
    monkeypatch.setattr(helper, "PARALLEL_FROM", 0)
    return helper.start(db, head, Scope(), TODAY, with_steps=True)


def test_the_helper_sends_what_the_export_reads_itself(storied, monkeypatch):
    db = store.connect(storied.path)
    with store.snapshot(db):
        head = journal.head(db)
        started = helper.start(db, head, Scope(), TODAY, with_steps=True)
        assert started is None  # a short log: not worth a process
        started = start_however_short(db, head, monkeypatch)
        assert started is not None
        pages = list(started.pages())
        scores = started.scores()
        started.close()
        assert started.finished and started.ended and not started.failed and started.process.returncode == 0
        assert [row for page in pages for row in page] == list(steps_of(db, scope=Scope(), head_seq=head[0]))
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
        started = start_however_short(db, head, monkeypatch)
        assert started is not None
        assert started.scores() is None and list(started.pages()) == [] and started.failed
        local = list(steps_of(db, Scope(), head[0], started))  # read here, in this snapshot
        assert local[-1][0] == head[0] and local == list(steps_of(db, Scope(), head[0]))



def test_the_steps_a_helper_leaves_are_read_here(storied, tmp_path):
    """A helper that sends the oldest steps, leaves the rest to the export ("rest") while it
    walks the log, then sends the scores: the export reads the rest itself, in order, and
    takes the helper's scores."""
    import pickle
    import subprocess

    db = store.connect(storied.path)
    with store.snapshot(db):
        head = journal.head(db)
        every = list(steps_of(db, Scope(), head[0]))
        scores = scores_of(db, Scope(), TODAY)
        sent = tmp_path / "sent"
        with open(sent, "wb") as out:
            for message in [("steps", every[:5]), ("steps", every[5:12]), ("rest",), ("scores", scores), ("end",)]:
                pickle.dump(message, out)
        helped = helper.Helper(subprocess.Popen(["cat", str(sent)], stdout=subprocess.PIPE), with_steps=True)
        assert list(steps_of(db, Scope(), head[0], helped)) == every and len(every) > 12
        assert helped.left and not helped.finished
        assert helped.scores() == scores and helped.ended and not helped.failed
        helped.close()


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
