"""Changes worked out before the write lock is taken, for work too big to do while others wait
(a ledger import of thousands of rows).

A ``Plan`` is a ``Changes`` that writes nothing yet: the same services (``insert_decision``,
``insert_objective``) run against it with their rules, reading the database as it is; each
row gets the id it will have and is recorded as it will be stored (defaults filled in), and
each log entry its sequence number, following the log's head as it was when planning began.
A large plan has a forked child (superviser/elsewhere.py) work out its first entries'
canonical text and hashes, chained from that head, while the rest are planned (entries are
only appended to). ``prepare``, still without the lock, stages the rows in the connection's
scratch tables (superviser/scratch.py) while another child works out most of the other
entries' text and hashes, chained after those, and it encodes the rest; then it hashes those
after the child's last and stages the entries too. A third child, forked with the second,
works out what the derived tables (search indexes, counters) get for the rows, wanted only
once the rows are written. ``apply`` then writes it all inside a real transaction, a statement
per table.

If others wrote meanwhile (the log's head moved: every write appends to it), the plan still
holds if nothing it relied on changed: the ids it gave are still free, the numbers it counted
(a decision's objectives, a year's decisions) are still the highest, and the rows it read are
as they were. Then only its log entries are chained again after the new head. Otherwise it
raises ``Stale``, having written nothing, and the caller plans again. A plan's rows must not
hold log sequence numbers (they may change when the entries are chained again).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from superviser import chain, clock, grams, journal, scratch, tallies
from superviser.changes import Changes, pk_columns, row_key, with_facts
from superviser.elsewhere import Elsewhere
from superviser.store import Database
from superviser.tables import FTS_TABLES, SECRET_COLUMNS

_DEFAULTS: dict[str, dict[str, Any]] = {}


def default_value(sql: str | None) -> Any:
    """A column's DEFAULT as a value (constants only: what the schema uses)."""
    if sql is None or sql.upper() == "NULL":
        return None
    if sql.startswith("'") and sql.endswith("'"):
        return sql[1:-1].replace("''", "'")
    try:
        return int(sql)
    except ValueError:
        pass
    try:
        return float(sql)
    except ValueError:
        raise ValueError(f"a planned insert can't compute the default {sql}") from None


def defaults(db: Database, table: str) -> dict[str, Any]:
    """Every column of ``table`` with the value SQLite gives it when an insert leaves it out."""
    found = _DEFAULTS.get(table)
    if found is None:
        info = db.conn.execute(f"PRAGMA table_info([{table}])").fetchall()
        found = _DEFAULTS[table] = {row[1]: default_value(row[4]) for row in info}
    return found


# The pages a plan's rows touch (its tables and their indexes) kept in memory while it writes:
# with SQLite's default (2 MB) they go back and forth to the file, and the lock is held longer.
CACHE_KB = 16 * 1024
SMALL = 5_000  # rows: a table read whole when a plan asks for its rows more than ASKED_OFTEN times
ASKED_OFTEN = 64
# The share of the entries whose text and hashes a forked child works out while this process
# stages the rows and encodes the rest (then hashes them after the child's last): both are done
# at about the same time.
CHAINED_ELSEWHERE = 0.65
# A plan expected to log about this many entries or more (a ledger of as many rows) has a child
# chain the first AHEAD of them while the rest are planned (they are only ever appended to: their
# text and hashes stay).
CHAINED_AHEAD_FROM = 2_000
AHEAD = 0.4


def _whole_table(db: Database, table: str) -> dict[tuple, dict] | None:
    """Every row of ``table`` by primary key, or None if it has more than ``SMALL``."""
    cursor = db.conn.execute(f"SELECT * FROM [{table}] LIMIT {SMALL + 1}")
    rows = cursor.fetchall()
    if len(rows) > SMALL:
        return None
    names = [d[0] for d in cursor.description]
    at = [names.index(c) for c in pk_columns(db, table)]
    return {tuple(row[i] for i in at): dict(zip(names, row)) for row in rows}


_KEY_TYPES: dict[str, tuple | None] = {}


