"""``superviser deliver``: send what is due, at most once per recipient and channel.

1. Rows a sender left ``sending`` for longer than the lease belong to a sender that
   died mid-send: whether they arrived is unknown, so they are marked ``unknown`` with
   that reason and never resent by themselves (the office may queue them again:
   ``deliver.requeue``, superviser/services/delivery.py).
2. Due rows are claimed in a short ``BEGIN IMMEDIATE`` transaction (``sending``, one
   more attempt): two senders running at once never claim the same row.
3. Each is sent outside any transaction (a step never waits for the network, and no
   lock is held while a server answers), then its outcome is recorded: sent; queued
   again after a backoff (1, 2, 4 … times ``backoff_seconds``); or failed for good
   after ``max_attempts`` or an answer that retrying cannot change.

Every claim and outcome is a log entry, so ``audit`` replays the outbox too.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from superviser import clock, identity, store
from superviser.changes import write
from superviser.delivery import messages
from superviser.delivery.config import Config, check_webhook
from superviser.delivery.errors import DeliveryError
from superviser.delivery.masking import scrub
from superviser.delivery.office import person
from superviser.delivery.outbox import channel_label
from superviser.errors import InvalidInput
from superviser.i18n import _, ngettext
from superviser.services.base import check


@dataclass
class Summary:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unknown: int = 0
    waiting: int = 0           # still queued, not due yet
    next_at: str | None = None  # when the next of those is due
    outcomes: list[dict] = field(default_factory=list)

    def message(self) -> str:
        text = _("sent {sent}, to retry {retried}, failed {failed}, delivery unknown {unknown}").format(
            sent=self.sent, retried=self.retried, failed=self.failed, unknown=self.unknown)
        if self.waiting:
            text += _("; ") + ngettext("{n} message waits until {time}", "{n} messages wait, the next until {time}",
                                        self.waiting).format(n=self.waiting, time=_local(self.next_at))
        return text


def _local(stamp: str | None) -> str:
    from superviser.dates import moment

    return moment(stamp) if stamp else ""


def _owner_account(session) -> bool:
    """The account that owns the database file (the service account's cron) may deliver."""
    path = Path(store.path_of(session.db))
    uid = os.getuid()
    return identity.owner_uid(path) == uid and session.login == identity.account_name(uid)


def may_deliver(session) -> None:
    from superviser.actions import role_refusal

    if role_refusal("deliver", session.person(), session.login) is None or _owner_account(session):
        return
    check(session, "deliver")


def _describe(row: dict) -> dict:
    unit = row.get("unit") or ""
    return {"id": row["id"], "kind": row["kind"], "unit": unit, "channel": row["channel"],
            "recipient": row["recipient"], "objective_id": row["objective_id"]}


_WITH_UNIT = "SELECT o.*, u.name AS unit FROM outbox o LEFT JOIN units u ON u.id = o.unit_id"


def recover(session, config: Config) -> list[dict]:
    """Mark ``unknown`` what a dead sender left ``sending``."""
    cutoff = clock.stamp(clock.now() - timedelta(seconds=config.lease_seconds))
    db = session.db
    if not db.conn.execute("SELECT 1 FROM outbox WHERE status = 'sending' AND claimed_at < ? LIMIT 1", (cutoff,)).fetchone():
        return []
    recovered = []
    with write(session) as changes:
        for row in store.rows(db, _WITH_UNIT + " WHERE o.status = 'sending' AND o.claimed_at < ? ORDER BY o.id", (cutoff,)):
            reason = _("delivery unknown: the sender {sender} stopped while sending (taken at {time}); "
                       "not sent again, ask the recipient").format(sender=row["claimed_by"], time=_local(row["claimed_at"]))
            changes.update("outbox", row["id"], {"status": "unknown", "last_error": reason})
            changes.log("deliver.unknown", objective_id=row["objective_id"], detail=_("{channel} to {unit}: {reason}").format(
                channel=channel_label(row["channel"]), unit=row["unit"], reason=reason))
            recovered.append(dict(_describe(row), status="unknown", reason=reason))
    return recovered


def claim(session, config: Config, token: str) -> list[dict]:
    """Take up to ``batch`` due rows for this sender."""
    db = session.db
    now = clock.stamp()
    if not db.conn.execute("SELECT 1 FROM outbox WHERE status = 'queued' AND next_at <= ? LIMIT 1", (now,)).fetchone():
        return []
    with write(session) as changes:
        rows = store.rows(db, _WITH_UNIT + " WHERE o.status = 'queued' AND o.next_at <= ? ORDER BY o.next_at, o.id LIMIT ?",
                          (now, config.batch))
        for row in rows:
            row["attempts"] += 1
            changes.update("outbox", row["id"], {"status": "sending", "attempts": row["attempts"], "claimed_at": now,
                                                 "claimed_by": token})
        if rows:
            changes.log("deliver.claim", detail=ngettext("{n} message taken by {sender}", "{n} messages taken by {sender}",
                                                         len(rows)).format(n=len(rows), sender=token))
    return rows


def _channel(db, channel_id: int) -> dict | None:
    return store.row(db, "SELECT webhook, secret, active FROM unit_channels WHERE id = ?", (channel_id,))


def deliver_one(db, config: Config, row: dict) -> None:
    """Send one claimed row; ``DeliveryError`` says why not."""
    # Imported when there is something to send: cron runs this every minute, mostly idle.
    from superviser.delivery import mail, robots

    if row["channel"] == "mail":
        settings = mail.configured(config)
        sender = person(db, row["queued_by"])
        mail.send(settings, mail.build(settings, to=row["recipient"], subject=row["subject"], body=row["body"],
                                       key=row["key"], reply_to=sender["email"] if sender else None))
        return
    channel = _channel(db, row["channel_id"])
    if channel is None or not channel["active"] or not channel["webhook"]:
        raise DeliveryError(_("the channel was removed before the message was sent"), permanent=True)
    try:
        check_webhook(channel["webhook"], config)
    except InvalidInput as error:
        raise DeliveryError(_("the robot's address {problem}").format(problem=error.problem), permanent=True) from None
    text = messages.Message(row["subject"], row["body"]).robot_text()
    try:
        robots.send(row["channel"], channel["webhook"], channel["secret"], text, json.loads(row["mentions"] or "[]"),
                    config.robot_timeout)
    except DeliveryError:
        raise
    except Exception as error:  # noqa: BLE001 - anything else is still this message's failure, said without secrets
        raise DeliveryError(scrub(f"{type(error).__name__}: {error}", channel["webhook"], channel["secret"])) from None


def record(session, config: Config, row: dict, error: DeliveryError | None) -> dict:
    """Write what happened to one claimed row, in its own short transaction."""
    label, unit = channel_label(row["channel"]), row["unit"] or ""
    with write(session) as changes:
        if error is None:
            changes.update("outbox", row["id"], {"status": "sent", "sent_at": clock.stamp(), "last_error": None})
            what = messages.title(row["kind"], row["level"])
            changes.log("deliver", objective_id=row["objective_id"], detail=_("{what} sent to {unit} by {channel} ({to})").format(
                what=what, unit=unit, channel=label, to=row["recipient"]))
            return dict(_describe(row), status="sent", reason=None)
        final = error.permanent or row["attempts"] >= config.max_attempts
        if final:
            reason = error.reason if error.permanent else _("{reason} (after {n} tries)").format(
                reason=error.reason, n=row["attempts"])
            changes.update("outbox", row["id"], {"status": "failed", "last_error": reason})
            changes.log("deliver.failed", objective_id=row["objective_id"],
                        detail=_("{channel} to {unit} failed: {reason}").format(channel=label, unit=unit, reason=reason))
            return dict(_describe(row), status="failed", reason=reason)
        wait = config.backoff_seconds * 2 ** (row["attempts"] - 1)
        next_at = clock.stamp(clock.now() + timedelta(seconds=wait))
        changes.update("outbox", row["id"], {"status": "queued", "next_at": next_at, "last_error": error.reason})
        changes.log("deliver.retry", objective_id=row["objective_id"], detail=_(
            "{channel} to {unit}: try {n} of {most} failed ({reason}); next try at {time}").format(
            channel=label, unit=unit, n=row["attempts"], most=config.max_attempts, reason=error.reason,
            time=_local(next_at)))
        return dict(_describe(row), status="queued", reason=error.reason, next_at=next_at)


def send_due(session, config: Config, *, rounds: int | None = None) -> Summary:
    """Send everything due now (claiming ``config.batch`` at a time, ``rounds`` times at most)."""
    may_deliver(session)
    summary = Summary()
    for outcome in recover(session, config):
        summary.unknown += 1
        summary.outcomes.append(outcome)
    token = f"{socket.gethostname()}:{os.getpid()}"
    done = 0
    while rounds is None or done < rounds:
        rows = claim(session, config, token)
        if not rows:
            break
        done += 1
        for row in rows:
            try:
                deliver_one(session.db, config, row)
                error = None
            except DeliveryError as failure:
                error = failure
            outcome = record(session, config, row, error)
            summary.outcomes.append(outcome)
            if outcome["status"] == "sent":
                summary.sent += 1
            elif outcome["status"] == "failed":
                summary.failed += 1
            else:
                summary.retried += 1
    waiting = session.db.conn.execute(
        "SELECT count(*), min(next_at) FROM outbox WHERE status = 'queued'").fetchone()
    summary.waiting, summary.next_at = waiting
    return summary
