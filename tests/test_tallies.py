"""The dashboard's counters (superviser/tallies.py) against a full recount, after many
random steps, on any day and with any thresholds; and a table transform keeps their triggers."""

from __future__ import annotations

import random
from datetime import date, timedelta

from superviser import clock, grams, schema, store, tallies
from superviser.errors import SuperviserError
from superviser.lights import LIGHT_SQL, REASON_SQL, Thresholds
from superviser.lights import LIGHTS as LIGHT_NAMES
from superviser.read import counts, objectives, units
from superviser.read.objectives import Filter
from superviser.services import org, registry, reporting, steps, undo

UNITS = ["General Office", "Finance", "East Station", "East Depot", "Planning"]
TODAY = date(2026, 11, 20)


def _some(rng: random.Random, k: int) -> list[str]:
    return rng.sample(UNITS, k)


def _day(rng: random.Random, low: int, high: int) -> str:
    return (TODAY + timedelta(days=rng.randint(low, high))).isoformat()


STEPS = [
    lambda s, ref, rng: steps.assign(s, ref),
    lambda s, ref, rng: steps.accept(s, ref),
    lambda s, ref, rng: steps.return_(s, ref, reason="not ours"),
    lambda s, ref, rng: steps.transfer(s, ref, to=rng.choice(UNITS), reason="better placed", co=_some(rng, rng.randint(0, 2))),
    lambda s, ref, rng: steps.progress(s, ref, percent=rng.randint(1, 99), text="on it"),
    lambda s, ref, rng: steps.urge(s, ref),
    lambda s, ref, rng: steps.extend_request(s, ref, to=_day(rng, 10, 60), reason="rain"),
    lambda s, ref, rng: steps.extend_approve(s, ref),
    lambda s, ref, rng: steps.extend_reject(s, ref, reason="no"),
    lambda s, ref, rng: steps.complete(s, ref, text="done"),
    lambda s, ref, rng: steps.verify(s, ref),
    lambda s, ref, rng: steps.sendback(s, ref, reason="not quite"),
    lambda s, ref, rng: steps.suspend(s, ref, reason="wait"),
    lambda s, ref, rng: steps.cancel(s, ref, reason="moot"),
    lambda s, ref, rng: steps.reopen(s, ref, reason="again"),
    lambda s, ref, rng: steps.light(s, ref, colour=rng.choice(["red", "yellow", "green", None]), reason="judged"),
    lambda s, ref, rng: reporting.rhythm(s, ref, rhythm=rng.choice(["weekly", "monthly", "none"])),
]


def _scan(db, params: dict) -> tuple[dict, dict]:
    """Reasons and lights the slow way: every objective through the rule."""
    reasons, lit = {}, {}
    for reason, light, n in db.conn.execute(
            f"SELECT ({REASON_SQL}), ({LIGHT_SQL}), count(*) FROM objectives o GROUP BY 1, 2", params):
        reasons[reason] = reasons.get(reason, 0) + n
        lit[light] = lit.get(light, 0) + n
    return reasons, lit


def _scan_cards(db, today: str) -> dict:
    """Each unit's overdue and open work, lead and co, the slow way."""
    found = {}
    for unit, role, source in (("o.lead_unit_id", "lead", "objectives o"),
                               ("c.unit_id", "co", "co_units c JOIN objectives o ON o.id = c.objective_id")):
        for unit_id, open_, overdue, closed, urges in db.conn.execute(
                f"SELECT {unit}, sum(o.status NOT IN ('closed', 'suspended', 'cancelled')),"
                " sum(o.status IN ('registered', 'assigned', 'accepted', 'in_progress', 'returned') AND o.deadline < ?),"
                f" sum(o.status = 'closed'), sum(o.urge_count) FROM {source} GROUP BY 1", (today,)):
            found[(unit_id, role)] = (open_, overdue, closed, urges)
    return found


