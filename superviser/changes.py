"""Writing rows, and recording what changed in the log entry of the same transaction.

Every write to a table goes through ``Changes``: it performs the INSERT, UPDATE or
DELETE and remembers the change in the log's format (see docs/design.md), and
``Changes.log`` writes the entry that holds them. ``write()`` opens the one
``BEGIN IMMEDIATE`` transaction of a step and refuses to commit a change that no
entry records, so the log always says everything that happened to the tables;
``superviser audit`` replays it to prove it.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from typing import Any

from superviser import journal, store
from superviser.store import Database, transaction
from superviser.tables import SECRET_COLUMNS

FINGERPRINT = "sha256:"
_PK_COLUMNS: dict[str, tuple[str, ...]] = {}


def fingerprint(value: object) -> str | None:
    """How a secret is written in the log: its sha256, never the secret."""
    if value is None:
        return None
    return FINGERPRINT + hashlib.sha256(str(value).encode("utf-8")).hexdigest()


def pk_columns(db: Database, table: str) -> tuple[str, ...]:
    """The primary key columns of ``table``, in declaration order (cached: keys never change)."""
    columns = _PK_COLUMNS.get(table)
    if columns is None:
        info = db.conn.execute(f"PRAGMA table_info([{table}])").fetchall()
        columns = tuple(name for _pos, name in sorted((row[5], row[1]) for row in info if row[5]))
        if not columns:
            raise ValueError(f"{table} has no primary key")
        _PK_COLUMNS[table] = columns
    return columns


def row_key(table: str, pk: Any) -> str:
    """``objectives#17``, ``co_units#17,4``, ``people#li.ming``."""
    if not isinstance(pk, tuple):
        return f"{table}#{pk}"
    return f"{table}#{pk[0]}" if len(pk) == 1 else f"{table}#{','.join(map(str, pk))}"


def with_facts(changes: dict, facts: dict | None) -> dict:
    """An entry's ``changes`` with its ``facts`` added (each ``[None, value]``), checked before any
    is added: a fact's name has no '#' (that is a row's)."""
    for name in facts or ():
        if "#" in name:
            raise ValueError(f"a fact's name has no '#': {name}")
    changes.update((name, [None, value]) for name, value in (facts or {}).items())
    return changes


def _recorded(table: str, column: str, value: Any) -> Any:
    return fingerprint(value) if column in SECRET_COLUMNS.get(table, ()) else value