def _keyed(db: Database, table: str, key: tuple) -> bool:
    """Whether looking ``key`` up among the rows read finds what ``WHERE pk = ?`` finds: the key
    is of its columns' own types (SQLite would convert '7' to 7 for an INTEGER column) and no
    column compares otherwise than byte by byte (COLLATE NOCASE)."""
    if table not in _KEY_TYPES:
        declared = {row[1]: row[2].upper() for row in db.conn.execute(f"PRAGMA table_info([{table}])")}
        sql = db.conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        found = tuple({"INTEGER": int, "TEXT": str}.get(declared[c]) for c in pk_columns(db, table))
        _KEY_TYPES[table] = None if None in found or "COLLATE" in sql.upper() else found
    types = _KEY_TYPES[table]
    return types is not None and tuple(map(type, key)) == types


_REFERENCES: dict[str, dict[str, str]] = {}


def _references(db: Database, table: str) -> dict[str, str]:
    """column → the table it refers to by that table's primary key (single-column foreign keys)."""
    if table not in _REFERENCES:
        keys: dict[int, list] = {}
        for row in db.conn.execute(f"PRAGMA foreign_key_list([{table}])"):
            keys.setdefault(row[0], []).append(row)
        _REFERENCES[table] = {rows[0][3]: rows[0][2] for rows in keys.values()
                              if len(rows) == 1 and (rows[0][4] is None or (rows[0][4],) == pk_columns(db, rows[0][2]))}
    return _REFERENCES[table]


class Stale(Exception):
    """Someone changed what the plan relied on after it was begun."""


class Behind(Exception):
    """Others wrote since the plan last caught up (``apply`` wrote nothing)."""


class _Created:
    """A row an entry creates, as the entry records it (its columns that are not NULL), kept as
    the plan's own row until the entry is encoded: a hundred thousand entries' dicts of it would
    be a hundred megabytes."""
    __slots__ = ("columns", "values")

    def __init__(self, columns: tuple[str, ...], values: tuple):
        self.columns, self.values = columns, values

    def shown(self) -> dict:
        return {c: v for c, v in zip(self.columns, self.values) if v is not None}


def _shown(value: object) -> dict:
    if type(value) is _Created:
        return value.shown()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_encode = chain.encoder(_shown)


