"""The dashboard's first frame never waits for a query, and its cards say what makes up
each light."""

from concurrent.futures import Future

from screens.app import SuperviserApp
from screens.dashboard import LightCard
from screens.widgets.paged_table import PagedTable
from superviser import i18n, store
from superviser.read.dashboard import dashboard
from superviser.services import Session
from tests.app.conftest import screen_text, settle


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
