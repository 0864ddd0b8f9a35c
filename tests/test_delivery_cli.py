"""The delivery commands as people type them: channels, contacts, the office, deliver,
the outbox, digest --send, and what doctor says about the outbox."""

from __future__ import annotations

import io
import json

from tests.delivery_fakes import RobotServer
from tests.test_delivery import WECOM_KEY, audited, rows, urged, write_config  # noqa: F401 (audited: a fixture)


def test_channels_and_contacts_from_the_command_line(office, cli, config_dir, monkeypatch):
    db = str(office.path)
    write_config(config_dir)
    ran = cli("--db", db, "channel", "add", "Finance", "wecom", "--webhook",
              f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}", "--label", "Finance group")
    assert ran.code == 0 and ran.out.startswith(
        "WeCom added for Finance: https://qyapi.weixin.qq.com/…key=we…ef (channel 1)")
    listed = json.loads(cli("--db", db, "channel", "list", "--json").out)
    assert listed[0]["target"] == "https://qyapi.weixin.qq.com/…key=we…ef" and listed[0]["label"] == "Finance group"
    assert cli("--db", db, "person", "contact", "li", "--email", "li@example.org", "--mobile", "138-0013-8000").code == 0
    assert office.director.db.conn.execute("SELECT email, mobile FROM people WHERE login = 'li'").fetchone() == (
        "li@example.org", "13800138000")
    assert cli("--db", db, "channel", "lang", "Finance", "zh-CN").out.startswith("Finance gets messages in 简体中文")
    monkeypatch.setenv("SUPERVISER_USER", "li")
    refused = cli("--db", db, "channel", "remove", "1")
    assert refused.code == 5 and "only a director may do this" in refused.err
    monkeypatch.setenv("SUPERVISER_USER", "boss")
    assert cli("--db", db, "channel", "remove", "1").code == 0
    missing = cli("--db", db, "channel", "remove", "1")
    assert missing.code == 3 and missing.err.strip() == "superviser: channel: no channel 1; see `superviser channel list`"


def test_the_commands_built_from_the_declarations_read_and_refuse_as_the_steps_do(office, cli, config_dir, monkeypatch):
    db = str(office.path)
    write_config(config_dir)
    monkeypatch.setattr("sys.stdin", io.StringIO("SEC" + "r" * 29 + "\n"))  # --secret - reads standard input
    ran = cli("--db", db, "channel", "add", "Finance", "dingtalk", "--webhook",
              "https://oapi.dingtalk.com/robot/send?access_token=" + "a" * 40, "--secret", "-", "--json")
    assert ran.code == 0, ran.err
    assert office.director.db.conn.execute("SELECT secret FROM unit_channels").fetchone() == ("SEC" + "r" * 29,)
    wrong = cli("--db", db, "channel", "add", "Finance", "pigeon")  # the core's words, not click's
    assert wrong.code == 2 and wrong.err.startswith("superviser: channel: ")
    assert cli("--db", db, "person", "contact", "li", "--head").code == 0
    assert cli("--db", db, "person", "contact", "li", "--mobile", "13800138000").code == 0  # the rest as it was
    assert office.director.db.conn.execute("SELECT unit_head, mobile FROM people WHERE login = 'li'").fetchone() == (
        1, "13800138000")
    assert cli("--db", db, "person", "contact", "li", "--not-head").code == 0
    assert not office.director.db.conn.execute("SELECT unit_head FROM people WHERE login = 'li'").fetchone()[0]
    # Leaving out a language does not clear it ("" does): it is asked for.
    assert cli("--db", db, "channel", "lang", "Finance", "zh_CN").code == 0
    left_out = cli("--db", db, "channel", "lang", "Finance")
    assert left_out.code == 2 and "LANG" in left_out.err
    assert office.director.db.conn.execute("SELECT lang FROM units WHERE name = 'Finance'").fetchone() == ("zh_CN",)
    level = cli("--db", db, "notice", office.objective(status="in_progress"), "--level", "loud", "-o", "-")
    assert level.code == 2 and level.err.startswith("superviser: level: ")


def test_the_office_details(office, cli):
    db = str(office.path)
    assert cli("--db", db, "office", "--name", "督查室", "--prefix", "府督").code == 0
    assert json.loads(cli("--db", db, "office", "--json").out) == {
        "office.name": "督查室", "office.contact": "", "office.prefix": "府督"}
    assert cli("--db", db, "office").code == 0


def test_deliver_reports_and_exits_1_on_a_final_failure(office, cli, config_dir):
    db = str(office.path)
    cfg = write_config(config_dir, max_attempts=1)
    with RobotServer({WECOM_KEY: None}) as robots:
        from superviser.services import contacts

        contacts.channel_add(office.director, "Finance", "wecom", webhook=f"{robots.base}/cgi-bin/webhook/send?key={WECOM_KEY}",
                             config=cfg)
        urged(office, office.objective(status="in_progress"))
        ran = cli("--db", db, "deliver")
        assert ran.code == 0, ran.err
        assert ran.out.splitlines()[0].startswith("✓ sent: Finance by WeCom (http://127.0.0.1:")
        assert ran.out.splitlines()[-1] == "sent 1, to retry 0, failed 0, delivery unknown 0"
        urged(office, office.objective(title="Another", status="in_progress"))
        robots.fail = 1
        ran = cli("--db", db, "deliver", "--json")
    assert ran.code == 1
    result = json.loads(ran.out)
    assert result["failed"] == 1 and "HTTP 500" in result["outcomes"][0]["reason"]
    failed = json.loads(cli("--db", db, "outbox", "list", "--status", "failed", "--json").out)
    assert [r["status"] for r in failed] == ["failed"]
    doctor = cli("--db", db, "doctor")
    assert "! outbox: 0 queued, 0 being sent, 1 failed, 1 sent — see `superviser outbox list --status failed`" in doctor.out
    assert cli("--db", db, "outbox", "retry", str(failed[0]["id"])).out.startswith(f"message {failed[0]['id']} queued again")
    assert [r["status"] for r in rows(office)] == ["sent", "queued"]


def test_doctor_asks_whether_a_sender_runs(office, cli, set_now):
    from superviser.services import contacts

    contacts.channel_add(office.director, "Finance", "mail", address="fin@example.org")
    urged(office, office.objective(status="in_progress"))
    assert "✓ outbox: 1 queued" in cli("--db", office.path, "doctor").out
    set_now("2026-11-20T11:00:00Z")
    assert "is `superviser deliver` running" in cli("--db", office.path, "doctor").out


def test_digest_send(office, cli):
    from superviser.services import contacts

    contacts.channel_add(office.director, "Finance", "mail", address="fin@example.org")
    office.objective(status="in_progress", deadline="2026-11-10")
    office.objective(lead="Planning", status="in_progress", deadline="2026-11-10")
    ran = cli("--db", office.path, "digest", "--send")
    assert ran.out.strip() == ("queued for Finance by mail; nothing reaches Planning "
                               "(add a channel: superviser channel add)")
    assert cli("--db", office.path, "digest", "--send").out.startswith("nothing reaches Planning")


def test_deliver_is_silent_when_idle(office, cli):
    ran = cli("--db", office.path, "deliver")
    assert (ran.code, ran.out, ran.err) == (0, "", "")
