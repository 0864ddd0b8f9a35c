"""The chain's canonical encoding is the JSON encoder's, byte for byte, and a log checked in
parallel stretches gets the same verdict as one checked in a single pass."""

import dataclasses
import json
import os
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from superviser import chain, journal, schema, store, tables
from superviser.services import steps

# What the hash was always taken over (journal.py before the encoding was made faster).
reference = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode

# Any text, with control characters, quotes, backslashes and lone surrogates drawn often.
texts = st.text(st.one_of(
    st.characters(),
    st.characters(max_codepoint=0x7F),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.sampled_from('"\\\x00\x1f\x7f\u2028'),
))
ids = st.none() | st.integers(min_value=-(2**63), max_value=2**63 - 1)
scalars = st.one_of(texts, ids, st.integers(), st.floats(), st.booleans())


def _same(fields: list) -> None:
    try:
        expected = reference(fields).encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError) as error:
        with pytest.raises(type(error)):
            chain.payload(*fields).encode("utf-8")
    else:
        assert chain.payload(*fields).encode("utf-8") == expected


@settings(max_examples=1000)
@given(st.tuples(st.integers(min_value=1, max_value=2**63 - 1), texts, texts, texts, ids, ids, texts, texts, texts))
def test_payload_is_the_json_encoders_bytes(fields):
    _same(list(fields))


@given(st.lists(scalars, min_size=9, max_size=9))
def test_payload_is_the_json_encoders_for_any_value_a_row_could_hold(fields):
    """A tampered row may hold a float, or text where a number belongs: encoded exactly as before."""
    _same(fields)


# What a step's changes hold: rows as dicts of columns, [before, after] pairs, nested.
changes = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=6),
                       max_leaves=30)


@settings(max_examples=1000)
@given(changes)
def test_changes_are_encoded_as_the_json_encoder_encodes_them(value):
    """chain.encode (the encoder's C function, made once) writes what the encoder writes."""
    try:
        expected = reference(value)
    except (ValueError, TypeError) as error:
        with pytest.raises(type(error)):
            chain.encode(value)
    else:
        assert chain.encode(value) == expected


@settings(max_examples=500)
@given(st.tuples(st.integers(min_value=1, max_value=2**63 - 1), texts, texts, texts, ids | st.booleans(), ids, texts,
                 texts, texts))
def test_an_entry_hashed_around_its_middle_has_the_hash_of_its_whole_text(fields):
    """What rechaining keeps of an entry (chain.middle) hashed with a new number, time and
    previous hash gives the same hash as its whole canonical text."""
    seq, at, actor, action, objective_id, decision_id, detail, changes, prev = fields
    kept = chain.middle(actor, action, objective_id, decision_id, detail, changes)
    try:
        expected = chain.digest(*fields)
    except (UnicodeEncodeError, ValueError, TypeError):
        return
    if kept is not None:
        assert chain.digest_around(seq, at, kept, prev) == expected
    else:
        assert type(objective_id) is bool


def test_a_lone_surrogate_can_be_neither_hashed_nor_stored(office):
    """Both encodings refuse it, and SQLite could not store it anyway: no entry can hold one."""
    with pytest.raises(UnicodeEncodeError):
        journal.entry_hash(1, "t", "boss", "note", None, None, "\ud800", "{}", tables.GENESIS)
    with pytest.raises(UnicodeEncodeError):
        reference(["\ud800"]).encode("utf-8")
    db = store.connect(office.path)
    with pytest.raises(UnicodeEncodeError):
        db.conn.execute("SELECT ?", ("\ud800",))


@pytest.fixture
def long_log(office):
    """An office whose log has about 70 entries."""
    ref = office.objective(status="in_progress")
    for n in range(45):
        steps.note(office.director, ref, text=f"note {n}\nwith \"quotes\" and \\ and 中文")
    return office


def _audits(path, monkeypatch, anchor=None):
    """The audit in one pass, and in three stretches checked by three processes."""
    monkeypatch.setattr(journal, "_processes", lambda: 1)
    single = journal.audit(store.connect(path), anchor=anchor)
    monkeypatch.setattr(journal, "_processes", lambda: 3)
    monkeypatch.setattr(journal, "PARALLEL_FROM", 10)
    db = store.connect(path)
    assert len(journal._ranges(db, journal.head(db)[0])) == 3
    parallel = journal.audit(db, anchor=anchor)
    return dataclasses.asdict(single), dataclasses.asdict(parallel)


def _tamper(path, *statements):
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER log_no_update")
    conn.execute("DROP TRIGGER log_no_delete")
    for sql, params in statements:
        conn.execute(sql, params)
    conn.execute(schema.GUARD_TRIGGERS["log_no_update"])
    conn.execute(schema.GUARD_TRIGGERS["log_no_delete"])
    conn.commit()
    conn.close()