def tallies_columns(db, ref: str) -> list[tuple[str, object]]:
    """A new value for each column the counters read."""
    row = dict(zip(tallies.WATCHED, db.conn.execute(
        f"SELECT {', '.join(tallies.WATCHED)} FROM objectives WHERE ref = ?", (ref,)).fetchone()))
    units_ = [u for (u,) in db.conn.execute("SELECT id FROM units") if u != row["lead_unit_id"]]
    return [("status", "in_progress" if row["status"] != "in_progress" else "accepted"), ("lead_unit_id", units_[0]),
            ("deadline", "2026-10-01"), ("original_deadline", "2026-09-15"), ("urge_count", 7),
            ("urges_unanswered", 4), ("last_report_on", None), ("active_since", "2026-09-20"),
            ("last_report_on", "2026-10-02"),
            ("status", "closed"), ("submitted_on", "2026-10-05")]


def _counted(db, flt: Filter, thresholds: Thresholds | None = None) -> int:
    """How many objectives match, counted by SQL over the table (not the counters)."""
    params = (thresholds or Thresholds.load(db)).params()
    clause = objectives.where(db, flt, params)
    return db.conn.execute(f"SELECT count(*) FROM objectives o WHERE {clause}", params).fetchone()[0]


def _agree_stored(db) -> None:
    assert tallies.stored(db) == tallies.recount(db)
    # a list's total by status comes from the counters: as many as SQL counts
    for flt in (Filter(), Filter(open_only=True), Filter(status=["closed"]),
                Filter(status=["assigned", "in_progress", "closed"], open_only=True)):
        assert objectives.page(db, flt, limit=1)[1] == _counted(db, flt), flt


def _slow_page(db, flt: Filter, params: dict, offset: int, limit: int) -> list[str]:
    """A list's page the ordinary way: the filter on every objective, in the lists' order."""
    clause = objectives.where(db, flt, params)
    return [r[0] for r in db.conn.execute(f"SELECT o.ref FROM objectives o WHERE {clause}"
                                          f" ORDER BY {objectives.ORDERS['deadline']} LIMIT {limit} OFFSET {offset}", params)]


def _agree_lists(db, thresholds: Thresholds) -> None:
    """A light's list and a unit's open work, read as merged parts (superviser/read/objectives.py),
    page by page as the ordinary reading gives them, with the counters' totals."""
    params = thresholds.params()
    unit_ids = [u for (u,) in db.conn.execute("SELECT id FROM units")]
    for flt in [Filter(light=light) for light in LIGHT_NAMES] + [Filter(unit=u, open_only=True) for u in unit_ids]:
        for offset in (0, 4, 9):
            rows, total = objectives.page(db, flt, limit=5, offset=offset, thresholds=thresholds)
            assert [r["ref"] for r in rows] == _slow_page(db, flt, params, offset, 5), (flt, offset)
            assert total == _counted(db, flt, thresholds), flt


def _agree(db) -> None:
    _agree_stored(db)
    for day in (TODAY - timedelta(days=40), TODAY, TODAY + timedelta(days=9), TODAY + timedelta(days=70)):
        for thresholds in (Thresholds(), Thresholds(0, 0, 0), Thresholds(7, 3, 1), Thresholds(30, 60, 5)):
            with clock.frozen(clock.parse_stamp(f"{day.isoformat()}T09:00:00Z")):
                params = thresholds.params()
                found = counts.overview(db, thresholds)
                reasons, lit = _scan(db, params)
                assert {k: v for k, v in found["reasons"].items() if v} == reasons, (day, thresholds)
                assert {k: v for k, v in found["lights"].items() if v} == lit, (day, thresholds)
                _agree_lists(db, thresholds)
                cards = {(c["id"], role): (c[role]["open"], c[role]["overdue"], c[role]["closed"], c[role]["urges"])
                         for c in units.scorecards(db) for role in ("lead", "co")}
                slow = _scan_cards(db, params["today"])
                assert {k: v for k, v in cards.items() if any(v)} == {k: v for k, v in slow.items() if any(v)}


