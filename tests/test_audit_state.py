"""Audit proves the state: the log, replayed, must give every table exactly, so a change made
around the program (a direct UPDATE, INSERT or DELETE on the file) is found and named."""

import json
import re
import sqlite3
from pathlib import Path

import pytest

from superviser import audit, chain, changes, journal, replay, store
from superviser.services import review as review_service
from superviser.services import steps, undo
from tests.conftest import ROOT, run_process


def full_history(office) -> str:
    """An objective taken through most steps, an undo, a review, units and people changed."""
    ref = office.objective(co=["East Station"], status="in_progress")
    li = office.session("li")
    steps.urge(office.director, ref, text="faster")
    steps.inspect(office.director, ref, finding="seen", verdict="at-risk", method="on-site")
    steps.extend_request(li, ref, to="2027-01-10", reason="rain")
    steps.extend_approve(office.director, ref, note="once")
    noted = steps.note(li, ref, text="calling")
    undo.undo(li, noted.seq)
    steps.transfer(office.director, ref, to="Planning", reason="theirs", co=["Finance"])
    steps.light(office.director, ref, colour="red", reason="worried")
    other = office.objective(title="second", status="submitted")
    started = review_service.start(office.director)
    from superviser import review

    queue = review.queue(office.director.db, "boss")
    review_service.act(office.director, started["id"], "verify", [i for i in queue if i["ref"] == other], {})
    review_service.finish(office.director, started["id"])
    from superviser.services import org

    org.unit_edit(office.director, "Planning", name="Planning Office")
    org.person_edit(office.director, "view", role="supervisor")
    org.setting_set(office.director, "light.near_days", "5")
    return ref


def problems(path: Path) -> list[str]:
    return audit.run(store.connect(path)).problems


def raw(path: Path, sql: str, *args) -> None:
    """A change made around the program, as a member with the file could."""
    conn = sqlite3.connect(path)
    conn.execute(sql, args)
    conn.commit()
    conn.close()


def test_the_log_replays_to_every_table(office):
    full_history(office)
    assert problems(office.path) == []


def test_the_demo_office_replays(tmp_path):
    from superviser.demo import build_office

    build_office(tmp_path / "demo.db", "boss")
    db = store.connect(tmp_path / "demo.db")
    assert audit.run(db).ok, audit.run(db).problems[:5]


def test_a_status_edited_directly_is_named(office):
    ref = full_history(office)
    raw(office.path, "UPDATE objectives SET status = 'closed' WHERE ref = ?", ref)
    found = problems(office.path)
    assert len(found) == 1
    assert re.match(r"objectives#1\.status: the log says 'assigned', the table says 'closed' \(last entry touching it: #\d+\)",
                    found[0]), found


def test_a_role_changed_directly_is_named(office):
    full_history(office)
    raw(office.path, "UPDATE people SET role = 'director' WHERE login = 'li'")
    assert problems(office.path) == [
        "people#li.role: the log says 'liaison', the table says 'director' (last entry touching it: #8)"]


def test_rows_inserted_or_deleted_directly_are_named(office):
    full_history(office)
    raw(office.path, "INSERT INTO units (name, created_at) VALUES ('Ghost', '2026-01-01')")
    raw(office.path, "DELETE FROM co_units WHERE objective_id = 1")
    found = problems(office.path)
    assert any("units#6: in the table but in no log entry" in p for p in found), found
    assert any("co_units#1,2: in the log but not in the table" in p for p in found), found


def test_steps_taken_while_the_audit_reads_the_tables_are_not_damage(office):
    """The log is read first, the tables after: a colleague's step in between (a real process)
    changes rows the log read so far does not describe. The audit does not call that damage;
    a change made around the program at the same time is still named."""
    ref = full_history(office)
    raw(office.path, "UPDATE people SET role = 'director' WHERE login = 'li'")
    assert replay.replay(store.connect(office.path))[4] == journal.head(store.connect(office.path))[0]
    written = []

    def meanwhile(done: int, total: int) -> None:
        if not written and done >= total * 5 // 7:  # the log is replayed; no table compared yet
            written.append([run_process("--db", office.path, *args).returncode for args in (
                ["note", ref, "while the audit runs"], ["unit", "add", "Meanwhile Unit"],
                ["urge", ref, "--text", "by Friday"])])

    found = replay.check(store.connect(office.path), meanwhile)
    assert written == [[0, 0, 0]]
    assert [(d.table, d.row, d.field) for d in found.differences] == [("people", "li", "role")], found.differences
    assert problems(office.path) == [
        "people#li.role: the log says 'liaison', the table says 'director' (last entry touching it: #8)"]


