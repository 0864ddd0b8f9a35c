"""The trust boundary with real OS accounts: a service account owns the database; a member
can't open it, and what they set in their environment changes nothing; through the
service account (a key's forced command, or sudo) a person is who the system says.

The accounts are made with useradd and removed afterwards, so these tests need root. Each
account's steps run in a forked child that drops to the account (setgid/setuid) and calls
the CLI in-process: the interpreter under test may live where other accounts can't read
(the modules it needs are imported before the fork)."""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import pwd
import shlex
import shutil
import stat
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from superviser import journal, store
from tests.conftest import Ran

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="making OS accounts needs root"),
    pytest.mark.skipif(not shutil.which("useradd") or not shutil.which("userdel"),
                       reason="useradd/userdel are not installed"),
]


@dataclass
class Account:
    name: str
    uid: int
    gid: int
    home: Path


def _make_account(name: str) -> Account:
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", "--user-group", name], check=True,
                   capture_output=True)
    entry = pwd.getpwnam(name)
    return Account(name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))


@pytest.fixture(scope="module")
def accounts():
    """A service account and a member, removed with their homes afterwards."""
    suffix = uuid.uuid4().hex[:6]
    made = []
    try:
        for role in ("svc", "mem"):
            made.append(_make_account(f"sv{role}{suffix}"))
        yield made[0], made[1]
    finally:
        for account in made:
            subprocess.run(["userdel", "--remove", account.name], capture_output=True)


def _warm_up(tmp_path: Path, cli) -> None:
    """Import, in this process, everything the children will run (they may not read the stdlib)."""
    import importlib

    from superviser.cli.root import SUBCOMMANDS

    for module in set(SUBCOMMANDS.values()):
        importlib.import_module(f"superviser.cli.{module}")
    import pty  # noqa: F401
    import sqlite3  # noqa: F401

    from tests.conftest import make_office

    scratch = tmp_path / "warm.db"
    office = make_office(scratch)
    ref = office.objective(status="accepted")
    for args in (["note", ref, "x"], ["export", "--format", "md", "-o", "-"], ["checkpoint"], ["objective", "list"],
                 ["log", "--json"], ["backup", tmp_path / "warm-copy.db"], ["doctor"]):
        cli("--db", scratch, *args)
    os.environ["SSH_ORIGINAL_COMMAND"] = f"note {ref} y"
    try:
        cli("--db", scratch, "shell", "--as", "li")
        os.environ["SSH_ORIGINAL_COMMAND"] = "note x; y"
        cli("--db", scratch, "shell", "--as", "li")
    finally:
        del os.environ["SSH_ORIGINAL_COMMAND"]


def as_account(account: Account, function, *args, env: dict | None = None):
    """``function(*args)`` in a child process running as ``account``, with only ``env`` (and
    what a login would have) in its environment; returns what it returned, or raises."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns to pytest
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(account.gid)
            os.setuid(account.uid)
            os.chdir(account.home)
            os.environ.clear()
            os.environ.update({"HOME": str(account.home), "PATH": "/usr/bin:/bin", "SUPERVISER_LANG": "en", "TZ": "UTC",
                               "XDG_DATA_HOME": str(account.home / ".local" / "share")}, **(env or {}))
            outcome = ("ok", function(*args))
        except BaseException as error:  # noqa: BLE001 - reported to the parent
            outcome = ("error", f"{type(error).__name__}: {error}")
        with os.fdopen(write, "wb") as out:
            out.write(pickle.dumps(outcome))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as source:
        data = source.read()
    os.waitpid(pid, 0)
    kind, value = pickle.loads(data)
    if kind == "error":
        raise AssertionError(f"as {account.name}: {value}")
    return value


def run_cli(*args) -> Ran:
    """The CLI in this (child) process, its output captured."""
    from superviser.cli import main

    out, err = (io.TextIOWrapper(io.BytesIO(), encoding="utf-8") for _stream in range(2))
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    out.flush(), err.flush()
    return Ran(code, out.buffer.getvalue().decode(), err.buffer.getvalue().decode())


def build_office(path: Path, member: str) -> str:
    """The service account's database: the conftest office, and the member as Finance's liaison."""
    from superviser.services import org
    from tests.conftest import make_office

    office = make_office(path)
    org.person_add(office.director, member, "Min Ber", "liaison", "Finance")
    return office.objective(status="accepted")


@pytest.fixture
def server(accounts, tmp_path, cli):
    """The service account's database in a folder only it can enter."""
    service, member = accounts
    _warm_up(tmp_path, cli)
    folder = service.home / f"office-{uuid.uuid4().hex[:6]}"
    as_account(service, os.mkdir, folder, 0o700)
    path = folder / "superviser.db"
    ref = as_account(service, build_office, path, member.name)
    yield {"service": service, "member": member, "path": path, "ref": ref}
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(service.home / ".ssh", ignore_errors=True)


