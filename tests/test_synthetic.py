"""The benchmarks' synthetic load writes what the steps write: the audit replays its log to
exactly the tables it wrote, the chain holds, and the triggers it dropped are back."""

from benchmarks import synthetic
from superviser import audit, journal, schema, store
from superviser.read import objectives


def test_the_audit_replays_its_log_to_the_tables(office):
    db = store.connect(office.path)
    first_seq = journal.head(db)[0]
    units = db.conn.execute("SELECT count(*) FROM units").fetchone()[0]

    made = synthetic.add(office.path, 260, chunk=100, units=units + 3)

    db = store.connect(office.path)
    assert made["objectives"] == 260 and 2400 < made["log_entries"] < 3200
    result = audit.run(db)
    assert result.ok, result.problems
    assert result.entries == journal.head(db)[0] == first_seq + made["log_entries"]
    actions = {r[0] for r in db.conn.execute("SELECT DISTINCT action FROM log WHERE seq > ?", (first_seq,))}
    assert {"unit.add", "person.add", "decision.add", "objective.add", "progress", "inspect", "extend.request",
            "extend.approve", "verify", "urge", "note"} <= actions


def test_a_row_changed_without_its_entry_is_caught(office):
    """What the test above relies on: the replay notices a table the log does not describe."""
    synthetic.add(office.path, 30, chunk=30)
    db = store.connect(office.path)
    db.conn.execute("UPDATE objectives SET percent = percent + 1 WHERE id = (SELECT max(id) FROM objectives)")
    assert not audit.run(db).ok


def test_the_triggers_are_back_and_search_finds_the_new_rows(office):
    synthetic.add(office.path, 120, chunk=50)
    db = store.connect(office.path)
    triggers = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(schema.GUARD_TRIGGERS) | set(synthetic.BULK_TRIGGERS) <= triggers
    title = db.conn.execute("SELECT title FROM objectives ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert objectives.list_objectives(db, objectives.Filter(search=title.split()[-1]), limit=5)
