"""Who may do what, through the app: every step key on the objective screen, for every role.

A step this person may take opens its form and shows in the key bar; any other says why
it is refused (in the core's words) and is not offered.
"""

import pytest

from screens.forms import FormScreen
from screens.objective import ObjectiveScreen
from screens.widgets.key_bar import KeyBar
from superviser.actions import ACTIONS, OBJECTIVE_STEPS
from tests.app.conftest import capture_notes, make_app, settle
from tests.test_roles import PEOPLE, STEPS, allowed, prepare, refusal_says


@pytest.mark.parametrize("who", sorted(PEOPLE))
async def test_every_step_key_for_every_role(office, who):
    objectives = {a.name: prepare(office, STEPS[a.name][0]) for a in OBJECTIVE_STEPS}
    app = make_app(office.path, login=who)
    notes = capture_notes(app)
    async with app.run_test(size=(220, 40)) as pilot:
        await settle(pilot)
        for action in OBJECTIVE_STEPS:
            app.open_objective(objectives[action.name])
            await settle(pilot)
            assert isinstance(app.screen, ObjectiveScreen)
            offered = str(app.screen.query_one(KeyBar).render())
            notes.clear()
            await pilot.press(action.key)
            await settle(pilot)
            if allowed(action.name, who):
                assert isinstance(app.screen, FormScreen), (action.name, notes)
                assert f"{action.key} {action.title}" in offered
                await pilot.press("escape")
                await settle(pilot)
            else:
                assert not isinstance(app.screen, FormScreen), action.name
                assert any(refusal_says(action.name, who) in n for n in notes), (action.name, notes)
                assert f"{action.key} {action.title}" not in offered


@pytest.mark.parametrize("who", sorted(PEOPLE))
@pytest.mark.parametrize(("section", "key", "title", "step"), [
    ("dashboard", "n", "New decision", "decision.add"),
    ("dashboard", "r", "Review", "review"),
    ("decisions", "n", "New decision", "decision.add"),
])
async def test_section_keys_are_offered_by_role(office, who, section, key, title, step):
    """The dashboard's and the decisions list's own steps: in the key bar only for whom the
    role allows them; pressed by anyone else, the core's refusal, and nothing opens."""
    app = make_app(office.path, login=who)
    notes = capture_notes(app)
    async with app.run_test(size=(220, 40)) as pilot:
        await settle(pilot)
        await app.switch_mode(section)
        await settle(pilot)
        home = app.screen
        offered = str(home.query_one(KeyBar).render())
        notes.clear()
        await pilot.press(key)
        await settle(pilot)
        may = PEOPLE[who] in ACTIONS[step].roles
        assert (f"{key} {title}" in offered) is may, offered
        if may:
            assert app.screen is not home
        else:
            assert app.screen is home
            assert any(refusal_says(step, who) in n for n in notes), notes


@pytest.mark.parametrize("who", sorted(PEOPLE))
@pytest.mark.parametrize(("where", "key", "title", "step"), [
    ("decision", "n", "New objective", "objective.add"),
    ("decision", "E", "Edit decision", "decision.edit"),
    ("scores", "P", "Publish", "score.publish"),
    ("dashboard", "e", "Export", "export"),
    ("objective", "e", "Export", "export"),
])
async def test_screen_keys_are_offered_by_role(office, who, where, key, title, step):
    """A decision's, the scores' and the app's own steps, as on the sections: offered only to
    whom the role allows them (a login not among the people may not export: the export is logged)."""
    from screens.scores import ScoresScreen

    ref = prepare(office, "accepted")
    app = make_app(office.path, login=who)
    notes = capture_notes(app)
    async with app.run_test(size=(220, 40)) as pilot:
        await settle(pilot)
        if where == "decision":
            app.open_decision(ref.rsplit(".", 1)[0])
        elif where == "scores":
            app.push_screen(ScoresScreen())
        elif where == "objective":
            app.open_objective(ref)
        await settle(pilot)
        here = app.screen
        offered = str(here.query_one(KeyBar).render())
        notes.clear()
        await pilot.press(key)
        await settle(pilot)
        role = "liaison" if PEOPLE[who] == "liaison-other" else PEOPLE[who]
        may = role in ACTIONS[step].roles
        assert (f"{key} {title}" in offered) is may, offered
        if may:
            assert app.screen is not here
        else:
            assert app.screen is here
            assert any(refusal_says(step, who) in n for n in notes), notes
