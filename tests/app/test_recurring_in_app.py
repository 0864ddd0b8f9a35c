"""Recurring matters in the app (issue 11): Decisions → R lists the templates; n and E are
their declared forms (recur.add, recur.edit), logged; Enter lists the objectives each one
registered; a liaison or a viewer is not offered the changes."""

from __future__ import annotations

import pytest

from screens.forms import FormScreen
from screens.objectives import ObjectivesScreen
from screens.recurring import RecurringScreen
from screens.widgets.key_bar import KeyBar
from superviser import recurring, store
from tests.app import delivery_scene
from tests.app.conftest import capture_notes, make_app, screen_text, settle
from tests.app.test_steps_in_app import fill, last_entry


@pytest.fixture
def scene(demo_db):
    return demo_db, delivery_scene.build(demo_db)


async def open_recurring(app, pilot) -> RecurringScreen:
    await pilot.press("2")
    await settle(pilot)
    await pilot.press("R")
    await settle(pilot)
    assert isinstance(app.screen, RecurringScreen)
    return app.screen


async def test_the_list_says_when_each_comes_next_and_opens_what_it_registered(scene):
    path, built = scene
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_recurring(app, pilot)
        rows = screen.table.rows_loaded
        assert [r["title"] for r in rows] == ["Monthly safety report", "Quarterly fire drill"]
        shown = screen_text(app)
        assert "after the current one closes" in shown and "monthly, from" in shown
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ObjectivesScreen)
        made = [r["ref"] for r in app.screen.table.rows_loaded]
        expected = [r[0] for r in store.connect(path).conn.execute(
            "SELECT ref FROM objectives WHERE recurrence_id = ? ORDER BY ref", (rows[0]["id"],))]
        assert sorted(made) == expected and len(expected) == rows[0]["instances"] == 2


async def test_n_adds_a_recurring_matter_through_its_declared_form(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_recurring(app, pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.query_one("#field-start").value == "2026-11-20"
        await fill(pilot, title="Quarterly audit", decision="2026-001", lead="Finance Department", rule="quarterly",
                   days="15")
        assert isinstance(app.screen, RecurringScreen), screen_text(app)
        entry = last_entry(demo_db)
        assert entry["action"] == "recur.add" and entry["actor"] == "boss" and entry["detail"] == "Quarterly audit"
        await settle(pilot)
        assert [r["title"] for r in app.screen.table.rows_loaded] == ["Quarterly audit"]


async def test_e_changes_one_from_its_current_values_and_leaves_past_instances(scene):
    path, _built = scene
    db = store.connect(path)
    before = [r[0] for r in db.conn.execute("SELECT title FROM objectives WHERE recurrence_id = 1 ORDER BY id")]
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_recurring(app, pilot)
        await pilot.press("E")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#field-title").value == "Monthly safety report"
        assert form.query_one("#field-days").value == "10" and form.query_one("#field-active").value == "yes"
        await fill(pilot, days="12", active="no")
        entry = last_entry(path)
        assert entry["action"] == "recur.edit"
        assert entry["changes"] == {"recurrences#1.days": [10, 12], "recurrences#1.active": [1, 0]}
        await settle(pilot)
        assert "stopped" in screen_text(app)
    assert [r[0] for r in db.conn.execute("SELECT title FROM objectives WHERE recurrence_id = 1 ORDER BY id")] == before
    assert [r["id"] for r in recurring.recurrences(db, include_stopped=False)] == [2]


@pytest.mark.parametrize("login", ["wang.lei", "guo.ting"])
async def test_a_liaison_or_viewer_sees_them_but_is_not_offered_changes(scene, login):
    path, _built = scene
    app = make_app(path, login=login)
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_recurring(app, pilot)
        offered = str(app.screen.query_one(KeyBar).render())
        assert "New recurring matter" not in offered and "Change" not in offered
        before = last_entry(path)["seq"]
        for key in ("n", "E"):
            notes.clear()
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, RecurringScreen)
            assert any("only a director or supervisor may do this" in n for n in notes), notes
        assert last_entry(path)["seq"] == before


async def test_one_that_starts_in_the_last_year_shows_its_date_at_80_columns(demo_db):
    """Its "next one" was blank: the list looked only 400 days ahead."""
    from superviser.services import Session
    from superviser.services import recurring as service

    service.recur_add(Session(store.connect(demo_db), "boss"), "Year-end return", decision="2026-001",
                      lead="Finance Department", rule="yearly", start="2100-12-01", days=10)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_recurring(app, pilot)
        assert screen.table.rows_loaded[0]["next"] == "2100-12-01"
        assert "2100-12-01" in screen_text(app)


@pytest.mark.parametrize("lang", ["en", "es"])
async def test_the_intro_shows_the_command_in_bold_not_between_backticks(demo_db, lang):
    """The intro is written as the CLI writes a command (`superviser recur run`); a terminal
    showed the backticks as they are."""
    from textual.widgets import Static

    app = make_app(demo_db, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_recurring(app, pilot)
        intro = app.screen.query_one("#recurring-intro", Static).render()
    at = intro.plain.index("superviser recur run")
    assert "`" not in intro.plain
    assert any(span.style == "bold" and (span.start, span.end) == (at, at + len("superviser recur run"))
               for span in intro.spans), intro.spans