def test_an_edited_entry_stops_at_the_chain(office):
    full_history(office)
    conn = sqlite3.connect(office.path)
    conn.execute("DROP TRIGGER log_no_update")
    conn.execute("UPDATE log SET detail = 'nothing happened' WHERE seq = 12")
    conn.commit()
    conn.close()
    found = problems(office.path)
    assert any("log_no_update" in p for p in found) and any("entry 12" in p for p in found)


def test_a_consistent_forgery_of_state_and_log_still_breaks_the_chain(office):
    """Someone changes a table and appends a made-up entry for it: the guard trigger refuses an
    entry that does not extend the chain, and one that does must carry the right hash."""
    full_history(office)
    conn = sqlite3.connect(office.path)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO log (seq, at, actor, action, detail, changes, prev_hash, hash) "
                     "VALUES (999, 'x', 'li', 'note', '', '{}', 'bad', 'bad')")
    conn.close()


def test_no_module_writes_around_changes():
    """Every write goes through superviser/changes.py (or the log's own append, or a migration)."""
    allowed = {"changes.py", "journal.py", "schema.py"}
    allowed |= {"tallies.py", "grams.py"}  # derived tables only (schema.DERIVED_PREFIXES), kept by triggers
    allowed |= {"planned.py"}  # Changes worked out before the write lock (a big import), written by the same rules
    allowed |= {"scratch.py"}  # a plan's rows staged before the lock, moved into their tables by its apply
    sql = re.compile(r"""["'](?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|REPLACE\s+INTO)\b""")
    utils = re.compile(r"""\bdb\[[^]]+\]\.(?:insert|insert_all|upsert|upsert_all|update|delete|delete_where)\(""")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in (ROOT / "superviser").rglob("*.py") if path.name not in allowed
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if sql.search(line) or utils.search(line)
    ]
    assert offenders == []


def test_an_older_log_gets_a_baseline_and_replays_from_it(tmp_path):
    """A database written before every change was logged: the upgrade records the state as
    baseline entries; audit replays from them, and later steps on top."""
    from sqlite_utils import Database

    from superviser import schema

    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path, isolation_level=None))
    for migration in schema.migrations._migrations[:2]:  # m001, m002: the old schema
        migration.fn(db)
        db["_sqlite_migrations"].insert({"migration_set": "superviser", "name": migration.name,
                                         "applied_at": "2026-01-01"}, alter=True)
    db.conn.execute("BEGIN")
    db.conn.execute("INSERT INTO people (login, name, role, active, created_at) VALUES ('boss', 'Bao', 'director', 1, 'x')")
    db.conn.execute("INSERT INTO units (name, created_at) VALUES ('Finance', 'x')")
    journal.append(db, actor="boss", action="init", detail="Bao", changes={"person:boss.role": [None, "director"]})
    db.conn.execute("COMMIT")
    db.conn.close()

    upgraded = store.connect(path)
    actions = [r[0] for r in upgraded.conn.execute("SELECT action FROM log ORDER BY seq")]
    assert actions[0] == "init" and "baseline" in actions
    assert audit.run(upgraded).ok
    from superviser.services import Session, org

    org.unit_add(Session(upgraded, "boss"), "Planning")
    assert audit.run(store.connect(path)).ok


def test_secrets_are_fingerprints_in_the_log(office, monkeypatch):
    """A secret column is written to the table but only its sha256 to the log; replay compares."""
    monkeypatch.setitem(changes.SECRET_COLUMNS, "units", frozenset({"name"}))
    from superviser.services import org

    made = org.unit_add(office.director, "Very Secret Unit").data["id"]
    text = store.connect(office.path).conn.execute("SELECT changes FROM log ORDER BY seq DESC LIMIT 1").fetchone()[0]
    assert "Very Secret" not in text and changes.fingerprint("Very Secret Unit") in text
    monkeypatch.setattr(replay, "SECRET_COLUMNS", changes.SECRET_COLUMNS)
    assert not [d for d in replay.check(store.connect(office.path)).differences if d.row == str(made)]