def head(path: Path):
    return journal.head(store.connect(path, migrate=False))


HOSTILE_ENV = {"LOGNAME": "boss", "USER": "boss", "SUPERVISER_USER": "boss", "SUPERVISER_NOW": "2001-01-01T00:00:00Z"}


def test_the_service_account_owns_a_private_database(server):
    path, service = server["path"], server["service"]
    assert path.stat().st_uid == service.uid and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.parent.stat().st_uid == service.uid and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert as_account(service, run_cli, "--db", path, "doctor").code == 0



def test_the_service_account_signs_checkpoints_from_cron(server):
    """Cron runs as the service account, which is no person of the office: it may still sign,
    with its own key, made private in its own data directory."""
    path, service = server["path"], server["service"]
    ran = as_account(service, run_cli, "--db", path, "checkpoint")
    assert ran.code == 0 and ran.out.splitlines()[1].isdigit(), ran.err
    actor = store.connect(path, migrate=False).conn.execute("SELECT actor FROM log ORDER BY seq DESC LIMIT 1").fetchone()
    assert actor == (service.name,)
    key = service.home / ".local" / "share" / "superviser" / "checkpoint-ed25519.pem"
    assert key.stat().st_uid == service.uid and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    ran = as_account(server["member"], run_cli, "--db", path, "checkpoint", env=HOSTILE_ENV)
    assert ran.code == 8


def test_a_member_cannot_open_it_whatever_they_set(server):
    path, member, ref = server["path"], server["member"], server["ref"]
    before = head(path)
    for args in (["objective", "list"], ["note", ref, "rewriting history"], ["person", "edit", member.name,
                                                                              "--role", "director"]):
        ran = as_account(member, run_cli, "--db", path, *args, env=HOSTILE_ENV)
        assert ran.code == 8, (args, ran)
        assert ran.err.count("\n") == 1 and "Traceback" not in ran.err
    assert head(path) == before

    def open_directly(target):
        import sqlite3

        try:
            sqlite3.connect(f"file:{target}?mode=rw", uri=True).execute("UPDATE people SET role = 'director'")
        except sqlite3.OperationalError as error:
            return str(error)
        return "opened"

    assert as_account(member, open_directly, path) == "unable to open database file"
    assert head(path) == before


def test_a_members_identity_is_their_account(server):
    from superviser import identity

    path, member = server["path"], server["member"]
    assert as_account(member, identity.acting_login, path, env=HOSTILE_ENV) == member.name
    # On a database they own themselves SUPERVISER_USER is believed: it grants nothing they lack.
    own = member.home / "mine.db"
    assert as_account(member, identity.acting_login, own, env=HOSTILE_ENV) == "boss"
    # --as is the service account's alone.
    ran = as_account(member, run_cli, "--db", path, "shell", "--as", "boss", env=HOSTILE_ENV)
    assert ran.code == 5 and "only for the service account" in ran.err


def _keyfile(account: Account) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    line = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    path = account.home / f"key-{uuid.uuid4().hex[:6]}.pub"
    path.write_text(line + " laptop\n")
    os.chown(path, account.uid, account.gid)
    return path


