"""Signed checkpoints: a good signature, a bad one, a truncated or rewritten log, and whether a
NEW checkpoint extends an OLD one, with the database and, for a witness, without it."""

from __future__ import annotations

import base64
import json
import shutil
import stat

import pytest

from superviser import checkpoints, journal, notes, schema, store
from superviser.services import steps


@pytest.fixture
def signed(office, cli, tmp_path):
    """Two checkpoints of the office's log with steps between them, the public key, a proof."""
    ref = office.objective(status="accepted")
    old = tmp_path / "old.txt"
    ran = cli("--db", office.path, "checkpoint", "-o", old)
    assert ran.code == 0, ran.err
    steps.urge(office.director, ref, text="Report by Friday")
    steps.note(office.director, ref, text="Called them")
    new = tmp_path / "new.txt"
    assert cli("--db", office.path, "checkpoint", "-o", new).code == 0
    key = tmp_path / "office.vkey"
    key.write_text(cli("--db", office.path, "checkpoint", "key").out)
    proof = tmp_path / "proof.json"
    proof.write_text(cli("--db", office.path, "checkpoint", "proof", old, new).out)
    return {"old": old, "new": new, "key": key, "proof": proof, "ref": ref}


def test_a_checkpoint_is_a_c2sp_signed_note_of_the_log_head(office, signed):
    note = signed["old"].read_text()
    text, signatures = notes.split(note)
    origin, size, head_b64 = text.splitlines()
    db = store.connect(office.path)
    seq, head = db.conn.execute("SELECT seq, hash FROM log WHERE seq = ?", (int(size),)).fetchone()
    assert base64.b64decode(head_b64).hex() == head and origin.endswith("/superviser")
    [(name, key_hash, signature)] = signatures
    assert name == origin and len(key_hash) == 4 and len(signature) == 64
    assert note.splitlines()[-1].startswith("\u2014 " + origin + " ")
    assert stat.S_IMODE(signed["old"].stat().st_mode) == 0o600
    # Kept in the database, logged, and the latest is there for exports to print.
    latest = checkpoints.latest(db)
    assert latest["note"] == signed["new"].read_text() and latest["size"] == int(notes.split(latest["note"])[0].split()[1])
    entry = db.conn.execute("SELECT action, changes FROM log WHERE seq = ?", (latest["size"] + 1,)).fetchone()
    assert entry[0] == "checkpoint" and f"checkpoints#{latest['size']}" in json.loads(entry[1])


def test_audit_replays_the_checkpoints_table(office, cli, signed):
    assert cli("--db", office.path, "audit").code == 0
    db = store.connect(office.path)
    db.conn.execute("DELETE FROM checkpoints WHERE size = (SELECT min(size) FROM checkpoints)")
    ran = cli("--db", office.path, "audit")
    assert ran.code == 9 and "checkpoints" in ran.out + ran.err


def test_the_signing_key_is_private(office, signed):
    path = notes.key_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    vkey = notes.parse_verifier(signed["key"].read_text())
    assert vkey.public == notes.public_bytes(notes.load_or_create())


def test_good_signature_without_the_database(cli, signed, tmp_path):
    ran = cli("--db", tmp_path / "none.db", "checkpoint", "verify", signed["new"], "--key", signed["key"])
    assert ran.code == 0 and "signature: good" in ran.out and "log:" not in ran.out
    ran = cli("--db", tmp_path / "none.db", "checkpoint", "verify", signed["new"], "--key", signed["key"].read_text().strip())
    assert ran.code == 0


@pytest.mark.parametrize("tamper", ["size", "head", "signature", "other key"])
def test_bad_signature(cli, signed, tmp_path, tamper):
    note = signed["new"].read_text()
    text, _signatures = notes.split(note)
    lines = note.split("\n")
    if tamper == "size":
        lines[1] = str(int(lines[1]) - 1)
    elif tamper == "head":
        lines[2] = base64.b64encode(b"\x01" * 32).decode()
    elif tamper == "signature":
        raw = bytearray(base64.b64decode(lines[-2].split()[-1]))
        raw[10] ^= 1
        lines[-2] = " ".join(lines[-2].split()[:-1] + [base64.b64encode(bytes(raw)).decode()])
    forged = tmp_path / "forged.txt"
    forged.write_text("\n".join(lines))
    key = signed["key"]
    if tamper == "other key":
        from cryptography.hazmat.primitives.asymmetric import ed25519

        other = ed25519.Ed25519PrivateKey.generate()
        name = text.split("\n")[0]
        forged.write_text(notes.sign(text, name, other))
    ran = cli("--db", tmp_path / "none.db", "checkpoint", "verify", forged, "--key", key)
    assert ran.code == 9 and "FAILED: signature" in ran.err