def test_a_secret_that_looks_like_a_fingerprint_is_still_only_a_fingerprint_in_the_log(office):
    """Whatever a secret reads like, the log has its sha256 (added, changed or removed) and the
    audit compares the table's secret by its sha256: the office is sound."""
    from superviser import audit
    from superviser.services import contacts

    secret = "sha256:a-secret-that-starts-like-a-fingerprint"
    channel = contacts.channel_add(office.director, "Finance", "dingtalk", secret=secret,
                                   webhook="https://oapi.dingtalk.com/robot/send?access_token=abc").data["id"]
    assert audit.run(store.connect(office.path)).ok
    contacts.channel_remove(office.director, channel)
    texts = [text for (text,) in store.connect(office.path).conn.execute("SELECT changes FROM log ORDER BY seq DESC LIMIT 2")]
    assert secret not in "".join(texts) and all(changes.fingerprint(secret) in text for text in texts)
    assert audit.run(store.connect(office.path)).ok


def test_an_unlogged_change_is_refused(office):
    from superviser.changes import write

    with pytest.raises(RuntimeError, match="no log entry"), write(office.director) as opened:
        opened.update("units", 1, {"name": "Renamed quietly"})
    assert store.connect(office.path).conn.execute("SELECT name FROM units WHERE id = 1").fetchone()[0] != "Renamed quietly"


def test_log_json_keeps_the_changes(office, cli):
    full_history(office)
    entries = json.loads(cli("--db", office.path, "log", "--json", "--action", "transfer").out)["items"]
    assert entries[0]["changes"]["objectives#1.lead_unit_id"] == [2, 5]


def test_audit_cli_reports_differences_and_exits_9(office, cli):
    full_history(office)
    raw(office.path, "UPDATE people SET role = 'director' WHERE login = 'li'")
    ran = cli("--db", office.path, "audit")
    assert ran.code == 9 and "people#li.role" in ran.err


def test_a_long_log_is_replayed_while_other_processes_check_its_chain(office, monkeypatch):
    full_history(office)
    monkeypatch.setattr(journal, "PARALLEL_FROM", 5)
    monkeypatch.setattr(journal, "_processes", lambda: 2)
    replayed, checked_here = [], []
    monkeypatch.setattr(replay, "check", lambda db, *rest, check=replay.check: replayed.append(check(db, *rest)) or replayed[-1])
    monkeypatch.setattr(chain, "check", lambda *a, check=chain.check: checked_here.append(a) or check(*a))
    raw(office.path, "UPDATE people SET role = 'director' WHERE login = 'li'")
    assert problems(office.path) == [
        "people#li.role: the log says 'liaison', the table says 'director' (last entry touching it: #8)"]
    assert len(replayed) == 1 and checked_here == []  # replayed here once, while other processes checked the chain
    conn = sqlite3.connect(office.path)
    conn.execute("DROP TRIGGER log_no_update")
    conn.execute("UPDATE log SET detail = 'nothing happened' WHERE seq = 12")
    conn.commit()
    conn.close()
    found = problems(office.path)  # a broken chain: what the replay found is not reported
    assert any("entry 12" in p for p in found) and not any("people#li.role" in p for p in found), found


def test_the_replay_reads_every_value_as_the_logs_encoder_wrote_it(office):
    """The replay reads the log with a faster JSON reader than the encoder's own; what strict JSON
    does not write (infinity) or that reader might round (integers past 64 bits) is read as json reads it."""
    odd = {"big": 2**70, "negative": -(2**65), "huge": 1e308, "tiny": 5e-324, "infinite": float("inf"),
           "wide": "督查〔2026〕1号", "escaped": 'tab\there "quoted" \\ \x00', "nothing": None,
           "list": [1, 2.5, "three"], "nested": {"b": [None, {"c": -0.0}]}}
    db = store.connect(office.path)
    with store.transaction(db):
        journal.append(db, actor="boss", action="note", changes={"units#99": [None, odd], "odd.fact": [None, odd]})
    state = replay.replay(db)[0]
    written = db.conn.execute("SELECT changes FROM log ORDER BY seq DESC LIMIT 1").fetchone()[0]
    assert repr(state["units"]["99"]) == repr(json.loads(written)["units#99"][1])
    assert state["units"]["99"] == odd and type(state["units"]["99"]["big"]) is int