def test_counters_agree_with_a_full_recount_after_random_steps(office, set_now):
    rng = random.Random(2)
    db = store.connect(office.path)
    decision = registry.decision_add(office.director, "Autumn works", source="meeting", decided_on="2026-09-01").ref
    refs = []
    for i in range(30):
        lead, *co = _some(rng, rng.randint(1, 3))
        refs.append(registry.objective_add(office.director, decision, f"objective {i}", lead=lead, co=co,
                                           deadline=_day(rng, -30, 60)).ref)
    went_through = set()
    for i in range(600):
        set_now(f"{(TODAY + timedelta(days=i // 10 - 50)).isoformat()}T09:00:00Z")  # two months, day by day
        ref = rng.choice(refs)
        for kind in rng.sample(range(len(STEPS) + 1), len(STEPS) + 1):  # until one fits its state
            try:
                if kind == len(STEPS):
                    seq = db.conn.execute("SELECT max(seq) FROM log").fetchone()[0]
                    undo.undo(office.director, seq, reason="mistake")
                else:
                    STEPS[kind](office.director, ref, rng)
            except SuperviserError:
                continue  # refused: try another
            went_through.add(kind)
            break
        if i % 150 == 149:
            _agree(db)
    assert len(went_through) >= len(STEPS) - 1  # nearly every kind of step (and undo) changed something
    org.setting_set(office.director, "light.silent_days", "5")
    # any write keeps them, not only the services: a row changed and one removed by hand
    for column, value in tallies_columns(db, refs[0]):  # one column at a time: each must be watched
        db.conn.execute(f"UPDATE objectives SET {column} = ? WHERE ref = ?", (value, refs[0]))
        _agree_stored(db)
    gone = db.conn.execute("SELECT id FROM objectives WHERE ref = ?", (refs[1],)).fetchone()[0]
    for table in ("co_units", "reports", "inspections", "extensions", "review_marks"):
        db.conn.execute(f"DELETE FROM {table} WHERE objective_id = ?", (gone,))
    db.conn.execute("PRAGMA foreign_keys = OFF")  # the log still names it
    db.conn.execute("DELETE FROM objectives WHERE id = ?", (gone,))
    db.conn.execute("PRAGMA foreign_keys = ON")
    _agree(db)


