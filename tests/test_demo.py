"""The demo office has every state and light, and a consistent log."""

import json

import pytest

from superviser import i18n, journal, lifecycle, lights, store
from superviser.demo import build_office
from superviser.read import counts


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from superviser import clock

    clock.freeze(clock.parse_stamp("2026-11-20T09:00:00Z"))
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    i18n.setup("en")
    build_office(path, "boss")
    return path


def test_every_state_and_light(demo_db):
    db = store.connect(demo_db)
    statuses = {r[0] for r in db.conn.execute("SELECT DISTINCT status FROM objectives")}
    assert statuses == set(lifecycle.STATUSES)
    found = counts.overview(db)
    assert {reason for reason, n in found["reasons"].items() if n} == set(lights.REASONS)
    assert any("override" in causes for causes in found["causes"].values())  # a light the office set
    assert db.conn.execute("SELECT count(*) FROM decisions").fetchone()[0] >= 24
    assert {r[0] for r in db.conn.execute("SELECT DISTINCT source FROM decisions")} == set(lifecycle.SOURCES)
    assert {r[0] for r in db.conn.execute("SELECT DISTINCT role FROM people")} == {"director", "supervisor", "liaison", "viewer"}


def test_history_is_months_long_and_intact(demo_db):
    db = store.connect(demo_db)
    first, last = db.conn.execute("SELECT min(at), max(at) FROM log").fetchone()
    assert first < "2026-08-01" and last.startswith("2026-11-")
    actions = {r[0] for r in db.conn.execute("SELECT DISTINCT action FROM log")}
    assert {"urge", "inspect", "progress", "extend.request", "extend.approve", "extend.reject", "transfer", "return",
            "sendback", "verify", "light", "note"} <= actions
    assert db.conn.execute("SELECT count(*) FROM extensions WHERE status = 'pending'").fetchone()[0] >= 1
    assert journal.audit(db).ok


def test_the_current_login_is_a_director(demo_db):
    db = store.connect(demo_db)
    assert db.conn.execute("SELECT role FROM people WHERE login = 'boss'").fetchone()[0] == "director"


def test_chinese_demo(tmp_path):
    i18n.setup("zh_CN")
    try:
        build_office(tmp_path / "zh.db", "boss")
    finally:
        i18n.setup("en")
    db = store.connect(tmp_path / "zh.db")
    titles = [r[0] for r in db.conn.execute("SELECT title FROM objectives")]
    assert "东站燃气泄漏应急演练" in titles
    assert db.conn.execute("SELECT name FROM units WHERE id = 1").fetchone()[0] == "办公室"


def test_demo_command(tmp_path, cli):
    path = tmp_path / "d.db"
    assert cli("--db", path, "demo").code == 0
    rows = json.loads(cli("--db", path, "objective", "list", "--json", "--limit", "500").out)["items"]
    assert len(rows) > 40
    again = cli("--db", path, "demo")
    assert again.code == 2 and "already holds data" in again.err
    assert json.loads(cli("--db", path, "objective", "list", "--json", "--limit", "500").out)["items"] == rows
