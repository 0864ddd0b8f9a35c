"""The store: pragmas, migrations, refusing unknown databases, triggers surviving transforms."""

import sqlite3

import pytest

from superviser import journal, schema, store
from superviser.errors import StoreError


def test_connection_pragmas(office):
    db = store.connect(office.path)
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.conn.execute("PRAGMA busy_timeout").fetchone()[0] == store.BUSY_TIMEOUT_MS


def test_new_database_is_private(tmp_path):
    from superviser.services import org

    org.init(tmp_path / "new.db", "boss")
    assert (tmp_path / "new.db").stat().st_mode & 0o077 == 0


def test_missing_database_says_how_to_create_one(tmp_path):
    with pytest.raises(StoreError, match="superviser init"):
        store.connect(tmp_path / "nothing.db")


def test_refuses_a_newer_schema(office):
    db = store.connect(office.path)
    db.conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('superviser', 'm999_future', 'x')"
    )
    with pytest.raises(StoreError, match="newer superviser"):
        store.connect(office.path)


def test_refuses_a_foreign_database(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a superviser database"):
        store.connect(path)


def test_refuses_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database " * 100)
    with pytest.raises(StoreError):
        store.connect(path)


def test_all_migrations_applied_once(office):
    db = store.connect(office.path)
    assert schema.applied_names(db) == list(schema.known_names())
    store.connect(office.path)  # opening again applies nothing twice
    assert db.conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == len(schema.known_names())


def test_a_current_database_opens_without_the_migrations(office):
    """``connect`` answers "is the schema current" from its own list of the migrations, without
    loading them (they import sqlite-utils); the list must be exactly the migrations declared."""
    assert schema.known_names() == store.MIGRATIONS
    db = store.connect(office.path)
    assert db.conn.execute("SELECT 1 FROM objectives LIMIT 1") is not None
    assert db["objectives"].exists()  # sqlite-utils' API is still there when something needs it


def _indexes(db, table="objectives"):
    return dict(db.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
                                " AND sql IS NOT NULL", (table,)))


# The objectives' indexes as m001 to m009 made them, before m010_leaner_indexes.
_BEFORE_M010 = {
    "idx_objectives_lead_unit_id": "CREATE INDEX idx_objectives_lead_unit_id ON objectives(lead_unit_id)",
    "idx_objectives_light_override": "CREATE INDEX idx_objectives_light_override ON objectives(light_override)",
    "idx_objectives_open_first": "CREATE INDEX idx_objectives_open_first ON objectives("
                                 "status IN ('closed', 'suspended', 'cancelled'), deadline, sort_key)",
    "idx_objectives_awaited": "CREATE INDEX idx_objectives_awaited ON objectives(deadline, sort_key)"
                              " WHERE status IN ('registered', 'assigned', 'accepted', 'in_progress', 'returned')",
    "idx_objectives_waiting": "CREATE INDEX idx_objectives_waiting ON objectives(deadline, sort_key)"
                              " WHERE status IN ('submitted', 'verified')",
}


def test_no_index_of_the_objectives_holds_an_in_list(office):
    """SQLite builds an IN list's table again for every row it writes into an index whose
    definition holds one: the statuses are written as equalities (lights.status_in), and the
    queries that read those indexes say them the same way (tests/test_flat_reads.py)."""
    indexes = _indexes(store.connect(office.path))
    assert {"idx_objectives_open_first", "idx_objectives_awaited", "idx_objectives_unit_open"} <= set(indexes)
    assert [name for name, sql in indexes.items() if " IN " in sql.upper()] == []
    assert "idx_objectives_lead_unit_id" not in indexes  # the scorecards' index begins with the lead unit
    assert indexes["idx_objectives_light_override"].endswith("WHERE light_override IS NOT NULL")


def test_m010_gives_an_older_database_the_leaner_indexes(office):
    db = store.connect(office.path)
    fresh = _indexes(db)
    with store.transaction(db):  # the database as m009 left it
        for name, sql in _BEFORE_M010.items():
            db.execute(f"DROP INDEX IF EXISTS {name}")
            db.execute(sql)
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm010_leaner_indexes'")
    assert " IN " in _indexes(db)["idx_objectives_awaited"]
    schema.ensure_current(db)
    assert _indexes(db) == fresh
    with store.transaction(db):  # a transform keeps them as they are (sqlite-utils recreates them from their SQL)
        schema.transform(db, "objectives", types={"detail": str})
    assert _indexes(db) == fresh


def _triggers(db):
    return {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}


def test_transform_keeps_the_triggers(office):
    """sqlite-utils' transform drops a table's triggers; schema.transform puts them back."""
    db = store.connect(office.path)
    before = _triggers(db)
    assert {"log_no_update", "log_no_delete", "log_chain", "objectives_ai", "objectives_au", "objectives_ad"} <= before
    with store.transaction(db):
        schema.transform(db, "log", types={"detail": str})
        schema.transform(db, "objectives", types={"detail": str})
    assert _triggers(db) == before
    assert journal.missing_triggers(db) == []
    assert journal.audit(db).ok


def test_plain_transform_would_lose_them(office):
    """The reason schema.transform exists: audit notices what a bare transform does."""
    db = store.connect(office.path)
    with store.transaction(db):
        db["log"].transform(types={"detail": str})
    assert set(journal.missing_triggers(db)) == {"log_no_update", "log_no_delete", "log_chain"}
    assert not journal.audit(db).ok


def test_transaction_rolls_back_on_error(office):
    db = store.connect(office.path)
    count = db.conn.execute("SELECT count(*) FROM units").fetchone()[0]
    with pytest.raises(RuntimeError), store.transaction(db):
        db.conn.execute("INSERT INTO units (name, created_at) VALUES ('Ghost', 'x')")
        raise RuntimeError("boom")
    assert db.conn.execute("SELECT count(*) FROM units").fetchone()[0] == count
    assert not db.conn.in_transaction


def test_resolve_path_order(monkeypatch, tmp_path):
    monkeypatch.setenv("SUPERVISER_DB", str(tmp_path / "env.db"))
    assert store.resolve_path(str(tmp_path / "flag.db")) == tmp_path / "flag.db"
    assert store.resolve_path(None) == tmp_path / "env.db"
    monkeypatch.delenv("SUPERVISER_DB")
    assert store.resolve_path(None).name == "superviser.db"


def test_none_is_bound_as_null(office):
    """(On Python 3.11 the store registers an adapter for None, for speed: it must still bind NULL.)"""
    conn = store.connect(office.path).conn
    assert conn.execute("SELECT ? IS NULL, typeof(?), coalesce(?, 'absent')", (None, None, None)).fetchone() == (
        1, "null", "absent")
    conn.execute("CREATE TEMP TABLE nulls (a, b)")
    conn.executemany("INSERT INTO nulls VALUES (?, ?)", [(1, None), (None, "x")])
    assert conn.execute("SELECT count(*) FROM nulls WHERE a IS NULL OR b IS NULL").fetchone()[0] == 2
    assert conn.execute("SELECT count(*) FROM nulls WHERE b IS ?", (None,)).fetchone()[0] == 1