def test_with_the_database_a_truncated_log_is_caught(office, cli, signed):
    assert cli("--db", office.path, "checkpoint", "verify", signed["new"]).code == 0
    db = store.connect(office.path)
    size = checkpoints.parse(signed["new"].read_text()).size
    db.conn.execute("DROP TRIGGER log_no_delete")
    db.conn.execute("DELETE FROM log WHERE seq >= ?", (size - 1,))
    ran = cli("--db", office.path, "checkpoint", "verify", signed["new"], "--key", signed["key"])
    assert ran.code == 9 and "truncated" in ran.err


def test_with_the_database_a_rewritten_log_is_caught(office, cli, signed):
    db = store.connect(office.path)
    db.conn.execute("DROP TRIGGER log_no_update")
    db.conn.execute("UPDATE log SET detail = 'nothing happened' WHERE seq = 3")
    ran = cli("--db", office.path, "checkpoint", "verify", signed["old"])
    assert ran.code == 9 and "entry 3" in ran.err and "edited" in ran.err


def test_a_rewritten_log_recomputed_to_the_end_is_caught(office, cli, signed):
    """Someone rewrites entry 3 and recomputes every hash after it: the chain is whole again,
    but entry SIZE is not the one signed."""
    db = store.connect(office.path)
    for trigger in ("log_no_update", "log_no_delete"):
        db.conn.execute(f"DROP TRIGGER {trigger}")
    prev = db.conn.execute("SELECT hash FROM log WHERE seq = 2").fetchone()[0]
    for row in db.conn.execute("SELECT seq, at, actor, action, objective_id, decision_id, detail, changes FROM log "
                               "WHERE seq >= 3 ORDER BY seq").fetchall():
        seq, at, actor, action, oid, did, detail, changes = row
        detail = "rewritten" if seq == 3 else detail
        digest = journal.entry_hash(seq, at, actor, action, oid, did, detail, changes, prev)
        db.conn.execute("UPDATE log SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?", (detail, prev, digest, seq))
        prev = digest
    schema.ensure_triggers(db, "log")
    assert journal.audit(db).ok  # the chain alone no longer shows it
    ran = cli("--db", office.path, "checkpoint", "verify", signed["new"])
    assert ran.code == 9 and "rewritten" in ran.err
    said = cli("--db", office.path, "audit")  # the checkpoints it keeps do
    size = checkpoints.parse(signed["new"].read_text()).size
    assert said.code == 9 and f"checkpoint at size {size}: entry {size} is not the one signed" in said.out + said.err


def test_the_audit_checks_each_kept_checkpoints_signature(office, cli, signed):
    db = store.connect(office.path)
    note = checkpoints.latest(db)["note"]
    forged = note.replace(note.split("\n")[1], str(int(note.split("\n")[1]) - 1), 1)
    db.conn.execute("UPDATE checkpoints SET note = ? WHERE note = ?", (forged, note))
    said = cli("--db", office.path, "audit")
    assert said.code == 9 and "does not match its text" in said.out + said.err


def test_new_extends_old_with_the_database(office, cli, signed):
    ran = cli("--db", office.path, "checkpoint", "verify", signed["new"], "--since", signed["old"])
    assert ran.code == 0 and "extends OLD" in ran.out
    backwards = cli("--db", office.path, "checkpoint", "verify", signed["old"], "--since", signed["new"])
    assert backwards.code == 9 and "newer" in backwards.err


def test_new_extends_old_for_a_witness_without_the_database(cli, signed, tmp_path):
    witness = tmp_path / "witness"
    witness.mkdir()
    for name in ("old", "new", "key", "proof"):
        shutil.copy(signed[name], witness / name)
    nowhere = witness / "no.db"
    ran = cli("--db", nowhere, "checkpoint", "verify", witness / "new", "--since", witness / "old",
              "--proof", witness / "proof", "--key", witness / "key")
    assert ran.code == 0 and "extends OLD" in ran.out, ran.err
    backwards = cli("--db", nowhere, "checkpoint", "verify", witness / "old", "--since", witness / "new",
                    "--proof", witness / "proof", "--key", witness / "key")
    assert backwards.code == 9
    missing = cli("--db", nowhere, "checkpoint", "verify", witness / "new", "--since", witness / "old",
                  "--key", witness / "key")
    assert missing.code == 2 and "checkpoint proof OLD NEW" in missing.err


