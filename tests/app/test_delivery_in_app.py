"""Urges that reach people, in the app (issue 12): contacts on People, a unit's channels on
Units, an objective's notices and messages with their fate (queued again from there), failed
deliveries on the dashboard, the printed notice from the export dialog. Every change goes
through its declared step and is logged; no screen ever shows a robot's key or secret; the
steps a liaison or a viewer may not take are not offered to them."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import Future

import pytest
from docx import Document
from textual.widgets import Input, Select

from screens.channels import ChannelForm, ChannelsScreen
from screens.dashboard import DashboardScreen
from screens.deliveries import DeliveriesScreen
from screens.forms import FormScreen
from screens.help import HelpScreen
from screens.objective import ObjectiveScreen
from screens.people import PeopleScreen
from screens.units import UnitsScreen
from screens.widgets.key_bar import KeyBar
from superviser import identity, store
from superviser.read import contacts, dashboard, outbox
from tests.app import delivery_scene
from tests.app.conftest import capture_notes, make_app, screen_text, settle
from tests.app.test_steps_in_app import fill, last_entry

FINANCE = "Finance Department"  # wang.lei is its liaison
NEW_TOKEN = "feishuHOOK4d9e2b7a6c1f8035"
NEW_SECRET = "feishuSIGN0a7c3e9b5d1f2846"


@pytest.fixture
def scene(demo_db):
    return demo_db, delivery_scene.build(demo_db)


def keys_offered(app) -> str:
    return str(app.screen.query_one(KeyBar).render())


def enabled(app) -> set[str]:
    return {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}


def no_secret_shown(app, *secrets: str) -> None:
    shown = screen_text(app)
    for secret in secrets or delivery_scene.SECRETS:
        assert secret not in shown, (secret, type(app.screen).__name__)


async def open_channels(app, pilot, unit: str) -> ChannelsScreen:
    await pilot.press("3")
    await settle(pilot)
    table = app.screen.table
    table.move_cursor(row=next(i for i, r in enumerate(table.rows_loaded) if r["name"] == unit))
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(app.screen, ChannelsScreen)
    return app.screen


async def open_people(app, pilot, login: str) -> PeopleScreen:
    await pilot.press("3")
    await settle(pilot)
    await pilot.press("P")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, PeopleScreen)
    screen.table.move_cursor(row=next(i for i, r in enumerate(screen.table.rows_loaded) if r["login"] == login))
    await settle(pilot)
    return screen


# --- contacts --------------------------------------------------------------------------------
async def test_the_director_sets_a_persons_mail_mobile_and_head(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_people(app, pilot, "wang.lei")
        assert "c Contact" in keys_offered(app)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.query("#field-head")
        await fill(pilot, email="wang.lei@example.org", mobile="138 0013 8000", head="yes")
        assert isinstance(app.screen, PeopleScreen), screen_text(app)
        entry = last_entry(demo_db)
        assert entry["action"] == "person.contact" and entry["actor"] == "boss"
        assert entry["changes"]["people#wang.lei.email"] == [None, "wang.lei@example.org"]
        assert entry["changes"]["people#wang.lei.mobile"] == [None, "13800138000"]
        assert entry["changes"]["people#wang.lei.unit_head"] == [None, 1]
        await settle(pilot)
        assert "wang.lei@example.org" in screen_text(app) and "head" in screen_text(app)


async def test_a_liaison_keeps_their_own_mail_only(demo_db):
    app = make_app(demo_db, login="wang.lei")
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_people(app, pilot, "li.na")
        assert "contact" not in enabled(app) and "Contact" not in keys_offered(app)
        assert "Add a person" not in keys_offered(app) and "Deactivate" not in keys_offered(app)
        assert "Change" not in keys_offered(app)
        notes.clear()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen) and any("only a director" in n for n in notes), notes
        await pilot.press("c")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert any("only a director may do this (you are a liaison)" in n for n in notes), notes
        screen.table.move_cursor(row=next(i for i, r in enumerate(screen.table.rows_loaded) if r["login"] == "wang.lei"))
        await settle(pilot)
        assert "c Contact" in keys_offered(app)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen) and not app.screen.query("#field-head")  # not theirs to say
        await fill(pilot, email="wl@example.org")
        entry = last_entry(demo_db)
        assert entry["action"] == "person.contact" and entry["actor"] == "wang.lei"
        assert entry["changes"] == {"people#wang.lei.email": [None, "wl@example.org"]}


# --- a unit's channels ---------------------------------------------------------------------------
async def test_the_director_adds_a_robot_and_its_secret_is_never_shown(scene):
    path, built = scene
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_channels(app, pilot, built.unit)
        shown = screen_text(app)
        assert "https://qyapi.weixin.qq.com/…key=we…6f" in shown and "SE…36" in shown  # masked, as the CLI lists them
        assert f"{built.liaison} <{built.liaison}@example.org>" in shown  # who else it reaches, by mail
        no_secret_shown(app)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ChannelForm)
        assert form.query_one("#field-address").display and not form.query_one("#field-webhook").display
        form.query_one("#field-kind", Select).value = "feishu"
        await settle(pilot)
        assert not form.query_one("#field-address").display
        assert form.query_one("#field-secret", Input).password and form.query_one("#field-webhook", Input).password
        form.query_one("#field-address", Input).value = "left@over.example.org"  # out of sight: not sent
        await fill(pilot, webhook=f"https://open.feishu.cn/open-apis/bot/v2/hook/{NEW_TOKEN}", secret=NEW_SECRET,
                   label="Night shift")
        assert isinstance(app.screen, ChannelsScreen), screen_text(app)
        entry = last_entry(path)
        assert entry["action"] == "channel.add" and entry["actor"] == "boss"
        assert NEW_TOKEN not in str(entry) and NEW_SECRET not in str(entry)
        added = [c for c in contacts.channels(store.connect(path), built.unit_id) if c["kind"] == "feishu"]
        assert len(added) == 1 and added[0]["label"] == "Night shift"
        await settle(pilot)
        assert "https://open.feishu.cn/…fe…35" in screen_text(app)
        secrets = delivery_scene.SECRETS + (NEW_TOKEN, NEW_SECRET)
        no_secret_shown(app, *secrets)
        # every screen this touches, and those that say what happened
        for key in ("escape", "P", "escape", "5", "1"):
            await pilot.press(key)
            await settle(pilot)
            no_secret_shown(app, *secrets)
        app.open_objective(delivery_scene.REF)
        await settle(pilot)
        no_secret_shown(app, *secrets)
        await pilot.press("f1")
        await settle(pilot)
        no_secret_shown(app, *secrets)


async def test_the_director_removes_a_channel_and_sets_the_language(scene):
    path, built = scene
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_channels(app, pilot, built.unit)
        wecom = next(i for i, r in enumerate(screen.table.rows_loaded) if r["kind"] == "wecom")
        screen.table.move_cursor(row=wecom)
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen) and "its address and secret are erased" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        entry = last_entry(path)
        assert entry["action"] == "channel.remove"
        assert [r["kind"] for r in screen.table.rows_loaded] == ["mail", "dingtalk"]
        await pilot.press("l")
        await settle(pilot)
        await fill(pilot, lang="zh_CN")
        entry = last_entry(path)
        assert entry["action"] == "unit.lang" and entry["changes"][f"units#{built.unit_id}.lang"] == [None, "zh_CN"]
        await settle(pilot)
        assert "简体中文" in screen_text(app)


@pytest.mark.parametrize("login", ["wang.lei", "guo.ting"])  # a liaison, a viewer
async def test_channels_are_shown_but_not_offered_to_change(scene, login):
    path, built = scene
    app = make_app(path, login=login)
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_channels(app, pilot, built.unit)
        offered = keys_offered(app)
        assert "New channel" not in offered and "Remove channel" not in offered and "Language" not in offered
        assert "SE…36" in screen_text(app)
        no_secret_shown(app)
        before = last_entry(path)["seq"]
        for key in ("a", "delete", "l"):
            notes.clear()
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, ChannelsScreen)
            assert any("only a director may do this" in n for n in notes), (key, notes)
        assert last_entry(path)["seq"] == before


# --- an objective's notices and messages ------------------------------------------------------------
async def test_the_objective_shows_each_message_with_its_fate(scene):
    path, built = scene
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective(delivery_scene.REF)
        await settle(pilot)
        shown = str(app.screen.query_one("#messages").render())
        assert "Supervision [2026] No. 1  Supervision notice  printed 2026-11-20" in shown
        assert f"Supervision notice → {built.unit}" in shown
        assert "✓ sent 11-20 09:00  mail      office@example.org" in shown
        assert "✗ failed" in shown and "HTTP 500 from the robot" in shown and "WeCom" in shown
        assert "? unknown" in shown and "the sender server:4242 stopped while sending" in shown
        no_secret_shown(app)


async def test_a_failed_message_is_queued_again_from_the_objective(scene):
    path, built = scene
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_objective(delivery_scene.REF)
        await settle(pilot)
        assert keys_offered(app).startswith("Q Queue again")
        await pilot.press("Q")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#field-message", Select).value == str(built.unknown_id)  # the newest first
        intro = str(form.query_one(".form-intro").render())
        assert "The next superviser deliver sends it again" in intro and "`" not in intro  # the CLI's marks, not shown
        await fill(pilot, message=str(built.failed_id))
        entry = last_entry(path)
        assert entry["action"] == "deliver.requeue" and entry["changes"][f"outbox#{built.failed_id}.status"] == [
            "failed", "queued"]
        await settle(pilot)
        assert isinstance(app.screen, ObjectiveScreen)
        assert "… queued" in str(app.screen.query_one("#messages").render())


async def test_a_liaison_sees_the_messages_but_may_not_queue_them_again(scene):
    path, _built = scene
    app = make_app(path, login="gao.yan")  # the lead unit's liaison
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective(delivery_scene.REF)
        await settle(pilot)
        assert "✗ failed" in str(app.screen.query_one("#messages").render())
        assert "requeue" not in enabled(app) and "Queue again" not in keys_offered(app)
        await pilot.press("Q")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert any("only a director or supervisor may do this" in n for n in notes), notes


async def test_nothing_to_queue_again_is_not_offered(demo_db):
    app = make_app(demo_db)
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective(delivery_scene.REF)
        await settle(pilot)
        assert not app.screen.query_one("#messages").display  # nothing was ever sent about it
        assert "requeue" not in enabled(app)
        await pilot.press("Q")
        await settle(pilot)
        assert any("nothing to queue again" in n for n in notes)


# --- the dashboard --------------------------------------------------------------------------------
async def test_the_dashboard_shows_failed_deliveries_in_its_first_frame_and_drills_to_them(scene):
    path, built = scene
    done: Future = Future()
    done.set_result(dashboard.dashboard(store.connect(path)))
    from screens.app import SuperviserApp
    from superviser.services import Session

    app = SuperviserApp(Session(store.connect(path), "boss"), prefetched=done)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = app.screen.query_one("#deliveries")
        assert line.display and "1 delivery failed, 1 delivery unknown" in str(line.render())
        assert "f Failed deliveries" in keys_offered(app)
        await pilot.press("f")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DeliveriesScreen)
        assert sorted(r["id"] for r in screen.table.rows_loaded) == sorted([built.failed_id, built.unknown_id])
        no_secret_shown(app)
        screen.table.move_cursor(row=next(i for i, r in enumerate(screen.table.rows_loaded)
                                          if r["id"] == built.unknown_id))
        await pilot.press("Q")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert last_entry(path)["action"] == "deliver.requeue"
        assert [r["id"] for r in screen.table.rows_loaded] == [built.failed_id]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ObjectiveScreen) and app.screen.ref == delivery_scene.REF
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "1 delivery failed" in str(app.screen.query_one("#deliveries").render())


async def test_a_viewer_sees_the_failed_deliveries_but_may_not_queue_them_again(scene):
    path, _built = scene
    app = make_app(path, login="guo.ting")
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, DeliveriesScreen) and len(app.screen.table.rows_loaded) == 2
        assert "Queue again" not in keys_offered(app)
        await pilot.press("Q")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert any("only a director or supervisor may do this (you are a viewer)" in n for n in notes), notes


async def test_a_dashboard_without_failures_says_nothing_of_them(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#deliveries").display
        assert "deliveries" not in enabled(app) and "Failed deliveries" not in keys_offered(app)


# --- the printed notice from the export dialog ----------------------------------------------------
async def open_notice_form(app, pilot) -> FormScreen:
    app.open_objective(delivery_scene.REF)
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    assert "p: the printed notice of 2026-002.2" in screen_text(app)
    await pilot.press("p")
    await settle(pilot)
    assert isinstance(app.screen, FormScreen) and app.screen.query("#field-level")
    return app.screen


async def test_p_in_the_export_dialog_prints_the_notice_to_a_new_private_file(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "notice-2026-002.2.docx").write_bytes(b"someone's file")
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_notice_form(app, pilot)
        proposed = form.query_one("#field-path", Input).value
        assert form.query_one("#field-new", Select).value == "no"  # a reprint keeps its number unless asked
        assert proposed == str(tmp_path / "notice-2026-002.2 (2).docx")  # a free name, never over another file
        before = last_entry(demo_db)["seq"]
        await fill(pilot, path=str(tmp_path / "notice-2026-002.2.docx"))
        assert "exists" in str(form.query_one("#error-path").render()) and last_entry(demo_db)["seq"] == before
        await fill(pilot, path=str(tmp_path / "notice-2026-002.2.docx" / "inside.docx"))  # (its "folder" is a file)
        assert "is a file, not a folder" in str(form.query_one("#error-path").render())
        await fill(pilot, path=str(tmp_path / "nowhere" / "n.docx"))
        assert "does not exist" in str(form.query_one("#error-path").render())
        assert last_entry(demo_db)["seq"] == before and not (tmp_path / "nowhere").exists()
        await fill(pilot, path=proposed, level="supervision", language="zh_CN")
        assert not isinstance(app.screen, FormScreen), screen_text(app)
    entry = last_entry(demo_db)
    assert entry["action"] == "notice" and entry["actor"] == "boss"
    saved = tmp_path / "notice-2026-002.2 (2).docx"
    assert os.stat(saved).st_mode & 0o777 == 0o600
    assert (tmp_path / "notice-2026-002.2.docx").read_bytes() == b"someone's file"
    words = "\n".join(p.text for p in Document(saved).paragraphs)
    assert "督〔2026〕1号" in words and "督办通知单" in words


async def test_in_a_browser_the_notice_downloads(demo_db, monkeypatch):
    from screens.app import SuperviserApp

    monkeypatch.setattr(SuperviserApp, "is_web", property(lambda self: True))
    app = make_app(demo_db)
    delivered = []
    app.deliver_binary = lambda data, **kw: delivered.append((data.read(), kw))
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_notice_form(app, pilot)
        assert not form.query("#field-path")
        await pilot.press("ctrl+s")
        for _ in range(50):
            await settle(pilot)
            if delivered:
                break
            await asyncio.sleep(0.05)
    data, kw = delivered[0]
    assert data[:2] == b"PK" and kw["save_filename"].startswith("notice-2026-") and last_entry(demo_db)["action"] == "notice"


async def test_through_the_service_account_the_notice_is_fetched_over_ssh(demo_db):
    identity.confine("ssh")
    app = make_app(demo_db)
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective(delivery_scene.REF)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert any("ssh superviser@office notice 2026-002.2 -o - > notice.docx" in n for n in notes), notes
    assert last_entry(demo_db)["action"] != "notice"


@pytest.mark.parametrize("login", ["wang.lei", "guo.ting"])
async def test_the_notice_is_not_offered_to_a_liaison_or_viewer(demo_db, login):
    app = make_app(demo_db, login=login)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective(delivery_scene.REF)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        if isinstance(app.screen, FormScreen):  # a viewer may export, not issue notices
            assert "printed notice" not in screen_text(app)
            await pilot.press("p")
            await settle(pilot)
            assert not app.screen.query("#field-level")
    assert last_entry(demo_db)["action"] != "notice"


# --- help -------------------------------------------------------------------------------------------
async def test_the_new_keys_are_in_the_help(scene):
    path, built = scene
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_channels(app, pilot, built.unit)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        helped = screen_text(app)
        assert "channels.add" in helped and "channels.remove" in helped and "channels.language" in helped
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, UnitsScreen)
        await pilot.press("f1")
        await settle(pilot)
        assert "units.channels" in screen_text(app)
        await pilot.press("escape")
        app.open_objective(delivery_scene.REF)
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert "objective.requeue" in screen_text(app)


def test_the_dashboards_count_reads_the_outbox_index(scene):
    path, _built = scene
    db = store.connect(path)
    plan = " ".join(str(row) for row in db.conn.execute(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM outbox WHERE status = ?", ("failed",)))
    assert "USING COVERING INDEX" in plan and "status" in plan
    assert outbox.trouble(db) == {"failed": 1, "unknown": 1}
