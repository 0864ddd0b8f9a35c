"""Opening the database and writing to it safely.

One rule for every write: ``with transaction(db):`` begins ``BEGIN IMMEDIATE``
(so concurrent writers queue on the busy timeout instead of failing when a read
turns into a write), commits on success and rolls back on any error.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from superviser.errors import Busy, StoreError, SuperviserError
from superviser.i18n import _

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 30_000

if sys.version_info < (3, 12):
    # Python 3.11's sqlite3 looks for an adapter for every None it binds, and each time it finds
    # none it raises and clears an AttributeError: 0.3 µs per NULL, half the cost of staging an
    # import's rows. One registered for None is found at once (an empty dict's get: a C function that
    # gives None back). From 3.12 on None is bound directly.
    _NOTHING: dict[None, None] = {}
    sqlite3.register_adapter(type(None), _NOTHING.get)

# The migrations of ``superviser.schema``, in order (tests/test_store.py checks that they are
# the ones it declares). A database that has applied exactly these opens without loading
# the migrations, which import sqlite-utils: most of what a read command would cost.
MIGRATIONS = ("m001_initial", "m002_reviews", "m003_log_v2", "m004_trust", "m005_delivery", "m007_corrections",
              "m008_speed", "m009_flat_reads", "m010_leaner_indexes")


class Database:
    """An open database: ``conn``, the ``sqlite3`` connection that every read and write goes
    through. sqlite-utils' ``Database`` over the same connection (migrations, full-text
    setup, transforms, bulk inserts) is made on the first use of anything else."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._utils: sqlite_utils.Database | None = None

    @property
    def utils(self) -> sqlite_utils.Database:
        if self._utils is None:
            import sqlite_utils

            self._utils = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._utils

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.utils, name)

    def __getitem__(self, table: str):
        return self.utils[table]


# Rows as dicts of their columns by name (the names the SELECT gives them): every read that
# hands rows on asks these, rather than a row factory on the connection, which would change
# every other query's tuples.
def rows(db: Database, sql: str, params: Sequence | Mapping = ()) -> list[dict]:
    """The rows ``sql`` finds."""
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor]


def row(db: Database, sql: str, params: Sequence | Mapping = ()) -> dict | None:
    """The first row ``sql`` finds, or None."""
    cursor = db.conn.execute(sql, params)
    values = cursor.fetchone()
    return None if values is None else dict(zip([d[0] for d in cursor.description], values))


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("superviser", appauthor=False)) / "superviser.db"


def demo_path() -> Path:
    return default_path().with_name("demo.db")


def resolve_path(given: str | os.PathLike | None = None) -> Path:
    """``--db PATH``, else ``SUPERVISER_DB``, else the user's data directory."""
    if given:
        return Path(given).expanduser()
    env = os.environ.get("SUPERVISER_DB")
    if env:
        return Path(env).expanduser()
    return default_path()


def connect(path: str | os.PathLike, *, create: bool = False, migrate: bool = True) -> Database:
    """Open the database at ``path`` with the pragmas every connection needs.

    ``create`` allows making a new file; otherwise a missing file is a clear error.
    The schema is brought up to date (or refused if it is newer than we know).
    """
    from superviser import files

    path = Path(path)
    try:
        path.exists()
    except PermissionError:
        raise StoreError(_("{path}: permission denied; the office's database is opened through superviser's own "
                           "account (ssh superviser@office, or sudo); ask the director for access").format(path=path)) from None
    if not create and not path.exists():
        raise StoreError(
            _("no database at {path}; create one with `superviser init` (or try `superviser --demo`)").format(
                path=files.shown(path)
            )
        )
    if path.is_dir():
        raise StoreError(_("{path} is a folder, not a database file").format(path=files.shown(path)))
    empty = path.exists() and path.stat().st_size == 0
    if empty and not create:
        # SQLite would quietly make any empty file a database; only `init` may do that.
        raise StoreError(_("{path} is an empty file, not a superviser database; `superviser init` makes one").format(
            path=files.shown(path)))
    new = create and (empty or not path.exists())
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        if new:
            _restrict(path)
        conn = sqlite3.connect(
            str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
    except (sqlite3.DatabaseError, OSError) as error:
        explained = files.explain(error, path)
        if isinstance(explained, SuperviserError):
            raise explained from None
        raise StoreError(_("{path} is not a superviser database ({error})").format(
            path=files.shown(path), error=error)) from None
    db = Database(conn)
    if migrate and not _current(conn):
        from superviser import schema

        schema.ensure_current(db)
    return db


def _current(conn: sqlite3.Connection) -> bool:
    """Whether the database has applied every migration this program knows, and no other."""
    try:
        names = conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'superviser' ORDER BY rowid")
        return tuple(name for (name,) in names) == MIGRATIONS
    except sqlite3.OperationalError:  # no such table: a new file, or not ours (schema says which)
        return False


def _restrict(path: Path) -> None:
    """A new database is private to its owner: people reach it through the service account,
    never by the file (README, "Deployment")."""
    path.touch(exist_ok=True)
    os.chmod(path, 0o600)


def reopen(db: Database) -> Database:
    """A fresh connection to the same file (one connection per thread)."""
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    return connect(path, migrate=False)


def path_of(db: Database) -> str:
    return db.conn.execute("PRAGMA database_list").fetchone()[2]


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write: ``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error."""
    conn = db.conn
    if conn.in_transaction:
        raise RuntimeError("transaction() does not nest; a step is one transaction")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        raise _failure(db, error) from None
    try:
        yield db
    except sqlite3.DatabaseError as error:
        _rollback(conn)
        explained = _failure(db, error)
        if explained is error:
            raise
        raise explained from None
    except BaseException:
        _rollback(conn)
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as error:
        _rollback(conn)
        raise _failure(db, error) from None


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.DatabaseError):  # SQLite has rolled back already (a full disk, an I/O error)
            conn.execute("ROLLBACK")


def _failure(db: Database, error: sqlite3.DatabaseError) -> BaseException:
    """A failed write in the user's words: busy, read-only, disk full; else the error itself."""
    from superviser import files

    if isinstance(error, sqlite3.OperationalError) and _is_busy(error):
        return Busy(_("the database is busy (someone else is writing); nothing was written, try again"))
    try:
        path = path_of(db)
    except sqlite3.Error:
        path = None
    return files.explain(error, path)


@contextlib.contextmanager
def snapshot(db: Database) -> Iterator[Database]:
    """A read that sees one state of the database from start to end (other writers go on:
    in WAL mode a reader takes no write lock)."""
    db.conn.execute("BEGIN")
    try:
        yield db
    finally:
        db.conn.execute("ROLLBACK")


def data_version(db: Database) -> int:
    """Changes when another connection commits; cheap to poll."""
    return db.conn.execute("PRAGMA data_version").fetchone()[0]