SPLIT = """
import json, os, sys
from superviser import replay, store

path, apart_from, pids = sys.argv[1], int(sys.argv[2]), sys.argv[3]
replay.APART_FROM = apart_from
compare = replay._compare


def recorded(conn, tables, *rest):
    with open(pids, "a") as out:
        out.write(json.dumps([os.getpid(), sorted(tables)]) + "\\n")
    return compare(conn, tables, *rest)


replay._compare = recorded
found = replay.check(store.connect(path))
print(json.dumps({"pid": os.getpid(), "more": found.more, "problems": found.problems,
                  "differences": [[d.table, d.row, d.field, repr(d.log_says), repr(d.table_says), d.last_seq]
                                  for d in found.differences]}))
"""


def checked(path: Path, apart_from: int, pids: Path) -> tuple[dict, list]:
    """``replay.check`` in a process of its own (one thread, so that it may fork), comparing the
    tables in two processes from ``apart_from`` rows; what it found, and which process compared what."""
    import subprocess
    import sys

    pids.unlink(missing_ok=True)
    ran = subprocess.run([sys.executable, "-c", SPLIT, str(path), str(apart_from), str(pids)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(ran.stdout), [json.loads(line) for line in pids.read_text().splitlines()]


def test_tables_compared_in_two_processes_give_the_same_differences_in_the_same_order(office, tmp_path):
    """More differences than are listed, in tables on both sides of the split: the same ones
    listed, in the same order, and the same count of the rest, as when one process compares all."""
    full_history(office)
    for n in range(47):
        raw(office.path, "INSERT INTO units (name, created_at) VALUES (?, '2026-01-01')", f"Ghost {n}")
    raw(office.path, "UPDATE people SET role = 'director' WHERE login = 'li'")
    raw(office.path, "UPDATE objectives SET title = 'quietly'")
    raw(office.path, "DELETE FROM co_units WHERE objective_id = 1")
    alone, by_one = checked(office.path, 10**9, tmp_path / "pids")
    split, by_two = checked(office.path, 0, tmp_path / "pids")
    assert len(by_one) == 1 and by_one[0][0] == alone["pid"]
    assert len({pid for pid, _ in by_two}) == 2 and split["pid"] in {pid for pid, _ in by_two}  # here, and a child
    assert sorted(by_two[0][1] + by_two[1][1]) == by_one[0][1]
    changed = {"units", "people", "objectives", "co_units"}
    assert changed & set(by_two[0][1]) and changed & set(by_two[1][1])  # differences on both sides
    assert split == dict(alone, pid=split["pid"])
    assert len(split["differences"]) == replay.SHOWN and split["more"] > 0
    assert {"units", "people", "objectives"} <= {d[0] for d in split["differences"]}, split["differences"]


def test_a_row_edited_directly_is_found_by_the_second_process(office, tmp_path):
    full_history(office)
    clean, by_two = checked(office.path, 0, tmp_path / "pids")
    assert clean["differences"] == [] and clean["more"] == 0
    child = next(tables for pid, tables in by_two if pid != clean["pid"])
    table = next(t for t in ("objectives", "units", "people", "reports", "decisions", "settings") if t in child)
    raw(office.path, f"UPDATE [{table}] SET created_at = 'forged' WHERE rowid = (SELECT min(rowid) FROM [{table}])")
    found, by_two = checked(office.path, 0, tmp_path / "pids")
    assert child in [tables for pid, tables in by_two if pid != found["pid"]]
    assert [(d[0], d[2], d[4]) for d in found["differences"]] == [(table, "created_at", "'forged'")], found


def test_within_an_entry_a_row_deleted_or_created_is_seen_by_the_changes_after_it(office):
    db = store.connect(office.path)
    with store.transaction(db):
        journal.append(db, actor="boss", action="note", changes={
            "units#97": [None, {"id": 97, "name": "x"}], "units#98": [None, {"id": 98, "name": "a"}]})
        changed = journal.append(db, actor="boss", action="note", changes={
            "units#97": [{"id": 97, "name": "x"}, None], "units#97.name": ["x", "y"],
            "units#98.name": ["a", "b"], "units#98.parent_id": [None, 1]})
        journal.append(db, actor="boss", action="note", changes={
            "units#98.name": ["b", "c"], "units#96": [None, {"id": 96}], "units#96.name": [None, "new"]})
    state, last, _count, found, _head = replay.replay(db)
    assert "97" not in state["units"] and last["units"]["97"] == changed
    assert state["units"]["98"] == {"id": 98, "name": "c", "parent_id": 1} and last["units"]["98"] == changed + 1
    assert state["units"]["96"] == {"id": 96, "name": "new"}
    assert found == [f"#{changed}: units#97.name is changed but the row does not exist"]


def test_a_row_deleted_between_two_of_its_changes_in_one_entry_is_seen(office):
    """The program writes an entry's keys sorted; one written otherwise (chained by hand) still
    replays in the order it says."""
    db = store.connect(office.path)
    with store.transaction(db):
        journal.append(db, actor="boss", action="note", changes={"units#98": [None, {"id": 98, "name": "a"}]})
        seq, prev = journal.head(db)
        text = json.dumps({"units#98.name": ["a", "b"], "units#98": [{"id": 98, "name": "b"}, None],
                           "units#98.parent_id": [None, 1]}, separators=(",", ":"))
        row = (seq + 1, "2026-01-01T00:00:00.000Z", "boss", "note", None, None, "", text, prev)
        db.conn.execute(journal.INSERT, (*row, chain.digest(*row)))
    state, _last, _count, found, _head = replay.replay(db)
    assert "98" not in state["units"]
    assert found == [f"#{seq + 1}: units#98.parent_id is changed but the row does not exist"]


def _around(path, *statements):
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def test_a_table_dropped_or_renamed_around_the_program_is_named(office):
    full_history(office)
    _around(office.path, "ALTER TABLE inspections RENAME TO tally_inspections")
    assert "table inspections is missing: the log says it holds 1 row" in problems(office.path)


def test_a_column_dropped_around_the_program_is_named(office):
    full_history(office)  # (a light set with a reason)
    _around(office.path, "ALTER TABLE objectives DROP COLUMN light_override_reason")
    assert ("objectives.light_override_reason: the log records this column, the table no longer has it"
            in problems(office.path))


def test_a_table_left_without_a_primary_key_is_named_not_fatal(office, monkeypatch):
    full_history(office)
    _around(office.path, "CREATE TABLE copied AS SELECT * FROM retired_refs", "DROP TABLE retired_refs",
            "ALTER TABLE copied RENAME TO retired_refs")
    monkeypatch.setattr(changes, "_PK_COLUMNS", {})  # (this process knew its key before)
    assert ("table retired_refs has no primary key: its rows can't be compared with the log"
            in problems(office.path))


def test_an_entry_whose_changes_are_not_what_the_program_writes_is_named_and_the_replay_goes_on(office):
    """Properly chained, but its changes are neither a row nor a [before, after] pair."""
    ref = office.objective()
    db = store.connect(office.path)
    with store.transaction(db):
        odd = journal.append(db, actor="boss", action="note", changes={"objectives#1.title": 5})
    steps.note(office.director, ref, text="after it")
    found = problems(office.path)
    assert f"#{odd}: its changes can't be replayed (they are not what superviser writes)" in found


def test_a_trigger_that_keeps_counters_or_search_dropped_or_one_added_is_named(office):
    """The counters and search indexes follow their tables by triggers: one dropped lets them drift
    without a word (the rows themselves still agree with the log); one added may do anything."""
    full_history(office)
    _around(office.path, "DROP TRIGGER objectives_tally_update", "DROP TRIGGER objectives_au",
            "CREATE TRIGGER stray AFTER UPDATE ON units BEGIN SELECT 1; END")
    found = problems(office.path)
    assert [p for p in found if "trigger" in p] == [
        "trigger objectives_au on objectives is missing: what it keeps (counters, search) no longer follows the table",
        "trigger objectives_tally_update on objectives is missing: what it keeps (counters, search) no longer follows "
        "the table",
        "trigger stray on units is not one the program makes",
    ]
