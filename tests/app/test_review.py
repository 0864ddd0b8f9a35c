"""The daily review in the app, end to end."""

from screens.forms import FormScreen
from screens.review import ReviewScreen
from screens.review_summary import ReviewSummary
from superviser import audit, store
from superviser.services import Session, registry, steps
from superviser.services import review as review_service
from tests.app.conftest import capture_notes, make_app, screen_text, settle


def add_overdue(path, count: int) -> None:
    boss = Session(store.connect(path), "boss")
    decision = registry.decision_add(boss, "Backlog", source="meeting", decided_on="2026-10-01").ref
    for i in range(count):
        ref = registry.objective_add(boss, decision, f"Backlog item {i}", lead="Finance Department",
                                     deadline="2026-11-10").ref
        steps.assign(boss, ref)


async def open_review(pilot):
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReviewScreen)
    return pilot.app.screen


async def test_forty_items_in_a_few_keystrokes_each(demo_db):
    add_overdue(demo_db, 20)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        total = len(screen.items)
        assert total >= 40
        assert f"1 of {total}" in screen_text(app)
        keys = 0
        for index in range(total):
            category = screen.items[screen.pos]["category"]
            if category == "overdue" and index % 2 == 0:
                await pilot.press("c", "enter")  # urge, with the default text
                keys += 2
            else:
                await pilot.press("m")  # seen, nothing to do today
                keys += 1
            await settle(pilot)
            if isinstance(app.screen, ReviewSummary):
                break
        assert isinstance(app.screen, ReviewSummary)
        per_item = keys / total
        assert per_item <= 2.0, per_item
        summary = app.screen.summary
        assert summary["steps"] + summary["marked"] == total
        assert "Finance Department" in summary["chase"]
    db = store.connect(demo_db)
    assert db.conn.execute("SELECT action FROM log ORDER BY seq DESC LIMIT 1").fetchone()[0] == "review"
    assert audit.run(db).ok


