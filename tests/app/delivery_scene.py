"""The demo office with what issue 12 and 11 add, played through the real services: a unit's
mailbox and two group robots (their keys and secret known, to check that no screen shows
them), an urge that queued messages, a sender that sent one, failed one for good and stopped
while sending a third (its delivery unknown), a printed notice, and two recurring matters.

Also a script: ``python -m tests.app.delivery_scene DB`` adds it all to a demo database
(``superviser --db DB demo`` first), to look at the screens with tui-screen."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import timedelta

from superviser import clock, store
from superviser.delivery import sender
from superviser.delivery.config import Config
from superviser.delivery.errors import DeliveryError
from superviser.read import objectives
from superviser.services import Session, contacts, delivery, recurring, steps

REF = "2026-002.2"  # the demo's overdue objective (the objective snapshots show it)
WECOM_KEY = "wecomKEY7f3a9c2e51d84b6f"
DING_TOKEN = "dingTOKEN93c1e8a7b2f64d05"
DING_SECRET = "SECdingSECRET5e2b7c9a1f4d8e36"
SECRETS = (WECOM_KEY, DING_TOKEN, DING_SECRET)


@dataclass
class Scene:
    unit: str
    unit_id: int
    liaison: str
    failed_id: int
    unknown_id: int


def add_channels(session: Session, unit: str) -> None:
    contacts.channel_add(session, unit, "mail", address="office@example.org", label="Office mailbox")
    contacts.channel_add(session, unit, "wecom", webhook=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}",
                         label="Station group")
    contacts.channel_add(session, unit, "dingtalk", webhook=f"https://oapi.dingtalk.com/robot/send?access_token={DING_TOKEN}",
                         secret=DING_SECRET, label="Leaders' group")


def build(path, login: str = "boss") -> Scene:
    session = Session(store.connect(path), login)
    objective = objectives.get(session.db, REF)
    unit, unit_id = objective["lead_unit"], objective["lead_unit_id"]
    liaison = session.db.conn.execute("SELECT login FROM people WHERE unit_id = ? AND role = 'liaison' ORDER BY login",
                                      (unit_id,)).fetchone()[0]
    add_channels(session, unit)
    contacts.person_contact(session, liaison, email=f"{liaison}@example.org", mobile="13800138000")
    steps.urge(session, REF, text="Report by Friday, please.")
    config = Config(max_attempts=1)
    rows = sender.claim(session, config, "server:4242")
    by_channel = {row["channel"]: row for row in rows}
    for row in rows:
        if row["channel"] == "mail":  # the unit's mailbox and its liaison's
            sender.record(session, config, row, None)
    sender.record(session, config, by_channel["wecom"], DeliveryError("HTTP 500 from the robot", permanent=True))
    # the third stays "sending": its sender stopped; after the lease, its delivery is unknown
    with clock.frozen(clock.now() + timedelta(seconds=config.lease_seconds + 60)):
        sender.recover(session, config)
    delivery.print_notice(session, REF)
    decision = objectives.detail(session.db, REF, log_limit=1)["decision"]
    other = session.db.conn.execute("SELECT name FROM units WHERE id != ? ORDER BY id DESC LIMIT 1", (unit_id,)).fetchone()[0]
    recurring.recur_add(session, "Monthly safety report", decision=decision["ref"], lead=unit, rule="monthly",
                        start=max(decision["decided_on"], (clock.today() - timedelta(days=35)).isoformat()), days=10)
    recurring.recur_add(session, "Quarterly fire drill", decision=decision["ref"], lead=unit, co=[other],
                        rule="after-close", start=clock.today().isoformat(), days=20, gap=80)
    recurring.recur_run(session)
    return Scene(unit, unit_id, liaison, by_channel["wecom"]["id"], by_channel["dingtalk"]["id"])


if __name__ == "__main__":
    print(build(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "boss"))
