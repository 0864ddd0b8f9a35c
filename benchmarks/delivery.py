"""Delivery figures (issue 12): what queuing adds to a step, and the sender's pace
against a local HTTP server playing a WeCom robot.

    python benchmarks/delivery.py              # about half a minute
    python benchmarks/delivery.py --messages 500
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import ROOT, Table, run, superviser


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="superviser-bench-"))
    config_home = folder / "config"
    (config_home / "superviser").mkdir(parents=True, exist_ok=True)
    (config_home / "superviser" / "delivery.toml").write_text(
        "[delivery]\nallow_http_loopback = true\nbatch = 50\n", encoding="utf-8")
    os.environ.update(XDG_CONFIG_HOME=str(config_home), SUPERVISER_USER="boss", PYTHONPATH=str(ROOT))

    from superviser.changes import write
    from superviser.delivery import config, outbox
    from superviser.read import objectives
    from superviser.services import contacts
    from tests.conftest import make_office
    from tests.delivery_fakes import RobotServer

    path = folder / "delivery.db"
    for old in folder.glob("delivery.db*"):
        old.unlink()
    office = make_office(path)
    refs = [office.objective(title=f"Objective {n}", status="in_progress") for n in range(args.messages)]
    with RobotServer({"benchkey-0123456789": None}) as robots:
        allow = config.Config(allow_http_loopback=True)
        contacts.channel_add(office.director, "Finance", "wecom",
                             webhook=f"{robots.base}/cgi-bin/webhook/send?key=benchkey-0123456789", config=allow)
        contacts.channel_add(office.director, "Finance", "mail", address="finance@example.org")
        contacts.person_contact(office.director, "li", email="li@example.org")
        timings = []
        for ref in refs:
            objective = objectives.get(office.director.db, ref)
            started = time.perf_counter()
            with write(office.director) as changes:
                outbox.queue(changes, "urge", objective, actor_login="boss", text="Report by Friday", level=2)
                changes.log("urge", objective_id=objective["id"])
            timings.append(time.perf_counter() - started)
        with write(office.director) as changes:  # mail: left out of this measure (no SMTP server here)
            for (outbox_id,) in office.director.db.conn.execute("SELECT id FROM outbox WHERE channel = 'mail'").fetchall():
                changes.update("outbox", outbox_id, {"status": "cancelled"})
            changes.log("deliver.requeue", detail="benchmark: mail left out")
        sending = run(superviser(path, "deliver"), env=dict(os.environ))[0]
        idle = [run(superviser(path, "deliver"), env=dict(os.environ))[0] for _ in range(5)]
        notice = [run(superviser(path, "notice", refs[0], "--new", "-o", str(folder / f"n{i}.docx")),
                      env=dict(os.environ))[0] for i in range(3)]
        assert len(robots.received) == args.messages, len(robots.received)
    table = Table(f"Delivery ({args.messages} urges, each queued for a WeCom robot and two mailboxes)")
    table.add("queue() inside an urge's transaction (in process)", "", timings, None, "< 0.01")
    table.add(f"deliver: {args.messages} robot messages (whole process)", "", [sending], None, "—")
    table.add("deliver with nothing due (cron, whole process)", "", idle, None, "< 0.3")
    table.add("notice REF -o FILE (whole process)", "", notice, None, "< 1")
    table.print("none")
    print(f"The sender's pace: {args.messages / sending:.0f} robot messages a second.")


if __name__ == "__main__":
    main()
