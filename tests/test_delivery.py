"""Urges that reach people: the outbox written in the step's transaction, and the sender
against real servers on this machine (an SMTP server, an HTTP server playing the robots)."""

from __future__ import annotations

import json

import pytest

from superviser import actions, fields, i18n, store
from superviser.changes import write
from superviser.delivery import config as delivery_config
from superviser.delivery import outbox, sender
from superviser.errors import Forbidden, InvalidInput, NotFound, Refused
from superviser.read import objectives
from superviser.services import contacts, delivery, steps, undo
from tests.delivery_fakes import RobotServer, SmtpServer, config_text, free_port

WECOM_KEY = "wecomkey-0123456789abcdef"
DING_TOKEN = "dingtoken-0123456789abcdef"
DING_SECRET = "SECdingsecret-0123456789abcdef"
FEISHU_TOKEN = "feishutoken-0123456789abcdef"
FEISHU_SECRET = "feishusecret-0123456789abcdef"
SECRETS = (WECOM_KEY, DING_TOKEN, DING_SECRET, FEISHU_TOKEN, FEISHU_SECRET)


@pytest.fixture(autouse=True)
def audited(request):
    """After every test on an office: the log replays to every table, outbox included."""
    office = request.getfixturevalue("office") if "office" in request.fixturenames else None
    yield
    if office is not None:
        from superviser import audit

        report = audit.run(store.connect(office.path))
        assert report.ok, report.problems


def write_config(config_dir, **options) -> delivery_config.Config:
    path = config_dir / "delivery.toml"
    path.write_text(config_text(**options), encoding="utf-8")
    path.chmod(0o600)
    return delivery_config.load(path)


@pytest.fixture
def robots():
    with RobotServer({WECOM_KEY: None, DING_TOKEN: DING_SECRET, FEISHU_TOKEN: FEISHU_SECRET}) as server:
        yield server


def add_robots(office, server, cfg, unit="Finance", kinds=("wecom",)) -> None:
    hooks = {"wecom": (f"{server.base}/cgi-bin/webhook/send?key={WECOM_KEY}", None),
             "dingtalk": (f"{server.base}/robot/send?access_token={DING_TOKEN}", DING_SECRET),
             "feishu": (f"{server.base}/open-apis/bot/v2/hook/{FEISHU_TOKEN}", FEISHU_SECRET)}
    for kind in kinds:
        webhook, secret = hooks[kind]
        contacts.channel_add(office.director, unit, kind, webhook=webhook, secret=secret, config=cfg)


def urged(office, ref: str, level: int = 2, text: str = "Report by Friday", actor: str = "boss"):
    """What the urge step will do once wired: queue inside its own transaction, before its entry."""
    session = office.session(actor)
    objective = objectives.get(session.db, ref)
    with write(session) as changes:
        queued = outbox.queue(changes, "urge", objective, actor_login=actor, text=text, level=level)
        seq = changes.log("urge", objective_id=objective["id"], detail=text)
    return queued, seq


def rows(office, where: str = "1", params=()) -> list[dict]:
    cursor = office.director.db.conn.execute(f"SELECT * FROM outbox WHERE {where} ORDER BY id", params)
    return [dict(zip([d[0] for d in cursor.description], r)) for r in cursor]


# --- queueing, in the step's transaction ------------------------------------------------------

