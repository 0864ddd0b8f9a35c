"""The supervision log: append-only, hash-chained, and audit catching each kind of damage."""

import sqlite3

import pytest

from superviser import journal, schema, store
from superviser.services import steps


def _db(office):
    return store.connect(office.path)


def test_update_and_delete_are_refused(office):
    db = _db(office)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.conn.execute("UPDATE log SET detail = 'rewritten' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.conn.execute("DELETE FROM log WHERE seq = 1")


def test_insert_must_extend_the_chain(office):
    db = _db(office)
    seq, head = journal.head(db)
    with pytest.raises(sqlite3.IntegrityError, match="grows at its end"):
        db.conn.execute(
            "INSERT INTO log (seq, at, actor, action, detail, changes, prev_hash, hash) "
            "VALUES (?, 'x', 'x', 'note', '', '{}', ?, 'h')",
            (seq + 1, "f" * 64),
        )
    with pytest.raises(sqlite3.IntegrityError, match="grows at its end"):
        db.conn.execute(
            "INSERT INTO log (seq, at, actor, action, detail, changes, prev_hash, hash) "
            "VALUES (?, 'x', 'x', 'note', '', '{}', ?, 'h')",
            (seq + 5, head),
        )


def _worked_out(db, count, after=None):
    """``count`` entries chained after ``after`` (default: the head), as a plan makes them."""
    seq, prev = after or journal.head(db)
    rows = []
    for n in range(count):
        rows.append(journal.entry(seq + 1, prev, actor="boss", action="note", detail=f"bulk {n}"))
        seq, prev = rows[-1][0], rows[-1][-1]
    return rows


@pytest.mark.parametrize("damage", ["gap", "link", "not after the head"])
def test_entries_appended_at_once_are_held_to_the_chain(office, damage):
    """``append_chained`` suspends the per-row guard for speed; it refuses what the guard would,
    writes nothing then, and the guard is back (as it was) whether it wrote or refused."""
    db = _db(office)
    before = journal.head(db)
    rows = _worked_out(db, 5)
    if damage == "gap":
        rows[3] = (rows[3][0] + 1, *rows[3][1:])
    elif damage == "link":
        rows[2] = (*rows[2][:8], "f" * 64, rows[2][9])
    else:
        rows = _worked_out(db, 5, after=(before[0] - 1, before[1]))
    with pytest.raises(sqlite3.IntegrityError, match="grows at its end"), store.transaction(db):
        journal.append_chained(db, rows)
    assert journal.head(db) == before and journal.missing_triggers(db) == []


def test_entries_appended_at_once_keep_the_guard(office):
    db = _db(office)
    seq, _prev = journal.head(db)
    with store.transaction(db):
        journal.append_chained(db, _worked_out(db, 50))
        guard = db.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'log_chain'").fetchone()
        assert guard == (schema.GUARD_TRIGGERS["log_chain"],)  # back inside the same transaction
    assert journal.head(db)[0] == seq + 50 and journal.audit(db).ok
    with pytest.raises(sqlite3.IntegrityError, match="grows at its end"):  # and it guards again
        db.conn.execute("INSERT INTO log (seq, at, actor, action, detail, changes, prev_hash, hash)"
                        " VALUES (?, 'x', 'x', 'note', '', '{}', ?, 'h')", (seq + 51, "f" * 64))


def test_entries_record_who_what_and_the_change(office):
    ref = office.objective(status="accepted")
    db = _db(office)
    entry = db.conn.execute("SELECT actor, action, changes FROM log ORDER BY seq DESC LIMIT 1").fetchone()
    assert entry[0] == "li" and entry[1] == "accept"
    assert '"objectives#1.status":["assigned","accepted"]' in entry[2]
    assert ref


def test_intact_log_passes(office):
    office.objective(status="in_progress")
    result = journal.audit(_db(office))
    assert result.ok and result.entries == result.head_seq > 10
    assert result.head_hash == journal.head(_db(office))[1]


def _tamper(db, sql, params=()):
    """What someone with the file could do: drop the guard, change rows, put the guard back."""
    db.conn.execute("DROP TRIGGER log_no_update")
    db.conn.execute("DROP TRIGGER log_no_delete")
    db.conn.execute(sql, params)
    db.conn.execute(schema.GUARD_TRIGGERS["log_no_update"])
    db.conn.execute(schema.GUARD_TRIGGERS["log_no_delete"])


def test_catches_an_edited_entry(office):
    office.objective(status="in_progress")
    db = _db(office)
    _tamper(db, "UPDATE log SET detail = 'nothing happened' WHERE seq = 12")
    result = journal.audit(db)
    assert not result.ok and result.first_bad_seq == 12
    assert "edited" in result.problems[0]


def test_catches_a_deleted_entry(office):
    office.objective(status="in_progress")
    db = _db(office)
    _tamper(db, "DELETE FROM log WHERE seq = 10")
    result = journal.audit(db)
    assert not result.ok and result.first_bad_seq == 11
    assert "deleted" in result.problems[0]


def test_catches_a_reordered_pair(office):
    office.objective(status="in_progress")
    db = _db(office)
    db.conn.execute("DROP TRIGGER log_no_update")
    db.conn.execute("UPDATE log SET seq = -1 WHERE seq = 12")
    db.conn.execute("UPDATE log SET seq = 12 WHERE seq = 13")
    db.conn.execute("UPDATE log SET seq = 13 WHERE seq = -1")
    db.conn.execute(schema.GUARD_TRIGGERS["log_no_update"])
    result = journal.audit(db)
    assert not result.ok and result.first_bad_seq == 12


def test_catches_a_rehashed_forgery(office):
    """Recomputing the edited entry's hash still breaks the next entry's link."""
    office.objective(status="in_progress")
    db = _db(office)
    row = db.conn.execute(
        "SELECT seq, at, actor, action, objective_id, decision_id, changes, prev_hash FROM log WHERE seq = 12").fetchone()
    seq, at, actor, action, oid, did, changes, prev = row
    forged = journal.entry_hash(seq, at, actor, action, oid, did, "forged", changes, prev)
    _tamper(db, "UPDATE log SET detail = 'forged', hash = ? WHERE seq = 12", (forged,))
    result = journal.audit(db)
    assert not result.ok and result.first_bad_seq == 13


@pytest.mark.parametrize("trigger", sorted(schema.GUARD_TRIGGERS))
def test_catches_a_dropped_trigger(office, trigger):
    db = _db(office)
    db.conn.execute(f"DROP TRIGGER {trigger}")
    result = journal.audit(db)
    assert not result.ok
    assert any(trigger in p for p in result.problems)


def test_catches_an_altered_trigger(office):
    db = _db(office)
    db.conn.execute("DROP TRIGGER log_no_delete")
    db.conn.execute("CREATE TRIGGER log_no_delete BEFORE DELETE ON log WHEN 0 BEGIN SELECT 1; END")
    assert "log_no_delete" in " ".join(journal.audit(db).problems)


def test_anchor_still_in_the_chain(office):
    office.objective(status="accepted")
    db = _db(office)
    _seq, anchor = journal.head(db)
    steps.urge(office.director, "2026-001.1")
    result = journal.audit(db, anchor=anchor)
    assert result.ok and result.anchor_seq == _seq


def test_anchor_catches_a_truncated_log(office):
    """Deleting the newest entries leaves a valid chain; only an anchor taken earlier notices."""
    office.objective(status="accepted")
    db = _db(office)
    _seq, anchor = journal.head(db)
    _tamper(db, "DELETE FROM log WHERE seq = ?", (_seq,))
    assert journal.audit(db).ok
    result = journal.audit(db, anchor=anchor)
    assert not result.ok and "anchor" in result.problems[0]


def test_audit_cli_exit_codes(office, cli):
    ok = cli("--db", office.path, "audit")
    assert ok.code == 0 and "intact" in ok.out
    db = _db(office)
    _tamper(db, "UPDATE log SET actor = 'mallory' WHERE seq = 3")
    bad = cli("--db", office.path, "audit")
    assert bad.code != 0 and "entry 3" in bad.err
    as_json = cli("--db", office.path, "audit", "--json")
    assert '"first_bad_seq": 3' in as_json.out


def test_entries_worked_out_elsewhere_are_the_entries_one_by_one(office):
    """``chained`` (what a plan's forked child sends back) and ``rows_of`` give the rows
    ``entry`` gives, entry after entry, for changes of every kind and text that needs escaping."""
    office.objective()
    db = _db(office)
    objective, decision = db.conn.execute("SELECT id, decision_id FROM objectives LIMIT 1").fetchone()
    seq, prev = journal.head(db)
    steps = [("note", objective, None, 'said "late"\n迟', {f"objectives#{objective}.percent": [10, 40]}),
             ("import", None, decision, "", {}),
             ("unit.add", None, None, "港口", {"units#9": [None, {"name": "港口\u2028", "id": 9}]})]
    expected, after = [], (seq, prev)
    for action, objective_id, decision_id, detail, changes in steps:
        expected.append(journal.entry(after[0] + 1, after[1], actor="boss", action=action, objective_id=objective_id,
                                      decision_id=decision_id, detail=detail, changes=changes))
        after = (expected[-1][0], expected[-1][-1])
    planned = [(row[1], *step) for row, step in zip(expected, steps, strict=True)]
    worked_out = journal.chained(planned, "boss", seq, prev)
    assert journal.rows_of(planned, "boss", seq, prev, worked_out) == expected
    with store.transaction(db):
        journal.append_chained(db, expected)
    assert journal.audit(db).ok


@pytest.mark.parametrize("planned", [False, True])
def test_a_fact_named_like_a_row_is_refused_before_anything_is_recorded(office, planned):
    """``objectives#7`` names a row's change; a fact may not: refused, no fact of it kept, and
    the changes the entry would have held still pending for the next, in a step and a plan alike."""
    import json

    from superviser.changes import write
    from superviser.planned import Plan

    db = office.director.db
    with write(office.director) as opened:
        changes = Plan(db, "boss") if planned else opened
        changes.insert("units", {"name": "Harbour", "created_at": "2026-11-20T09:00:00.000Z"})
        with pytest.raises(ValueError, match="has no '#'"):
            changes.log("unit.add", facts={"kept": 1, "objectives#7": 2})
        assert changes.pending
        changes.log("unit.add", detail="Harbour")
        assert not changes.pending and len(changes.entries) == 1
        if planned:
            changes.apply(opened)
    logged = json.loads(db.conn.execute("SELECT changes FROM log ORDER BY seq DESC LIMIT 1").fetchone()[0])
    assert [name.split("#")[0] for name in logged] == ["units"]
    assert journal.audit(db).ok
