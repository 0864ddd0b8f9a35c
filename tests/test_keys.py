"""`superviser keys`: people's SSH keys in a block of authorized_keys that nothing else touches."""

from __future__ import annotations

import json
import re
import shlex
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from superviser import journal, sshkeys, store


def public_line(kind="ed25519", bits=2048, comment="laptop") -> str:
    key = {"ed25519": lambda: ed25519.Ed25519PrivateKey.generate(),
           "ecdsa": lambda: ec.generate_private_key(ec.SECP256R1()),
           "rsa": lambda: rsa.generate_private_key(public_exponent=65537, key_size=bits)}[kind]()
    line = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    return f"{line} {comment}\n"


@pytest.fixture
def ssh(tmp_path):
    """An authorized_keys the administrator already uses, in a .ssh folder."""
    folder = tmp_path / "home" / ".ssh"
    folder.mkdir(parents=True)
    file = folder / "authorized_keys"
    file.write_text("# the admin's own key\n"
                    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOadminadminadminadminadminadminadminadmin admin\n"
                    "from=\"10.0.0.0/8\" ssh-rsa AAAAB3Nza-backup backup")  # no newline at the end
    return file


def forced(line: str) -> tuple[list[str], str]:
    """(the forced command as words, the key) of an authorized_keys line superviser wrote."""
    found = re.fullmatch(r'restrict,pty,command="((?:[^"\\]|\\.)*)" (.*)', line)
    assert found, line
    return shlex.split(found.group(1).replace('\\"', '"')), found.group(2)


