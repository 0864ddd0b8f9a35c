"""The benchmarks' synthetic load writes what the steps write: replaying its log entries on the
tables as they were gives the tables as they are, the chain holds, and the triggers are back."""

import json

from benchmarks import synthetic
from superviser import changes, journal, schema, store
from superviser.read import objectives


def _state(db) -> dict:
    """Every row of every table the log records, keyed as the log keys it, without its NULLs."""
    state = {}
    for table in db.table_names():
        if table == "log" or table.startswith(schema.DERIVED_PREFIXES):
            continue
        pk = changes.pk_columns(db, table)
        cursor = db.conn.execute(f"SELECT * FROM [{table}]")
        names = [d[0] for d in cursor.description]
        for row in cursor:
            values = {n: v for n, v in zip(names, row) if v is not None}
            state[changes.row_key(table, tuple(values[c] for c in pk))] = values
    return state


def _replay(state: dict, entries) -> None:
    """Apply each entry's changes, checking that every 'before' is what the row held."""
    for (text,) in entries:
        for key, (before, after) in json.loads(text).items():
            if "#" not in key:
                continue
            if isinstance(before, dict) or isinstance(after, dict):  # a whole row, created or deleted
                assert state.get(key) == before, key
                if after is None:
                    del state[key]
                else:
                    state[key] = after
            else:
                row_key, column = key.rsplit(".", 1)
                assert state[row_key].get(column) == before, key
                if after is None:
                    state[row_key].pop(column, None)
                else:
                    state[row_key][column] = after


def test_the_log_replays_to_the_tables(office):
    db = store.connect(office.path)
    before, (first_seq, _hash) = _state(db), journal.head(db)
    units = db.conn.execute("SELECT count(*) FROM units").fetchone()[0]

    made = synthetic.add(office.path, 260, chunk=100, units=units + 3)

    db = store.connect(office.path)
    assert made["objectives"] == 260 and 2400 < made["log_entries"] < 3200
    _replay(before, db.conn.execute("SELECT changes FROM log WHERE seq > ? ORDER BY seq", (first_seq,)))
    after = _state(db)
    assert before == after
    kinds = {key.split("#")[0] for key in after}
    assert {"units", "people", "decisions", "objectives", "co_units", "reports", "inspections", "extensions"} <= kinds
    actions = {r[0] for r in db.conn.execute("SELECT DISTINCT action FROM log WHERE seq > ?", (first_seq,))}
    assert {"unit.add", "person.add", "decision.add", "objective.add", "extend.approve", "verify", "urge"} <= actions


def test_the_chain_holds_and_the_triggers_are_back(office):
    synthetic.add(office.path, 120, chunk=50)
    db = store.connect(office.path)
    result = journal.audit(db)
    assert result.ok and result.entries == journal.head(db)[0]
    triggers = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(schema.GUARD_TRIGGERS) | set(synthetic.BULK_TRIGGERS) <= triggers
    title = db.conn.execute("SELECT title FROM objectives ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert objectives.list_objectives(db, objectives.Filter(search=title.split()[-1]), limit=5)