def test_a_proof_from_a_forked_log_does_not_convince_a_witness(office, cli, signed, tmp_path):
    """The server rewrites history after OLD and signs a NEW on the fork. It cannot make a proof
    from its own log, and a proof built by hand does not reach NEW's head from OLD's."""
    db = store.connect(office.path)
    old = checkpoints.parse(signed["old"].read_text())
    for trigger in ("log_no_delete",):
        db.conn.execute(f"DROP TRIGGER {trigger}")
    db.conn.execute("DELETE FROM log WHERE seq >= ?", (old.size,))  # the last entry OLD signed goes
    db.conn.execute("DELETE FROM checkpoints")
    steps.note(office.director, signed["ref"], text="a different history")
    steps.note(office.director, signed["ref"], text="and more of it")
    fork = tmp_path / "fork.txt"
    assert cli("--db", office.path, "checkpoint", "-o", fork).code == 0
    refused = cli("--db", office.path, "checkpoint", "proof", signed["old"], fork)
    assert refused.code == 2 and "size" in refused.err
    new = checkpoints.parse(fork.read_text())
    entries = [list(r) for r in db.conn.execute(
        "SELECT seq, at, actor, action, objective_id, decision_id, detail, changes, prev_hash, hash FROM log "
        "WHERE seq > ? AND seq <= ? ORDER BY seq", (old.size, new.size))]
    forged = tmp_path / "forged-proof.json"
    forged.write_text(json.dumps({"format": checkpoints.PROOF_FORMAT, "old": old.note, "new": new.note,
                                  "entries": entries}))
    ran = cli("--db", tmp_path / "no.db", "checkpoint", "verify", fork, "--since", signed["old"], "--proof", forged,
              "--key", signed["key"])
    assert ran.code == 9 and "does not extend OLD" in ran.err


def test_a_proof_with_an_edited_entry_fails(cli, signed, tmp_path):
    data = json.loads(signed["proof"].read_text())
    data["entries"][0][6] = "something else"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    ran = cli("--db", tmp_path / "no.db", "checkpoint", "verify", signed["new"], "--since", signed["old"],
              "--proof", edited, "--key", signed["key"])
    assert ran.code == 9 and "does not extend OLD" in ran.err


def test_only_the_office_signs(office, cli, monkeypatch):
    before = journal.head(store.connect(office.path))
    monkeypatch.setenv("SUPERVISER_USER", "view")
    ran = cli("--db", office.path, "checkpoint")
    assert ran.code == 5 and "only a director or supervisor" in ran.err
    assert journal.head(store.connect(office.path)) == before


def test_a_log_cut_back_to_a_signed_size_is_not_signed_again(office, cli, signed):
    db = store.connect(office.path)
    old = checkpoints.parse(signed["old"].read_text())
    db.conn.execute("DROP TRIGGER log_no_delete")
    db.conn.execute("DELETE FROM log WHERE seq > ?", (old.size,))
    ran = cli("--db", office.path, "checkpoint")
    assert ran.code == 8 and "cut back" in ran.err


def test_a_log_keeps_its_name(office, cli):
    assert cli("--db", office.path, "checkpoint", "--origin", "office.example.org/superviser").code == 0
    ran = cli("--db", office.path, "checkpoint", "--origin", "elsewhere.example/log")
    assert ran.code == 2 and "keeps its name" in ran.err
    assert cli("--db", office.path, "checkpoint", "key").out.startswith("office.example.org/superviser+")


def test_another_logs_checkpoint_is_not_checked_against_this_database(office, cli, signed, tmp_path):
    other = tmp_path / "other.db"
    from tests.conftest import make_office

    make_office(other)
    cli("--db", other, "checkpoint", "--origin", "other.example/superviser")
    ran = cli("--db", other, "checkpoint", "verify", signed["new"], "--key", signed["key"])
    assert ran.code == 9 and "--offline" in ran.err
    assert cli("--db", other, "checkpoint", "verify", signed["new"], "--key", signed["key"], "--offline").code == 0


def test_every_export_prints_the_latest_checkpoint(office, signed, tmp_path):
    from superviser import checkpoints
    from superviser.exports.report import Scope
    from superviser.exports.run import export

    latest = checkpoints.latest(store.connect(office.path))
    for fmt in ("md", "html", "csv"):
        made = export(office.director, fmt, Scope(), tmp_path / f"out.{fmt}")
        text = made.data.decode("utf-8-sig")
        assert "Latest signed checkpoint" in text and latest["head"] in text, fmt
