"""The schema, versioned with sqlite-utils' Migrations.

A migration that runs ``table.transform()`` loses the table's triggers; such
migrations call ``transform()`` here, which puts them back. ``ensure_triggers``
is also what ``audit`` compares against: the guard triggers must exist with
exactly this SQL.
"""

from __future__ import annotations

import functools

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from superviser import grams, store, tallies
from superviser.errors import NewerDatabase, StoreError
from superviser.i18n import _
from superviser.lifecycle import AWAITED, ENDED, OPEN, SUBMITTED, VERIFIED, WORKING
from superviser.lights import sql_list, status_in
from superviser.tables import FTS_TABLES, GUARD_TRIGGERS, SCORE_SETTINGS, SECRET_COLUMNS

migrations = Migrations("superviser")

# Tables that are not state of their own: rebuilt from other tables (full-text
# indexes) or kept for speed. Audit does not replay them.
DERIVED_PREFIXES = ("sqlite_", "_sqlite_migrations", "objectives_fts", "decisions_fts", "objectives_grams",
                    "decisions_grams", "tally_")


def ensure_triggers(db: Database, table: str | None = None) -> None:
    """(Re)create the triggers a table needs; all tables when ``table`` is None."""
    if table in (None, "log"):
        for name, sql in GUARD_TRIGGERS.items():
            db.execute(f"DROP TRIGGER IF EXISTS {name}")
            db.execute(sql)
    for fts_table, columns in FTS_TABLES.items():
        if table in (None, fts_table):
            db.table(fts_table).enable_fts(columns, create_triggers=True, tokenize="trigram", replace=True)
    grams.ensure_triggers(_core(db), FTS_TABLES, table)
    tallies.ensure_triggers(_core(db), table)


def _core(db: Database) -> store.Database:
    """The core's Database over the connection a migration is given (for its log entries)."""
    return store.Database(db.conn)


def transform(db: Database, table: str, **changes) -> None:
    """``table.transform`` that keeps the table's triggers (transform drops them)."""
    db.table(table).transform(**changes)
    ensure_triggers(db, table)


