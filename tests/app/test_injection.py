"""Hostile user text on every screen: shown as text, never markup, never raw escapes."""

import pytest

from screens.app import SuperviserApp
from superviser import store
from superviser.services import Session, org, registry, steps
from tests.app.conftest import make_app, settle

MARKUP = "[@click=app.quit]x[/]"
CLOSER = "[/]"
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x9b31m"
HOSTILE = f"{MARKUP} {CLOSER} {ESCAPES}end"
SHOWN = f"{MARKUP} {CLOSER} ]0;pwned[2J31mend"  # what survives: the text, without control characters


@pytest.fixture
def hostile_db(demo_db):
    boss = Session(store.connect(demo_db), "boss")
    org.unit_add(boss, f"Unit {HOSTILE}")
    org.person_add(boss, "mallory", f"Mallory {HOSTILE}", "liaison", f"Unit {HOSTILE}")
    decision = registry.decision_add(boss, f"Decision {HOSTILE}", source="leader", decided_on="2026-11-10",
                                     leader=HOSTILE, summary=HOSTILE, source_ref=HOSTILE).ref
    ref = registry.objective_add(boss, decision, f"Objective {HOSTILE}", lead=f"Unit {HOSTILE}", deadline="2026-11-18",
                                 detail=HOSTILE).ref
    steps.assign(boss, ref, note=HOSTILE)
    mallory = Session(store.connect(demo_db), "mallory")
    steps.accept(mallory, ref, note=HOSTILE)
    steps.progress(mallory, ref, percent=10, text=HOSTILE, next_step=HOSTILE, problems=HOSTILE, help_needed=HOSTILE)
    steps.note(boss, ref, text=f"Note {HOSTILE}")
    steps.inspect(boss, ref, finding=HOSTILE, verdict="off-track")
    return demo_db, decision, ref


def rendered(app: SuperviserApp) -> str:
    svg = app.export_screenshot()
    return svg.replace("&#160;", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def assert_safe(app: SuperviserApp, *expected: str) -> None:
    assert app.is_running, "the app quit: markup in user text ran an action"
    out = rendered(app)
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    for text in expected:
        assert text in out, f"{text!r} not on screen"


async def visit(pilot, action) -> None:
    action()
    await settle(pilot)


async def test_every_screen_shows_hostile_text_as_text(hostile_db):
    path, decision, ref = hostile_db
    app = make_app(path)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        # dashboard: overdue panel (a half-width panel: the lead unit's name, as long, has a third of the room)
        assert_safe(app, "Objective [@click=app.quit]x")
        await visit(pilot, lambda: app.switch_mode("decisions"))
        assert_safe(app, "Decision [@click=app.quit]x[/]")
        await visit(pilot, lambda: app.open_decision(decision))
        assert_safe(app, f"Decision {SHOWN}", SHOWN)
        await visit(pilot, lambda: app.open_objective(ref))
        assert_safe(app, f"Objective {SHOWN}", f"Unit {SHOWN}", f"Note {SHOWN}")
        await pilot.press("n")  # a form carries the title in its intro
        await settle(pilot)
        assert_safe(app, f"Objective {SHOWN}")
        await pilot.press("escape")
        await visit(pilot, lambda: app.switch_mode("units"))
        assert_safe(app, "Unit [@click=app.quit]x[/]")
        await visit(pilot, lambda: app.switch_mode("deadlines"))
        assert_safe(app, "Objective [@click=app.quit]x[/]")
        await visit(pilot, lambda: app.switch_mode("log"))
        assert_safe(app, "Note [@click=app.quit]x[/]")
        from screens.people import PeopleScreen

        await visit(pilot, lambda: app.push_screen(PeopleScreen()))
        assert_safe(app, "Mallory [@click=app.quit]x[/]")
        await pilot.press("escape")
        await visit(pilot, lambda: app.start_review())
        await settle(pilot)
        assert_safe(app)


async def test_palette_shows_hostile_titles_as_text(hostile_db):
    path, _decision, _ref = hostile_db
    app = make_app(path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Objective")
        await pilot.pause(0.5)
        await settle(pilot)
        assert_safe(app, "[@click=app.quit]x[/]")


async def test_clicking_the_title_does_not_run_an_action(hostile_db):
    path, _decision, ref = hostile_db
    app = make_app(path)
    async with app.run_test(size=(200, 50)) as pilot:
        await visit(pilot, lambda: app.open_objective(ref))
        await pilot.click("#objective-title", offset=(20, 0))
        await pilot.click("#objective-title", offset=(15, 0))
        await settle(pilot)
        assert app.is_running