def test_queue_writes_one_row_per_recipient_in_the_steps_entry(office, config_dir):
    cfg = write_config(config_dir)
    contacts.channel_add(office.director, "Finance", "mail", address="finance@example.org")
    contacts.channel_add(office.director, "Finance", "wecom", webhook=f"http://127.0.0.1:9/cgi-bin/webhook/send?key={WECOM_KEY}",
                         config=cfg)
    contacts.person_contact(office.director, "li", email="li.ming@example.org", mobile="138 0013 8000")
    ref = office.objective(status="in_progress")
    queued, seq = urged(office, ref)
    assert queued.message() == "queued for Finance by mail and WeCom"
    made = rows(office)
    assert [(r["channel"], r["recipient"]) for r in made] == [
        ("mail", "finance@example.org"), ("wecom", "http://127.0.0.1:9/…key=we…ef"), ("mail", "li.ming@example.org")]
    assert {r["seq"] for r in made} == {seq} and {r["status"] for r in made} == {"queued"}
    assert json.loads(made[1]["mentions"]) == ["13800138000"]  # the liaison is mentioned in the group
    entry = json.loads(office.director.db.conn.execute("SELECT changes FROM log WHERE seq = ?", (seq,)).fetchone()[0])
    assert {f"outbox#{r['id']}" for r in made} <= set(entry)
    assert entry[f"outbox#{made[0]['id']}"][1]["subject"] == f"[Urge notice] {ref} Repair the canopy"


def test_a_step_that_rolls_back_leaves_no_outbox_row(office):
    contacts.channel_add(office.director, "Finance", "mail", address="finance@example.org")
    ref = office.objective(status="in_progress")
    objective = objectives.get(office.director.db, ref)
    entries = office.director.db.conn.execute("SELECT count(*) FROM log").fetchone()[0]
    with pytest.raises(RuntimeError, match="the step failed"), write(office.director) as changes:
        queued = outbox.queue(changes, "urge", objective, actor_login="boss", level=1)
        assert len(queued) == 1
        changes.log("urge", objective_id=objective["id"])
        raise RuntimeError("the step failed after queuing")
    assert rows(office) == []
    assert office.director.db.conn.execute("SELECT count(*) FROM log").fetchone()[0] == entries


def test_a_unit_nothing_reaches_is_named(office):
    ref = office.objective(lead="Planning", status="in_progress")
    queued, _seq = urged(office, ref)
    assert list(queued) == [] and queued.unreached == ["Planning"]
    assert queued.message() == "nothing reaches Planning (add a channel: superviser channel add)"


def test_the_supervision_notice_reaches_the_co_units_too(office):
    for unit, address in (("Finance", "fin@example.org"), ("East Station", "east@example.org")):
        contacts.channel_add(office.director, unit, "mail", address=address)
    ref = office.objective(lead="Finance", co=["East Station", "Planning"], status="in_progress")
    queued, _seq = urged(office, ref, level=2)
    assert [r["unit"] for r in queued] == ["Finance"]
    queued, _seq = urged(office, ref, level=3)
    assert [r["unit"] for r in queued] == ["Finance", "East Station"] and queued.unreached == ["Planning"]
    assert {r["kind"] for r in rows(office, "seq = ?", (_seq,))} == {"supervision"}
    assert queued.message() == ("queued for Finance by mail; East Station by mail; "
                                "nothing reaches Planning (add a channel: superviser channel add)")


def test_one_address_is_written_to_once(office):
    contacts.channel_add(office.director, "Finance", "mail", address="Finance@Example.org")
    contacts.person_contact(office.director, "li", email="finance@example.org")
    ref = office.objective(status="in_progress")
    queued, _seq = urged(office, ref)
    assert len(queued) == 1


def test_each_unit_reads_its_own_language(office):
    contacts.channel_add(office.director, "Finance", "mail", address="fin@example.org")
    contacts.channel_add(office.director, "East Station", "mail", address="east@example.org")
    contacts.unit_language(office.director, "East Station", "zh_CN")
    ref = office.objective(lead="Finance", co=["East Station"], status="in_progress", deadline="2026-11-15")
    urged(office, ref, level=3, text="")
    english, chinese = rows(office)
    assert english["lang"] == "en" and chinese["lang"] == "zh_CN"
    assert english["subject"] == f"[Supervision notice] {ref} Repair the canopy"
    assert "Deadline: November 15, 2026 (overdue by 5 days)" in english["body"]
    assert "Required: Report in writing what has been done" in english["body"]
    assert chinese["subject"] == f"【督办通知单】{ref} Repair the canopy"
    assert "办理时限：2026年11月15日（逾期5天）" in chinese["body"]
    assert i18n.current() == "en"  # the user's language is left as it was


