"""What used to take the app down: a list's second page, another process importing while the
log is open, absurd dates in the log filter, a refusal inside a worker, a bug in a worker."""

import os
import subprocess
import sys

from screens.forms import FormScreen
from screens.review import ReviewScreen
from superviser import crash, journal, store
from superviser.read.objectives import Filter
from superviser.services import Session
from superviser.services import review as review_service
from tests.app.conftest import capture_notes, make_app, screen_text, settle
from tests.conftest import NOW, ROOT


def add_objectives(path, size: int) -> None:
    from benchmarks import synthetic

    synthetic.add(path, size)


async def test_lists_page_past_their_first_page(demo_db):
    add_objectives(demo_db, 300)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        for section in ("5", "2"):  # the log, then the decisions
            await pilot.press(section)
            await settle(pilot)
            for _ in range(6):
                await pilot.press(*["j"] * 15)
                await settle(pilot)
            assert app.is_running
        app.open_objectives(Filter(), "All")
        await settle(pilot)
        for _ in range(6):
            await pilot.press(*["j"] * 15)
            await settle(pilot)
        count = str(app.screen.query_one("#count").render())
        assert app.is_running and " of " in count and int(count.split(" of ")[0].replace(",", "")) > 80


async def test_the_log_stays_open_while_another_process_imports(demo_db, tmp_path):
    ledger = tmp_path / "ledger.csv"
    rows = ["title,lead,deadline"] + [f"Imported {i},Finance Department,2026-12-{1 + i % 28:02d}" for i in range(300)]
    ledger.write_text("\n".join(rows), encoding="utf-8")
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("j", "j", "j")
        done = subprocess.run([sys.executable, "-m", "tests.frozen", NOW, "--", "--db", str(demo_db), "import",
                               str(ledger)], capture_output=True, text=True, cwd=ROOT,
                              env=dict(os.environ, PYTHONPATH=str(ROOT), SUPERVISER_USER="boss"))
        assert done.returncode == 0, done.stderr
        await pilot.pause(1.5)
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        assert app.is_running and "import" in screen_text(app)


async def test_the_log_filter_refuses_absurd_dates_under_the_field(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#field-since").value = "0001-01-01"
        app.screen.query_one("#field-until").value = "9999-12-31"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen) and app.is_running
        assert "outside the years 2000 to 2100" in str(app.screen.query_one("#error-since").render())


async def test_a_review_finished_elsewhere_is_said_in_the_cores_words(demo_db):
    app = make_app(demo_db)
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        other = Session(store.connect(demo_db), "boss")  # the same person, in a second session
        review_service.finish(other, app.screen.review["id"])
        await pilot.press("f")
        await settle(pilot)
        assert app.is_running and not isinstance(app.screen, ReviewScreen)
        assert any("this review is finished" in note for note in notes)


async def test_a_bug_in_a_worker_is_logged_and_the_app_carries_on(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    from superviser.read import objectives

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(objectives, "detail", broken)
    app = make_app(demo_db)
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        assert app.is_running
    log = crash.log_path()
    assert str(log).startswith(str(tmp_path)) and "ZeroDivisionError: a bug" in log.read_text(encoding="utf-8")
    assert any("ZeroDivisionError" in note and str(log) in note for note in notes)
    assert journal.audit(store.connect(demo_db)).ok


async def test_a_bug_in_a_forms_step_leaves_the_form_to_the_person(demo_db, tmp_path, monkeypatch):
    """Not stuck at "saving…": told it was not saved, they may change a field and try again."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    tries = []

    def step(_session, values):
        tries.append(values)
        raise ZeroDivisionError("a bug")

    from superviser.fields import Field

    app = make_app(demo_db)
    notes = capture_notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(FormScreen("A step", [Field("text", "text", "line", required=True)], step,
                                   initial={"text": "once"}))
        await settle(pilot)
        for _attempt in range(2):
            await pilot.press("ctrl+s")
            await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and not form.busy and len(tries) == 2
        assert "not saved" in screen_text(app) and any("ZeroDivisionError" in n for n in notes)
