"""Save the README's screenshots (SVG) from the app, on the demo office of 20 November 2026.

    python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["TZ"] = "UTC"
time.tzset()

from superviser import clock, i18n, store  # noqa: E402 (after the time zone is set)
from superviser.demo import build_office  # noqa: E402
from superviser.services import Session  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
clock.freeze(clock.parse_stamp("2026-11-20T09:00:00Z"))

SCENES = [
    ("dashboard", "en", (120, 40), None, ()),
    ("objective", "en", (120, 40), lambda app: app.open_objective("2026-002.2"), ()),
    ("decision", "en", (120, 40), lambda app: app.open_decision("2026-001"), ()),
    ("review", "en", (120, 40), lambda app: app.start_review(), ()),
    ("form", "en", (80, 24), lambda app: app.open_objective("2026-020.1"), ("p",)),
    ("dashboard-zh", "zh_CN", (120, 40), None, ()),
    ("deadlines-zh", "zh_CN", (80, 24), lambda app: app.switch_mode("deadlines"), ()),
]


async def shoot(path: Path, name: str, lang: str, size, action, keys) -> None:
    from screens.app import SuperviserApp

    i18n.setup(lang)
    app = SuperviserApp(Session(store.connect(path), "boss"))
    async with app.run_test(size=size) as pilot:
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        if action:
            action(app)
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        if keys:
            await pilot.press(*keys)
            await pilot.pause(0.3)
        app.save_screenshot(filename=f"{name}.svg", path=str(OUT))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        databases = {}
        for lang in ("en", "zh_CN"):
            i18n.setup(lang)
            databases[lang] = Path(folder) / f"demo-{lang}.db"
            build_office(databases[lang], "boss")
        for name, lang, size, action, keys in SCENES:
            asyncio.run(shoot(databases[lang], name, lang, size, action, keys))
            print(OUT / f"{name}.svg")


if __name__ == "__main__":
    main()
