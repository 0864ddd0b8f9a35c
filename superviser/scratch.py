"""Rows waiting in a database private to the connection, written before the write lock is taken.

A statement run once per row costs more inside the lock than the row itself: its values are
bound one by one. Rows staged here beforehand (the binding done without the lock) are moved
into their table by one ``INSERT … SELECT``. The scratch database belongs to the connection
alone, so writing it locks nothing others wait for.

It is a temporary database attached for the purpose (SQLite deletes its file when it is
detached), so that ``drop`` lets it all go at once; dropping the tables one by one would
read every page of them again. Inside a transaction, where attaching is not allowed, rows
are staged in the connection's temp schema instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

SCHEMA = "scratch"


def _attached(conn: sqlite3.Connection) -> bool:
    return any(row[1] == SCHEMA for row in conn.execute("PRAGMA database_list"))


def stage(conn: sqlite3.Connection, table: str, width: int, rows: Iterable[tuple]) -> str:
    """``rows`` (tuples of ``width`` values) in a new scratch table for ``table``, in their
    order; its name. Columns without a type keep every value as given, so the table's own
    columns convert them as they would convert the values inserted directly."""
    opened = not conn.in_transaction
    if opened and not _attached(conn):
        conn.execute(f"ATTACH DATABASE '' AS {SCHEMA}")
    scratch = f"{SCHEMA if _attached(conn) else 'temp'}.[staged_{table}]"
    if opened:  # (a transaction that writes only the scratch database: no lock on the main one)
        conn.execute("BEGIN")
    try:
        conn.execute(f"DROP TABLE IF EXISTS {scratch}")
        conn.execute(f"CREATE TABLE {scratch} ({', '.join(f'c{i}' for i in range(width))})")
        conn.executemany(f"INSERT INTO {scratch} VALUES ({', '.join('?' * width)})", rows)
    except BaseException:
        if opened and conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    if opened:
        conn.execute("COMMIT")
    return scratch


def insert(conn: sqlite3.Connection, table: str, columns: list[str], scratch: str) -> None:
    """Move the rows staged in ``scratch`` into ``table``'s ``columns``, in the order staged."""
    listed = ", ".join(f"[{c}]" for c in columns)
    picked = ", ".join(f"c{i}" for i in range(len(columns)))
    conn.execute(f"INSERT INTO [{table}] ({listed}) SELECT {picked} FROM {scratch} ORDER BY rowid")


def drop(conn: sqlite3.Connection, names: Iterable[str]) -> None:
    """Let the scratch tables ``names`` (as ``stage`` gave them) go, outside a transaction."""
    if _attached(conn):
        conn.execute(f"DETACH DATABASE {SCHEMA}")
    for name in names:
        if name.startswith("temp."):
            conn.execute(f"DROP TABLE IF EXISTS {name}")
