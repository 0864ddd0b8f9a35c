"""Export from the app: e, a dialog with the scope and the format, the file saved where asked."""

import asyncio

from openpyxl import load_workbook
from textual.widgets import Input, Select

from screens.forms import FormScreen
from superviser import store
from superviser.read import log
from tests.app.conftest import capture_notes, make_app, settle


async def open_export(pilot):
    """The export form, opened with its key once the screen has settled."""
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    return pilot.app.screen


async def until(pilot, done, tries: int = 100):
    """Let the app work (an export runs in a worker) until ``done()``, or give up after ``tries``."""
    for _ in range(tries):
        await settle(pilot)
        if done():
            return
        await asyncio.sleep(0.05)


async def test_export_dialog_saves_the_file(demo_db, tmp_path):
    app = make_app(demo_db)
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-002.2")
        form = await open_export(pilot)
        assert isinstance(form, FormScreen)
        assert form.query_one("#field-decision", Input).value == "2026-002"  # the scope follows the screen
        form.query_one("#field-format", Select).value = "xlsx"
        form.query_one("#field-folder", Input).value = str(tmp_path)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any(n.startswith("Saved ") for n in notes))
    saved = list(tmp_path.glob("superviser-ledger-*.xlsx"))
    assert len(saved) == 1
    rows = list(load_workbook(saved[0])["Ledger"].iter_rows(values_only=True))
    assert {r[1] for r in rows[4:]} == {"2026-002"} and len(rows[4:]) == 3
    entry = log.entries(store.connect(demo_db), limit=1)[0]
    assert entry["action"] == "export" and entry["actor"] == "boss" and "2026-002" in entry["detail"]


async def test_a_viewer_may_export_a_stranger_may_not(demo_db, tmp_path):
    app = make_app(demo_db, login="visitor")
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert any("superviser person add visitor" in n for n in notes)


async def test_through_the_service_account_nothing_is_saved_on_the_server(demo_db, tmp_path):
    """Over SSH (shell --as) a file saved "here" would land in the service account's folders."""
    from superviser import identity

    identity.confine("ssh")
    app = make_app(demo_db)
    notes = capture_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert any("-o - > bulletin.docx" in n for n in notes)
    assert log.entries(store.connect(demo_db), limit=1)[0]["action"] != "export"


async def test_in_a_browser_the_export_downloads(demo_db, tmp_path, monkeypatch):
    from screens.app import SuperviserApp

    monkeypatch.setattr(SuperviserApp, "is_web", property(lambda self: True))
    app = make_app(demo_db)
    delivered = []
    app.deliver_binary = lambda data, **kw: delivered.append((data.read(), kw))
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_export(pilot)
        form.query_one("#field-format", Select).value = "csv"
        folder = tmp_path / "exports"
        folder.mkdir()
        form.query_one("#field-folder", Input).value = str(folder)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: delivered)
    data, options = delivered[0]
    assert data.startswith("\ufeff".encode()) and "2026-002.2" in data.decode("utf-8-sig")
    assert options["save_filename"].startswith("superviser-ledger-") and options["save_filename"].endswith(".csv")
    assert list(folder.iterdir()) == []  # nothing left on the server
    assert log.entries(store.connect(demo_db), limit=1)[0]["action"] == "export"


async def test_the_export_shows_its_progress_in_a_bar_while_the_app_goes_on(demo_db, tmp_path, monkeypatch):
    from textual.widgets import ProgressBar

    shown = []
    handled = FormScreen.on_progressed

    def watched(form, message):
        handled(form, message)
        bar = form.query_one("#form-progress", ProgressBar)
        shown.append((bar.display, bar.progress, bar.total))

    monkeypatch.setattr(FormScreen, "on_progressed", watched)
    app = make_app(demo_db)
    notes = capture_notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_export(pilot)
        assert not form.query_one("#form-progress", ProgressBar).display  # nothing to show yet
        form.query_one("#field-format", Select).value = "xlsx"
        form.query_one("#field-folder", Input).value = str(tmp_path)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any(n.startswith("Saved ") for n in notes))
    assert len(list(tmp_path.glob("superviser-ledger-*.xlsx"))) == 1
    assert len(shown) >= 2 and all(display for display, _done, _total in shown), shown
    assert [done for _display, done, _total in shown] == sorted(done for _display, done, _total in shown)
    assert shown[-1][1] == shown[-1][2] == 1000


async def test_escape_during_an_export_cancels_it_and_leaves_nothing(demo_db, tmp_path, monkeypatch):
    import threading

    from superviser.exports import run

    reading, escaped = threading.Event(), threading.Event()
    built = run.build

    def slow_build(*args, **kwargs):  # the export holds here until Escape was pressed
        reading.set()
        escaped.wait(10)
        return built(*args, **kwargs)

    monkeypatch.setattr(run, "build", slow_build)
    folder = tmp_path / "exports"
    folder.mkdir()
    app = make_app(demo_db)
    notes = capture_notes(app)
    head = log.entries(store.connect(demo_db), limit=1)[0]["seq"]
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_export(pilot)
        form.query_one("#field-format", Select).value = "xlsx"
        form.query_one("#field-folder", Input).value = str(folder)
        await pilot.press("ctrl+s")
        while not reading.is_set():
            await asyncio.sleep(0.01)
        await pilot.press("escape")
        assert app.screen is form  # until the work has stopped: "cancelled" must be true when said
        escaped.set()
        await until(pilot, lambda: app.screen is not form)
        assert app.screen is not form
        assert notes == ["Export cancelled; no file was saved"]
    assert list(folder.iterdir()) == []  # no file, no partial or staged one
    assert log.entries(store.connect(demo_db), limit=1)[0]["seq"] == head  # no export entry


async def test_a_wrong_period_or_folder_is_named_under_its_field_and_nothing_is_saved(demo_db, tmp_path):
    (folder := tmp_path / "out").mkdir()
    a_file = folder / "notes.txt"
    a_file.write_text("mine")
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_export(pilot)
        head = log.entries(store.connect(demo_db), limit=1)[0]["seq"]
        form.query_one("#field-since", Input).value = "2026-11-30"
        form.query_one("#field-until", Input).value = "2026-11-01"
        form.query_one("#field-folder", Input).value = str(folder)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "is before" in str(form.query_one("#error-until").render()))
        assert "2026-11-01 is before 2026-11-30" in str(form.query_one("#error-until").render())
        form.query_one("#field-until", Input).value = ""
        form.query_one("#field-folder", Input).value = str(a_file)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "is a file" in str(form.query_one("#error-folder").render()))
        assert app.screen is form and f"{a_file} is a file, not a folder" in str(form.query_one("#error-folder").render())
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert log.entries(store.connect(demo_db), limit=1)[0]["seq"] == head