def test_the_phrase_in_chinese(office):
    contacts.channel_add(office.director, "Finance", "mail", address="fin@example.org")
    contacts.channel_add(office.director, "Finance", "feishu", webhook="https://open.feishu.cn/open-apis/bot/v2/hook/abcdefghijkl")
    ref = office.objective(status="in_progress")
    queued, _seq = urged(office, ref)
    i18n.setup("zh_CN")
    assert queued.message() == "已排队发送：Finance（邮件和飞书）"


def test_undo_of_an_urge_cancels_what_it_queued(office):
    contacts.channel_add(office.director, "Finance", "mail", address="fin@example.org")
    ref = office.objective(status="in_progress")
    urged = steps.urge(office.director, ref, text="Report by Friday")
    assert [(r["seq"], r["status"]) for r in rows(office)] == [(urged.seq, "queued")]
    undo.undo(office.director, urged.seq)
    assert [(r["status"], r["last_error"]) for r in rows(office)] == [("cancelled", "undone")]


# --- sending ----------------------------------------------------------------------------------

def test_delivered_once_by_mail_and_each_robot(office, config_dir, robots):
    with SmtpServer() as smtp:
        cfg = write_config(config_dir, smtp_port=smtp.port)
        contacts.channel_add(office.director, "Finance", "mail", address="fin@example.org")
        add_robots(office, robots, cfg, kinds=("wecom", "dingtalk", "feishu"))
        contacts.person_contact(office.director, "li", email="li@example.org", mobile="13800138000")
        contacts.person_contact(office.director, "sup", email="su.pei@example.org")
        ref = office.objective(status="in_progress")
        urged(office, ref, actor="sup")
        summary = sender.send_due(office.director, cfg)
        assert (summary.sent, summary.failed, summary.retried) == (5, 0, 0)
        assert sorted(m["To"] for m in smtp.messages) == ["fin@example.org", "li@example.org"]
        mail = smtp.messages[0]
        assert mail["Subject"] == f"[Urge notice] {ref} Repair the canopy"
        assert mail["Reply-To"] == "su.pei@example.org"  # who to answer: the person who urged
        assert "Answer to: the supervision office; Su Pei (su.pei@example.org)" in mail.get_content()
        assert sorted(r["platform"] for r in robots.received) == ["dingtalk", "feishu", "wecom"]
        ding = next(r for r in robots.received if r["platform"] == "dingtalk")
        assert ding["body"]["at"]["atMobiles"] == ["13800138000"] and "@13800138000" in ding["text"]
        assert all(r["status"] == "sent" and r["attempts"] == 1 for r in rows(office))
        again = sender.send_due(office.director, cfg)
        assert again.sent == 0 and len(smtp.messages) == 2 and len(robots.received) == 3
    log = office.director.db.conn.execute("SELECT action, objective_id, detail FROM log WHERE action LIKE 'deliver%'").fetchall()
    assert [a for a, _o, _d in log].count("deliver") == 5 and [a for a, _o, _d in log].count("deliver.claim") == 1
    assert "Urge notice sent to Finance by WeCom" in [d for a, _o, d in log if a == "deliver"][1]


