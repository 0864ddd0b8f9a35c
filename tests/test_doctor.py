"""doctor: what a server's administrator must know, each check failing when it should."""

import json
import os


def checks(cli, path) -> dict:
    ran = cli("--db", path, "doctor", "--json")
    return {c["name"]: c for c in json.loads(ran.out)}


def test_a_database_others_can_reach_is_flagged(office, cli):
    assert checks(cli, office.path)["permissions"]["level"] == "ok"
    os.chmod(office.path, 0o660)
    found = checks(cli, office.path)["permissions"]
    assert found["level"] == "warn" and "office.db" in found["detail"] and "chmod 600" in found["detail"]


def test_the_latest_checkpoint_is_checked_against_the_log(office, cli, tmp_path):
    assert checks(cli, office.path)["checkpoint"]["level"] == "warn"  # none yet
    assert cli("--db", office.path, "checkpoint", "-o", tmp_path / "c.txt").code == 0
    assert checks(cli, office.path)["checkpoint"]["level"] == "ok"


def test_keys_out_of_step_with_the_file_are_flagged(office, cli, tmp_path, monkeypatch):
    from superviser import sshkeys

    monkeypatch.setenv("HOME", str(tmp_path))
    assert "SSH keys" not in checks(cli, office.path)  # no keys managed: nothing to say
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    public = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    keyfile = tmp_path / "li.pub"
    keyfile.write_text(public + "\n")
    assert cli("--db", office.path, "keys", "add", "li", keyfile).code == 0
    assert checks(cli, office.path)["SSH keys"]["level"] == "ok"
    sshkeys.default_file().write_text("")  # someone emptied the file
    assert checks(cli, office.path)["SSH keys"]["level"] == "warn"
