"""Steps through the app: key → form → service → log → the screen shows the change."""

import pytest
from textual.widgets import Button, Input, Select, TextArea

from screens.forms import FormScreen
from screens.objective import ObjectiveScreen
from superviser import store
from superviser.read import log, objectives
from superviser.services import Session, steps
from tests.app.conftest import capture_notes, make_app, screen_text, settle


def last_entry(path):
    return log.entries(store.connect(path), limit=1)[0]


def state(path, ref):
    return objectives.get(store.connect(path), ref)


async def fill(pilot, **values):
    """Put values into the open form's fields (by key) and save with ctrl+s."""
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    for key, value in values.items():
        widget = form.query_one(f"#field-{key}")
        if isinstance(widget, TextArea):
            widget.text = value
        elif isinstance(widget, Select):
            widget.value = value
        else:
            widget.value = value
    await pilot.press("ctrl+s")
    await settle(pilot)


# key, objective in a state that allows the step, the fields, the action logged, a check on the objective after
STEPS = [
    ("a", "2026-024.1", {}, "assign", lambda o: o["status"] == "assigned"),
    ("y", "2026-023.1", {"note": "on it"}, "accept", lambda o: o["status"] == "accepted"),
    ("r", "2026-021.2", {"reason": "not ours"}, "return", lambda o: o["status"] == "returned"),
    ("t", "2026-020.1", {"to": "Policy and Planning Department", "reason": "theirs"}, "transfer",
     lambda o: o["lead_unit"] == "Policy and Planning Department"),
    ("p", "2026-020.1", {"percent": "75", "text": "three quarters"}, "progress", lambda o: o["percent"] == 75),
    ("c", "2026-020.1", {"text": "report please"}, "urge", lambda o: o["urge_count"] == 1),
    ("i", "2026-020.1", {"finding": "seen", "verdict": "at-risk"}, "inspect", lambda o: True),
    ("x", "2026-020.1", {"to": "2027-02-01", "reason": "more time"}, "extend.request",
     lambda o: o["extension_to"] == "2027-02-01"),
    ("X", "2026-004.3", {}, "extend.approve", lambda o: o["deadline"] == "2026-12-18"),
    ("R", "2026-004.3", {"reason": "no"}, "extend.reject", lambda o: o["deadline"] != "2026-12-18"),
    ("d", "2026-020.1", {"text": "finished"}, "complete", lambda o: o["status"] == "submitted"),
    ("v", "2026-005.1", {}, "verify", lambda o: o["status"] == "closed"),
    ("b", "2026-005.1", {"reason": "photos missing"}, "sendback", lambda o: o["status"] == "in_progress"),
    ("S", "2026-020.1", {"reason": "waiting"}, "suspend", lambda o: o["status"] == "suspended"),
    ("C", "2026-020.1", {"reason": "moot"}, "cancel", lambda o: o["status"] == "cancelled"),
    ("o", "2026-007.1", {"reason": "again"}, "reopen", lambda o: o["status"] == "in_progress"),
    ("n", "2026-020.1", {"text": "called them"}, "note", lambda o: True),
    ("L", "2026-020.1", {"colour": "red", "reason": "leader worried"}, "light", lambda o: o["light"] == "red"),
]


@pytest.mark.parametrize("key,ref,values,action,check", STEPS, ids=[s[3] for s in STEPS])
async def test_each_step_from_the_objective_screen(demo_db, key, ref, values, action, check):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective(ref)
        await settle(pilot)
        before = last_entry(demo_db)["seq"]
        await pilot.press(key)
        await settle(pilot)
        await fill(pilot, **values)
        assert isinstance(app.screen, ObjectiveScreen), screen_text(app)
        entry = last_entry(demo_db)
        assert entry["seq"] == before + 1 and entry["action"] == action and entry["actor"] == "boss"
        assert check(state(demo_db, ref))
        await settle(pilot)
        assert f"#{entry['seq']}" in screen_text(app)  # the screen shows the new log entry