def test_an_intact_log_in_parallel(long_log, monkeypatch):
    db = store.connect(long_log.path)
    seq, head = journal.head(db)
    anchor = db.conn.execute("SELECT hash FROM log WHERE seq = ?", (seq - 3,)).fetchone()[0]
    here = []
    monkeypatch.setattr(chain, "check", lambda *a, check=chain.check: here.append(a[1:3]) or check(*a))
    single, parallel = _audits(long_log.path, monkeypatch, anchor)
    assert here == [(None, seq), (None, seq // 3)]  # one pass; then the first stretch here, the others elsewhere
    assert parallel == single
    assert parallel["problems"] == [] and parallel["entries"] == seq and parallel["head_hash"] == head
    assert parallel["anchor_seq"] == seq - 3


def _boundaries(path):
    db = store.connect(path)
    last = journal.head(db)[0]
    return last // 3, 2 * last // 3, last


@pytest.mark.parametrize("where", ["boundary", "after_boundary", "before_boundary", "last"])
@pytest.mark.parametrize("damage", ["edit", "delete", "rehash", "swap"])
def test_damage_anywhere_is_named_as_one_pass_names_it(long_log, monkeypatch, where, damage):
    first, second, last = _boundaries(long_log.path)
    seq = {"boundary": second, "after_boundary": first + 1, "before_boundary": second - 1, "last": last - 1}[where]
    if damage == "edit":
        _tamper(long_log.path, ("UPDATE log SET detail = 'nothing happened' WHERE seq = ?", (seq,)))
    elif damage == "delete":
        _tamper(long_log.path, ("DELETE FROM log WHERE seq = ?", (seq,)))
    elif damage == "rehash":
        row = store.connect(long_log.path).conn.execute(f"{chain.SELECT} WHERE seq = ?", (seq,)).fetchone()
        forged = journal.entry_hash(*row[:6], "forged", *row[7:9])
        _tamper(long_log.path, ("UPDATE log SET detail = 'forged', hash = ? WHERE seq = ?", (forged, seq)))
    else:
        _tamper(long_log.path, ("UPDATE log SET seq = -1 WHERE seq = ?", (seq,)),
                ("UPDATE log SET seq = ? WHERE seq = ?", (seq, seq + 1)),
                ("UPDATE log SET seq = ? WHERE seq = -1", (seq + 1,)))
    single, parallel = _audits(long_log.path, monkeypatch)
    assert parallel == single
    assert single["first_bad_seq"] in (seq, seq + 1)


def test_a_truncated_log_still_needs_its_anchor(long_log, monkeypatch):
    db = store.connect(long_log.path)
    last, anchor = journal.head(db)
    _tamper(long_log.path, ("DELETE FROM log WHERE seq = ?", (last,)))
    single, parallel = _audits(long_log.path, monkeypatch, anchor)
    assert parallel == single and "anchor" in parallel["problems"][0]


def test_a_stretch_whose_process_fails_is_checked_here(long_log, monkeypatch):
    import sys

    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    single, parallel = _audits(long_log.path, monkeypatch)
    assert parallel == single and parallel["problems"] == []


def test_the_stretches_yield_a_core_to_the_replay_but_not_to_each_other(long_log, monkeypatch):
    """While this process replays the log, the processes checking the chain are nicer than it;
    checked alone (the chain's own figure), they are not."""
    monkeypatch.setattr(journal, "_processes", lambda: 2)
    monkeypatch.setattr(journal, "PARALLEL_FROM", 10)
    niced = []
    monkeypatch.setattr(os, "setpriority", lambda which, who, value, real=os.setpriority: (
        niced.append((who, value)), real(which, who, value)))
    assert journal.audit(store.connect(long_log.path)).ok and niced == []
    assert journal.audit(store.connect(long_log.path), meanwhile=lambda: None).ok
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert len(niced) == 2 and {value for _who, value in niced} == {min(19, ours + journal.YIELDING)}
    assert os.getpid() not in {who for who, _value in niced}


def test_a_trigger_that_sets_entries_aside_refuses_the_step_and_the_audit_names_it(office, cli):
    """A trigger added on the log (not one of its guards) may drop an insert with no error: the
    step is refused, nothing written, rather than said to be recorded; the audit names it."""
    ref = office.objective(status="in_progress")
    conn = sqlite3.connect(office.path)
    conn.execute("CREATE TRIGGER quietly BEFORE INSERT ON log WHEN NEW.action = 'note' BEGIN SELECT RAISE(IGNORE); END")
    conn.commit()
    conn.close()
    before = journal.head(store.connect(office.path))
    refused = cli("--db", office.path, "note", ref, "kept?")
    assert refused.code == 8 and "did not keep entry" in refused.err and "note added" not in refused.out
    db = store.connect(office.path)
    assert journal.head(db) == before
    assert db.conn.execute("SELECT count(*) FROM reports WHERE text = 'kept?'").fetchone()[0] == 0
    assert journal.audit(db).problems == ["trigger quietly on the log is none of its guards"]


def test_a_long_log_with_an_entry_that_is_not_json_is_reported_not_fatal(long_log, monkeypatch):
    """Checked in stretches, the replay runs meanwhile and meets the edited entry first: it names
    it and goes on, and the chain says what happened."""
    from superviser import audit

    _tamper(long_log.path, ("UPDATE log SET changes = 'not json' WHERE seq = ?", (30,)))
    monkeypatch.setattr(journal, "_processes", lambda: 3)
    monkeypatch.setattr(journal, "PARALLEL_FROM", 10)
    report = audit.run(store.connect(long_log.path))
    assert report.first_bad_seq == 30 and not report.ok
