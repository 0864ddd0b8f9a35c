"""Replaying the log to prove the state.

Every change to a table is in the log (superviser/changes.py), so applying the
entries in order, from an empty database (or from the last run of ``baseline``
entries, for a database upgraded from an older log), gives what every table must
hold now. ``check`` does that and compares the result with every table, row and
field: a row written around the program (``sqlite3 db "update people set
role='director'…"``), inserted or deleted directly, shows up as a difference
naming the table, the row, the field, what the log says, what the table says and
the last entry that touched it.

The log is read first and the tables after, while the office goes on working: a row
written by a step logged after the entries replayed is not compared (the next audit
replays that step too).
"""

from __future__ import annotations

import gc
import json
import sqlite3
from dataclasses import dataclass

from superviser import store
from superviser.chain import PROGRESS_STEP
from superviser.changes import fingerprint, pk_columns
from superviser.elsewhere import Elsewhere
from superviser.i18n import _, ngettext
from superviser.progress import Progress, shares
from superviser.schema import state_tables
from superviser.store import Database
from superviser.tables import SECRET_COLUMNS

SHOWN = 50  # differences described in full; the rest are counted


@dataclass
class Difference:
    table: str
    row: str  # "": the whole column ``field`` is missing from the table
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


def replay(db: Database, progress: Progress | None = None) -> tuple[dict, dict, int, list[str], int]:
    """The state the log describes: ``{table: {pk: row}}``, the last entry per row, the count,
    the problems, the last entry's seq; ``progress`` hears how many are replayed, now and then."""
    rows: dict[str, dict] = {}  # by the log's row key, "objectives#17"
    touched: dict[str, int] = {}
    problems: list[str] = []
    in_baseline = False
    count = seq = 0
    row: dict = {}
    import msgspec  # (30 ms to import: only the replay pays for it)

    # msgspec reads the log's JSON in a third of the time json.loads takes, to the same values.
    loads, decode_error = msgspec.json.Decoder().decode, msgspec.DecodeError
    total = db.conn.execute("SELECT coalesce(max(seq), 0) FROM log").fetchone()[0] if progress is not None else 0
    report_at = PROGRESS_STEP if progress is not None else -1  # one comparison an entry: the loop stays lean
    # A million entries and four million changes: the loop is kept lean (this is most of the audit).
    for seq, action, text in db.conn.execute("SELECT seq, action, changes FROM log ORDER BY seq"):
        count += 1
        if count == report_at and progress is not None:
            progress(count, total)
            report_at += PROGRESS_STEP
        if action == "baseline":
            if not in_baseline:  # what came before was an older log: the baseline is the state
                rows.clear()
                touched.clear()
                problems.clear()
            in_baseline = True
        else:
            in_baseline = False
        try:  # (an entry that is not what the program writes is named, and the replay goes on)
            try:
                changes = loads(text)
            except decode_error:  # what strict JSON does not write (NaN, a lone surrogate): as the log's encoder reads it
                changes = json.loads(text)
            current = None  # the row of the last column change (an entry's keys are sorted: a row's come together)
            for key, (before, after) in changes.items():
                if "#" not in key:
                    continue  # a fact about the step
                if after.__class__ is dict:  # a row created, whole
                    rows[key] = after
                    touched[key] = seq
                    current = None
                elif before.__class__ is dict:  # a row deleted
                    if rows.pop(key, None) is None and len(problems) < SHOWN:
                        problems.append(f"#{seq}: {key} is deleted but was never created")
                    touched[key] = seq
                    current = None
                else:  # a column changed: table#pk.column (a string key may hold dots, a column never)
                    row_key, _dot, column = key.rpartition(".")
                    if row_key != current:
                        found = rows.get(row_key)
                        if found is None:
                            if len(problems) < SHOWN:
                                problems.append(f"#{seq}: {key} is changed but the row does not exist")
                            continue
                        current, row = row_key, found
                        touched[row_key] = seq
                    if after is None:
                        row.pop(column, None)
                    else:
                        row[column] = after
            if "column.added" in changes:
                _column_added(rows, changes["column.added"][1])
        except (ValueError, TypeError, AttributeError, KeyError):
            if len(problems) < SHOWN:
                problems.append(_("#{seq}: its changes can't be replayed (they are not what superviser writes)")
                                .format(seq=seq))
    if progress is not None:
        progress(total, total)
    state: dict[str, dict[str, dict]] = {}
    last: dict[str, dict[str, int]] = {}
    for key, row in rows.items():
        table, pk = key.split("#", 1)
        state.setdefault(table, {})[pk] = row
    for key, at in touched.items():
        table, pk = key.split("#", 1)
        last.setdefault(table, {})[pk] = at
    return state, last, count, problems, seq


