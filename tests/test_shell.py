"""`shell --as LOGIN`: what a person's SSH key runs. Their command is split into words, never
given to a shell, and may not choose the database, the person, a server-side verb or a file."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from superviser import identity, journal, store
from tests.conftest import ROOT


def head(path):
    return journal.head(store.connect(path))


@pytest.fixture
def as_li(office, cli, monkeypatch):
    """Run what li typed after `ssh superviser@office`, through li's key's forced command."""
    ref = office.objective(status="accepted")

    def run(command: str):
        monkeypatch.setenv("SSH_ORIGINAL_COMMAND", command)
        return cli("--db", office.path, "shell", "--as", "li")

    run.ref = ref
    return run


def test_a_command_runs_as_the_keys_person_whatever_the_client_sets(office, as_li, monkeypatch):
    monkeypatch.setenv("SUPERVISER_USER", "boss")
    monkeypatch.setenv("SUDO_USER", "boss")
    monkeypatch.setenv("SUDO_UID", "4242")
    monkeypatch.setenv("LOGNAME", "boss")
    monkeypatch.setenv("USER", "boss")
    monkeypatch.setenv("SUPERVISER_NOW", "2001-01-01T00:00:00Z")
    ran = as_li(f'note {as_li.ref} "Called them; they said $5 (maybe)"')
    assert ran.code == 0, ran.err
    entry = json.loads(as_li("log --json --limit 1").out)["items"][0]
    assert entry["actor"] == "li" and entry["action"] == "note"
    assert entry["detail"] == "Called them; they said $5 (maybe)"
    assert entry["at"].startswith("2026-11-20")


def test_language_may_be_chosen(as_li):
    ran = as_li("--lang zh_CN objective list")
    assert ran.code == 0 and "状态" in ran.out and "主办单位" in ran.out


HOSTILE = [
    ("--db /tmp/other.db note {ref} x", 5, "--db can't be given here"),
    ("--db=/tmp/other.db log", 5, "--db can't be given here"),
    ("note {ref} x --db /tmp/other.db", 5, "--db can't be given here"),
    ("--as boss note {ref} x", 5, "--as can't be given here"),
    ("note {ref} x --as=boss", 5, "--as can't be given here"),
    ("--demo log", 5, "--demo can't be given here"),
    ("note {ref} x; person edit li --role director", 2, "; is shell syntax"),
    ("note {ref} $(id)", 2, "shell syntax"),
    ('note {ref} "$(id)"', 2, "$( is shell syntax"),
    ("note {ref} `id`", 2, "shell syntax"),
    ("log | sh", 2, "| is shell syntax"),
    ("log && sh", 2, "&& is shell syntax"),
    ("log > /srv/superviser/superviser.db", 2, "> is shell syntax"),
    ("note {ref} 'unclosed", 2, "check the quotes"),
    ("sh -c id", 2, "sh is not a superviser command"),
    ("scp -t /tmp", 2, "scp is not a superviser command"),
    ("shell --as boss", 5, "shell can't be run this way"),
    ("shell", 5, "shell can't be run this way"),
    ("init --director li", 5, "init can't be run this way"),
    ("demo --size 10", 5, "demo can't be run this way"),
    ("serve --port 9000", 5, "serve can't be run this way"),
    ("backup /tmp/copy.db", 5, "backup can't be run this way"),
    ("export --format md -o /tmp/out.md", 2, "opens no file on the server"),
    ("export --format md", 2, "comes back to you"),
    ("import /etc/passwd", 2, "opens no file on the server"),
    ("keys add li /etc/ssh/ssh_host_ed25519_key.pub", 2, "opens no file on the server"),
    ("keys list --authorized-keys /tmp/x", 2, "opens no file on the server"),
    ("checkpoint -o /tmp/cp.txt", 2, "opens no file on the server"),
    ("checkpoint verify /etc/passwd", 2, "opens no file on the server"),
    ("checkpoint verify - --key /etc/shadow", 2, "opens no file on the server"),
    ("notice {ref} -o /tmp/out.md", 2, "opens no file on the server"),
    ("notice {ref}", 2, "comes back to you"),
    ("deliver --config /etc/shadow", 2, "opens no file on the server"),
    ("--frobnicate log", 2, "--frobnicate is not an option"),
    ("unit frobnicate", 2, "no such command"),
]


@pytest.mark.parametrize("command, code, said", HOSTILE, ids=[c for c, _code, _said in HOSTILE])
def test_hostile_commands_are_refused_in_one_line_and_write_nothing(office, as_li, command, code, said):
    before = head(office.path)
    ran = as_li(command.format(ref=as_li.ref))
    assert ran.code == code, (ran.out, ran.err)
    assert said in ran.err and ran.err.count("\n") == 1 and "Traceback" not in ran.err
    assert head(office.path) == before
    assert not os.path.exists("/tmp/out.md") and not os.path.exists("/tmp/cp.txt")


def test_refusals_say_whom_to_ask(as_li):
    assert "ask the director" in as_li("--db /x log").err
    assert "ask the director" in as_li("init").err


def test_the_role_is_still_the_persons(office, as_li):
    before = head(office.path)
    ran = as_li("keys list")
    assert ran.code == 5 and "only a director" in ran.err
    ran = as_li("person edit li --role director")
    assert ran.code == 5 and head(office.path) == before


def test_someone_no_longer_among_the_people_is_refused(office, cli, monkeypatch):
    from superviser.services import org

    org.person_edit(office.director, "view", active=False)
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", "objective list")
    ran = cli("--db", office.path, "shell", "--as", "view")
    assert ran.code == 5 and "not an active person" in ran.err and "ask the director" in ran.err


def test_the_app_needs_a_terminal(office, cli, monkeypatch):
    monkeypatch.delenv("SSH_ORIGINAL_COMMAND", raising=False)
    ran = cli("--db", office.path, "shell", "--as", "li")
    assert ran.code == 2 and "ssh -t" in ran.err


def _process(office_path, command, *, stdout=subprocess.PIPE, stdin=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT), SSH_ORIGINAL_COMMAND=command)
    return subprocess.run([sys.executable, "-m", "tests.frozen", "2026-11-20T09:00:00Z", "--", "--db", str(office_path),
                           "shell", "--as", "li"], stdout=stdout, stderr=subprocess.PIPE, stdin=stdin, env=env,
                          cwd=ROOT, timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("fmt, magic", [("docx", b"PK\x03\x04"), ("xlsx", b"PK\x03\x04"), ("md", b"# ")])
def test_an_export_comes_back_on_standard_output(office, fmt, magic, tmp_path):
    office.objective(status="in_progress")
    ran = _process(office.path, f"export --format {fmt} -o -")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith(magic)
    entry = store.connect(office.path).conn.execute("SELECT actor, action FROM log ORDER BY seq DESC LIMIT 1").fetchone()
    assert entry == ("li", "export")
    assert not list(ROOT.glob("superviser-*")) and not list(tmp_path.glob("superviser-*"))


@pytest.mark.slow
def test_binary_is_not_sent_to_a_terminal(office):
    import pty

    controller, terminal = pty.openpty()
    try:
        ran = _process(office.path, "export --format docx -o -", stdout=terminal)
    finally:
        os.close(terminal)
        os.close(controller)
    assert ran.returncode == 2 and b"binary format" in ran.stderr


@pytest.mark.slow
def test_a_ledger_comes_in_on_standard_input(office, tmp_path):
    ledger = "督办事项,牵头单位,完成时限\nFix the gate,Finance,2026-12-31\n"
    ran = subprocess.run([sys.executable, "-m", "tests.frozen", "2026-11-20T09:00:00Z", "--", "--db", str(office.path),
                          "shell", "--as", "boss"], input=ledger.encode("utf-8-sig"), capture_output=True, timeout=120,
                         env=dict(os.environ, PYTHONPATH=str(ROOT), SSH_ORIGINAL_COMMAND="import - --dry-run"), cwd=ROOT)
    assert ran.returncode == 0, ran.stderr.decode()
    assert b"Fix the gate" in ran.stdout


def test_sudo_identity_is_the_invoking_login_and_ignores_superviser_user(office):
    """Under sudo as the database's owner, the person is SUDO_USER; what they set is not read
    (sudo's env_reset drops it anyway; identity does not rely on that)."""
    uid = os.getuid()
    environ = {"SUDO_USER": "li", "SUDO_UID": str(uid + 1), "SUPERVISER_USER": "boss", "LOGNAME": "boss", "USER": "boss"}
    assert identity.acting_login(office.path, environ=environ, uid=uid) == "li"
    # SUDO_UID equal to our own uid is not sudo to another account: the claim is not believed.
    assert identity.acting_login(office.path, environ=dict(environ, SUDO_UID=str(uid)), uid=uid) != "li"
    # Under sudo, --as is refused: sudo already says who the person is.
    with pytest.raises(Exception, match="--as"):
        identity.acting_login(office.path, as_login="boss", environ=environ, uid=uid)


def test_sudo_like_process_acts_as_the_sudo_user(office):
    ref = office.objective(status="accepted")
    env = dict(os.environ, PYTHONPATH=str(ROOT), SUDO_USER="li", SUDO_UID=str(os.getuid() + 1), SUPERVISER_USER="boss",
               LOGNAME="boss", USER="boss")
    ran = subprocess.run([sys.executable, "-m", "tests.frozen", "2026-11-20T09:00:00Z", "--", "--db", str(office.path),
                          "note", ref, "via sudo"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert ran.returncode == 0, ran.stderr
    actor = store.connect(office.path).conn.execute("SELECT actor FROM log ORDER BY seq DESC LIMIT 1").fetchone()[0]
    assert actor == "li"
