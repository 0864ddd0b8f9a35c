"""Who may do what, through the app: every step key on the objective screen, for every role.

A step this person may take opens its form and shows in the key bar; any other says why
it is refused (in the core's words) and is not offered.
"""

import pytest

from screens.forms import FormScreen
from screens.objective import ObjectiveScreen
from screens.steps import STEP_KEYS
from screens.widgets.key_bar import KeyBar
from tests.app.conftest import capture_notes, make_app, settle
from tests.test_roles import PEOPLE, STEPS, allowed, prepare, refusal_says


def core_step(step: str) -> str:
    return "extend.approve" if step == "extend.decide" else step


@pytest.mark.parametrize("who", sorted(PEOPLE))
async def test_every_step_key_for_every_role(office, who):
    objectives = {s.step: prepare(office, STEPS[core_step(s.step)][0]) for s in STEP_KEYS}
    app = make_app(office.path, login=who)
    notes = capture_notes(app)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        for spec in STEP_KEYS:
            app.open_objective(objectives[spec.step])
            await settle(pilot)
            assert isinstance(app.screen, ObjectiveScreen)
            offered = str(app.screen.query_one(KeyBar).render())
            notes.clear()
            await pilot.press(spec.key)
            await settle(pilot)
            if allowed(core_step(spec.step), who):
                assert isinstance(app.screen, FormScreen), (spec.step, notes)
                assert f"{spec.key} {spec.label}" in offered
                await pilot.press("escape")
                await settle(pilot)
            else:
                assert not isinstance(app.screen, FormScreen), spec.step
                assert any(refusal_says(core_step(spec.step), who) in n for n in notes), (spec.step, notes)
                assert f"{spec.key} {spec.label}" not in offered