def test_retried_after_a_refused_connection_then_delivered(office, config_dir, set_now):
    port = free_port()  # nothing listens there yet
    cfg = write_config(config_dir, smtp_port=port, backoff=60)
    contacts.channel_add(office.director, "Finance", "mail", address="fin@example.org")
    ref = office.objective(status="in_progress")
    urged(office, ref)
    first = sender.send_due(office.director, cfg)
    assert (first.sent, first.retried) == (0, 1)
    row = rows(office)[0]
    assert row["status"] == "queued" and row["attempts"] == 1 and row["next_at"] == "2026-11-20T09:01:00.000Z"
    assert "could not reach the mail server 127.0.0.1" in row["last_error"] and "refused" in row["last_error"].lower()
    with SmtpServer(port) as smtp:
        assert sender.send_due(office.director, cfg).sent == 0  # not due before its backoff
        set_now("2026-11-20T09:01:00Z")
        assert sender.send_due(office.director, cfg).sent == 1
        assert len(smtp.messages) == 1
    row = rows(office)[0]
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 2, None)
    actions = [a for (a,) in office.director.db.conn.execute("SELECT action FROM log WHERE action LIKE 'deliver%' ORDER BY seq")]
    assert actions == ["deliver.claim", "deliver.retry", "deliver.claim", "deliver"]


def test_failed_after_n_tries_with_its_reason(office, config_dir, robots, set_now):
    cfg = write_config(config_dir, max_attempts=3, backoff=60)
    add_robots(office, robots, cfg)
    ref = office.objective(status="in_progress")
    urged(office, ref)
    robots.fail = 100
    for moment in ("2026-11-20T09:00:00Z", "2026-11-20T09:01:00Z", "2026-11-20T09:03:00Z"):
        set_now(moment)
        sender.send_due(office.director, cfg)
    row = rows(office)[0]
    assert row["status"] == "failed" and row["attempts"] == 3
    assert row["last_error"] == "the WeCom robot answered HTTP 500 Internal Server Error (after 3 tries)"
    set_now("2026-11-21T09:00:00Z")
    assert sender.send_due(office.director, cfg).sent == 0 and robots.received == []
    actions = [a for (a,) in office.director.db.conn.execute("SELECT action FROM log WHERE action LIKE 'deliver%' ORDER BY seq")]
    assert actions.count("deliver.retry") == 2 and actions[-1] == "deliver.failed"


def test_a_refused_address_fails_at_once(office, config_dir):
    with SmtpServer(refuse={"gone@example.org"}) as smtp:
        cfg = write_config(config_dir, smtp_port=smtp.port)
        contacts.channel_add(office.director, "Finance", "mail", address="gone@example.org")
        ref = office.objective(status="in_progress")
        urged(office, ref)
        summary = sender.send_due(office.director, cfg)
    assert summary.failed == 1
    row = rows(office)[0]
    assert row["status"] == "failed" and row["attempts"] == 1 and "550 no such mailbox" in row["last_error"]


def test_dingtalk_and_feishu_signatures_are_checked_by_the_server(office, config_dir, robots):
    cfg = write_config(config_dir, max_attempts=1)
    add_robots(office, robots, cfg, kinds=("dingtalk", "feishu"))
    contacts.channel_add(office.director, "East Station", "dingtalk", secret="SECthe-wrong-secret-000000",
                         webhook=f"{robots.base}/robot/send?access_token={DING_TOKEN}", config=cfg)
    contacts.channel_add(office.director, "East Station", "feishu", secret="the-wrong-secret-000000",
                         webhook=f"{robots.base}/open-apis/bot/v2/hook/{FEISHU_TOKEN}", config=cfg)
    ref = office.objective(lead="Finance", co=["East Station"], status="in_progress")
    urged(office, ref, level=3)
    sender.send_due(office.director, cfg)
    by_unit = {(r["unit_id"], r["channel"]): r for r in rows(office)}
    finance, east = (objectives.get(office.director.db, ref)["lead_unit_id"],
                     objectives.get(office.director.db, ref)["co_unit_ids"][0])
    assert by_unit[(finance, "dingtalk")]["status"] == "sent" and by_unit[(finance, "feishu")]["status"] == "sent"
    assert by_unit[(east, "dingtalk")]["status"] == "failed"
    assert "the DingTalk robot refused the message: 310000 sign not match" in by_unit[(east, "dingtalk")]["last_error"]
    assert "the Feishu robot refused the message: 19021 sign match fail" in by_unit[(east, "feishu")]["last_error"]
    assert len(robots.received) == 2


