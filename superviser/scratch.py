"""Rows waiting in a connection's own temp schema, written before the write lock is taken.

A statement run once per row costs more inside the lock than the row itself: its values are
bound one by one, and each partial or expression index with an ``IN`` list (the objectives
have several) builds that list again at every run. Rows staged here beforehand are moved
into their table by one ``INSERT … SELECT``: one run, the lists built once. The temp schema
belongs to the connection alone, so writing it locks nothing others wait for.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def name(table: str) -> str:
    """The scratch table that holds rows for ``table``."""
    return f"temp.[staged_{table}]"


def stage(conn: sqlite3.Connection, table: str, width: int, rows: Iterable[tuple]) -> str:
    """``rows`` (tuples of ``width`` values) in a new scratch table for ``table``, in their
    order; its name. Columns without a type keep every value as given, so the table's own
    columns convert them as they would convert the values inserted directly."""
    scratch = name(table)
    opened = not conn.in_transaction
    if opened:  # (a deferred transaction that writes only the temp schema: no lock on the database)
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


def drop(conn: sqlite3.Connection, tables: Iterable[str]) -> None:
    """Drop the scratch tables for ``tables`` (outside a transaction: the space goes at once)."""
    for table in tables:
        conn.execute(f"DROP TABLE IF EXISTS {name(table)}")