def _row_keys(changes: dict) -> set[str]:
    """The rows an entry's changes touch, as the log names them ("objectives#17")."""
    keys = set()
    for key, change in changes.items():
        if "#" in key:  # a whole row (its key may hold dots) or one column of one
            whole = isinstance(change, (list, tuple)) and any(isinstance(side, dict) for side in change)
            keys.add(key if whole else key.rpartition(".")[0])
    return keys


def _written_since(db: Database, seq: int) -> set[str]:
    """The rows written by steps taken while the audit ran (after the log was read): their
    tables were read later than the log, so they may differ from it without any damage."""
    moved: set[str] = set()
    for (text,) in db.conn.execute("SELECT changes FROM log WHERE seq > ?", (seq,)):
        try:
            moved |= _row_keys(json.loads(text))
        except (ValueError, TypeError, AttributeError):
            continue  # (the next audit replays it, and names it if it is wrong)
    return moved


def _column_added(rows: dict[str, dict], spec: dict) -> None:
    """A fact that changes many rows at once: a column added with a default (a migration)."""
    if spec["default"] is None:
        return
    prefix = spec["table"] + "#"
    for key, row in rows.items():
        if key.startswith(prefix):
            row.setdefault(spec["column"], spec["default"])


def _table_rows(conn: sqlite3.Connection, table: str, keys: tuple[str, ...]) -> tuple[list[str], dict[str, tuple]]:
    """The table's columns, and its rows by the key the log writes (``17``, ``17,4``, ``li.ming``),
    secret columns as the log has them (fingerprints); ``keys``: its primary key's columns."""
    cursor = conn.execute(f"SELECT * FROM [{table}]")
    names = [d[0] for d in cursor.description]
    positions = [names.index(k) for k in keys]
    rows = cursor.fetchall()
    secrets = [i for i, name in enumerate(names) if name in SECRET_COLUMNS.get(table, ())]
    if secrets:
        rows = [tuple(fingerprint(v) if i in secrets else v for i, v in enumerate(values)) for values in rows]
    if len(positions) == 1:
        at = positions[0]
        keys_of = [str(values[at]) for values in rows]
    else:
        keys_of = [",".join([str(values[i]) for i in positions]) for values in rows]
    return names, dict(zip(keys_of, rows))


Found = tuple[list[Difference], int]  # a table's first SHOWN differences, and how many more


def _compare(conn: sqlite3.Connection, tables: dict[str, tuple[str, ...]], state: dict, touched: dict,
             progress: Progress | None = None) -> dict[str, Found]:
    """Each of ``tables`` (with its primary key's columns) against the rows the log describes."""
    found: dict[str, Found] = {}
    for done, (table, keys) in enumerate(tables.items()):
        if progress:
            progress(done, len(tables))
        names, actual = _table_rows(conn, table, keys)
        expected = state.get(table, {})
        # A replayed row holds no None: where the rows agree, as many values as the log has show in
        # the table unless the log has some in a column the table no longer has.
        if (actual == {pk: tuple(map(row.get, names)) for pk, row in expected.items()}
                and sum(map(len, expected.values())) == sum(len(v) - v.count(None) for v in actual.values())):
            continue  # the usual answer, found in C: the differences are named below
        logged: set[str] = set()
        for row in expected.values():
            logged.update(row)
        gone = [Difference(table, "", column, None, None, None) for column in sorted(logged.difference(names))]
        listed, more = _differences(table, names, actual, expected, touched.get(table, {}))
        found[table] = (gone + listed, more)
    return found