@migrations()
def m001_initial(db: Database) -> None:
    # The default settings are written by `init`, as logged changes like any other.
    db.table("settings").create({"key": str, "value": str}, pk="key", not_null={"value"})

    db.table("units").create(
        {"id": int, "name": str, "parent_id": int, "created_at": str},
        pk="id",
        not_null={"name", "created_at"},
        foreign_keys=[("parent_id", "units", "id")],
    )
    db.execute("CREATE UNIQUE INDEX idx_units_name ON units(name COLLATE NOCASE)")

    db.table("people").create(
        {"login": str, "name": str, "role": str, "unit_id": int, "active": int, "created_at": str},
        pk="login",
        not_null={"name", "role", "active", "created_at"},
        defaults={"active": 1},
        foreign_keys=[("unit_id", "units", "id")],
    )

    db.table("decisions").create(
        {
            "id": int, "ref": str, "year": int, "seq": int, "title": str, "source": str,
            "source_ref": str, "decided_on": str, "leader": str, "summary": str,
            "priority": str, "created_at": str, "created_by": str,
        },
        pk="id",
        not_null={"ref", "year", "seq", "title", "source", "decided_on", "priority", "created_at", "created_by"},
        defaults={"priority": "normal", "source_ref": "", "leader": "", "summary": ""},
    )
    db.table("decisions").create_index(["ref"], unique=True)
    db.table("decisions").create_index(["year", "seq"], unique=True)

    db.table("objectives").create(
        {
            "id": int, "ref": str, "sort_key": str, "decision_id": int, "parent_id": int, "num": int,
            "title": str, "detail": str, "lead_unit_id": int, "priority": str,
            "deadline": str, "original_deadline": str, "status": str, "status_before": str,
            "percent": int, "light_override": str, "light_override_reason": str,
            "urge_count": int, "urges_unanswered": int, "last_report_on": str, "active_since": str,
            "submitted_on": str, "closed_on": str, "created_at": str, "updated_at": str,
            "version": int,
        },
        pk="id",
        not_null={
            "ref", "sort_key", "decision_id", "num", "title", "lead_unit_id", "priority", "deadline",
            "original_deadline", "status", "percent", "urge_count", "urges_unanswered",
            "created_at", "updated_at", "version",
        },
        defaults={
            "detail": "", "priority": "normal", "percent": 0, "urge_count": 0,
            "urges_unanswered": 0, "version": 1,
        },
        foreign_keys=[
            ("decision_id", "decisions", "id"),
            ("parent_id", "objectives", "id"),
            ("lead_unit_id", "units", "id"),
        ],
    )
    for columns, unique in (
        (["ref"], True), (["sort_key"], False), (["decision_id"], False), (["parent_id"], False),
        (["lead_unit_id"], False), (["status", "deadline"], False), (["deadline"], False),
        (["light_override"], False),
    ):
        db.table("objectives").create_index(columns, unique=unique)
    # The default order of every list (open work first, then by deadline): a page
    # of it is read straight from this index instead of sorting every objective.
    db.execute(
        "CREATE INDEX idx_objectives_open_first ON objectives("
        "status IN ('closed', 'suspended', 'cancelled'), deadline, sort_key)")
    # Covers the unit scorecards: they read these columns of every objective.
    db.table("objectives").create_index(
        ["lead_unit_id", "status", "deadline", "original_deadline", "submitted_on", "urge_count"],
        index_name="idx_objectives_scorecard")

    db.table("co_units").create(
        {"objective_id": int, "unit_id": int},
        pk=("objective_id", "unit_id"),
        foreign_keys=[("objective_id", "objectives", "id"), ("unit_id", "units", "id")],
    )
    db.table("co_units").create_index(["unit_id"])

    db.table("reports").create(
        {
            "id": int, "objective_id": int, "at": str, "on_date": str, "author": str, "unit_id": int,
            "percent": int, "text": str, "next_step": str, "problems": str, "help_needed": str,
            "withdrawn_seq": int,
        },
        pk="id",
        not_null={"objective_id", "at", "on_date", "author", "percent", "text"},
        defaults={"next_step": "", "problems": "", "help_needed": ""},
        foreign_keys=[("objective_id", "objectives", "id"), ("unit_id", "units", "id")],
    )
    db.table("reports").create_index(["objective_id"])

    db.table("inspections").create(
        {
            "id": int, "objective_id": int, "at": str, "inspector": str, "method": str,
            "finding": str, "verdict": str, "withdrawn_seq": int,
        },
        pk="id",
        not_null={"objective_id", "at", "inspector", "method", "finding", "verdict"},
        foreign_keys=[("objective_id", "objectives", "id")],
    )
    db.table("inspections").create_index(["objective_id"])

    db.table("extensions").create(
        {
            "id": int, "objective_id": int, "requested_at": str, "requested_by": str,
            "from_deadline": str, "to_deadline": str, "reason": str, "status": str,
            "decided_at": str, "decided_by": str, "decision_note": str, "withdrawn_seq": int,
        },
        pk="id",
        not_null={"objective_id", "requested_at", "requested_by", "from_deadline", "to_deadline", "reason", "status"},
        foreign_keys=[("objective_id", "objectives", "id")],
    )
    db.table("extensions").create_index(["objective_id", "status"])
    db.table("extensions").create_index(["status"])

    db.table("log").create(
        {
            "seq": int, "at": str, "actor": str, "action": str, "objective_id": int,
            "decision_id": int, "detail": str, "changes": str, "prev_hash": str, "hash": str,
        },
        pk="seq",
        not_null={"at", "actor", "action", "detail", "changes", "prev_hash", "hash"},
        defaults={"detail": "", "changes": "{}"},
        foreign_keys=[("objective_id", "objectives", "id"), ("decision_id", "decisions", "id")],
    )
    db.table("log").create_index(["objective_id", "seq"])
    db.table("log").create_index(["decision_id"])
    db.table("log").create_index(["at"])
    db.table("log").create_index(["action"])
    db.table("log").create_index(["actor"])

    ensure_triggers(db)


