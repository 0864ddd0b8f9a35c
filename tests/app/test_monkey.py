"""A monkey at the keyboard: long seeded random key sequences on every screen, at 80x24 and
120x40, on an office large enough to page (hundreds of decisions and thousands of objectives),
while another process keeps writing. The app never quits on its own, and no bug reaches the
error log."""

import os
import random
import shutil
import subprocess
import sys

import pytest

from superviser import crash, store
from tests.app.conftest import make_app, settle
from tests.conftest import NOW, ROOT

# Every key some screen binds, keys that move and edit, and letters and digits to type into
# forms and filters; not the keys that quit on purpose (q, ctrl+q, ctrl+c).
KEYS = (list("1234512345abcdefghijklmnoprstuvwxyzABCDGLPSVX0689jjjjkkkk/?.-,")
        + ["enter"] * 6 + ["escape"] * 6 + ["backspace"] * 3
        + ["tab", "shift+tab", "space", "up", "down", "left", "right", "pageup", "pagedown", "home", "end",
           "delete", "ctrl+s", "ctrl+p", "f1", "question_mark", "slash"])
PRESSES = 500


@pytest.fixture(scope="session")
def big_office(tmp_path_factory, demo_template):
    path = tmp_path_factory.mktemp("monkey") / "big.db"
    shutil.copy(demo_template["en"], path)
    from benchmarks import synthetic

    synthetic.add(path, 7000)
    return path


@pytest.mark.slow
@pytest.mark.parametrize(("size", "seed"), [((80, 24), 8), ((120, 40), 24)], ids=["80x24", "120x40"])
async def test_random_keys_never_take_the_app_down(big_office, tmp_path, monkeypatch, size, seed):
    path = tmp_path / "office.db"
    shutil.copy(big_office, path)
    monkeypatch.setenv("HOME", str(tmp_path))  # exports and summaries the monkey saves land here
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.frozen", NOW, "--module", "tests.concurrent_worker", "--", str(path), "boss",
         "100000", str(seed), str(tmp_path / "writer.json")],
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    rng = random.Random(seed)
    pressed: list[str] = []
    try:
        app = make_app(path)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            for burst in range(PRESSES // 10):
                keys = [rng.choice(KEYS) for _ in range(10)]
                pressed += keys
                await pilot.press(*keys)
                await pilot.pause()
                if burst % 5 == 4:
                    await settle(pilot, rounds=1)
                assert app.is_running, f"the app stopped after {pressed[-30:]}"
                log = crash.log_path()
                assert not log.exists(), f"after {pressed[-30:]}:\n{log.read_text(encoding='utf-8')[-3000:]}"
            await settle(pilot)
    finally:
        writer.kill()  # the writer this test started
        writer.wait()
    written = store.connect(path).conn.execute("SELECT count(*) FROM log WHERE detail LIKE 'boss %'").fetchone()[0]
    assert written > 10, "the other process did not write meanwhile"