class Plan(Changes):
    def __init__(self, db: Database, actor: str, *, expected: int = 0):
        """``expected``: about how many entries it will log (a ledger's rows)."""
        super().__init__(db, actor)
        self.head = journal.head(db)
        self._ahead_at = round(expected * AHEAD) if expected >= CHAINED_AHEAD_FROM else 0
        # the first entries' text and hashes, worked out while the rest were planned: the head
        # they follow, the child
        self._ahead: tuple[tuple[int, str], Elsewhere[tuple[list[str], list[str]]]] | None = None
        # table → pk → the row as it will be stored, its values in the table's column order (a
        # tuple: a plan of a hundred thousand rows is held in memory)
        self._rows: dict[str, dict[tuple, tuple]] = {}
        self._next_id: dict[str, int] = {}
        self._next_base: dict[str, int] = {}  # the highest id of each table when the plan began using it
        # (table, column, where columns) → (highest stored, highest planned), by where values
        self._numbers: dict[tuple, tuple[dict, dict]] = {}
        self._numbered: dict[str, list[tuple[tuple, dict]]] = {}  # table → its numberings' planned highest
        self._updates: list[tuple[str, tuple, dict]] = []   # rows that exist already
        # the log entries as planned: (at, action, objective_id, decision_id, detail, changes); their
        # canonical text and hashes are worked out elsewhere (prepare)
        self._entries: list[tuple] = []
        self._log: list[tuple] | None = None  # the entries as log rows, once worked out, chained after _log_after
        self._log_after: tuple[int, str] = self.head
        self._chaining: Elsewhere[tuple[list[str], list[str]]] | None = None  # the first entries' text and hashes
        self._chaining_after: tuple[int, str] = self.head  # (chained after this head)
        self._encoded: tuple[list[str], list[bytes | None]] | None = None  # the other entries' text, middles
        self._middles: list[bytes | None] = []  # what rechaining them keeps of the entries (journal.rechained)
        self._read: dict[tuple, dict | None] = {}           # (table, pk) → the stored row as read
        self._whole: dict[str, dict[tuple, dict] | None] = {}  # small tables read whole (None: too big), as read
        self._asked: dict[str, int] = {}  # rows asked for, by table
        self._derived: Elsewhere[dict] | None = None  # what the derived tables get, worked out (prepare)
        self._staged_log: str | None = None  # the scratch table holding the entries as they are now
        self._busy = False  # others wrote even while it last caught up
        self._scratch: dict[str, str] = {}  # table → the scratch table holding its rows
        self._column_names: dict[str, tuple[str, ...]] = {}

    # --- reading: the database, and what is planned ------------------------------------------
    def read(self, table: str, pk: tuple, columns: list[str] | None = None) -> dict | None:
        key = tuple(pk)
        row = self._planned(table, key)
        if row is None:
            stored = self._stored(table, key)
            return None if stored is None else {c: stored[c] for c in columns} if columns else dict(stored)
        return {c: row[c] for c in columns} if columns else row

    def _planned(self, table: str, key: tuple) -> dict | None:
        row = self._rows.get(table, {}).get(key)
        return None if row is None else dict(zip(defaults(self.db, table), row))

    def _stored(self, table: str, key: tuple) -> dict | None:
        """The stored row, remembered as read. A small table asked about again and again (the
        references retired so far, for every new objective) is read whole instead of a query
        per row, and is relied on whole."""
        whole = self._whole.get(table)
        if whole is None and table not in self._whole:
            self._asked[table] = self._asked.get(table, 0) + 1
            if self._asked[table] > ASKED_OFTEN:
                whole = self._whole[table] = _whole_table(self.db, table)
        if whole is not None and _keyed(self.db, table, key):
            return whole.get(key)
        stored = self._read[(table, key)] = Changes.read(self, table, key)
        return stored

    def next_number(self, table: str, column: str, **where) -> int:
        signature = (table, column, tuple(where))
        numbers = self._numbers.get(signature)
        if numbers is None:  # a new kind of numbering: count the rows planned so far once
            numbers = self._numbers[signature] = ({}, {})
            self._numbered.setdefault(table, []).append((signature, numbers[1]))
            for row in self._rows.get(table, {}).values():
                self._count(numbers[1], signature, dict(zip(defaults(self.db, table), row)))
        stored, planned = numbers
        values = tuple(where.values())
        if values not in stored:
            stored[values] = 0 if self._under_new_row(table, where) else super().next_number(table, column, **where) - 1
        return max(stored[values], planned.get(values, 0)) + 1

    def _under_new_row(self, table: str, where: dict) -> bool:
        """Whether ``where`` names, by a foreign key, a row this plan adds (the objectives of a
        decision it registers): no stored row refers to it, since it does not exist yet (and
        cannot meanwhile: its id is beyond the table's highest, which apply checks first)."""
        references = _references(self.db, table)
        for column, value in where.items():
            target = references.get(column)
            if target in self._next_base and type(value) is int and value > self._next_base[target] \
                    and (value,) in self._rows.get(target, {}):
                return True
        return False

    @staticmethod
    def _count(planned: dict, signature: tuple, row: dict) -> None:
        _table, column, where = signature
        if row.get(column) is not None:
            at = tuple(map(row.get, where))
            planned[at] = max(planned.get(at, 0), row[column])

    # --- writing, later --------------------------------------------------------------------------
    def insert(self, table: str, values: dict) -> Any:
        columns = pk_columns(self.db, table)
        known = defaults(self.db, table)
        row = {**known, **values}
        if len(row) != len(known):
            raise ValueError(f"{table} has no column {next(c for c in values if c not in known)}")
        if len(columns) == 1:
            if row[columns[0]] is None:
                if table not in self._next_id:
                    base = self.conn.execute(f"SELECT coalesce(max(rowid), 0) FROM [{table}]").fetchone()[0]
                    self._next_id[table] = self._next_base[table] = base
                self._next_id[table] += 1
                row[columns[0]] = self._next_id[table]
            key: tuple = (row[columns[0]],)
        else:
            key = tuple(row[c] for c in columns)
        self._forget_derived()
        rows = self._rows.get(table)
        if rows is None:
            rows = self._rows[table] = {}
        rows[key] = tuple(row.values())
        for signature, planned in self._numbered.get(table, ()):
            self._count(planned, signature, row)
        if table in SECRET_COLUMNS:
            self._created(table, key, row)
        else:
            self._pending[row_key(table, key)] = [None, _Created(self._columns(table), rows[key])]
        return key[0] if len(columns) == 1 else key

    def _columns(self, table: str) -> tuple[str, ...]:
        columns = self._column_names.get(table)
        if columns is None:
            columns = self._column_names[table] = tuple(defaults(self.db, table))
        return columns

    def _changed(self, table: str, pk: tuple, column: str, before, after) -> None:
        created = self._pending.get(row_key(table, pk))
        if created is not None and type(created[1]) is _Created:
            created[1] = created[1].shown()  # changed again in the same entry: recorded as Changes records it
        super()._changed(table, pk, column, before, after)

    def update(self, table: str, pk: Any, values: dict) -> dict[str, tuple]:
        key = self._pk(table, pk)
        planned = self._planned(table, key)
        current = planned if planned is not None else self.read(table, key, list(values))
        if current is None:
            raise LookupError(f"{table}#{pk} does not exist")
        changed = {c: (current[c], v) for c, v in values.items() if current[c] != v}
        if not changed:
            return {}
        if planned is not None:
            planned.update({c: after for c, (_before, after) in changed.items()})
            self._rows[table][key] = tuple(planned.values())
            self._forget_derived()
        else:
            self._updates.append((table, key, {c: after for c, (_before, after) in changed.items()}))
        for column, (before, after) in changed.items():
            self._changed(table, key, column, before, after)
        return changed

    def delete(self, table: str, pk: Any) -> dict | None:
        raise NotImplementedError("a plan registers; it does not delete")

    def log(self, action: str, *, objective_id: int | None = None, decision_id: int | None = None,
            detail: str = "", facts: dict | None = None) -> int:
        changes = with_facts(self._pending, facts)  # (the entry's own from now on: nothing changes it after)
        self._pending = {}
        self._entries.append((clock.stamp(), action, objective_id, decision_id, detail, changes))
        self._log, self._middles, self._staged_log, self._encoded = None, [], None, None
        self._forget_derived()
        self.entries.append(self.head[0] + len(self._entries))
        if len(self._entries) == self._ahead_at:
            first, actor, after = self._entries[:], self.actor, self.head
            self._ahead = (after, Elsewhere(lambda: journal.chained(first, actor, *after, _encode)))
        return self.entries[-1]

    def _begun(self) -> tuple[tuple[int, str], list[str], list[str]]:
        """The head the entries are chained after, and the text and hashes of the first of them
        as worked out elsewhere: ahead (while the rest were planned), then in ``prepare``."""
        after = self._chaining_after if self._chaining is not None else self._ahead[0] if self._ahead else self.head
        texts: list[str] = []
        hashes: list[str] = []
        if self._ahead is not None:
            done = self._ahead[1].result()
            texts, hashes = [*done[0]], [*done[1]]
        if self._chaining is not None:
            more, more_hashes = self._chaining.result()
            texts += more
            hashes += more_hashes
        return after, texts, hashes

    def _chained(self) -> list[tuple]:
        """The entries as log rows chained after the head as last caught up with; their text
        and hashes as worked out elsewhere (or here, if they were not)."""
        if self._log is None:
            after, texts, hashes = self._begun()
            rest = self._entries[len(texts):]
            more, middles = self._encoded or journal.encoded(rest, self.actor, _encode)
            last = (after[0] + len(texts), hashes[-1] if hashes else after[1])  # the child's last entry
            hashes = hashes + journal.hashed(rest, self.actor, *last, more, middles)
            self._log = journal.rows_of(self._entries, self.actor, *after, (texts + more, hashes))
            self._log_after, self._encoded = after, None
        if self._log_after != self.head:
            self._log = journal.rechained(self._log, *self.head, self._middles)
            self._log_after = self.head
        return self._log

    # --- the write -------------------------------------------------------------------------------
    def catch_up(self) -> None:
        """If others wrote since the plan began, chain its entries again after the log's head as
        it is now (``Stale`` if they changed something it relied on). Called before the write
        lock, so that ``apply`` has nothing to chain again unless others write in between."""
        head = journal.head(self.db)
        self._busy = False
        if head != self.head:
            self._check_still_holds()
            self.head = head
            self.entries = [row[0] for row in self._chained()]
            # staged again before the lock; holding it, written straight from the entries instead
            self._staged_log = None if self.conn.in_transaction else self._stage_log()
            self._busy = journal.head(self.db) != head

    def apply(self, changes: Changes, *, behind_ok: bool = True) -> None:
        """Write the plan in ``changes``' transaction; ``Stale`` (nothing written) if the database
        changed in a way the plan relied on. If others wrote since it last caught up, its entries
        are chained again here, holding the lock, or with ``behind_ok=False`` it raises ``Behind``
        (nothing written) for the caller to catch up without the lock and try again; unless they
        wrote even while it caught up: they write more often than it can catch up."""
        if self.pending:
            raise RuntimeError("a planned change that no log entry records; call log()")
        conn = changes.conn
        if not behind_ok and not self._busy and journal.head(self.db) != self.head:
            raise Behind()
        self.catch_up()  # inside the transaction: nobody writes between this and the write
        if self._derived is None:
            self.prepare()  # (not done before the lock, or rows were planned since)
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute(f"PRAGMA cache_size = {-CACHE_KB}")
        conn.execute("SAVEPOINT plan")
        try:  # (from here on the plan is written or given up: its children have done their part)
            restore = self._suspend_derived(conn)
            for table in self._rows:  # in the order tables were first written: parents first
                scratch.insert(conn, table, list(defaults(self.db, table)), self._scratch[table])
            self._fill_derived(changes.db)
            for sql in restore:
                conn.execute(sql)
            for table, key, values in self._updates:
                where = " AND ".join(f"[{c}] = ?" for c in pk_columns(self.db, table))
                conn.execute(f"UPDATE [{table}] SET {', '.join(f'[{c}] = ?' for c in values)} WHERE {where}",
                             [*values.values(), *key])
            journal.append_chained(changes.db, self._chained(), self._staged_log)
        except sqlite3.IntegrityError:  # a row it relied on went away meanwhile (a unit, a parent)
            conn.execute("ROLLBACK TO plan")
            conn.execute("RELEASE plan")
            raise Stale() from None
        finally:
            conn.execute(f"PRAGMA cache_size = {cache}")
            self._let_children_go()
        conn.execute("RELEASE plan")
        changes.entries.extend(self.entries)

    def discard(self) -> None:
        """Let the plan's children go, and drop the scratch tables it staged once its transaction
        has ended (staged inside one, they go with it)."""
        self._let_children_go()
        self._forget_derived()
        if not self.conn.in_transaction:
            scratch.drop(self.conn, self._scratch.values())
            self._scratch = {}
            self._staged_log = None

    def _let_children_go(self) -> None:
        """Wait for the children that sent their results, stop the others (their results, if
        taken, stay with their ``Elsewhere``)."""
        for job in (self._ahead[1] if self._ahead else None, self._chaining, self._derived):
            if job is not None:
                job.close()

    # The derived tables (search indexes, counters: tables.DERIVED_PREFIXES) are kept by a trigger
    # per inserted row, which costs more than the rows themselves; for the rows of a plan they are
    # filled in a statement or two each instead, in the same transaction, the triggers suspended
    # meanwhile. What they get (character pairs, counts) is worked out before the lock, in a
    # forked child (superviser/elsewhere.py) while this process stages the rows.
    def _suspended(self) -> list[str]:
        names = []
        if "objectives" in self._rows:
            names += list(tallies.BULK_SUSPENDED)
            if any((objective_id,) not in self._rows["objectives"] for objective_id, _unit in self._rows.get("co_units", {})):
                raise RuntimeError("a plan adds co-units only to objectives it adds")
        for table in FTS_TABLES:
            if table in self._rows:
                names += [f"{table}_ai", grams.bulk_suspended(table)]
        return names

    def _suspend_derived(self, conn) -> list[str]:
        """Drop the per-row insert triggers of the derived tables; the SQL that puts them back."""
        names = self._suspended()
        saved = [sql for (sql,) in conn.execute(
            f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({', '.join('?' * len(names))})", names)]
        for name in names:
            conn.execute(f"DROP TRIGGER IF EXISTS [{name}]")
        return saved

    def prepare(self) -> None:
        """Before the write lock: stage the rows while a child works out most of the entries' text
        and hashes (the rest here, meanwhile), and stage the entries, while another child works out
        what the derived tables get for the rows (wanted once the lock is taken and the rows written).
        ``apply`` does it if it was not done (or rows were planned since)."""
        self._forget_derived()
        actor = self.actor
        if self._log is None:
            after, texts, hashes = self._begun()  # (waits for the child chaining ahead, if any)
            done = len(texts)
            share = done + round((len(self._entries) - done) * CHAINED_ELSEWHERE)
            first, start = self._entries[done:share], (after[0] + done, hashes[-1] if hashes else after[1])
            self._chaining_after = after
            self._chaining = Elsewhere(lambda: journal.chained(first, actor, *start, _encode))
        # Forked together: after a fork every page of this process is copied (or at least faults) as
        # this process first writes it, a few microseconds each, so the fewer times it forks the
        # better. The second child's result is wanted last: it lets the first have the core.
        self._derived = Elsewhere(self._derivation(), yielding=True)
        for table, rows in self._rows.items():
            self._stage(table, len(defaults(self.db, table)), rows.values())
        if self._log is None:
            self._encoded = journal.encoded(self._entries[share:], actor, _encode)
        self._stage_log()

    def _forget_derived(self) -> None:
        if self._chaining is None and self._derived is None:  # (as it is at every row planned)
            self._encoded = None
            return
        for job in (self._chaining, self._derived):
            if job is not None:
                job.close()
        self._chaining = self._derived = None
        self._encoded = None  # (the rest of the entries the child's share was worked out beside)

    def _derivation(self) -> Callable[[], dict]:
        """What works out the derived tables' rows for the planned rows (their character pairs,
        their counts) reading nothing of the database, so that another process may run it."""
        searched = {table: (self._rows[table], [list(defaults(self.db, table)).index(c) for c in columns])
                    for table, columns in FTS_TABLES.items() if table in self._rows}
        objectives, co_units = self._rows.get("objectives"), self._rows.get("co_units", {})
        types, columns = (tallies.declared(self.db), list(defaults(self.db, "objectives"))) if objectives else ({}, [])

        def work() -> dict:
            return {
                "grams": {table: [(key[0], grams.pairs([row[i] for i in at])) for key, row in rows.items()]
                          for table, (rows, at) in searched.items()},
                "tallies": tallies.worked_out(types, columns, objectives.values(), co_units.keys()) if objectives else [],
            }
        return work

    def _stage(self, table: str, width: int, rows) -> str:
        self._scratch[table] = scratch.stage(self.conn, table, width, rows)
        return self._scratch[table]

    def _stage_log(self) -> str:
        self._staged_log = self._stage("log", len(journal.COLUMNS), self._chained())
        return self._staged_log

    def _fill_derived(self, db: Database) -> None:
        for table, columns in FTS_TABLES.items():
            if table not in self._rows:
                continue
            listed = ", ".join(f"[{c}]" for c in columns)
            db.conn.execute(f"INSERT INTO [{table}_fts] (rowid, {listed}) SELECT id, {listed} FROM [{table}] WHERE id > ?",
                            (self._next_base[table],))
        assert self._derived is not None  # prepare() began it
        derived = self._derived.result()
        for table in derived["grams"]:
            if grams.exists(db, table):
                grams.add_pairs(db, table, derived["grams"][table])
        if "objectives" in self._rows and tallies.exists(db):
            tallies.add_worked_out(db, derived["tallies"])

    def _check_still_holds(self) -> None:
        for table, base in self._next_base.items():
            if self.conn.execute(f"SELECT coalesce(max(rowid), 0) FROM [{table}]").fetchone()[0] != base:
                raise Stale()
        for (table, column, where), (stored, _planned) in self._numbers.items():
            for values, highest in stored.items():
                asked = dict(zip(where, values))
                if not self._under_new_row(table, asked) and Changes.next_number(self, table, column, **asked) - 1 != highest:
                    raise Stale()
        for table, whole in self._whole.items():
            if whole is not None and _whole_table(self.db, table) != whole:
                raise Stale()
        for (table, pk), row in self._read.items():
            if Changes.read(self, table, pk) != row:
                raise Stale()