def _differences(table: str, names: list[str], actual: dict[str, tuple], expected: dict[str, dict],
                 last: dict[str, int]) -> Found:
    listed: list[Difference] = []
    more = 0

    def differ(*args) -> None:
        nonlocal more
        if len(listed) < SHOWN:
            listed.append(Difference(table, *args))
        else:
            more += 1

    for pk, values in actual.items():
        logged = expected.get(pk)
        if logged is None:
            differ(pk, None, None, dict(zip(names, values)), None)
            continue
        for name, value in zip(names, values):
            wanted = logged.get(name)
            if wanted != value or (wanted is None) != (value is None):
                differ(pk, name, wanted, value, last.get(pk))
    for pk in expected.keys() - actual.keys():
        differ(pk, None, expected[pk], None, last.get(pk))
    return listed, more


# The tables are compared in two processes (the second a fork, superviser/elsewhere.py) once the
# log describes this many rows: fewer are compared here sooner than a child starts.
APART_FROM = 50_000


def _halves(tables: dict[str, tuple[str, ...]], state: dict) -> tuple[dict, dict]:
    """The tables in two groups of about the same work (rows × columns), for two processes."""
    groups: tuple[dict, dict] = ({}, {})
    work = [0, 0]
    for table in sorted(tables, key=lambda t: -_work(state.get(t, {}))):
        lighter = work.index(min(work))
        groups[lighter][table] = tables[table]
        work[lighter] += _work(state.get(table, {}))
    return groups


def _work(rows: dict) -> int:
    return len(rows) * len(next(iter(rows.values()), ()))


def _elsewhere(path: str, tables: dict[str, tuple[str, ...]], state: dict, touched: dict) -> Elsewhere[dict[str, Found]]:
    def work() -> dict[str, Found]:
        conn = sqlite3.connect(path, timeout=30)  # its own: a connection is not carried across a fork
        try:
            return _compare(conn, tables, state, touched)
        finally:
            conn.close()

    return Elsewhere(work)


def _comparable(db: Database, state: dict, problems: list[str]) -> dict[str, tuple[str, ...]]:
    """The state tables with their primary keys' columns; a table the log has rows of that is not
    there (dropped, renamed), or one without a primary key, is a problem."""
    present = state_tables(db)
    tables = {}
    for table in present:
        try:
            tables[table] = pk_columns(db, table)
        except ValueError:
            problems.append(_("table {table} has no primary key: its rows can't be compared with the log")
                            .format(table=table))
    for table in sorted(state.keys() - set(present)):
        n = len(state[table])
        problems.append(ngettext("table {table} is missing: the log says it holds {n} row",
                                 "table {table} is missing: the log says it holds {n} rows", n).format(table=table, n=n))
    return tables


def check(db: Database, progress: Progress | None = None) -> Replayed:
    """Replay the log and compare it with every table; ``progress`` hears how far it has got."""
    replaying, comparing = shares(progress, 5, 2)
    collecting = gc.isenabled()
    # The replay makes millions of dicts, none in a cycle: the collector's passes over them find
    # nothing, and in a forked child would copy every page they touch.
    gc.disable()
    try:
        state, touched, count, problems, head = replay(db, replaying)
        tables = _comparable(db, state, problems)
        path = store.path_of(db)
        there = None
        if sum(map(len, state.values())) >= APART_FROM and path and not db.conn.in_transaction:
            apart, here = _halves(tables, state)
            there = _elsewhere(path, apart, state, touched)  # (a connection in a transaction sees its own rows)
        else:
            here = tables
        try:
            found = _compare(db.conn, here, state, touched, comparing)
            if there is not None:
                found |= there.result()
        finally:
            if there is not None:
                there.close()  # (no child left behind, whether the work stops here or not)
    finally:
        if collecting:
            gc.enable()
    if comparing:
        comparing(1, 1)
    moved = _written_since(db, head)
    if moved:
        found = {table: ([d for d in differences if f"{table}#{d.row}" not in moved], beyond)
                 for table, (differences, beyond) in found.items()}
    listed: list[Difference] = []
    more = 0
    for table in tables:  # in the tables' order, as one process would list them
        differences, beyond = found.get(table, ([], 0))
        room = max(0, SHOWN - len(listed))
        listed += differences[:room]
        more += len(differences) - len(differences[:room]) + beyond
    return Replayed(entries=count, differences=listed, more=more, problems=problems)
