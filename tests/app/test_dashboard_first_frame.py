"""The dashboard's first frame never waits for a query, and its cards say what makes up
each light."""

from concurrent.futures import Future

import pytest

from screens.app import SuperviserApp
from screens.dashboard import LightCard
from screens.widgets.paged_table import PagedTable
from superviser import i18n, store
from superviser.errors import StoreError
from superviser.read.dashboard import dashboard
from superviser.services import Session
from tests.app.conftest import screen_text, settle, table_builds


async def test_the_first_frame_is_drawn_before_the_launchers_read_ends(demo_db):
    i18n.setup("en")
    pending: Future = Future()  # the launcher's read, not done yet
    app = SuperviserApp(Session(store.connect(demo_db), "boss"), prefetched=pending)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        red = app.screen.query_one("#light-red", LightCard)
        assert red.count == 0 and "Overdue" in screen_text(app)  # drawn, numbers to come
        pending.set_result(dashboard(store.connect(demo_db)))
        await settle(pilot)
        assert red.count == 5
        assert [r["ref"] for r in app.screen.query_one("#overdue", PagedTable).rows_loaded][:1] == ["2026-002.2"]


async def test_a_finished_read_is_in_the_first_frame_with_what_makes_up_each_light(demo_db):
    i18n.setup("en")
    done: Future = Future()
    done.set_result(dashboard(store.connect(demo_db)))
    app = SuperviserApp(Session(store.connect(demo_db), "boss"), prefetched=done)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        cards = {card.light: str(card.shown) for card in app.screen.query(LightCard)}
        assert cards["red"].endswith("4 overdue, 1 set red by the office")
        assert cards["grey"].endswith("10 closed, 1 suspended, 1 cancelled")
        # tall enough for the longest explanation at this width: nothing is cut off
        row = app.screen.query_one("#lights")
        assert all(card.lines(card.content_size.width) <= row.size.height - 2 for card in app.screen.query(LightCard))
        await settle(pilot)
        assert app.focused is app.screen.query_one("#light-red")  # once drawn, the first card has the keys


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (119, 40), (120, 40), (121, 40), (160, 50), (200, 60), (80, 60)])
async def test_the_panels_are_filled_before_their_first_layout(demo_db, monkeypatch, size):
    """The dashboard works out how wide its tables will be, so they get their rows (and the
    scrollbars those need) in the first frame, not a frame later; a wrong width would build
    a table again once it has its size."""
    builds = table_builds(monkeypatch)  # (table, whether it had its size)
    i18n.setup("en")
    done: Future = Future()
    done.set_result(dashboard(store.connect(demo_db)))
    app = SuperviserApp(Session(store.connect(demo_db), "boss"), prefetched=done)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        tables = list(app.screen.query(PagedTable))
        assert sorted(builds) == sorted((t.id, False) for t in tables)
        assert all(t.row_count for t in tables)


def test_the_launchers_read_gives_the_dashboards_data_and_the_interpreters_turns_back(demo_db, tmp_path):
    """It reads on a thread of its own with short turns of the interpreter (SQLite lets go of
    it at every row), and puts the usual turns back when it ends, whether it read or failed."""
    import sys

    from superviser.cli.launch import prefetch_dashboard

    usual = sys.getswitchinterval()
    session = Session(store.connect(demo_db), "boss")
    assert prefetch_dashboard(session).result(timeout=10) == dashboard(store.connect(demo_db))
    assert sys.getswitchinterval() == usual
    gone = tmp_path / "gone.db"
    gone.write_bytes(demo_db.read_bytes())
    broken = Session(store.connect(gone), "boss")
    gone.unlink()  # the read reopens the file: it fails
    with pytest.raises(StoreError):  # the file is gone
        prefetch_dashboard(broken).result(timeout=10)
    assert sys.getswitchinterval() == usual
