"""What an export contains, whatever its format."""

from __future__ import annotations

import functools
import itertools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from superviser import checkpoints, clock, dates, describe, journal, lifecycle, lights, refs, store
from superviser import text as text_of
from superviser.exports import excel
from superviser.i18n import N_, _, joined
from superviser.quantities import count
from superviser.read import log as log_read
from superviser.read import objectives, units
from superviser.read.objectives import Filter
from superviser.store import Database

if TYPE_CHECKING:
    from superviser.assessment.scorer import Scores
    from superviser.exports.helper import Helper


@dataclass
class Scope:
    """What to export: a period, and optionally one decision, unit, light or status."""

    since: date | None = None
    until: date | None = None
    decision: str | None = None
    unit: str | None = None
    light: str | None = None
    status: str | None = None

    def filter(self) -> Filter:
        return Filter(decision=self.decision, unit=self.unit, light=self.light,
                      status=[self.status] if self.status else [], active_since=self.since, active_until=self.until)

    def describe(self) -> str:
        parts = []
        if self.since or self.until:
            parts.append(_("period {since} – {until}").format(
                since=self.since.isoformat() if self.since else "…", until=self.until.isoformat() if self.until else "…"))
        if self.decision:
            parts.append(_("decision {ref}").format(ref=self.decision))
        if self.unit:
            parts.append(_("unit {name}").format(name=self.unit))
        if self.light:
            parts.append(_("light {light}").format(light=lights.label(self.light)))
        if self.status:
            parts.append(_("status {status}").format(status=lifecycle.status_label(self.status)))
        return "; ".join(parts) or _("everything")


@dataclass
class Report:
    scope: Scope
    made_at: str
    made_by: str
    made_by_name: str
    head_seq: int
    head_hash: str
    today: date
    objectives: list[dict]
    decisions: list[dict]
    scorecards: list[dict]
    assessed: Callable[[], Scores]  # the assessment of the period (this quarter without one), read when first asked
    steps: Steps | list = field(default_factory=list)
    checkpoint: dict | None = None  # the latest signed checkpoint (superviser/checkpoints.py)
    helper: Helper | None = None

    @functools.cached_property
    def scores(self) -> Scores:
        return self.assessed()

    def close(self) -> None:
        """End the helper, if it is still at work (an export that failed half way)."""
        if self.helper is not None:
            self.helper.close()

    # --- derived, for the bulletin --------------------------------------------------------
    def counts(self) -> dict:
        """Overdue is the fact (``lights.OVERDUE_SQL``); each light with what makes it up."""
        lit = dict.fromkeys(lights.LIGHTS, 0)
        causes: dict[str, dict[str, int]] = {light: {} for light in lights.LIGHTS}
        for row in self.objectives:
            lit[row["light"]] += 1
            cause = lights.cause(row["reason"], row["light_override"])
            causes[row["light"]][cause] = causes[row["light"]].get(cause, 0) + 1
        return {"total": len(self.objectives), "lights": lit, "causes": causes,
                "completed": len(self.completed()), "overdue": len(self.overdue()),
                "open": sum(1 for r in self.objectives if r["status"] in lifecycle.OPEN),
                "on_time_rate": self.on_time_rate()}

    def _in_period(self, day: str | None) -> bool:
        if not day:
            return False
        return (not self.scope.since or day >= self.scope.since.isoformat()) and (
            not self.scope.until or day <= self.scope.until.isoformat())

    def completed(self) -> list[dict]:
        return [r for r in self.objectives if r["status"] == lifecycle.CLOSED and self._in_period(r["closed_on"])]

    def on_time_rate(self) -> int | None:
        done = self.completed()
        if not done:
            return None
        return round(100 * sum(1 for r in done if r["on_time"]) / len(done))

    def overdue(self) -> list[dict]:
        return [r for r in self.objectives if r["reason"] == "overdue"]

    def behind(self) -> list[tuple[str, list[dict]]]:
        """Units with overdue objectives, the most behind first."""
        by_unit: dict[str, list[dict]] = defaultdict(list)
        for row in self.overdue():
            by_unit[row["lead_unit"]].append(row)
        return sorted(by_unit.items(), key=lambda item: (-len(item[1]), item[0]))

    def by_decision(self) -> list[tuple[dict, list[dict]]]:
        rows: dict[int, list[dict]] = defaultdict(list)
        for row in self.objectives:
            rows[row["decision_id"]].append(row)
        return [(d, sorted(rows[d["id"]], key=lambda r: r["sort_key"])) for d in self.decisions if rows[d["id"]]]

    def meta_lines(self) -> list[str]:
        """When and by whom, the scope, the log's head, how to check it, the latest checkpoint."""
        return [
            _("Made {when} by {who}").format(when=dates.moment(self.made_at), who=self.made_by_name),
            _("Scope: {scope}").format(scope=self.scope.describe()),
            _("Supervision log: {n} entries, head #{seq} {hash}").format(
                n=count(self.head_seq), seq=self.head_seq, hash=self.head_hash),
            _("Check later with: superviser audit --anchor {hash}").format(hash=self.head_hash),
        ] + ([_("Latest signed checkpoint: {size} entries, head {head}, signed {when} by key {key}").format(
            size=count(self.checkpoint["size"]), head=self.checkpoint["head"], when=dates.moment(self.checkpoint["made_at"]),
            key=self.checkpoint["key"].split("+")[0])] if self.checkpoint else [])

    def heading_lines(self) -> list[str]:
        """The meta lines a one-line sheet heading has room for."""
        lines = self.meta_lines()
        return lines[:3] + lines[4:]