def test_a_sender_that_died_mid_send_is_never_resent(office, config_dir, robots, set_now):
    cfg = write_config(config_dir, lease=600)
    add_robots(office, robots, cfg)
    ref = office.objective(status="in_progress")
    urged(office, ref)
    claimed = sender.claim(office.director, cfg, "server:4242")  # ... and then the process was killed
    assert len(claimed) == 1 and rows(office)[0]["status"] == "sending"
    set_now("2026-11-20T09:05:00Z")
    assert sender.send_due(office.director, cfg).unknown == 0  # within the lease it may still be sending
    set_now("2026-11-20T09:10:01Z")
    summary = sender.send_due(office.director, cfg)
    assert (summary.unknown, summary.sent) == (1, 0)
    row = rows(office)[0]
    assert row["status"] == "unknown" and row["last_error"].startswith(
        "delivery unknown: the sender server:4242 stopped while sending")
    set_now("2026-11-22T09:00:00Z")
    sender.send_due(office.director, cfg)
    assert robots.received == [] and rows(office)[0]["status"] == "unknown"
    # The office decides: queued again by hand, it goes.
    delivery.requeue(office.director, row["id"])
    assert sender.send_due(office.director, cfg).sent == 1 and len(robots.received) == 1


def test_a_removed_channel_cancels_what_waits_for_it(office, config_dir, robots):
    cfg = write_config(config_dir)
    add_robots(office, robots, cfg)
    ref = office.objective(status="in_progress")
    urged(office, ref)
    channel_id = rows(office)[0]["channel_id"]
    result = contacts.channel_remove(office.director, channel_id)
    assert result.message == "WeCom of Finance removed; 1 queued message cancelled"
    assert rows(office)[0]["status"] == "cancelled"
    stored = office.director.db.conn.execute("SELECT webhook, secret, active FROM unit_channels WHERE id = ?",
                                             (channel_id,)).fetchone()
    assert stored == (None, None, 0)
    assert sender.send_due(office.director, cfg).sent == 0 and robots.received == []


def test_digests_are_queued_once_a_day(office, config_dir, set_now):
    contacts.channel_add(office.director, "Finance", "mail", address="fin@example.org")
    late = office.objective(title="Late one", lead="Finance", status="in_progress", deadline="2026-11-10")
    soon = office.objective(title="Soon one", lead="Planning", co=["Finance"], status="accepted", deadline="2026-11-25")
    office.objective(title="Far one", lead="Finance", status="in_progress", deadline="2027-03-01")
    from superviser.delivery.digests import queue_digests

    queued = queue_digests(office.director)
    assert [r["unit"] for r in queued] == ["Finance"] and queued.unreached == ["Planning"]
    body = rows(office)[0]["body"]
    assert f"{late} Late one (overdue by 10 days)" in body and f"{soon} Soon one (in 5 days)" in body
    assert "Far one" not in body
    assert list(queue_digests(office.director)) == []  # the same day: queued already
    set_now("2026-11-21T07:30:00Z")
    assert len(queue_digests(office.director)) == 1


# --- who may, and what is refused -----------------------------------------------------------

def test_only_the_director_keeps_channels_and_the_office_delivers(office, config_dir):
    cfg = write_config(config_dir)
    with pytest.raises(Forbidden):
        contacts.channel_add(office.session("sup"), "Finance", "mail", address="fin@example.org")
    with pytest.raises(Forbidden, match="only a director may do this .*; you may change your own mail and mobile"):
        contacts.person_contact(office.session("li"), "east", email="east@example.org")
    contacts.person_contact(office.session("li"), "li", email="li@example.org")  # their own
    with pytest.raises(Forbidden):
        contacts.person_contact(office.session("li"), "li", head=True)
    with pytest.raises(Forbidden):
        sender.send_due(office.session("view"), cfg)
    sender.send_due(office.session("sup"), cfg)