@migrations()
def m002_reviews(db: Database) -> None:
    """The daily review: a session per person and day, and the items they marked."""
    db.table("reviews").create(
        {
            "id": int, "login": str, "started_at": str, "day": str, "finished_at": str,
            "position": int, "steps": str, "skipped": str, "marked": int,
        },
        pk="id",
        not_null={"login", "started_at", "day", "steps", "skipped", "marked"},
        defaults={"steps": "[]", "skipped": "[]", "marked": 0},
    )
    db.table("reviews").create_index(["login", "day"])
    db.table("review_marks").create(
        {"login": str, "objective_id": int, "day": str, "version": int},
        pk=("login", "objective_id"),
        not_null={"day", "version"},
        foreign_keys=[("objective_id", "objectives", "id")],
    )


@migrations()
def m003_log_v2(db: Database) -> None:
    """The log records every change (docs/design.md). The review's record becomes rows
    instead of JSON lists that every step rewrote. A database that already had a log gets
    ``baseline`` entries: the state as it is now, which ``audit`` replays from."""
    db.table("review_steps").create(
        {"id": int, "review_id": int, "batch": int, "kind": str, "objective_id": int, "category": str,
         "seq": int, "at": str},
        pk="id", not_null={"review_id", "batch", "kind", "objective_id", "at"},
        foreign_keys=[("review_id", "reviews", "id"), ("objective_id", "objectives", "id")],
    )
    db.table("review_steps").create_index(["review_id", "batch"])
    import json

    batch = 0
    for review_id, started, steps, skipped in db.conn.execute(
            "SELECT id, started_at, steps, skipped FROM reviews ORDER BY id").fetchall():
        for item in json.loads(steps or "[]"):
            batch += 1
            db.conn.execute(
                "INSERT INTO review_steps (review_id, batch, kind, objective_id, category, seq, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (review_id, batch, item["kind"], item["objective_id"], item.get("category"), item.get("seq"), started))
        for objective_id in json.loads(skipped or "[]"):
            batch += 1
            db.conn.execute(
                "INSERT INTO review_steps (review_id, batch, kind, objective_id, at) VALUES (?, ?, 'skip', ?, ?)",
                (review_id, batch, objective_id, started))
    db.table("reviews").transform(drop={"steps", "skipped", "marked"})
    if db.conn.execute("SELECT count(*) FROM log").fetchone()[0]:
        write_baseline(db)


def state_tables(db: store.Database) -> list[str]:
    """The tables whose rows are state the log records (not the log, not derived ones)."""
    return [name for name in db.utils.table_names()
            if name != "log" and not name.startswith(DERIVED_PREFIXES)]


def write_baseline(db: Database, chunk: int = 500) -> None:
    """Record the whole state as ``baseline`` entries (a database upgraded from a log that
    did not record every change)."""
    from superviser import journal
    from superviser.changes import fingerprint, pk_columns, row_key

    core = _core(db)
    for table in state_tables(core):
        keys = pk_columns(core, table)
        secrets = SECRET_COLUMNS.get(table, frozenset())
        cursor = db.conn.execute(f"SELECT * FROM [{table}] ORDER BY {', '.join(f'[{k}]' for k in keys)}")
        names = [d[0] for d in cursor.description]
        while rows := cursor.fetchmany(chunk):
            changes = {}
            for values in rows:
                row = dict(zip(names, values))
                pk = tuple(row[k] for k in keys)
                shown = {c: fingerprint(v) if c in secrets else v for c, v in row.items() if v is not None}
                changes[row_key(table, pk if len(pk) > 1 else pk[0])] = [None, shown]
            journal.append(core, actor="superviser", action="baseline", detail=table, changes=changes)


def log_has_begun(db: Database) -> bool:
    return db.conn.execute("SELECT 1 FROM log LIMIT 1").fetchone() is not None


def add_logged_column(db: Database, table: str, column: str, kind: type, default) -> None:
    """Add a column with a default to a table that may hold rows. Every row takes the
    default at once, which no step did: once the log has begun, an entry says so
    (``column.added``), so that replaying the log gives the rows the same value."""
    from superviser import journal

    db.table(table).add_column(column, kind, not_null_default=default)
    if log_has_begun(db):
        journal.append(_core(db), actor="superviser", action="migration", detail=f"{table}.{column}",
                       changes={"column.added": [None, {"table": table, "column": column, "default": default}]})


@migrations()
def m004_trust(db: Database) -> None:
    """People's SSH keys (``superviser keys``) and the signed checkpoints of the log."""
    db.table("ssh_keys").create(
        {
            "id": int, "login": str, "type": str, "key": str, "bits": int, "fingerprint": str,
            "comment": str, "added_at": str, "added_by": str,
        },
        pk="id",
        not_null={"login", "type", "key", "bits", "fingerprint", "added_at", "added_by"},
        defaults={"comment": ""},
        foreign_keys=[("login", "people", "login")],
    )
    db.table("ssh_keys").create_index(["fingerprint"], unique=True)  # one key, one person
    db.table("ssh_keys").create_index(["login"])
    # One row per signed checkpoint: the log's size and head hash when it was signed, and the
    # signed note as it was handed out (C2SP tlog-checkpoint in a signed note).
    db.table("checkpoints").create(
        {"size": int, "origin": str, "head": str, "note": str, "key": str, "made_at": str, "made_by": str},
        pk="size",
        not_null={"origin", "head", "note", "key", "made_at", "made_by"},
    )


@migrations()
def m005_delivery(db: Database) -> None:
    """Urges that reach people: contacts, each unit's channels, the outbox the sender
    works through, and numbered notices (督〔2026〕14号) whose numbers never repeat."""
    db.table("people").add_column("email", str)
    db.table("people").add_column("mobile", str)
    # NULL, not 0, for "not the head": a column added with a default would change every
    # existing row without a log entry, and audit replays the log against the table.
    db.table("people").add_column("unit_head", int)
    db.table("units").add_column("lang", str)  # the language of its messages; NULL: the sender's
    db.table("unit_channels").create(
        {
            "id": int, "unit_id": int, "kind": str, "address": str, "webhook": str, "secret": str,
            "label": str, "active": int, "created_at": str, "created_by": str,
        },
        pk="id",
        not_null={"unit_id", "kind", "label", "active", "created_at", "created_by"},
        defaults={"label": "", "active": 1},
        foreign_keys=[("unit_id", "units", "id")],
    )
    db.table("unit_channels").create_index(["unit_id", "active"])
    db.table("outbox").create(
        {
            "id": int, "seq": int, "objective_id": int, "unit_id": int, "login": str, "kind": str, "level": int,
            "channel": str, "channel_id": int, "recipient": str, "mentions": str, "lang": str, "subject": str,
            "body": str, "key": str, "status": str, "attempts": int, "next_at": str, "claimed_at": str,
            "claimed_by": str, "last_error": str, "sent_at": str, "queued_at": str, "queued_by": str,
        },
        pk="id",
        not_null={"seq", "kind", "channel", "recipient", "lang", "subject", "body", "key", "status", "attempts",
                  "next_at", "queued_at", "queued_by"},
        defaults={"attempts": 0, "status": "queued", "mentions": "[]"},
        foreign_keys=[("objective_id", "objectives", "id"), ("unit_id", "units", "id"),
                      ("channel_id", "unit_channels", "id"), ("login", "people", "login")],
    )
    db.table("outbox").create_index(["key"], unique=True)
    db.table("outbox").create_index(["status", "next_at"])
    db.table("outbox").create_index(["objective_id"])
    # Numbers only ever go up: the counter is never decremented and (year, number) is unique.
    db.table("notice_counters").create({"year": int, "last": int}, pk="year", not_null={"last"})
    db.table("notices").create(
        {
            "id": int, "year": int, "number": int, "objective_id": int, "unit_id": int, "level": int,
            "issued_at": str, "issued_by": str,
        },
        pk="id",
        not_null={"year", "number", "objective_id", "unit_id", "level", "issued_at", "issued_by"},
        foreign_keys=[("objective_id", "objectives", "id"), ("unit_id", "units", "id")],
    )
    db.table("notices").create_index(["year", "number"], unique=True)
    db.table("notices").create_index(["objective_id", "level"])


@migrations()
def m007_corrections(db: Database) -> None:
    """Corrections (a decision's version, units deactivated), reporting rhythms and
    milestones, recurring matters, and the assessment's rules and published scores."""
    add_logged_column(db, "decisions", "version", int, 1)
    add_logged_column(db, "units", "active", int, 1)
    # NULL: no rhythm of its own, so "no report for too long" follows light.silent_days.
    db.table("objectives").add_column("report_rhythm", str)
    db.table("objectives").add_column("next_report_due", str)
    db.execute("CREATE INDEX idx_objectives_report_due ON objectives(next_report_due) "
               "WHERE next_report_due IS NOT NULL")
    # An objective moved under another parent gets a new reference; the old one is never
    # given to another objective, and still finds it.
    db.table("retired_refs").create({"ref": str, "objective_id": int, "retired_at": str}, pk="ref",
                              not_null={"objective_id", "retired_at"},
                              foreign_keys=[("objective_id", "objectives", "id")])
    db.table("milestones").create(
        {"id": int, "objective_id": int, "due_on": str, "title": str, "reported_on": str, "created_at": str},
        pk="id", not_null={"objective_id", "due_on", "title", "created_at"},
        foreign_keys=[("objective_id", "objectives", "id")],
    )
    db.table("milestones").create_index(["objective_id", "due_on"])
    db.execute("CREATE INDEX idx_milestones_open ON milestones(due_on) WHERE reported_on IS NULL")

    db.table("recurrences").create(
        {
            "id": int, "title": str, "detail": str, "decision_id": int, "lead_unit_id": int, "priority": str,
            "rule": str, "start_on": str, "days": int, "gap": int, "report_rhythm": str, "active": int,
            "created_at": str, "created_by": str,
        },
        pk="id",
        not_null={"title", "decision_id", "lead_unit_id", "priority", "rule", "start_on", "days", "active",
                  "created_at", "created_by"},
        defaults={"detail": "", "priority": "normal", "active": 1},
        foreign_keys=[("decision_id", "decisions", "id"), ("lead_unit_id", "units", "id")],
    )
    db.table("recurrence_co_units").create(
        {"recurrence_id": int, "unit_id": int}, pk=("recurrence_id", "unit_id"),
        foreign_keys=[("recurrence_id", "recurrences", "id"), ("unit_id", "units", "id")],
    )
    # Each instance of a recurring matter is an objective of its own; (recurrence, date) once.
    db.execute("ALTER TABLE objectives ADD COLUMN recurrence_id INTEGER REFERENCES recurrences(id)")
    db.table("objectives").add_column("recurrence_on", str)
    db.execute("CREATE UNIQUE INDEX idx_objectives_recurrence ON objectives(recurrence_id, recurrence_on) "
               "WHERE recurrence_id IS NOT NULL")

    db.table("score_publications").create(
        {"id": int, "period": str, "since": str, "until": str, "rules": str, "scores": str, "head_seq": int,
         "published_at": str, "published_by": str},
        pk="id", not_null={"period", "since", "until", "rules", "scores", "head_seq", "published_at", "published_by"},
    )
    db.table("score_publications").create_index(["since", "until"], unique=True)

    if log_has_begun(db):  # a new database gets them from init, like the other settings
        from superviser.changes import Changes

        changes = Changes(_core(db), "superviser")
        for key, value in SCORE_SETTINGS.items():
            if db.conn.execute("SELECT 1 FROM settings WHERE key = ?", (key,)).fetchone() is None:
                changes.insert("settings", {"key": key, "value": value})
        if changes.pending:
            changes.log("migration", detail="score.*")


@migrations()
def m008_speed(db: Database) -> None:
    """Speed that does not grow with the office: counters kept by triggers for the
    dashboard and the scorecards (superviser/tallies.py), indexes that give each
    dashboard panel its first rows in order, and the pair index that finds short
    words (superviser/grams.py)."""
    awaited, working = sql_list(AWAITED), sql_list(WORKING)
    db.execute(f"CREATE INDEX idx_objectives_awaited ON objectives(deadline, sort_key) WHERE status IN {awaited}")
    db.execute(f"CREATE INDEX idx_objectives_quiet ON objectives(coalesce(last_report_on, active_since), deadline)"
               f" WHERE status IN {working}")
    db.execute("CREATE INDEX idx_objectives_waiting ON objectives(deadline, sort_key)"
               f" WHERE status IN {sql_list((SUBMITTED, VERIFIED))}")
    tallies.create(_core(db))
    grams.create(_core(db), FTS_TABLES)


@migrations()
def m009_flat_reads(db: Database) -> None:
    """Indexes that keep the screens' lists as quick at a million objectives as at a thousand
    (superviser/read): decisions newest first, a unit's open objectives by deadline, the
    awaited objectives with unanswered urges by deadline (the urged ones among them), and
    the counters' reports due by rhythm in place of their deadline index."""
    db.execute("CREATE INDEX idx_decisions_decided ON decisions(decided_on, ref)")
    db.execute(f"CREATE INDEX idx_objectives_unit_open ON objectives(lead_unit_id, deadline, sort_key)"
               f" WHERE status IN {sql_list(OPEN)}")
    db.execute(f"CREATE INDEX idx_objectives_urged ON objectives(deadline, sort_key)"
               f" WHERE status IN {sql_list(AWAITED)} AND urges_unanswered > 0")
    db.execute("DROP INDEX IF EXISTS idx_tally_quiet_deadline")
    for sql in tallies.INDEXES.values():
        db.execute(sql)


@migrations()
def m010_leaner_indexes(db: Database) -> None:
    """Cheaper indexes to keep up at every new or changed objective (an import of 10,000 rows
    writes each of them 10,000 times while it holds the write lock). The sets of statuses in
    the partial and expression indexes are written as equalities (lights.status_in: an IN list
    is built again for every row written); the lead unit's index goes (it is the first column
    of the scorecards', which serves the same look-ups); the override's holds only the
    objectives the office set a light on."""
    for name in ("idx_objectives_lead_unit_id", "idx_objectives_light_override", "idx_objectives_open_first",
                 "idx_objectives_awaited", "idx_objectives_quiet", "idx_objectives_waiting",
                 "idx_objectives_unit_open", "idx_objectives_urged"):
        db.execute(f"DROP INDEX IF EXISTS {name}")
    awaited = status_in(AWAITED, "status")
    db.execute("CREATE INDEX idx_objectives_light_override ON objectives(light_override)"
               " WHERE light_override IS NOT NULL")
    db.execute(f"CREATE INDEX idx_objectives_open_first ON objectives({status_in(ENDED, 'status')}, deadline, sort_key)")
    db.execute(f"CREATE INDEX idx_objectives_awaited ON objectives(deadline, sort_key) WHERE {awaited}")
    db.execute("CREATE INDEX idx_objectives_quiet ON objectives(coalesce(last_report_on, active_since), deadline)"
               f" WHERE {status_in(WORKING, 'status')}")
    db.execute("CREATE INDEX idx_objectives_waiting ON objectives(deadline, sort_key)"
               f" WHERE {status_in((SUBMITTED, VERIFIED), 'status')}")
    db.execute("CREATE INDEX idx_objectives_unit_open ON objectives(lead_unit_id, deadline, sort_key)"
               f" WHERE {status_in(OPEN, 'status')}")
    db.execute(f"CREATE INDEX idx_objectives_urged ON objectives(deadline, sort_key) WHERE {awaited}"
               " AND urges_unanswered > 0")


@functools.cache
def known_names() -> tuple[str, ...]:
    """Every migration this program knows, in order."""
    return tuple(m.name for m in migrations.pending(Database(memory=True, execute_plugins=False)))


def applied_names(db: store.Database) -> list[str]:
    if not db.utils.table("_sqlite_migrations").exists():
        return []
    return [m.name for m in migrations.applied(db.utils)]


def version_of(db: store.Database) -> int:
    return len(applied_names(db))


def ensure_current(db: store.Database) -> None:
    """Apply pending migrations; refuse a database written by a newer superviser."""
    from superviser.store import transaction

    names = applied_names(db)
    known = known_names()
    unknown = [name for name in names if name not in known]
    if unknown:
        raise NewerDatabase(
            _(
                "this database was written by a newer superviser (schema {found}, this program knows {known}); "
                "upgrade superviser to open it"
            ).format(found=len(names), known=len(known))
        )
    if len(names) == len(known):
        return
    if names == [] and db.utils.table_names() and "_sqlite_migrations" not in db.utils.table_names():
        raise StoreError(_("this file is a database, but not a superviser database"))
    with transaction(db):
        # Re-read inside the lock: another process may have migrated meanwhile.
        migrations.apply(db.utils)
