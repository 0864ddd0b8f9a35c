"""Synthetic load for the benchmarks: many objectives with about ten log entries each.

Benchmark code, not part of the shipped package. It writes what the real steps write, in
the log's format (docs/design.md, "The log entry's changes"): every row it creates is in
the entry that creates it, whole; every later change is ``table#id.column: [before,
after]``, ``version`` and ``updated_at`` included; the chain is hashed by
``superviser.journal``. Each objective's life is played in memory, so the rows stored at
the end are exactly what replaying the log gives.

It is fast because it does not go through the services: rows and entries are inserted in
bulk, a chunk per transaction, with the per-row insert triggers (the chain check, the
search index) dropped meanwhile; the search index is filled in one statement and the
triggers are put back before each chunk commits, and checked at the end.

    python benchmarks/synthetic.py DB COUNT [--seed 7]   # DB: an office (``superviser demo``)
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from superviser import clock, i18n, journal, schema, store
from superviser.planned import default_value

# Words for the titles: verbs, things and places, in English and Chinese.
WORDS = {
    "verbs": (["Inspect", "Repair", "Report on", "Draft", "Review", "Replace", "Train staff on", "Audit", "Publish", "Survey"],
              ["检查", "维修", "报送", "起草", "审核", "更换", "培训", "审计", "公布", "调查"]),
    "things": (["fire exits", "ticket gates", "the budget", "drainage pumps", "archives", "passenger complaints",
                "vehicle logs", "the canteen", "emergency lighting", "data access", "platform canopies", "energy use"],
               ["消防通道", "闸机", "预算执行", "排水泵", "档案", "旅客投诉", "车辆登记", "食堂", "应急照明",
                "数据访问", "站台雨棚", "能耗"]),
    "places": (["at East Station", "at West Station", "at North Station", "at South Station", "in the office",
                "across all sites"],
               ["（东站）", "（西站）", "（北站）", "（南站）", "（机关）", "（全线）"]),
}

# Final status of a synthetic objective, and how often.
STATUS_WEIGHTS = [
    ("closed", 40), ("in_progress", 25), ("accepted", 9), ("assigned", 9), ("submitted", 5),
    ("registered", 3), ("returned", 2), ("suspended", 2), ("cancelled", 3), ("verified", 2),
]
# The steps that lead to each status; progress reports, urges, inspections, extensions and
# notes are added around them.
PATHS = {
    "registered": [],
    "assigned": ["assign"],
    "returned": ["assign", "return"],
    "accepted": ["assign", "accept"],
    "in_progress": ["assign", "accept", "progress"],
    "submitted": ["assign", "accept", "progress", "complete"],
    "verified": ["assign", "accept", "progress", "complete", "verify"],
    "closed": ["assign", "accept", "progress", "complete", "verify"],
    "suspended": ["assign", "accept", "suspend"],
    "cancelled": ["assign", "cancel"],
}
STATUS_AFTER = {"assign": "assigned", "accept": "accepted", "return": "returned", "complete": "submitted",
                "suspend": "suspended", "cancel": "cancelled"}
ENTRIES_PER_OBJECTIVE = 10
OBJECTIVES_PER_DECISION = 25
OBJECTIVES_PER_UNIT = 20_000  # a large office has a unit for about this many objectives
BULK_TRIGGERS = ["log_chain"] + [f"{table}_ai" for table in schema.FTS_TABLES]
LIAISON_STEPS = {"accept", "return", "progress", "complete", "extend.request"}


class Table:
    """Rows of one table, built in memory as the database will store them, inserted in bulk."""

    def __init__(self, conn, name: str):
        info = conn.execute(f"PRAGMA table_info([{name}])").fetchall()
        self.name = name
        self.columns = [row[1] for row in info]
        self.defaults = {row[1]: default_value(row[4]) for row in info if row[4] is not None}
        self.required = {row[1] for row in info if row[3] and row[4] is None}
        self.pk = [name for _pos, name in sorted((row[5], row[1]) for row in info if row[5])]
        if self.pk == ["id"]:
            self.next_id = conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM [{name}]").fetchone()[0]
        self.sql = (f"INSERT INTO [{name}] ({', '.join(f'[{c}]' for c in self.columns)}) "
                    f"VALUES ({', '.join('?' * len(self.columns))})")
        self.rows: list[dict] = []

    def new(self, values: dict) -> tuple[str, dict]:
        """A new row (defaults filled in, a fresh id); returns its log key and the row."""
        row = dict(self.defaults)
        if self.pk == ["id"]:
            row["id"] = self.next_id
            self.next_id += 1
        row.update(values)
        missing = self.required - {c for c, v in row.items() if v is not None}
        if missing:
            raise SystemExit(f"synthetic.py does not fill {self.name}.{', '.join(sorted(missing))}; teach it")
        self.rows.append(row)
        return f"{self.name}#{','.join(str(row[c]) for c in self.pk)}", row

    def flush(self, conn) -> None:
        conn.executemany(self.sql, [[row.get(c) for c in self.columns] for row in self.rows])
        self.rows.clear()


def created(key: str, row: dict) -> dict:
    """The change that creates a row: every column that is not NULL."""
    return {key: [None, {c: v for c, v in row.items() if v is not None}]}


def changed(changes: dict, key: str, row: dict, **values) -> dict:
    """Set columns of ``row`` and record each that really changed."""
    for column, value in values.items():
        if row.get(column) != value:
            changes[f"{key}.{column}"] = [row.get(column), value]
            row[column] = value
    return changes


class Log:
    """Entries of the chain, hashed as ``journal.append`` hashes them."""

    def __init__(self, db):
        self.seq, self.prev = journal.head(db)
        self.rows: list[tuple] = []

    def entry(self, at: str, actor: str, action: str, changes: dict, *, objective_id=None, decision_id=None,
              detail: str = "") -> None:
        self.seq += 1
        text = journal.canonical_changes(changes)
        digest = journal.entry_hash(self.seq, at, actor, action, objective_id, decision_id, detail, text, self.prev)
        self.rows.append((self.seq, at, actor, action, objective_id, decision_id, detail, text, self.prev, digest))
        self.prev = digest

    def flush(self, conn) -> None:
        conn.executemany(
            "INSERT INTO log (seq, at, actor, action, objective_id, decision_id, detail, changes, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.rows)
        self.rows.clear()


class Office:
    """Everything the generator writes, and the choices it draws from."""

    def __init__(self, db, seed: int, count: int):
        conn = db.conn
        self.rng = random.Random(seed)
        self.now = clock.now()
        self.start = self.now - timedelta(days=400)
        self.count = count
        self.log = Log(db)
        self.tables = {name: Table(conn, name) for name in
                       ("units", "people", "decisions", "objectives", "co_units", "reports", "inspections", "extensions")}
        self.lang = 1 if i18n.is_chinese() else 0
        self.office = [r[0] for r in conn.execute("SELECT login FROM people WHERE role IN ('director', 'supervisor')")]
        if not self.office:
            raise SystemExit("the database has no director or supervisor: build it with `superviser demo` first")
        self.liaison = dict(conn.execute("SELECT unit_id, login FROM people WHERE role = 'liaison' AND unit_id IS NOT NULL"))
        self.units = [r[0] for r in conn.execute("SELECT id FROM units")]
        self.decision_seq = dict(conn.execute("SELECT year, max(seq) FROM decisions GROUP BY year"))

    def title(self) -> str:
        rng, lang = self.rng, self.lang
        verb, thing, place = (rng.choice(WORDS[k][lang]) for k in ("verbs", "things", "places"))
        return f"{verb}{thing}{place}" if lang else f"{verb} {thing} {place}"

    def add_units(self, wanted: int) -> None:
        """Teams under the existing units, each with a liaison, until there are ``wanted`` units."""
        director = self.office[0]
        parents = list(self.units)
        for n in range(len(self.units) + 1, wanted + 1):
            at = clock.stamp(self.start - timedelta(minutes=wanted - n + 1))
            parent = parents[n % len(parents)]
            key, unit = self.tables["units"].new(
                {"name": f"第{n}工作组" if self.lang else f"Work team {n}", "parent_id": parent, "created_at": at})
            self.log.entry(at, director, "unit.add", created(key, unit), detail=unit["name"])
            login = f"team{n}.liaison"
            key, person = self.tables["people"].new(
                {"login": login, "name": f"联络员{n}" if self.lang else f"Liaison {n}", "role": "liaison",
                 "unit_id": unit["id"], "active": 1, "created_at": at})
            self.log.entry(at, director, "person.add", created(key, person), detail=person["name"])
            self.units.append(unit["id"])
            self.liaison[unit["id"]] = login

    def decision(self, moment: datetime) -> dict:
        year = moment.year
        seq = self.decision_seq[year] = self.decision_seq.get(year, 0) + 1
        at = clock.stamp(moment)
        actor = self.rng.choice(self.office)
        key, row = self.tables["decisions"].new({
            "ref": f"{year}-{seq:03d}", "year": year, "seq": seq, "title": self.title(),
            "source": self.rng.choice(["superior", "meeting", "leader", "department"]),
            "decided_on": moment.astimezone().date().isoformat(), "priority": "normal", "created_at": at, "created_by": actor,
        })
        self.log.entry(at, actor, "decision.add", created(key, row), decision_id=row["id"], detail=row["title"])
        return row

    def objective(self, decision: dict, num: int, moment: datetime) -> None:
        """One objective's whole life: created, then its steps up to a recent day."""
        rng, tables = self.rng, self.tables
        status = rng.choices([s for s, _w in STATUS_WEIGHTS], [w for _s, w in STATUS_WEIGHTS])[0]
        lead = rng.choice(self.units)
        day = moment.astimezone().date()
        deadline = (day + timedelta(days=rng.randint(20, 200))).isoformat()
        at = clock.stamp(moment)
        office = rng.choice(self.office)
        key, row = tables["objectives"].new({
            "ref": f"{decision['ref']}.{num}", "sort_key": f"{decision['year']}-{decision['seq']:06d}.{num:04d}",
            "decision_id": decision["id"], "num": num, "title": self.title(), "lead_unit_id": lead,
            "deadline": deadline, "original_deadline": deadline, "status": "registered",
            "created_at": at, "updated_at": at,
        })
        changes = created(key, row)
        co = rng.choice(self.units)
        if co != lead and rng.random() < 0.3:
            changes.update(created(*tables["co_units"].new({"objective_id": row["id"], "unit_id": co})))
        self.log.entry(at, office, "objective.add", changes, objective_id=row["id"], decision_id=decision["id"],
                       detail=row["title"])

        actions = list(PATHS[status])
        if "progress" in actions:
            at_index = actions.index("progress")
            actions[at_index:at_index + 1] = ["progress"] * rng.randint(2, 5)
        if status not in ("registered", "returned", "cancelled"):
            for extra in ("urge",) * rng.choice([0, 0, 0, 1, 1, 2, 3]) + ("inspect",) * (rng.random() < 0.1):
                actions.insert(rng.randint(1, len(actions)), extra)
            if rng.random() < 0.05:
                actions[1:1] = ["extend.request", "extend.approve"]
        actions += ["note"] * max(0, ENTRIES_PER_OBJECTIVE - 1 - len(actions))

        end = self.now - timedelta(days=rng.uniform(0, 40))
        if end <= moment:
            end = moment + timedelta(hours=1)
        span = (end - moment).total_seconds()
        moments = sorted(moment + timedelta(seconds=rng.uniform(60, span)) for _ in actions)
        percent = 0
        extension = None
        for action, when in zip(actions, moments):
            at = clock.stamp(when)
            today = when.astimezone().date().isoformat()
            actor = self.liaison.get(lead, office) if action in LIAISON_STEPS else office
            detail = ""
            step: dict = {}
            if action in ("assign", "accept"):
                changed(step, key, row, status=STATUS_AFTER[action], active_since=today, urges_unanswered=0)
            elif action == "return":
                detail = self.title()
                changed(step, key, row, status=STATUS_AFTER[action])
            elif action == "progress":
                percent = min(95, percent + rng.randint(5, 40))
                detail = self.title()
                report_key, report = tables["reports"].new({
                    "objective_id": row["id"], "at": at, "on_date": today, "author": actor, "unit_id": lead,
                    "percent": percent, "text": detail})
                step.update(created(report_key, report))
                changed(step, key, row, status="in_progress", percent=percent, last_report_on=today, urges_unanswered=0)
            elif action == "urge":
                changed(step, key, row, urge_count=row["urge_count"] + 1, urges_unanswered=row["urges_unanswered"] + 1)
            elif action == "inspect":
                detail = self.title()
                inspection_key, inspection = tables["inspections"].new({
                    "objective_id": row["id"], "at": at, "inspector": office, "method": "on-site", "finding": detail,
                    "verdict": rng.choice(["on-track", "at-risk"])})
                step.update(created(inspection_key, inspection))
            elif action == "extend.request":
                detail = self.title()
                later = (date.fromisoformat(max(row["deadline"], today)) + timedelta(days=30)).isoformat()
                extension = tables["extensions"].new({
                    "objective_id": row["id"], "requested_at": at, "requested_by": actor,
                    "from_deadline": row["deadline"], "to_deadline": later, "reason": detail, "status": "pending"})
                step.update(created(*extension))
            elif action == "extend.approve":
                extension_key, extension_row = extension
                changed(step, extension_key, extension_row, status="approved", decided_at=at, decided_by=office)
                changed(step, key, row, deadline=extension_row["to_deadline"])
            elif action == "complete":
                detail = self.title()
                changed(step, key, row, status=STATUS_AFTER[action], percent=100, submitted_on=today, last_report_on=today,
                        urges_unanswered=0)
            elif action == "verify":
                if status == "closed":
                    changed(step, key, row, status="closed", closed_on=today)
                else:
                    changed(step, key, row, status="verified")
            elif action in ("suspend", "cancel"):
                detail = self.title()
                changed(step, key, row, status=STATUS_AFTER[action], status_before=row["status"])
            elif action == "note":
                detail = self.title()
            changed(step, key, row, version=row["version"] + 1, updated_at=at)
            self.log.entry(at, actor, action, step, objective_id=row["id"], detail=detail)

    def flush(self, conn) -> None:
        for table in self.tables.values():
            table.flush(conn)
        self.log.flush(conn)


