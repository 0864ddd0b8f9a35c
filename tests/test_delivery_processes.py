"""Delivery with real processes: two senders at once never send a message twice; a
sender killed while sending leaves its message unknown, never resent; notice numbers
taken by several processes at once never repeat."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from superviser.services import contacts
from tests.conftest import NOW, ROOT, run_process
from tests.delivery_fakes import RobotServer, config_text
from tests.test_delivery import WECOM_KEY, rows, urged

pytestmark = pytest.mark.slow


def _start(*args, env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.frozen", NOW, "--", *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def process_env(tmp_path):
    folder = tmp_path / "config"
    (folder / "superviser").mkdir(parents=True)
    return folder, dict(os.environ, PYTHONPATH=str(ROOT), XDG_CONFIG_HOME=str(folder), SUPERVISER_USER="boss",
                        SUPERVISER_LANG="en")


def test_two_senders_at_once_never_send_a_message_twice(office, process_env):
    folder, env = process_env
    (folder / "superviser" / "delivery.toml").write_text(config_text(batch=2))
    with RobotServer({WECOM_KEY: None}, delay=0.02) as robots:
        from superviser.delivery import config as delivery_config

        contacts.channel_add(office.director, "Finance", "wecom", webhook=f"{robots.base}/cgi-bin/webhook/send?key={WECOM_KEY}",
                             config=delivery_config.Config(allow_http_loopback=True))
        refs = [office.objective(title=f"Objective {n}", status="in_progress") for n in range(24)]
        for ref in refs:
            urged(office, ref)
        senders = [_start("--db", office.path, "deliver", "--json", env=env) for _ in range(2)]
        outputs = [sender.communicate(timeout=120) for sender in senders]
        for sender, (_out, err) in zip(senders, outputs):
            assert sender.returncode == 0, err
        texts = [r["text"] for r in robots.received]
    assert len(texts) == 24 and len(set(texts)) == 24
    assert set(refs) == {t.split("]")[1].split()[0] for t in texts}
    assert all(r["status"] == "sent" and r["attempts"] == 1 for r in rows(office))
    sent_by = [json.loads(out)["sent"] for out, _err in outputs]
    assert sum(sent_by) == 24


def test_a_sender_killed_while_sending_leaves_the_message_unknown(office, process_env, set_now):
    folder, env = process_env
    (folder / "superviser" / "delivery.toml").write_text(config_text(lease=600))
    with RobotServer({WECOM_KEY: None}, delay=30) as robots:  # answers far too slowly
        from superviser.delivery import config as delivery_config

        contacts.channel_add(office.director, "Finance", "wecom", webhook=f"{robots.base}/cgi-bin/webhook/send?key={WECOM_KEY}",
                             config=delivery_config.Config(allow_http_loopback=True))
        urged(office, office.objective(status="in_progress"))
        sender = _start("--db", office.path, "deliver", env=env)
        deadline = time.monotonic() + 60
        while rows(office)[0]["status"] != "sending" and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # the request is on its way
        sender.send_signal(signal.SIGKILL)
        sender.wait(timeout=30)
        assert rows(office)[0]["status"] == "sending"
        robots.delay = 0
        later = run_process("--db", office.path, "deliver", now="2026-11-20T09:11:00Z", env={
            "XDG_CONFIG_HOME": str(folder), "SUPERVISER_USER": "boss"})
    assert later.returncode == 1, later.stderr
    assert "delivery unknown: the sender" in later.stdout
    row = rows(office)[0]
    assert row["status"] == "unknown" and row["attempts"] == 1


def test_notice_numbers_taken_by_processes_at_once_never_repeat(office, process_env, tmp_path):
    _folder, env = process_env
    refs = [office.objective(title=f"Objective {n}", status="in_progress") for n in range(3)]
    workers = [_start("--db", office.path, "notice", ref, "--new", "--json", "-o", tmp_path / f"n{i}-{j}.docx", env=env)
               for j in range(2) for i, ref in enumerate(refs)]
    numbers = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        numbers.append(json.loads(out)["serial"])
    assert sorted(numbers) == list(range(1, 7))
    db = office.director.db
    assert db.conn.execute("SELECT last FROM notice_counters WHERE year = 2026").fetchone()[0] == 6