class Steps:
    """The log's steps in an export, read a page at a time while they are written: the steps
    of a year held at once would take hundreds of megabytes. Each is the row the xlsx's Log
    sheet shows: seq, the time (as Excel's day number, local time), actor, the objective's or
    the decision's reference, the step in words, detail (on one line). With a helper
    (superviser/exports/helper.py, ``helped_by``) the oldest come from there, and from here on
    from where it stopped if it failed; the export reads the newest itself, first, meanwhile.
    They come oldest first in each part, newest part first: ``rows_at`` says where each goes."""

    PAGE = 5000

    def __init__(self, db: Database, flt: log_read.LogFilter, head_seq: int, units_by_id: dict[int, str]):
        self.db, self.flt, self.units_by_id = db, flt, units_by_id
        self.head_seq = head_seq  # the steps up to the head the export names, none written since
        self.count = log_read.count(db, replace(flt, before_seq=head_seq + 1))
        # every entry of the log is a step (no period, unit or decision): the export of everything
        self.whole_log = not (flt.since or flt.until or flt.unit or flt.decision)
        self.helper: Helper | None = None
        self.handed_to = 0  # the helper's steps are those up to this seq
        self.own = self.count  # how many are read here first (those after handed_to)

    def helped_by(self, helper: Helper, handed_to: int) -> None:
        """The steps up to ``handed_to`` come from ``helper``."""
        self.helper, self.handed_to = helper, handed_to
        self.own = log_read.count(self.db, replace(self.flt, after_seq=handed_to, before_seq=self.head_seq + 1))

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[tuple]:
        for page in self.pages(self.handed_to):
            yield from page
        if self.helper is None:
            return
        after = None
        for page in self.helper.pages():
            yield from page
            after = page[-1][0]
        if not self.helper.finished:
            for page in self.pages(after, self.handed_to):
                yield from page

    def rows_at(self, first: int) -> Iterator[int]:
        """The sheet's rows the steps go to, in the order they come, newest at ``first``."""
        return itertools.chain(range(first + self.own - 1, first - 1, -1),
                               range(first + self.count - 1, first + self.own - 1, -1))

    def pages(self, after: int | None = None, until: int | None = None) -> Iterator[list[tuple]]:
        """The steps after ``after`` (else from the first) up to ``until`` (else the head), read here."""
        for page in self._stored(after, until):
            yield self._rows(page)

    def entries(self, sent: Callable[[list[tuple]], object], until: int) -> Iterator[tuple]:
        """The whole log (``whole_log`` only), oldest first, as the assessment's walk takes it
        (scorer.compute's ``log``). The entries up to ``until`` are read and decoded once for
        both: ``sent`` gets each page of their steps before its entries go to the walk. The
        walk takes later entries, whose steps the export reads itself, as stored."""
        assert self.whole_log
        for page in self._stored(None, until):
            decoded: list[tuple] = []
            sent(self._rows(page, decoded))
            yield from decoded
        for page in self._stored(until, None):
            for seq, at, _actor, action, objective_id, _where, _detail, text in page:
                yield seq, at, action, objective_id, text

    def _stored(self, after: int | None, until: int | None) -> Iterator[list[tuple]]:
        before = (self.head_seq if until is None else until) + 1
        while True:
            page = log_read.steps(self.db, replace(self.flt, after_seq=after, before_seq=before), limit=self.PAGE)
            if page:
                yield page
            if len(page) < self.PAGE:
                return
            after = page[-1][0]

    def _rows(self, page: list[tuple], decoded: list[tuple] | None = None) -> list[tuple]:
        """A page's steps as the Log sheet's rows; into ``decoded``, each entry as the walk takes it."""
        headline, loads, units = describe.headline, json.loads, self.units_by_id
        moment, one_line = excel.moment, text_of.one_line
        keep = decoded.append if decoded is not None else None
        rows: list[tuple] = []
        add = rows.append
        for seq, at, actor, action, objective_id, where, detail, text in page:
            changes = loads(text) if text else {}
            add((seq, moment(at), one_line(actor), where,
                 headline({"action": action, "objective_id": objective_id, "changes": changes}, units), one_line(detail)))
            if keep is not None:
                keep((seq, at, action, objective_id, changes))
        return rows