def test_through_the_keys_forced_command_a_person_is_their_key(server):
    """What sshd does for a key: run its line's command as the service account, with the
    client's command in SSH_ORIGINAL_COMMAND (here in-process, as the service account)."""
    path, service, member, ref = server["path"], server["service"], server["member"], server["ref"]
    keys = service.home / ".ssh" / "authorized_keys"
    as_account(service, os.makedirs, keys.parent, 0o755)
    keys.write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOadminadminadminadminadminadminadminadmin admin\n")
    os.chown(keys, service.uid, service.gid)
    ran = as_account(service, run_cli, "--db", path, "keys", "add", member.name, _keyfile(service),
                     env={"SUPERVISER_USER": "boss"})
    assert ran.code == 0, ran.err
    assert keys.read_text().startswith("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOadmin")
    assert keys.stat().st_uid == service.uid and stat.S_IMODE(keys.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys.parent.stat().st_mode) == 0o700
    line = keys.read_text().splitlines()[2]
    command = shlex.split(line.split('command="', 1)[1].split('" ', 1)[0].replace('\\"', '"'))
    arguments = command[command.index("--db"):]
    assert arguments == ["--db", str(path), "shell", "--as", member.name]

    def ssh(client_command: str) -> Ran:
        return as_account(service, run_cli, *arguments, env={**HOSTILE_ENV, "SSH_ORIGINAL_COMMAND": client_command})

    ran = ssh(f'note {ref} "Called the unit"')
    assert ran.code == 0, ran.err
    actor, at = store.connect(path, migrate=False).conn.execute(
        "SELECT actor, at FROM log ORDER BY seq DESC LIMIT 1").fetchone()
    assert actor == member.name and not at.startswith("2001")
    before = head(path)
    for hostile in (f"--db {path} note {ref} x", f"note {ref} x; rm -rf ~", f"note {ref} $(id)", f"note {ref} `id`",
                    "frobnicate", f"--as boss note {ref} x", "shell --as boss", "keys list",
                    f"export --format md -o {service.home}/.ssh/authorized_keys", "backup /tmp/copy.db"):
        ran = ssh(hostile)
        assert ran.code in (2, 5) and ran.err.count("\n") == 1, (hostile, ran)
    assert head(path) == before
    assert keys.read_text().count("\n") == 4  # the admin's line, the block's two markers, one key


def test_sudo_mode_is_the_sudo_user_and_confined(server):
    """`sudo -u service superviser …` as the member: sudo sets SUDO_USER/SUDO_UID; SUPERVISER_USER
    and the rest are not believed, and the service account's files are out of reach."""
    path, service, member, ref = server["path"], server["service"], server["member"], server["ref"]
    sudo = {**HOSTILE_ENV, "SUDO_USER": member.name, "SUDO_UID": str(member.uid), "SUDO_GID": str(member.gid),
            "SUDO_COMMAND": "/opt/superviser/bin/superviser --db /srv/superviser/superviser.db"}
    ran = as_account(service, run_cli, "--db", path, "note", ref, "via sudo", env=sudo)
    assert ran.code == 0, ran.err
    actor = store.connect(path, migrate=False).conn.execute("SELECT actor FROM log ORDER BY seq DESC LIMIT 1").fetchone()
    assert actor == (member.name,)
    before = head(path)
    other = service.home / ".ssh" / "authorized_keys"
    for args, said in ((["backup", service.home / "copy.db"], "backup can't be run"),
                       (["--db", other, "objective", "list"], "not a database of this account"),
                       (["export", "--format", "md", "-o", service.home / "x.md"], "opens no file on the server"),
                       (["shell", "--as", "boss"], "shell can't be run"),
                       (["init"], "init can't be run")):
        ran = as_account(service, run_cli, *args, env=sudo)
        assert ran.code in (2, 5) and said in ran.err, (args, ran)
    assert head(path) == before and not (service.home / "x.md").exists() and not (service.home / "copy.db").exists()
    ran = as_account(service, run_cli, "--db", path, "export", "--format", "md", "-o", "-", env=sudo)
    assert ran.code == 0 and ran.out.startswith("# ")


def test_an_administrator_with_a_shell_as_the_service_account_is_not_confined(server, accounts):
    """sudo -iu superviser gives a shell as the account: that is holding the account, as its
    administrator does, and the program does not pretend otherwise."""
    path, service, member = server["path"], server["service"], server["member"]
    shell = {"SUDO_USER": member.name, "SUDO_UID": str(member.uid), "SUDO_COMMAND": "/bin/bash"}
    copy = service.home / f"copy-{uuid.uuid4().hex[:6]}.db"
    ran = as_account(service, run_cli, "--db", path, "backup", copy, env=shell)
    assert ran.code == 0, ran.err
    copy.unlink()