def test_only_the_office_queues_a_message_again_and_only_one_that_failed(office, config_dir, robots):
    cfg = write_config(config_dir, max_attempts=1)
    add_robots(office, robots, cfg)
    robots.fail = 100
    urged(office, office.objective(status="in_progress"))
    sender.send_due(office.director, cfg)
    failed = rows(office, "status = 'failed'")[0]
    with pytest.raises(Forbidden, match="only a director or supervisor"):
        delivery.requeue(office.session("li"), failed["id"])
    delivery.requeue(office.session("sup"), failed["id"])
    with pytest.raises(Refused, match="is queued; only a message that failed, or whose delivery is unknown"):
        delivery.requeue(office.director, failed["id"])
    with pytest.raises(NotFound):
        delivery.requeue(office.director, 999)


def test_bad_values_are_refused_with_the_field_named(office, config_dir):
    write_config(config_dir)
    cases = [
        (dict(kind="mail", address="not-an-address"), "mail address: not-an-address is not a mail address"),
        (dict(kind="mail"), "mail address: must not be empty for a mail channel"),
        (dict(kind="wecom", webhook="http://example.org/hook?key=abc"), "webhook address: must be an address starting with https://"),
        (dict(kind="wecom", webhook="https://qyapi.weixin.qq.com/x?key=abcdefghij", secret="SECabc"),
         "signing secret: WeCom robots do not sign their messages; leave it out"),
        (dict(kind="pigeon", address="a@b.org"), "channel: must be one of: mail, wecom, dingtalk, feishu"),
    ]
    for given, said in cases:
        with pytest.raises(InvalidInput) as refused:
            contacts.channel_add(office.director, "Finance", **given)
        assert str(refused.value) == said
    with pytest.raises(InvalidInput, match="mobile: 12ab is not a phone number"):
        contacts.person_contact(office.director, "li", mobile="12ab")
    with pytest.raises(InvalidInput, match="language: must be one of: en, es, zh_CN"):
        contacts.unit_language(office.director, "Finance", "fr")
    unit_lang = actions.ACTIONS["unit.lang"]  # the form's choice gives the code as declared
    assert fields.parse(unit_lang.fields[0], "ZH_cn") == "zh_CN"
    assert office.director.db.conn.execute("SELECT count(*) FROM unit_channels").fetchone()[0] == 0


def test_the_config_file_guards_the_password(tmp_path):
    path = tmp_path / "delivery.toml"
    path.write_text('[mail]\nhost = "smtp.example.org"\npassword = "hunter2"\nsender = "o@example.org"\n')
    path.chmod(0o644)
    with pytest.raises(InvalidInput, match="holds the mail password and others can read it"):
        delivery_config.load(path)
    path.chmod(0o600)
    loaded = delivery_config.load(path)
    assert loaded.mail.security == "starttls" and loaded.mail.port == 587 and "hunter2" not in repr(loaded)
    path.write_text('[mail]\nhost = "smtp.example.org"\nsecurity = "none"\nsender = "o@example.org"\n')
    with pytest.raises(InvalidInput, match="only for a mail relay on this machine"):
        delivery_config.load(path)


def test_mail_without_settings_waits_with_its_reason(office, config_dir):
    cfg = write_config(config_dir)  # no [mail]
    contacts.channel_add(office.director, "Finance", "mail", address="fin@example.org")
    urged(office, office.objective(status="in_progress"))
    sender.send_due(office.director, cfg)
    assert rows(office)[0]["last_error"].startswith("mail is not set up: add a [mail] section to ")


# --- secrets --------------------------------------------------------------------------------

