"""Corrections, rhythms and scores through the app: E opens a form with the current values and
saves one logged correction; Units reach the scores and keep the tree; Deadlines show stages."""

from screens.decision import DecisionScreen
from screens.forms import FormScreen
from screens.objective import ObjectiveScreen
from screens.scores import ScoresScreen, UnitPointsScreen
from screens.units import UnitsScreen
from screens.widgets.paged_table import PagedTable
from superviser import store
from superviser.assessment import periods, scorer
from superviser.read import objectives
from superviser.services import Session, reporting
from tests.app.conftest import capture_notes, make_app, screen_text, settle
from tests.app.test_steps_in_app import fill, last_entry


async def test_e_edits_an_objective_from_its_current_values(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        before = objectives.get(store.connect(demo_db), "2026-020.1")
        await pilot.press("E")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#field-title").value == before["title"]
        assert form.query_one("#field-priority").value == before["priority"]
        await fill(pilot, title="A corrected title")
        assert isinstance(app.screen, ObjectiveScreen), screen_text(app)
        entry = last_entry(demo_db)
        assert entry["action"] == "objective.edit"
        assert entry["changes"][f"objectives#{before['id']}.title"] == [before["title"], "A corrected title"]
        assert "co_units" not in str(entry["changes"])  # what was left as it was is not touched
        await settle(pilot)
        assert "A corrected title" in screen_text(app)


async def test_a_correction_to_a_stale_objective_is_refused_in_the_form(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        from superviser.services import steps

        steps.note(Session(store.connect(demo_db), "boss"), "2026-020.1", text="meanwhile")
        before = last_entry(demo_db)["seq"]
        await fill(pilot, title="Too late")
        assert isinstance(app.screen, FormScreen)
        assert "changed since you looked at it" in str(app.screen.query_one("#form-error").render())
        assert last_entry(demo_db)["seq"] == before


async def test_e_edits_a_decision(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_decision("2026-001")
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        await fill(pilot, leader="Director Qian")
        entry = last_entry(demo_db)
        assert entry["action"] == "decision.edit" and entry["changes"]["decisions#1.version"] == [1, 2]
        await settle(pilot)
        assert "Director Qian" in screen_text(app)


async def test_a_liaison_is_told_why_not(demo_db):
    app = make_app(demo_db, login="wang.lei")
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_decision("2026-001")
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert any("only a director or supervisor" in n for n in notes), notes


async def test_scores_from_units_down_to_the_points(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ScoresScreen)
        expected = scorer.scores(store.connect(demo_db), periods.current_quarter())
        shown = app.screen.table.rows_loaded
        assert [(u.name, u.score, u.rank) for u in shown] == [(u.name, u.score, u.rank) for u in expected.units]
        assert "Rules in force on 2026-11-20" in screen_text(app)
        last = max(range(len(shown)), key=lambda i: len(shown[i].points))
        app.screen.table.move_cursor(row=last)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, UnitPointsScreen)
        points = app.screen.table.rows_loaded
        assert [(p.seq, p.points) for p in points] == [(p.seq, p.points) for p in shown[last].points]
        assert f"{shown[last].name}: {shown[last].score:g}" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "2026Q3" in screen_text(app)
        notes = capture_notes(app)
        for _step in range(4 * 27):  # back past 2000Q1: refused where it would go beyond, the app goes on
            await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "2000Q1" in screen_text(app) and any("outside the years 2000 to 2100" in n for n in notes), notes


async def test_a_period_typed_wrongly_is_named_in_the_form_which_stays(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ScoresScreen())
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await fill(pilot, period="2026Q5")
        form = app.screen
        assert isinstance(form, FormScreen), screen_text(app)
        assert "2026Q5 is not a period" in str(form.query_one("#error-period").render())
        await fill(pilot, period="2026-10")
        assert isinstance(app.screen, ScoresScreen) and "2026-10" in screen_text(app)


async def test_units_keep_the_tree_in_the_app(demo_db):
    app = make_app(demo_db)
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, UnitsScreen)
        await pilot.press("delete")  # the first unit leads open objectives
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "still leads open objectives" in str(app.screen.query_one("#form-error").render())
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await fill(pilot, name="Audit Office", parent="")
        assert last_entry(demo_db)["action"] == "unit.add"
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        table.move_cursor(row=[r["name"] for r in table.rows_loaded].index("Audit Office"))
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("Audit Office deactivated" in n for n in notes), notes
        assert "(deactivated)" in screen_text(app)


async def test_deadlines_show_the_stages(demo_db):
    reporting.rhythm(Session(store.connect(demo_db), "boss"), "2026-020.1", rhythm="stages",
                     milestones=["2026-11-26 Survey of the sites"])
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        rows = app.screen.query_one(PagedTable).rows_loaded
        stage = next(r for r in rows if r.get("milestone"))
        assert (stage["ref"], stage["milestone_title"]) == ("2026-020.1", "Survey of the sites")
        assert "◇ Survey of the sites" in screen_text(app)
        app.open_objective("2026-020.1")
        await settle(pilot)
        assert "Milestones" in screen_text(app) and "by stage, the next by 2026-11-26" in screen_text(app)