def _drop_bulk_triggers(conn) -> list[str]:
    """Drop the per-row insert triggers; returns their SQL to put them back."""
    names = ", ".join(f"'{name}'" for name in BULK_TRIGGERS)
    saved = [sql for (sql,) in conn.execute(f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})")]
    for name in BULK_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS [{name}]")
    return saved


def add(path: str | Path, count: int, *, seed: int = 7, chunk: int = 5000, units: int | None = None) -> dict:
    """Add ``count`` synthetic objectives (about ten log entries each) to the office at ``path``,
    and units (each with a liaison) until it has ``units`` (by default one per 20,000 objectives)."""
    db = store.connect(path)
    conn = db.conn
    conn.execute("PRAGMA synchronous = OFF")  # scale data for a benchmark; each chunk is still atomic
    conn.execute("PRAGMA cache_size = -512000")  # the indexes of millions of rows stay in memory
    office = Office(db, seed, count)
    first_entry = office.log.seq
    span = (office.now - timedelta(days=30) - office.start).total_seconds()
    made = 0
    while made < count:
        batch = min(chunk, count - made)
        with store.transaction(db):
            if made == 0:
                office.add_units(units if units is not None else count // OBJECTIVES_PER_UNIT)
            for i in range(made, made + batch):
                moment = office.start + timedelta(seconds=span * i / count)
                if i % OBJECTIVES_PER_DECISION == 0:
                    decision = office.decision(moment - timedelta(hours=2))
                office.objective(decision, i % OBJECTIVES_PER_DECISION + 1, moment)
            first = {table: office.tables[table].rows[0]["id"] for table in schema.FTS_TABLES if office.tables[table].rows}
            saved = _drop_bulk_triggers(conn)
            office.flush(conn)
            for table, first_id in first.items():
                columns = ", ".join(f"[{c}]" for c in schema.FTS_TABLES[table])
                conn.execute(f"INSERT INTO [{table}_fts] (rowid, {columns}) SELECT id, {columns} FROM [{table}] WHERE id >= ?",
                             (first_id,))
            for sql in saved:
                conn.execute(sql)
        made += batch
    missing = journal.missing_triggers(db) + sorted(
        set(BULK_TRIGGERS) - {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")})
    if missing:
        raise SystemExit(f"triggers missing after the bulk load: {', '.join(missing)}")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"objectives": made, "log_entries": office.log.seq - first_entry}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    i18n.setup("en")
    started = time.perf_counter()
    made = add(args.db, args.count, seed=args.seed)
    print(f"{made['objectives']:,} objectives, {made['log_entries']:,} log entries in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
