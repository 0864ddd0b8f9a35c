"""Counters kept beside the objectives, so the dashboard and the scorecards read a few
hundred rows instead of every objective.

Lights depend on the clock, so the counters never store a light: they count
objectives by what their light depends on (status, unit, deadline, last sign of
life, unanswered urges), and a reader sums the ranges that today's date and the
thresholds select (``superviser.read.counts``).

They are derived tables (``schema.DERIVED_PREFIXES``: audit does not replay them),
kept by SQLite triggers, so every write, through ``Changes`` or not, keeps them
right in its own transaction. ``rebuild`` recounts them from scratch.

- ``tally_status``: objectives per unit, role (lead or co) and status, with the
  clock-free parts of the scorecard (urges, completions on time and late).
- ``tally_due``: awaited objectives (not yet submitted) per unit, role and day:
  how many have their deadline that day, and their original deadline.
- ``tally_lights``: awaited objectives per deadline, unanswered urges and whether
  the unit is at work (assigned, accepted, in progress).
- ``tally_quiet``: objectives at work per last sign of life (``lights.QUIET_SQL``,
  '' for none), the report their rhythm makes due (if they have one), deadline and
  unanswered urges.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from operator import itemgetter

from superviser.lifecycle import AWAITED, WORKING
from superviser.lights import sql_list
from superviser.store import Database

TABLES = {
    "tally_status": (
        "CREATE TABLE tally_status (unit_id INTEGER NOT NULL, role TEXT NOT NULL, status TEXT NOT NULL,"
        " n INTEGER NOT NULL, urges INTEGER NOT NULL, on_time INTEGER NOT NULL, late INTEGER NOT NULL,"
        " late_days REAL NOT NULL, PRIMARY KEY (unit_id, role, status)) WITHOUT ROWID"
    ),
    "tally_due": (
        # in the scorecards' order: they add up each unit's days before today
        "CREATE TABLE tally_due (role TEXT NOT NULL, unit_id INTEGER NOT NULL, day TEXT NOT NULL,"
        " due INTEGER NOT NULL, original INTEGER NOT NULL, PRIMARY KEY (role, unit_id, day)) WITHOUT ROWID"
    ),
    "tally_lights": (
        "CREATE TABLE tally_lights (deadline TEXT NOT NULL, urges INTEGER NOT NULL, working INTEGER NOT NULL,"
        " n INTEGER NOT NULL, PRIMARY KEY (deadline, urges, working)) WITHOUT ROWID"
    ),
    "tally_quiet": (
        "CREATE TABLE tally_quiet (quiet TEXT NOT NULL, due TEXT NOT NULL, deadline TEXT NOT NULL,"
        " urges INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (quiet, due, deadline, urges)) WITHOUT ROWID"
    ),
}

# What an objective row contributes, as (table, key columns, value columns) with SQL
# over the row ``{r}`` (NEW or OLD), the unit ``{u}`` and the role ``{role}``; ``when`` limits
# the rows that count.
_ON_TIME = "coalesce({r}.submitted_on <= {r}.original_deadline, 0)"
_LATE = "coalesce({r}.submitted_on > {r}.original_deadline, 0)"
_LATE_DAYS = ("CASE WHEN {r}.submitted_on > {r}.original_deadline"
              " THEN julianday({r}.submitted_on) - julianday({r}.original_deadline) ELSE 0 END")
_AWAITED = "{r}.status IN " + sql_list(AWAITED)
_WORKING = "{r}.status IN " + sql_list(WORKING)
# When a report is due by the objective's own rhythm: '' for none (light.silent_days
# decides), '~' for a rhythm with nothing due (never silent: '~' sorts after every date).
_REPORT_DUE = "CASE WHEN {r}.report_rhythm IS NULL THEN '' ELSE coalesce({r}.next_report_due, '~') END"

PER_UNIT = [  # counted for the lead unit and for each co-unit
    ("tally_status", {"unit_id": "{u}", "role": "{role}", "status": "{r}.status"},
     {"n": "1", "urges": "{r}.urge_count", "on_time": _ON_TIME, "late": _LATE, "late_days": _LATE_DAYS}, None),
    ("tally_due", {"role": "{role}", "unit_id": "{u}", "day": "{r}.deadline"}, {"due": "1", "original": "0"}, _AWAITED),
    ("tally_due", {"role": "{role}", "unit_id": "{u}", "day": "{r}.original_deadline"},
     {"due": "0", "original": "1"}, _AWAITED),
]
OVERALL = [  # counted once per objective
    ("tally_lights", {"deadline": "{r}.deadline", "urges": "{r}.urges_unanswered", "working": _WORKING},
     {"n": "1"}, _AWAITED),
    ("tally_quiet", {"quiet": "coalesce({r}.last_report_on, {r}.active_since, '')", "due": _REPORT_DUE,
                     "deadline": "{r}.deadline", "urges": "{r}.urges_unanswered"}, {"n": "1"}, _WORKING),
]
# The objective columns the counters read: other updates (title, percent, version) skip the triggers.
WATCHED = ("status", "lead_unit_id", "deadline", "original_deadline", "urge_count", "urges_unanswered",
           "last_report_on", "active_since", "submitted_on", "report_rhythm", "next_report_due")


def _select(spec: tuple, *, r: str, u: str = "", role: str = "", source: str = "", join: str = "",
            sign: str = "+", group: bool = False) -> str:
    """The contribution (sign +) or its removal (sign -) of the rows ``source`` selects (none:
    the trigger's row alone), as rows of the counter's keys and values; ``group`` adds them up."""
    table, keys, values, when = spec

    def fill(sql: str) -> str:
        return sql.format(r=r, u=u, role=role)

    key_sql = [fill(k) for k in keys.values()]
    value_sql = [f"sum({fill(v)})" if group else fill(v) for v in values.values()]
    value_sql = [f"-({v})" for v in value_sql] if sign == "-" else value_sql
    where = " AND ".join(c for c in (join, fill(when) if when else "") if c) or "1"
    grouped = f" GROUP BY {', '.join(str(i + 1) for i in range(len(keys)))}" if group else ""
    return f"SELECT {', '.join(key_sql + value_sql)}{' FROM ' + source if source else ''} WHERE {where}{grouped}"


def _insert(spec: tuple, rows: str) -> str:
    """Add ``rows`` (a SELECT or VALUES giving keys and values) to the counter."""
    table, keys, values, _when = spec
    updates = ", ".join(f"{c} = {c} + excluded.{c}" for c in values)
    return f"INSERT INTO {table} ({', '.join([*keys, *values])}) {rows} ON CONFLICT DO UPDATE SET {updates};"


def _upsert(spec: tuple, **select) -> str:
    """One statement adding (or removing) a contribution: see ``_select``."""
    return _insert(spec, _select(spec, **select))


def _objective(r: str, sign: str, *, co: bool = True) -> list[str]:
    """Every contribution of objective row ``r``: its lead unit's, its co-units' (a new
    objective has none yet), and overall."""
    return ([_upsert(spec, r=r, u=f"{r}.lead_unit_id", role="'lead'", sign=sign) for spec in PER_UNIT]
            + [_upsert(spec, r=r, u="c.unit_id", role="'co'", source="co_units c", join=f"c.objective_id = {r}.id",
                       sign=sign) for spec in PER_UNIT if co]
            + [_upsert(spec, r=r, sign=sign) for spec in OVERALL])


def _co_unit(link: str, sign: str) -> list[str]:
    """A co-unit joining or leaving: its share of that objective."""
    return [_upsert(spec, r="o", u=f"{link}.unit_id", role="'co'", source="objectives o",
                    join=f"o.id = {link}.objective_id", sign=sign) for spec in PER_UNIT]


def _trigger(name: str, event: str, statements: list[str]) -> str:
    return f"CREATE TRIGGER {name} {event} BEGIN\n  " + "\n  ".join(statements) + "\nEND"


TRIGGERS = {
    "objectives_tally_insert": _trigger("objectives_tally_insert", "AFTER INSERT ON objectives",
                                        _objective("NEW", "+", co=False)),
    "objectives_tally_delete": _trigger("objectives_tally_delete", "AFTER DELETE ON objectives", _objective("OLD", "-")),
    "objectives_tally_update": _trigger(
        "objectives_tally_update", f"AFTER UPDATE OF {', '.join(WATCHED)} ON objectives",
        _objective("OLD", "-") + _objective("NEW", "+")),
    "co_units_tally_insert": _trigger("co_units_tally_insert", "AFTER INSERT ON co_units", _co_unit("NEW", "+")),
    "co_units_tally_delete": _trigger("co_units_tally_delete", "AFTER DELETE ON co_units", _co_unit("OLD", "-")),
}
TRIGGERS_ON = {"objectives": [n for n in TRIGGERS if n.startswith("objectives_")],
               "co_units": [n for n in TRIGGERS if n.startswith("co_units_")]}


def exists(db: Database) -> bool:
    return db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'tally_status'").fetchone() is not None


def ensure_triggers(db: Database, table: str | None = None) -> None:
    """(Re)create the triggers that keep the counters (after a table transform drops them)."""
    if not exists(db):
        return
    for on, names in TRIGGERS_ON.items():
        if table in (None, on):
            for name in names:
                db.execute(f"DROP TRIGGER IF EXISTS {name}")
                db.execute(TRIGGERS[name])


# The reports a rhythm makes due, for the count of work not silent (superviser/read/counts.py);
# the rows without a rhythm are read by the primary key (last sign of life first).
INDEXES = {"idx_tally_quiet_due": "CREATE INDEX IF NOT EXISTS idx_tally_quiet_due ON tally_quiet(due) WHERE due != ''"}


def create(db: Database) -> None:
    for sql in TABLES.values():
        db.execute(sql)
    for sql in INDEXES.values():
        db.execute(sql)
    rebuild(db)
    ensure_triggers(db)


# For bulk loads: suspend these (insert triggers), insert, then ``add`` the new rows.
BULK_SUSPENDED = ("objectives_tally_insert", "co_units_tally_insert")


def _bulk(where: str) -> list[tuple[tuple, str]]:
    """Each counter and the SELECT of what the objectives ``where`` selects (SQL over ``o``, with
    their co-units) add to it, grouped. NOT INDEXED: found by their ids, never by walking an
    index of every objective."""
    out = []
    for spec in PER_UNIT:
        out.append((spec, _select(spec, r="o", u="o.lead_unit_id", role="'lead'", source="objectives o NOT INDEXED",
                                  join=where, group=True)))
        out.append((spec, _select(spec, r="o", u="c.unit_id", role="'co'", join=where, group=True,
                                  source="objectives o NOT INDEXED JOIN co_units c ON c.objective_id = o.id")))
    for spec in OVERALL:
        out.append((spec, _select(spec, r="o", source="objectives o NOT INDEXED", join=where, group=True)))
    return out


def add(db: Database, where: str, params: tuple | dict = ()) -> None:
    """Count objectives inserted while ``BULK_SUSPENDED`` were dropped (``where``: SQL over
    ``o`` selecting them, their co-units inserted too): one grouped statement per counter
    instead of a trigger per row."""
    for spec, select in _bulk(where):
        db.execute(_insert(spec, select), params)


def declared(db: Database) -> dict[str, str]:
    """The objectives' columns and their declared types, as ``worked_out`` takes them."""
    return {row[1]: row[2] for row in db.conn.execute("PRAGMA table_info(objectives)")}


def worked_out(types: dict[str, str], columns: list[str], objectives: Iterable[Sequence],
               co_units: Iterable[tuple[int, int]]) -> list[tuple[tuple, list[tuple]]]:
    """What ``add`` would add for objectives not yet written (whole rows as they will be stored,
    their values in the order of ``columns``; their co-units as (objective, unit)): the same
    statements, run over a scratch copy of the columns they read (``WATCHED``, of the ``types``
    ``declared`` gives), in memory, so that the write itself only adds the sums
    (``add_worked_out``). It reads no database of the caller's: any thread may run it."""
    scratch = sqlite3.connect(":memory:")
    try:
        scratch.execute(f"CREATE TABLE objectives (id INTEGER PRIMARY KEY, "
                        f"{', '.join(f'{c} {types[c]}' for c in WATCHED)})")
        scratch.execute("CREATE TABLE co_units (objective_id INTEGER, unit_id INTEGER, PRIMARY KEY (objective_id, unit_id))")
        read = itemgetter(*[columns.index(c) for c in ("id", *WATCHED)])
        scratch.executemany(f"INSERT INTO objectives VALUES ({', '.join('?' * (1 + len(WATCHED)))})", map(read, objectives))
        scratch.executemany("INSERT INTO co_units VALUES (?, ?)", co_units)
        return [(spec, scratch.execute(select).fetchall()) for spec, select in _bulk("1")]
    finally:
        scratch.close()


def add_worked_out(db: Database, worked: list[tuple[tuple, list[tuple]]]) -> None:
    """Add the sums ``worked_out`` gave: a statement per counter, reading no objective."""
    for spec, rows in worked:
        if rows:
            db.conn.executemany(_insert(spec, f"VALUES ({', '.join('?' * len(rows[0]))})"), rows)


def rebuild(db: Database) -> None:
    """Recount every counter from the objectives (the migration; bulk loads that
    suspend the triggers)."""
    for table in TABLES:
        db.execute(f"DELETE FROM {table}")
    for spec in PER_UNIT:
        db.execute(_upsert(spec, r="o", u="o.lead_unit_id", role="'lead'", source="objectives o", group=True))
        db.execute(_upsert(spec, r="o", u="c.unit_id", role="'co'", group=True,
                           source="co_units c JOIN objectives o ON o.id = c.objective_id"))
    for spec in OVERALL:
        db.execute(_upsert(spec, r="o", source="objectives o", group=True))


def _values(table: str) -> list[str]:
    return list(dict.fromkeys(c for t, _k, values, _w in PER_UNIT + OVERALL if t == table for c in values))


def stored(db: Database) -> dict[str, list[tuple]]:
    """The counters as stored, in key order, without the rows that came back to zero."""
    out = {}
    for table in TABLES:
        nonzero = " OR ".join(f"{c} != 0" for c in _values(table))
        out[table] = db.conn.execute(f"SELECT * FROM {table} WHERE {nonzero} ORDER BY 1, 2, 3").fetchall()
    return out


def recount(db: Database) -> dict[str, list[tuple]]:
    """The counters as a full recount gives them (computed and rolled back)."""
    db.conn.execute("SAVEPOINT recount")
    try:
        rebuild(db)
        return stored(db)
    finally:
        db.conn.execute("ROLLBACK TO recount")
        db.conn.execute("RELEASE recount")
