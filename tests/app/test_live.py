"""Several people at once on one database."""

import asyncio
import os
import subprocess
import sys

import pytest

from screens.dashboard import LightCard
from superviser import journal, store
from tests.app.conftest import make_app, screen_text, settle
from tests.conftest import NOW, ROOT


async def test_a_step_in_one_app_shows_in_the_other_within_two_seconds(demo_db):
    director = make_app(demo_db, login="boss")
    clerk = make_app(demo_db, login="chen.jing")
    async with director.run_test(size=(120, 40)) as one, clerk.run_test(size=(120, 40)) as two:
        director.open_objective("2026-020.1")
        clerk.open_objective("2026-020.1")
        await settle(one)
        await settle(two)
        assert "from the clerk" not in screen_text(director)
        await two.press("n")
        await settle(two)
        clerk.screen.query_one("#field-text").text = "from the clerk"
        await two.press("ctrl+s")
        await settle(two)
        loop = asyncio.get_running_loop()
        started = loop.time()
        while "from the clerk" not in screen_text(director):
            assert loop.time() - started < 2.0, "the change did not arrive within 2 s"
            await asyncio.sleep(0.1)
            await one.pause()
            await director.workers.wait_for_complete()


async def test_dashboard_counts_follow_other_peoples_steps(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        red = app.screen.query_one("#light-red", LightCard)
        assert red.count == 5
        from superviser.services import Session, steps

        steps.light(Session(store.connect(demo_db), "zhao.min"), "2026-020.1", colour="red", reason="worried")
        await pilot.pause(1.3)
        await settle(pilot)
        assert red.count == 6


@pytest.mark.slow
async def test_cli_writers_in_other_processes_while_the_app_is_open(demo_db):
    app = make_app(demo_db)
    env = dict(os.environ, SUPERVISER_USER="chen.jing", PYTHONPATH=str(ROOT))
    before = journal.head(store.connect(demo_db))[0]
    refs = ["2026-020.1", "2026-015.2", "2026-016.1", "2026-007.2"]
    script = (
        "import sys\n"
        "from superviser import clock\n"
        f"clock.freeze(clock.parse_stamp({NOW!r}))\n"
        "from superviser.cli import main\n"
        "for i in range(10):\n"
        "    for ref in sys.argv[2:]:\n"
        "        try:\n"
        "            main(['--db', sys.argv[1], 'note', ref, f'writer {i}'])\n"
        "        except SystemExit as stop:\n"
        "            if stop.code:\n"
        "                raise\n"
    )
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_objective("2026-020.1")
        await settle(pilot)
        writers = [subprocess.Popen([sys.executable, "-c", script, str(demo_db), *refs], cwd=ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        while any(w.poll() is None for w in writers):
            await pilot.press("j")  # the app keeps working meanwhile
            await asyncio.sleep(0.05)
        outputs = [w.communicate() for w in writers]
        assert all(w.returncode == 0 for w in writers), outputs
        assert not any("locked" in out + err for out, err in outputs)
        await pilot.pause(1.3)
        await settle(pilot)
        assert "writer 9" in screen_text(app)
    db = store.connect(demo_db)
    assert journal.head(db)[0] == before + 4 * 10 * len(refs)
    assert journal.audit(db).ok