def steps_of(db: Database, scope: Scope, head_seq: int) -> Steps:
    """The steps an export of ``scope`` lists, up to ``head_seq``."""
    flt = log_read.LogFilter(since=scope.since, until=scope.until, unit=scope.unit, decision=scope.decision)
    return Steps(db, flt, head_seq, describe.unit_names(db))


def build(db: Database, scope: Scope, login: str, *, with_steps: bool = False, helped: bool = False) -> Report:
    """Read everything an export of ``scope`` shows; the scores when first asked for. ``helped``:
    the scores and the steps may be read by a second process meanwhile (superviser/exports/helper.py),
    for a caller that reads in one snapshot (store.snapshot) and ends with ``Report.close``."""
    today = clock.today()
    seq, digest = journal.head(db)
    helper = None
    steps: Steps | list = steps_of(db, scope, seq) if with_steps else []
    if helped:
        from superviser.exports import helper as helpers

        helper = helpers.start(db, (seq, digest), scope, today, steps=steps if isinstance(steps, Steps) and steps else None)
    rows = objectives.list_objectives(db, scope.filter(), limit=None, order="ref")
    ids = [r["id"] for r in rows]
    latest = _latest_reports(db, ids)
    for row in rows:
        report = latest.get(row["id"])
        row["latest_report"] = f"{report[0]} {report[1]}% {report[2]}" if report else ""
        late = -(row["days_left"] or 0)
        row["days_overdue"] = late if row["reason"] == "overdue" and late > 0 else 0
        row["on_time"] = bool(row["submitted_on"] and row["submitted_on"] <= row["original_deadline"])
    decision_ids = sorted({r["decision_id"] for r in rows})
    decisions = _decisions(db, decision_ids)
    by_id = {d["id"]: d for d in decisions}
    for row in rows:
        decision = by_id[row["decision_id"]]
        row["decision_date"] = decision["decided_on"]
        row["decision_source"] = decision["source"]
    unit_ids = None
    if scope.unit:
        unit_ids = [refs.unit(db, scope.unit)["id"]]
    cards = units.scorecards(db, unit_ids)
    person = db.conn.execute("SELECT name FROM people WHERE login = ?", (login,)).fetchone()

    def assessed() -> Scores:
        return (helper.scores() if helper is not None else None) or scores_of(db, scope, today)

    return Report(scope=scope, made_at=clock.stamp(), made_by=login, made_by_name=person[0] if person else login,
                  head_seq=seq, head_hash=digest, today=today, objectives=rows, decisions=decisions,
                  scorecards=cards, steps=steps, checkpoint=checkpoints.latest(db), assessed=assessed, helper=helper)


