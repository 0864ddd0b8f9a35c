"""Replaying the log to prove the state.

Every change to a table is in the log (superviser/changes.py), so applying the
entries in order, from an empty database (or from the last run of ``baseline``
entries, for a database upgraded from an older log), gives what every table must
hold now. ``check`` does that and compares the result with every table, row and
field: a row written around the program (``sqlite3 db "update people set
role='director'…"``), inserted or deleted directly, shows up as a difference
naming the table, the row, the field, what the log says, what the table says and
the last entry that touched it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from superviser.changes import FINGERPRINT, fingerprint, pk_columns
from superviser.schema import state_tables
from superviser.store import Database
from superviser.tables import SECRET_COLUMNS

SHOWN = 50  # differences described in full; the rest are counted


@dataclass
class Difference:
    table: str
    row: str
    field: str | None  # None: the whole row is missing on one side
    log_says: object
    table_says: object
    last_seq: int | None


@dataclass
class Replayed:
    entries: int = 0
    differences: list[Difference] | None = None
    more: int = 0  # differences beyond those listed
    problems: list[str] | None = None  # entries that do not apply (a change to a row that is not there)


def _apply(state: dict, touched: dict, seq: int, changes: dict, problems: list[str]) -> None:
    for key, value in changes.items():
        if "#" not in key:
            continue  # a fact about the step
        before, after = value
        table, rest = key.split("#", 1)
        rows = state.setdefault(table, {})
        if isinstance(before, dict) or isinstance(after, dict):
            if after is None:
                if rows.pop(rest, None) is None and len(problems) < SHOWN:
                    problems.append(f"#{seq}: {table}#{rest} is deleted but was never created")
            else:
                rows[rest] = dict(after)
            touched.setdefault(table, {})[rest] = seq
            continue
        pk, column = rest.rsplit(".", 1)
        row = rows.get(pk)
        if row is None:
            if len(problems) < SHOWN:
                problems.append(f"#{seq}: {table}#{pk}.{column} is changed but the row does not exist")
            continue
        if after is None:
            row.pop(column, None)
        else:
            row[column] = after
        touched.setdefault(table, {})[pk] = seq


def _facts(state: dict, changes: dict) -> None:
    """Facts that change many rows at once: a column added with a default (a migration)."""
    added = changes.get("column.added")
    if added:
        spec = added[1]
        for row in state.get(spec["table"], {}).values():
            if spec["default"] is not None:
                row.setdefault(spec["column"], spec["default"])


def replay(db: Database) -> tuple[dict, dict, int, list[str]]:
    """The state the log describes: ``{table: {pk: row}}``, the last entry per row, the count."""
    state: dict[str, dict[str, dict]] = {}
    touched: dict[str, dict[str, int]] = {}
    problems: list[str] = []
    in_baseline = False
    count = 0
    cursor = db.conn.execute("SELECT seq, action, changes FROM log ORDER BY seq")
    cursor.arraysize = 5000
    loads = json.loads
    while rows := cursor.fetchmany():
        for seq, action, text in rows:
            count += 1
            if action == "baseline":
                if not in_baseline:  # what came before was an older log: the baseline is the state
                    state.clear()
                    touched.clear()
                    problems.clear()
                in_baseline = True
            else:
                in_baseline = False
            changes = loads(text)
            _apply(state, touched, seq, changes, problems)
            if "column.added" in changes:
                _facts(state, changes)
    return state, touched, count, problems


def _key_text(values: tuple) -> str:
    return ",".join(str(v) for v in values)


def check(db: Database) -> Replayed:
    """Replay the log and compare it with every table."""
    state, touched, count, problems = replay(db)
    found: list[Difference] = []
    more = 0

    def differ(*args) -> None:
        nonlocal more
        if len(found) < SHOWN:
            found.append(Difference(*args))
        else:
            more += 1

    for table in state_tables(db):
        keys = pk_columns(db, table)
        secrets = SECRET_COLUMNS.get(table, frozenset())
        expected = state.get(table, {})
        last = touched.get(table, {})
        cursor = db.conn.execute(f"SELECT * FROM [{table}]")
        names = [d[0] for d in cursor.description]
        positions = [names.index(k) for k in keys]
        seen = set()
        while rows := cursor.fetchmany(5000):
            for values in rows:
                pk = _key_text(tuple(values[i] for i in positions))
                seen.add(pk)
                logged = expected.get(pk)
                if logged is None:
                    differ(table, pk, None, None, dict(zip(names, values)), None)
                    continue
                for name, actual in zip(names, values):
                    if name in secrets and actual is not None and not str(actual).startswith(FINGERPRINT):
                        actual = fingerprint(actual)
                    wanted = logged.get(name)
                    if wanted != actual or (wanted is None) != (actual is None):
                        differ(table, pk, name, wanted, actual, last.get(pk))
        for pk in expected.keys() - seen:
            differ(table, pk, None, expected[pk], None, last.get(pk))
    return Replayed(entries=count, differences=found, more=more, problems=problems)