class Changes:
    """The writes of one transaction, grouped into log entries."""

    def __init__(self, db: Database, actor: str):
        self.db = db
        self.conn = db.conn
        self.actor = actor
        self._pending: dict[str, list] = {}
        self.entries: list[int] = []

    # --- writing ----------------------------------------------------------------------------
    def _pk(self, table: str, pk: Any) -> tuple:
        columns = pk_columns(self.db, table)
        values = pk if isinstance(pk, tuple) else (pk,)
        if len(values) != len(columns):
            raise ValueError(f"{table}: key {pk!r} does not match {columns}")
        return values

    def _where(self, table: str) -> str:
        return " AND ".join(f"[{c}] = ?" for c in pk_columns(self.db, table))

    def read(self, table: str, pk: tuple, columns: list[str] | None = None) -> dict | None:
        """One row (or some of its columns) as it is now in this transaction."""
        selected = ", ".join(f"[{c}]" for c in columns) if columns else "*"
        return store.row(self.db, f"SELECT {selected} FROM [{table}] WHERE {self._where(table)}", pk)

    def insert(self, table: str, values: dict) -> Any:
        """Insert a row; returns its primary key (a tuple for a composite key)."""
        names = list(values)
        cursor = self.conn.execute(
            f"INSERT INTO [{table}] ({', '.join(f'[{n}]' for n in names)}) VALUES ({', '.join('?' * len(names))})",
            [values[n] for n in names],
        )
        columns = pk_columns(self.db, table)
        if len(columns) == 1:
            pk: Any = values.get(columns[0], cursor.lastrowid)
            key_values = (pk,)
        else:
            pk = key_values = tuple(values[c] for c in columns)
        row = self.read(table, key_values)  # as stored: defaults filled in
        assert row is not None
        self._created(table, key_values, row)
        return pk

    def next_number(self, table: str, column: str, **where) -> int:
        """One more than the highest ``column`` among the rows matching ``where`` (None: IS NULL):
        the next decision of a year, the next objective of a decision."""
        clause = " AND ".join(f"[{c}] IS ?" for c in where) or "1"
        return self.conn.execute(f"SELECT coalesce(max([{column}]), 0) + 1 FROM [{table}] WHERE {clause}",
                                 list(where.values())).fetchone()[0]

    def update(self, table: str, pk: Any, values: dict) -> dict[str, tuple]:
        """Change some columns of one row; returns ``{column: (before, after)}`` for those that
        really changed (an update to the same value writes and records nothing)."""
        key_values = self._pk(table, pk)
        current = self.read(table, key_values, list(values))
        if current is None:
            raise LookupError(f"{row_key(table, pk)} does not exist")
        changed = {c: (current[c], v) for c, v in values.items() if current[c] != v}
        if not changed:
            return {}
        assignments = ", ".join(f"[{c}] = ?" for c in changed)
        self.conn.execute(f"UPDATE [{table}] SET {assignments} WHERE {self._where(table)}",
                          [after for _before, after in changed.values()] + list(key_values))
        for column, (before, after) in changed.items():
            self._changed(table, key_values, column, before, after)
        return changed

    def delete(self, table: str, pk: Any) -> dict | None:
        """Delete one row; returns what it held (None if there was no such row)."""
        key_values = self._pk(table, pk)
        row = self.read(table, key_values)
        if row is None:
            return None
        self.conn.execute(f"DELETE FROM [{table}] WHERE {self._where(table)}", key_values)
        self._deleted(table, key_values, row)
        return row

    # --- recording: at most one operation per row and entry, so an entry's changes can be
    # applied in any order (the log stores them sorted) ---------------------------------------
    def _created(self, table: str, pk: tuple, row: dict) -> None:
        if table in SECRET_COLUMNS:
            shown = {c: _recorded(table, c, v) for c, v in row.items() if v is not None}
        else:
            shown = {c: v for c, v in row.items() if v is not None}
        self._pending[row_key(table, pk)] = [None, shown]

    def _changed(self, table: str, pk: tuple, column: str, before, after) -> None:
        key = row_key(table, pk)
        created = self._pending.get(key)
        if created is not None and created[0] is None:  # created in this entry: keep it whole
            if after is None:
                created[1].pop(column, None)
            else:
                created[1][column] = _recorded(table, column, after)
            return
        column_key = f"{key}.{column}"
        first = self._pending.get(column_key)
        before = first[0] if first else _recorded(table, column, before)
        after = _recorded(table, column, after)
        if before == after:
            self._pending.pop(column_key, None)
        else:
            self._pending[column_key] = [before, after]

    def _deleted(self, table: str, pk: tuple, row: dict) -> None:
        key = row_key(table, pk)
        created = self._pending.pop(key, None)
        prefix = key + "."
        original = {c: _recorded(table, c, v) for c, v in row.items()}
        for column_key in [k for k in self._pending if k.startswith(prefix)]:
            original[column_key[len(prefix):]] = self._pending.pop(column_key)[0]  # as recorded before this entry
        if created is not None:
            return  # created and deleted in one entry: nothing happened
        self._pending[key] = [{c: v for c, v in original.items() if v is not None}, None]

    # --- the log ----------------------------------------------------------------------------
    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def log(self, action: str, *, objective_id: int | None = None, decision_id: int | None = None,
            detail: str = "", facts: dict | None = None) -> int:
        """Write one log entry with every change since the previous entry, and ``facts``
        (what the step was, beyond table state: ``{"undo.of": 1234}``)."""
        changes = with_facts(dict(self._pending), facts)
        seq = journal.append(self.db, actor=self.actor, action=action, objective_id=objective_id,
                             decision_id=decision_id, detail=detail, changes=changes)
        self._pending = {}
        self.entries.append(seq)
        return seq


@contextlib.contextmanager
def write(session) -> Iterator[Changes]:
    """One step's transaction (``BEGIN IMMEDIATE``), acting as ``session.login``."""
    with transaction(session.db):
        changes = Changes(session.db, session.login)
        yield changes
        if changes.pending:
            raise RuntimeError("a change was written that no log entry records; call changes.log()")