def scores_of(db: Database, scope: Scope, today: date, log: Iterable[tuple] | None = None) -> Scores:
    """The assessment of the export's period (this quarter when it has none), as published if it
    was. ``log``: the whole log as the walk takes it (``Steps.entries``), else read here."""
    from superviser.assessment import periods, scorer

    if scope.since or scope.until:
        period = periods.between(scope.since or date(2000, 1, 1), scope.until or today)
    else:
        period = periods.current_quarter(today)
    result = scorer.scores(db, period, today=today, log=log)
    if scope.unit:
        unit_ids = [refs.unit(db, scope.unit)["id"]]
        result.units = [u for u in result.units if u.unit_id in unit_ids]
    return result


def _latest_reports(db: Database, ids: list[int]) -> dict[int, tuple]:
    if not ids:
        return {}
    found = {}
    for start in range(0, len(ids), 5000):
        chunk = ",".join(str(i) for i in ids[start:start + 5000])
        for oid, on_date, percent, text in db.conn.execute(
            "SELECT objective_id, on_date, percent, text FROM reports WHERE id IN ("
            f" SELECT max(id) FROM reports WHERE withdrawn_seq IS NULL AND objective_id IN ({chunk})"
            " GROUP BY objective_id)"
        ):
            found[oid] = (on_date, percent, text)
    return found


def _decisions(db: Database, ids: list[int]) -> list[dict]:
    found = []
    for start in range(0, len(ids), 5000):
        chunk = ",".join(str(i) for i in ids[start:start + 5000])
        found += store.rows(db, f"SELECT * FROM decisions WHERE id IN ({chunk})")
    return sorted(found, key=lambda d: (d["year"], d["seq"]))


# The ledger's columns: key, heading (message id), how to get the value from a row.
LEDGER = [
    ("ref", N_("reference")), ("decision_ref", N_("decision")), ("decision_title", N_("decision title")),
    ("decision_date", N_("decided on")), ("decision_source", N_("source")), ("title", N_("objective")),
    ("lead_unit", N_("lead unit")), ("co_units", N_("co-units")), ("deadline", N_("deadline")),
    ("original_deadline", N_("original deadline")), ("status", N_("status")), ("light", N_("light")),
    ("percent", N_("% done")), ("latest_report", N_("latest report")), ("urge_count", N_("urges")),
    ("days_overdue", N_("days overdue")), ("priority", N_("priority")), ("detail", N_("detail")),
]


def ledger_headings() -> list[str]:
    return [_(heading) for _key, heading in LEDGER]


def ledger_rows(rows: Iterable[dict]) -> Iterator[list]:
    """The ledger's rows as plain values, in the user's language (its words translated once,
    not for every row: an export may hold a million)."""
    sources = {key: _(label) for key, label in lifecycle.SOURCES.items()}
    priorities = {key: _(label) for key, label in lifecycle.PRIORITIES.items()}
    statuses: dict[str, str] = {}

    def status(row: dict) -> str:
        value = row["status"]
        found = statuses.get(value)
        if found is None:
            found = statuses[value] = lifecycle.status_label(value)
        return found

    shaped: dict[str, Callable[[dict], object]] = {
        "co_units": lambda row: joined(row.get("co_units") or []), "status": status, "light": lights.shown,
        "decision_source": lambda row: sources[row["decision_source"]], "priority": lambda row: priorities[row["priority"]]}
    columns = [(key, shaped.get(key)) for key, _heading in LEDGER]
    for row in rows:
        values = [shape(row) if shape else row.get(key) for key, shape in columns]
        yield ["" if value is None else value for value in values]
