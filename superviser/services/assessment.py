"""Publishing a period's scores: the figures, the rules used and the log's head, recorded in
one logged step; they stand as published whatever changes later."""

from __future__ import annotations

import json

from superviser import clock, dates, journal, store
from superviser.assessment import periods, scorer
from superviser.changes import write
from superviser.errors import Refused
from superviser.i18n import _
from superviser.services.base import Result, Session, check


def publish(session: Session, period) -> Result:
    chosen = period if isinstance(period, periods.Period) else periods.parse(period)
    check(session, "score.publish")
    with store.snapshot(session.db):  # the walk reads the whole log: not while holding the write lock
        result = scorer.compute(session.db, chosen)
    with write(session) as changes:
        check(session, "score.publish")
        db = session.db
        if not chosen.ended():
            raise Refused(_("{period} ends on {date}; publish its scores once it has ended").format(
                period=chosen.label, date=chosen.until.isoformat()))
        earlier = scorer.published(db, chosen)
        if earlier is not None:
            raise Refused(_("{period} was published on {date} (#{seq}); published scores are not changed").format(
                period=chosen.label, date=dates.moment(earlier["published_at"]), seq=earlier["seq"]))
        if journal.head(db)[0] != result.head_seq:  # written meanwhile: publish what the log says now
            result = scorer.compute(db, chosen)
        row_id = changes.insert("score_publications", {
            "period": chosen.label, "since": chosen.since.isoformat(), "until": chosen.until.isoformat(),
            "rules": json.dumps(result.rules.as_json(), sort_keys=True),
            "scores": json.dumps([scorer.summary(u) for u in result.units], ensure_ascii=False, sort_keys=True),
            "head_seq": result.head_seq, "published_at": clock.stamp(), "published_by": session.login})
        seq = changes.log("score.publish", detail=chosen.label)
    return Result(_("scores for {period} published").format(period=chosen.label), seq=seq, data={"id": row_id})