async def test_a_part_of_a_units_name_as_completion_offers_it(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await fill(pilot, to="Station", reason="theirs")
        form = app.screen
        assert isinstance(form, FormScreen) and "could be" in str(form.query_one("#error-to").render())
        await fill(pilot, to="policy and")
        assert isinstance(app.screen, ObjectiveScreen), screen_text(app)
        assert state(demo_db, "2026-020.1")["lead_unit"] == "Policy and Planning Department"


async def test_the_cancel_form_says_which_button_cancels_the_objective(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert [str(b.label) for b in form.query(Button)] == ["Cancel objective", "Cancel"]


async def test_escape_asks_once_before_it_throws_away_what_was_typed(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: it simply closes
        await settle(pilot)
        assert isinstance(app.screen, ObjectiveScreen)
        await pilot.press("p")
        await settle(pilot)
        form = app.screen
        form.query_one("#field-text", TextArea).text = "Half the pipes are laid"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form and "esc again" in str(form.query_one("#form-error").render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ObjectiveScreen)


async def test_refused_step_shows_the_reason(demo_db):
    app = make_app(demo_db)
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-020.1")  # in progress
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        said = [n for n in notes if "cannot accept while it is in progress" in n and "possible now" in n]
        assert len(said) == 1, notes  # (once: two notices would cover half of a small screen)


async def test_a_step_the_core_would_refuse_is_not_offered_and_says_why(demo_db):
    app = make_app(demo_db)
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-002.2")  # overdue: an extension is too late
        await settle(pilot)
        enabled = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
        assert "step('extend.request')" not in enabled and "step('urge')" in enabled
        await pilot.press("x")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert any("has passed" in n for n in notes)


async def test_refusal_from_the_service_shows_in_the_form(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        before = last_entry(demo_db)["seq"]
        await pilot.press("x")
        await settle(pilot)
        await fill(pilot, to="2026-11-01", reason="earlier")
        assert isinstance(app.screen, FormScreen)
        assert "not later than the current deadline" in str(app.screen.query_one("#error-to").render())
        assert last_entry(demo_db)["seq"] == before


async def test_validation_shows_next_to_the_field_and_writes_nothing(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        before = last_entry(demo_db)["seq"]
        await pilot.press("p")
        await settle(pilot)
        await fill(pilot, percent="140", text="")
        form = app.screen
        assert isinstance(form, FormScreen)
        assert "0 to 100" in str(form.query_one("#error-percent").render())
        assert "must not be empty" in str(form.query_one("#error-text").render())
        assert last_entry(demo_db)["seq"] == before
        await pilot.press("escape", "escape")  # (once more: something was typed)
        await settle(pilot)
        assert isinstance(app.screen, ObjectiveScreen)
        assert last_entry(demo_db)["seq"] == before


async def test_cancel_button_leaves_without_a_change(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        before = last_entry(demo_db)["seq"]
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#field-text", TextArea).text = "never saved"
        await pilot.click("#cancel")
        await settle(pilot)
        assert isinstance(app.screen, ObjectiveScreen) and last_entry(demo_db)["seq"] == before


async def test_conflict_when_someone_else_changed_it(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        other = Session(store.connect(demo_db), "chen.jing")
        steps.urge(other, "2026-020.1", text="from another desk")
        await fill(pilot, text="based on what I saw")
        assert isinstance(app.screen, FormScreen)
        assert "changed since you looked at it" in screen_text(app) and "chen.jing" in screen_text(app)
        await pilot.press("escape", "escape")  # (once more: something was typed)
        await pilot.pause(1.2)  # the change poll
        await settle(pilot)
        assert "from another desk" in screen_text(app)


async def test_liaison_sees_only_their_steps(demo_db):
    app = make_app(demo_db, login="li.na")  # liaison of the Work Safety Department
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-021.1")  # Work Safety leads it; accepted
        await settle(pilot)
        shown = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
        assert "step('progress')" in shown and "step('complete')" in shown
        assert "step('urge')" not in shown and "step('verify')" not in shown
        await pilot.press("c")
        await settle(pilot)
        assert any("only a director or supervisor may do this (you are a liaison)" in n for n in notes)


async def test_a_login_not_among_the_people_reads_but_cannot_act(demo_db):
    app = make_app(demo_db, login="visitor")
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert any("not among the people" in n for n in notes)
        app.open_objective("2026-020.1")
        await settle(pilot)
        shown = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
        assert not any(action.startswith("step(") for action in shown)
        await pilot.press("n")
        await settle(pilot)
        assert any("superviser person add visitor" in n for n in notes)


async def test_register_a_decision_and_an_objective(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await fill(pilot, title="Snow clearing plan", source="leader", leader="Director Zhao")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "DecisionScreen" and app.screen.ref == "2026-025"
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        lead = form.query_one("#field-lead", Input)
        lead.focus()
        await pilot.press(*"Fin")
        await pilot.pause(0.2)
        assert "Finance Department" in str(form.query_one("#matches-lead").render())
        await pilot.press("right")  # accept the suggestion
        assert lead.value == "Finance Department"
        await fill(pilot, title="Buy salt", co="East Station, West Station", deadline="+10d")
        item = state(demo_db, "2026-025.1")
        assert item["status"] == "assigned" and item["co_units"] == ["East Station", "West Station"]
        assert item["deadline"] == "2026-11-30"


async def test_undo_my_last_step_here(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await fill(pilot, text="oops")
        assert state(demo_db, "2026-020.1")["urge_count"] == 1
        await pilot.press("u")
        await settle(pilot)
        await fill(pilot)
        assert state(demo_db, "2026-020.1")["urge_count"] == 0
        assert last_entry(demo_db)["action"] == "undo"


async def test_undo_twice_offers_the_step_before_the_one_undone(demo_db):
    """u after an undo: the step already undone is not offered again (saving it would be
    refused), my step before it is."""
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        for text in ("first", "second"):
            await pilot.press("c")
            await settle(pilot)
            await fill(pilot, text=text)
        first = log.entries(store.connect(demo_db), limit=2)[1]["seq"]
        await pilot.press("u")
        await settle(pilot)
        await fill(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert f"#{first}" in screen_text(app)
        await fill(pilot)
        assert isinstance(app.screen, ObjectiveScreen)
        assert state(demo_db, "2026-020.1")["urge_count"] == 0
        assert last_entry(demo_db)["changes"]["undo.of"][1] == first


async def test_undo_says_why_when_my_unit_no_longer_has_the_objective(demo_db):
    """Gao Yan (North Station) accepted 2026-002.2 and reported on it; it went to East Station:
    u says why she may not undo there, and opens no form that saving would refuse."""
    steps.transfer(Session(store.connect(demo_db), "zhao.min"), "2026-002.2", to="East Station", reason="theirs")
    app = make_app(demo_db, login="gao.yan")
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-002.2")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ObjectiveScreen)
        assert any("not your unit's objective" in n for n in notes), notes