def test_a_table_transform_keeps_the_counters_triggers(office):
    db = store.connect(office.path)
    office.objective(lead="Finance", co=["Planning"], deadline="2026-11-10", status="in_progress")
    before = {name for (name,) in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(tallies.TRIGGERS) <= before
    with store.transaction(db):
        schema.transform(db, "objectives", types={"detail": str})
        schema.transform(db, "co_units", types={"unit_id": int})
    after = {name for (name,) in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert after == before
    office.objective(lead="Planning", co=["Finance"], deadline="2026-11-12", status="accepted")
    assert tallies.stored(db) == tallies.recount(db)
    cards = {c["name"]: c for c in units.scorecards(db)}
    assert cards["Finance"]["lead"]["overdue"] == 1 and cards["Finance"]["co"]["overdue"] == 1
    assert cards["Planning"]["lead"]["overdue"] == 1 and cards["Planning"]["co"]["overdue"] == 1


def test_the_migration_counts_the_objectives_already_there(office):
    office.objective(lead="Finance", co=["Planning"], deadline="2026-11-10", status="in_progress")
    office.objective(lead="Planning", deadline="2026-12-10", status="closed")
    db = store.connect(office.path)
    expected = tallies.stored(db)
    with store.transaction(db):  # the database as it was before m008_speed
        for name in [*tallies.TRIGGERS, *(n for t, c in schema.FTS_TABLES.items() for n in grams.triggers(t, c))]:
            db.execute(f"DROP TRIGGER {name}")
        for table in [*tallies.TABLES, *map(grams.table_of, schema.FTS_TABLES)]:
            db.execute(f"DROP TABLE {table}")
        for index in ("idx_objectives_awaited", "idx_objectives_quiet", "idx_objectives_waiting"):
            db.execute(f"DROP INDEX {index}")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_speed'")
    schema.ensure_current(db)
    assert tallies.stored(db) == expected and expected["tally_status"] and expected["tally_due"]
    assert all(any(table.startswith(p) for p in schema.DERIVED_PREFIXES) for table in tallies.TABLES)


def test_a_bulk_load_counts_its_rows_at_the_end(office):
    """The synthetic generator's way: insert triggers suspended, the new rows added at once."""
    db = store.connect(office.path)
    office.objective(lead="Finance", co=["Planning"], deadline="2026-11-10", status="in_progress")
    first = db.conn.execute("SELECT max(id) + 1 FROM objectives").fetchone()[0]
    suspended = [*tallies.BULK_SUSPENDED, grams.bulk_suspended("objectives")]
    with store.transaction(db):
        saved = [sql for (sql,) in db.conn.execute(
            f"SELECT sql FROM sqlite_master WHERE name IN ({', '.join('?' * len(suspended))})", suspended)]
        for name in suspended:
            db.execute(f"DROP TRIGGER {name}")
        db.conn.execute(
            "INSERT INTO objectives (ref, sort_key, decision_id, num, title, lead_unit_id, deadline, original_deadline,"
            " status, created_at, updated_at) SELECT ref || 'b', sort_key, decision_id, num + 100, '安全 ' || title,"
            " lead_unit_id, '2026-11-01', original_deadline, 'accepted', created_at, updated_at FROM objectives")
        db.conn.execute("INSERT INTO co_units (objective_id, unit_id) SELECT id, 5 FROM objectives WHERE id >= ?",
                        (first,))
        tallies.add(db, "o.id >= ?", (first,))
        grams.add(db, "objectives", schema.FTS_TABLES["objectives"], "r.id >= ?", (first,))
        for sql in saved:
            db.execute(sql)
    assert tallies.stored(db) == tallies.recount(db)
    assert db.conn.execute("SELECT count(*) FROM objectives_grams WHERE objectives_grams MATCH '\"安全\"'").fetchone()[0] == 1


def test_rows_added_at_once_are_found_by_their_ids(office):
    """``add`` reads the new rows alone, whatever the office holds: the planner is never left
    to pick an index that walks every awaited objective (what it chose before being told)."""
    office.objective(lead="Finance", co=["Planning"], status="in_progress")
    db = store.connect(office.path)
    statements = []
    db.conn.set_trace_callback(statements.append)
    db.conn.execute("BEGIN")
    tallies.add(db, "o.id > ?", (0,))
    db.conn.execute("ROLLBACK")
    db.conn.set_trace_callback(None)
    inserts = [sql for sql in statements if sql.startswith("INSERT INTO tally_")]
    assert len(inserts) == len(tallies.PER_UNIT) * 2 + len(tallies.OVERALL)
    for sql in inserts:
        plan = [row[3] for row in db.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        reads = [step for step in plan if step.startswith(("SCAN", "SEARCH"))]
        assert all("INTEGER PRIMARY KEY" in step or "co_units" in step or " c " in step for step in reads), plan


def test_counts_worked_out_before_the_rows_are_written(office):
    """A plan counts its rows apart, before the write lock (the same statements over a scratch
    copy), and the write only adds the sums: the counters end as a recount gives them."""
    office.objective(lead="Finance", co=["Planning"], deadline="2026-11-10", status="in_progress")
    office.objective(lead="Planning", deadline="2026-11-30", status="accepted")
    db = store.connect(office.path)
    first = db.conn.execute("SELECT max(id) + 1 FROM objectives").fetchone()[0]
    cursor = db.conn.execute("SELECT * FROM objectives")
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row)) for row in cursor]
    for n, row in enumerate(rows):
        row.update(id=first + n, ref=row["ref"] + "b", num=row["num"] + 100, urges_unanswered=n % 3,
                   submitted_on="2026-12-01" if n == 0 else None, status="submitted" if n == 0 else row["status"])
    co = [(first + n, 5) for n in range(len(rows))]
    as_co = "SELECT sum(n) FROM tally_status WHERE unit_id = 5 AND role = 'co'"
    before = db.conn.execute(as_co).fetchone()[0] or 0
    worked = tallies.worked_out(tallies.declared(db), names, [[row[n] for n in names] for row in rows], co)
    with store.transaction(db):
        saved = [sql for (sql,) in db.conn.execute(
            f"SELECT sql FROM sqlite_master WHERE name IN ({', '.join('?' * len(tallies.BULK_SUSPENDED))})",
            tallies.BULK_SUSPENDED)]
        for name in tallies.BULK_SUSPENDED:
            db.execute(f"DROP TRIGGER {name}")
        db.conn.executemany(f"INSERT INTO objectives ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                            [[row[n] for n in names] for row in rows])
        db.conn.executemany("INSERT INTO co_units (objective_id, unit_id) VALUES (?, ?)", co)
        tallies.add_worked_out(db, worked)
        for sql in saved:
            db.execute(sql)
    assert tallies.stored(db) == tallies.recount(db)
    assert db.conn.execute(as_co).fetchone()[0] == before + len(rows)