def write_key(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def head(path):
    return journal.head(store.connect(path))


def test_add_writes_a_forced_command_line_and_keeps_every_other_line(office, cli, ssh, tmp_path):
    before = ssh.read_bytes()
    key = write_key(tmp_path, "li.pub", public_line())
    ran = cli("--db", office.path, "keys", "add", "li", key, "--authorized-keys", ssh)
    assert ran.code == 0, ran.err
    assert "li may now connect" in ran.out
    text = ssh.read_bytes()
    assert text.startswith(before + b"\n")  # the admin's lines untouched (only the missing line end added)
    block = sshkeys.installed_lines(ssh)
    assert len(block) == 1
    command, rest = forced(block[0])
    assert command[-5:] == ["--db", str(office.path), "shell", "--as", "li"]
    assert rest.split()[:2] == key.read_text().split()[:2]
    assert stat.S_IMODE(ssh.stat().st_mode) == 0o600
    assert stat.S_IMODE(ssh.parent.stat().st_mode) == 0o700

    # A second key, then removal: the administrator's lines never move.
    assert cli("--db", office.path, "keys", "add", "east", write_key(tmp_path, "e.pub", public_line("ecdsa")),
               "--authorized-keys", ssh).code == 0
    assert len(sshkeys.installed_lines(ssh)) == 2
    assert cli("--db", office.path, "keys", "remove", "li", "--authorized-keys", ssh).code == 0
    assert cli("--db", office.path, "keys", "remove", "east", "--authorized-keys", ssh).code == 0
    assert ssh.read_bytes() == before + b"\n"


def test_every_key_change_is_a_logged_row(office, cli, ssh, tmp_path):
    key = write_key(tmp_path, "li.pub", public_line())
    cli("--db", office.path, "keys", "add", "li", key, "--authorized-keys", ssh)
    entry = json.loads(cli("--db", office.path, "log", "--json", "--limit", "1").out)["items"][0]
    assert entry["action"] == "keys.add" and entry["actor"] == "boss"
    assert entry["changes"]["ssh_keys#1"][1]["login"] == "li"
    cli("--db", office.path, "keys", "remove", "li", "--authorized-keys", ssh)
    entry = json.loads(cli("--db", office.path, "log", "--json", "--limit", "1").out)["items"][0]
    assert entry["action"] == "keys.remove"
    listed = json.loads(cli("--db", office.path, "keys", "list", "--json", "--authorized-keys", ssh).out)
    assert listed["keys"] == [] and listed["in_sync"]
    assert cli("--db", office.path, "audit").code == 0  # the log replays to the keys table


def test_a_new_file_and_folder_are_private(office, cli, tmp_path):
    file = tmp_path / "fresh" / ".ssh" / "authorized_keys"
    assert cli("--db", office.path, "keys", "add", "li", write_key(tmp_path, "k.pub", public_line("rsa", 3072)),
               "--authorized-keys", file).code == 0
    assert stat.S_IMODE(file.stat().st_mode) == 0o600 and stat.S_IMODE(file.parent.stat().st_mode) == 0o700
    assert file.read_text().startswith(sshkeys.BEGIN) and not list(file.parent.glob(".authorized_keys-*"))


@pytest.mark.parametrize("content, problem", [
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n", "private key"),
    ("", "holds no public key"),
    ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB\n", "damaged"),
    ("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ== x\n", "damaged"),  # an RSA body under an Ed25519 name
    ("ssh-dss AAAAB3NzaC1kc3MAAACBAP x\n", "DSA"),
    ('command="/bin/sh" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOab x\n', "options before the key"),
    ("not a key at all\n", "not"),
])
def test_anything_but_one_good_public_key_is_refused(office, cli, ssh, tmp_path, content, problem):
    before, log_before = ssh.read_bytes(), head(office.path)
    ran = cli("--db", office.path, "keys", "add", "li", write_key(tmp_path, "bad.pub", content), "--authorized-keys", ssh)
    assert ran.code == 2 and problem in ran.err and ran.err.count("\n") == 1
    assert ssh.read_bytes() == before and head(office.path) == log_before


def test_weak_rsa_two_keys_and_a_shared_key_are_refused(office, cli, ssh, tmp_path):
    weak = cli("--db", office.path, "keys", "add", "li", write_key(tmp_path, "w.pub", public_line("rsa", 1024)),
               "--authorized-keys", ssh)
    assert weak.code == 2 and "1024 bits is too weak" in weak.err
    two = cli("--db", office.path, "keys", "add", "li", write_key(tmp_path, "2.pub", public_line() + public_line()),
              "--authorized-keys", ssh)
    assert two.code == 2 and "holds 2 lines" in two.err
    shared = write_key(tmp_path, "s.pub", public_line())
    assert cli("--db", office.path, "keys", "add", "li", shared, "--authorized-keys", ssh).code == 0
    again = cli("--db", office.path, "keys", "add", "east", shared, "--authorized-keys", ssh)
    assert again.code == 2 and "already belongs to li" in again.err
    assert [line.split()[-1] for line in sshkeys.installed_lines(ssh)] == ["li"]


def test_a_key_already_in_the_file_unrestricted_is_refused(office, cli, ssh, tmp_path):
    line = public_line()
    ssh.write_text(ssh.read_text() + "\n" + line)
    ran = cli("--db", office.path, "keys", "add", "li", write_key(tmp_path, "k.pub", line), "--authorized-keys", ssh)
    assert ran.code == 2 and "outside superviser's block" in ran.err
    assert sshkeys.installed_lines(ssh) == []


def test_only_the_director_manages_keys_and_only_for_people(office, cli, ssh, tmp_path, monkeypatch):
    key = write_key(tmp_path, "k.pub", public_line())
    before, log_before = ssh.read_bytes(), head(office.path)
    monkeypatch.setenv("SUPERVISER_USER", "sup")
    for args in (["add", "li", key], ["remove", "li"], ["list"], ["sync"]):
        ran = cli("--db", office.path, "keys", *args, "--authorized-keys", ssh)
        assert ran.code == 5 and "only a director" in ran.err, args
    monkeypatch.setenv("SUPERVISER_USER", "boss")
    ran = cli("--db", office.path, "keys", "add", "nobody", key, "--authorized-keys", ssh)
    assert ran.code == 3 and "not among the active people" in ran.err
    assert ssh.read_bytes() == before and head(office.path) == log_before


def test_a_damaged_block_is_left_for_a_person_to_fix(office, cli, ssh, tmp_path):
    ssh.write_text(ssh.read_text() + "\n" + sshkeys.BEGIN + "\nsomething\n")
    before = ssh.read_bytes()
    ran = cli("--db", office.path, "keys", "add", "li", write_key(tmp_path, "k.pub", public_line()), "--authorized-keys", ssh)
    assert ran.code == 2 and "damaged superviser block" in ran.err
    assert ssh.read_bytes() == before


def test_sync_rewrites_the_block_from_the_table(office, cli, ssh, tmp_path):
    cli("--db", office.path, "keys", "add", "li", write_key(tmp_path, "k.pub", public_line()), "--authorized-keys", ssh)
    good = ssh.read_text()
    ssh.write_text(good.replace(" shell --as li", " shell --as boss"))  # someone edited the block
    listed = json.loads(cli("--db", office.path, "keys", "list", "--json", "--authorized-keys", ssh).out)
    assert not listed["in_sync"] and not listed["keys"][0]["installed"]
    assert cli("--db", office.path, "keys", "sync", "--authorized-keys", ssh).code == 0
    assert ssh.read_text() == good


def test_deactivating_a_person_removes_their_keys_in_the_same_step(office, cli, ssh, tmp_path):
    from superviser import audit

    before = ssh.read_bytes()
    assert cli("--db", office.path, "keys", "add", "li", write_key(tmp_path, "li.pub", public_line()),
               "--authorized-keys", ssh).code == 0
    assert cli("--db", office.path, "keys", "add", "east", write_key(tmp_path, "e.pub", public_line("ecdsa")),
               "--authorized-keys", ssh).code == 0
    ran = cli("--db", office.path, "person", "edit", "li", "--inactive")
    assert ran.code == 0, ran.err
    assert "SSH key was removed" in ran.out
    lines = sshkeys.installed_lines(ssh)
    assert [forced(line)[0][-1] for line in lines] == ["east"]  # the file the keys were written to, rewritten
    db = store.connect(office.path)
    assert [r["login"] for r in sshkeys.rows(db)] == ["east"]
    entry = db.conn.execute("SELECT changes FROM log WHERE action = 'person.edit' ORDER BY seq DESC").fetchone()[0]
    assert "ssh_keys#" in entry and "people#li.active" in entry  # one entry: the person and their key
    assert audit.run(db).ok
    assert cli("--db", office.path, "keys", "remove", "east", "--authorized-keys", ssh).code == 0
    assert ssh.read_bytes() == before + b"\n"