async def test_select_several_and_urge_them_together(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        first, second = screen.items[0]["ref"], screen.items[1]["ref"]
        await pilot.press("space", "right")
        await settle(pilot)
        await pilot.press("space")
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one("#field-text").value = "both of you, today"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and not screen.selected
        db = store.connect(demo_db)
        urged = [r[0] for r in db.conn.execute(
            "SELECT o.ref FROM log l JOIN objectives o ON o.id = l.objective_id WHERE l.detail = 'both of you, today'")]
        assert sorted(urged) == sorted([first, second])


async def test_undo_in_the_review_appends_a_reversing_entry(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        ref = screen.items[0]["ref"]
        await pilot.press("c", "enter")
        await settle(pilot)
        assert screen.items[screen.pos]["ref"] != ref
        await pilot.press("u")
        await settle(pilot)
        assert screen.items[screen.pos]["ref"] == ref and screen.items[0]["id"] not in screen.done
        db = store.connect(demo_db)
        actions = [r[0] for r in db.conn.execute(
            "SELECT action FROM log WHERE action NOT LIKE 'review%' ORDER BY seq DESC LIMIT 2")]
        assert actions == ["undo", "urge"]


async def test_interrupt_and_resume(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        for key in ("m", "m", "s"):
            await pilot.press(key)
            await settle(pilot)
        where = screen.items[screen.pos]["ref"]
    again = make_app(demo_db)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        assert screen.items[screen.pos]["ref"] == where
        assert screen.review["counts"]["mark"] == 2


async def test_a_review_finished_in_another_session_records_nothing_more_here(demo_db):
    app = make_app(demo_db)
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        await pilot.press("m")
        await settle(pilot)
        where = screen.pos
        review_service.finish(Session(store.connect(demo_db), "boss"), screen.review["id"])  # the other session
        for key in ("m", "s"):
            await pilot.press(key)
            await settle(pilot)
        assert not isinstance(app.screen, ReviewScreen) and screen.pos == where
        assert any("this review is finished" in n for n in notes), notes
    db = store.connect(demo_db)
    assert db.conn.execute("SELECT kind, count(*) FROM review_steps GROUP BY kind").fetchall() == [("mark", 1)]


async def test_refused_review_action_says_why(demo_db):
    app = make_app(demo_db, login="chen.jing")  # a supervisor cannot approve extensions
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        index = next(i for i, item in enumerate(screen.items) if item["ref"] == "2026-004.3")
        screen._go(index)
        await settle(pilot)
        await pilot.press("X")
        await settle(pilot)
        assert any("only a director may do this" in n for n in notes)


async def test_key_bar_offers_the_steps_this_item_allows(demo_db):
    def key_bar(app) -> str:
        from screens.widgets.key_bar import KeyBar

        return str(app.screen.query_one(KeyBar).render())

    for login, may_approve in (("boss", True), ("chen.jing", False)):
        app = make_app(demo_db, login=login)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_review(pilot)
            assert screen.items[screen.pos]["category"] == "overdue"
            keys = key_bar(app)
            assert "Urge" in keys and "Reviewed" in keys and "Skip" in keys and "Help" in keys
            assert "Approve" not in keys and "Verify" not in keys
            screen._go(next(i for i, item in enumerate(screen.items) if item["ref"] == "2026-004.3"))
            await settle(pilot)
            assert ("Approve" in key_bar(app)) is may_approve


async def test_review_from_the_command_line_opens_on_the_review(demo_db):
    app = make_app(demo_db, start="review")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)


async def test_summary_is_saved_where_the_person_says_privately_and_never_over_a_file(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(pilot)
        await pilot.press("m", "f")
        await settle(pilot)
        assert isinstance(app.screen, ReviewSummary)
        assert "Close (esc)" in str(app.screen.query_one("#close").label)
        for _ in range(2):  # each time the form proposes a name that is free
            await pilot.press("w")
            await settle(pilot)
            assert isinstance(app.screen, FormScreen)
            await pilot.press("ctrl+s")
            await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        taken = str(tmp_path / "superviser-review-2026-11-20.md")
        app.screen.query_one("#field-path").value = taken
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen) and "exists" in str(app.screen.query_one("#error-path").render())
    saved = sorted(p.name for p in tmp_path.glob("superviser-review-*.md"))
    assert saved == ["superviser-review-2026-11-20 (2).md", "superviser-review-2026-11-20.md"]
    assert "marked reviewed: 1" in (tmp_path / saved[1]).read_text(encoding="utf-8")
    assert {(tmp_path / name).stat().st_mode & 0o777 for name in saved} == {0o600}


async def test_the_queue_is_read_a_page_at_a_time_and_each_item_met_once(demo_db, monkeypatch):
    """Pages of three: moving on reads the next page, "k of N" counts through them all; an item
    that changes category after it was read (the office clears the red light it set on work not
    yet accepted, once it was marked: it is back in the queue, from "set red" moved to "not accepted",
    further on) is met where it was first read, once."""
    from superviser import review

    boss = Session(store.connect(demo_db), "boss")
    decision = registry.decision_add(boss, "Watched", source="meeting", decided_on="2026-10-01").ref
    watched = registry.objective_add(boss, decision, "Watched closely", lead="Finance Department",
                                     deadline="2027-03-01").ref
    steps.assign(boss, watched)
    steps.light(boss, watched, colour="red", reason="the minister asked")
    whole = [i["ref"] for i in review.queue(boss.db, "boss")]
    assert watched in whole
    monkeypatch.setattr(review, "PAGE", 3)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        assert len(screen.items) == 3 and screen.total == len(whole)
        met = []
        while isinstance(app.screen, ReviewScreen):
            ref = screen.items[screen.pos]["ref"]
            met.append(ref)
            assert f"{len(met)} of {len(whole)}" in screen_text(app)
            await pilot.press("m")
            await settle(pilot)
            if ref == watched:  # changed after it was marked: back in the queue, further on
                steps.light(boss, watched, colour="clear")
        assert isinstance(app.screen, ReviewSummary)
    assert met == whole


async def test_a_resumed_review_reads_back_and_starts_again_from_the_top(demo_db, monkeypatch):
    """Pages of three, resumed after two skipped items: the review opens on the item where it
    stopped, "3 of N"; going back reads the page before; the items skipped come round again
    once the rest is done, from the top of the queue as it is then."""
    from superviser import review

    monkeypatch.setattr(review, "PAGE", 3)
    whole = [i["ref"] for i in review.queue(store.connect(demo_db), "boss")]
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_review(pilot)
        for _ in range(2):
            await pilot.press("s")
            await settle(pilot)
    again = make_app(demo_db)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        assert screen.items[screen.pos]["ref"] == whole[2] and screen.first == 2
        assert f"3 of {len(whole)}" in screen_text(again)
        await pilot.press("left")
        await settle(pilot)
        assert screen.items[screen.pos]["ref"] == whole[1] and f"2 of {len(whole)}" in screen_text(again)
    third = make_app(demo_db)
    async with third.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        assert screen.first == 2
        met = []
        while isinstance(third.screen, ReviewScreen):
            met.append(screen.items[screen.pos]["ref"])
            await pilot.press("m")
            await settle(pilot)
        assert isinstance(third.screen, ReviewSummary)
    assert met == whole[2:] + whole[:2]
