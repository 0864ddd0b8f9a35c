"""The daily review's summary, saved as Markdown, respects the service account: over SSH a
file saved "here" would stay on the server, so nothing is written and the person is told
how to take it with them (the export dialog does the same)."""

from screens.review_summary import ReviewSummary
from superviser import identity
from tests.app.conftest import capture_notes, make_app, settle
from tests.app.test_review import open_review


async def test_over_ssh_the_summary_is_not_saved_on_the_server(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    identity.confine("ssh")
    app = make_app(demo_db)
    notes = capture_notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(pilot)
        await pilot.press("m", "f")
        await settle(pilot)
        assert isinstance(app.screen, ReviewSummary)
        await pilot.press("w")
        await settle(pilot)
        assert any("would stay on the server" in n and "press y" in n for n in notes), notes
    assert not list(tmp_path.glob("superviser-review-*"))