def test_secrets_never_leave_the_channel_table(office, config_dir, robots, cli, tmp_path):
    cfg = write_config(config_dir, max_attempts=1)
    add_robots(office, robots, cfg, kinds=("wecom", "dingtalk", "feishu"))
    contacts.channel_add(office.director, "East Station", "dingtalk", secret="SECunused-secret-1234567",
                         webhook=f"http://127.0.0.1:{free_port()}/robot/send?access_token={DING_TOKEN}", config=cfg)
    ref = office.objective(lead="Finance", co=["East Station"], status="in_progress")
    urged(office, ref, level=3)
    sender.send_due(office.director, cfg)  # the East Station robot is unreachable: an error message
    failed = rows(office, "status = 'failed'")
    assert len(failed) == 1 and "could not reach the DingTalk robot" in failed[0]["last_error"]
    db = office.director.db
    seen = ["\n".join(str(v) for r in db.conn.execute(f"SELECT * FROM {t}") for v in r) for t in ("log", "outbox")]
    db_path = str(office.path)
    seen.append(cli("--db", db_path, "log", "--json", "--limit", "1000").out)
    seen.append(cli("--db", db_path, "log", "--limit", "1000").out)
    seen.append(cli("--db", db_path, "channel", "list").out)
    seen.append(cli("--db", db_path, "channel", "list", "--json").out)
    seen.append(cli("--db", db_path, "outbox", "list", "--json").out)
    ran = cli("--db", db_path, "channel", "add", "Finance", "wecom", "--webhook", f"https://x.example/send?key={WECOM_KEY}",
              "--secret", DING_SECRET)
    assert ran.code == 2
    seen.append(ran.out + ran.err)
    for fmt in ("md", "csv", "html", "xlsx", "docx"):
        target = tmp_path / f"export.{fmt}"
        assert cli("--db", db_path, "export", "--format", fmt, "-o", target).code == 0
        data = target.read_bytes()
        if fmt in ("xlsx", "docx"):
            import zipfile

            with zipfile.ZipFile(target) as archive:
                data = b"".join(archive.read(name) for name in archive.namelist())
        seen.append(data.decode("utf-8", "replace"))
    everything = "\n".join(seen)
    assert "sha256:" in everything and "…" in everything  # fingerprints and masks are there …
    for secret in SECRETS + ("SECunused-secret-1234567",):
        assert secret not in everything, secret  # … the secrets are not


def test_phone_numbers_as_people_write_them():
    from superviser.fields import Field, parse

    mobile = Field("mobile", "mobile", "phone")
    assert parse(mobile, "138 0013 8000") == "13800138000"
    assert parse(mobile, "+86 (10) 6512-3456") == "+861065123456"
    assert parse(mobile, "１３８００１３８０００") == "13800138000"  # typed with a Chinese input method
    assert parse(mobile, "") is None
    for wrong in ("12", "call me", "138-0013-800x", "+" + "1" * 21):
        with pytest.raises(InvalidInput, match="is not a phone number"):
            parse(mobile, wrong)


def test_on_log_queues_inside_a_real_step_with_its_new_values(office):
    """How the step services call it: a hook run when the step writes its entry."""
    from superviser.services.base import objective_step

    contacts.channel_add(office.director, "Finance", "mail", address="fin@example.org")
    ref = office.objective(status="in_progress")
    with objective_step(office.director, "urge", ref) as step:
        count = step.objective["urge_count"] + 1
        step.set(urge_count=count, urges_unanswered=step.objective["urges_unanswered"] + 1)
        queued = outbox.on_log(step, "urge", text="Report by Friday", level=count)
        assert list(queued) == []  # nothing until the step logs
        step.log("Report by Friday")
    assert queued.message() == "queued for Finance by mail"
    row = rows(office)[0]
    assert row["seq"] == step.seq and "Level: Reminder (urge 1)" in row["body"]
    with pytest.raises(RuntimeError), objective_step(office.director, "urge", ref) as step:
        step.set(urge_count=2)
        outbox.on_log(step, "urge", level=2)
        step.log("")
        raise RuntimeError("after the entry, before the commit")
    assert len(rows(office)) == 1
