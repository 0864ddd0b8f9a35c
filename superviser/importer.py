"""Bringing an existing ledger (xlsx, xls, ods or csv) in, all rows or none.

Columns are recognised by their headings, in English or Chinese (superviser's own
exports and the usual ledger wording), or named with ``--map HEADING=FIELD``. The file
is read within limits (superviser/sheets.py); every cell is checked by the same
``superviser.fields`` rules as the CLI and the forms, and the units it names are looked
up, all before the write lock is taken. Then one short transaction writes every
decision and objective through ``Changes``; any refusal in it takes it all back, and a
dry run runs it and takes it back, so it says exactly what the import would do.
"""

from __future__ import annotations

import functools
import gc
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from superviser import clock, fields, lifecycle, quantities, refs, sheets, text
from superviser.actions import ACTIONS
from superviser.changes import Changes, write
from superviser.errors import InvalidInput, SuperviserError
from superviser.fields import Field
from superviser.files import shown
from superviser.i18n import N_, _, everywhere, ngettext
from superviser.planned import Behind, Plan, Stale
from superviser.progress import REPORT_EVERY, Progress, shares
from superviser.services.base import Session, check
from superviser.services.registry import insert_decision, insert_objective

_OBJECTIVE = {f.key: f for f in ACTIONS["objective.add"].fields}
_DECISION = {f.key: f for f in ACTIONS["decision.add"].fields}
URGES_MAX = 1000
# Times the import catches up without the lock with what others wrote as it took the lock,
# before it chains its entries again holding it (hashing them all again, while others wait).
CATCH_UPS = 3

# field → how a cell of it is checked (its label is its heading in superviser's exports,
# in every language) and the usual ledger wordings of its heading
FIELDS: dict[str, tuple[Field, list[str]]] = {
    "ref": (Field("ref", N_("reference"), "line", limit=fields.REF_MAX), ["ref", "编号", "事项编号", "督办编号"]),
    "decision_ref": (Field("decision_ref", N_("decision"), "line", limit=fields.REF_MAX), ["决策编号"]),
    "decision_title": (replace(_DECISION["title"], key="decision_title", label=N_("decision title"), required=False),
                       ["决策事项名称", "会议决定", "领导批示", "来源事项", "批示事项"]),
    "decision_date": (replace(_DECISION["decided_on"], key="decision_date", label=N_("decided on"), required=False),
                      ["decision date", "决策日期", "交办日期", "批示日期"]),
    "source": (replace(_DECISION["source"], required=False), ["来源", "事项来源"]),
    "title": (replace(_OBJECTIVE["title"], label=N_("objective")),
              ["title", "督办事项", "事项", "工作任务", "任务", "标题", "任务名称", "事项名称"]),
    "lead": (_OBJECTIVE["lead"], ["lead", "主办单位", "牵头单位", "责任单位"]),
    "co": (_OBJECTIVE["co"], ["co-unit", "协办单位", "配合单位", "会办单位"]),
    "deadline": (_OBJECTIVE["deadline"], ["due", "办理时限", "完成时限", "时限", "截止日期", "截止时间"]),
    "original_deadline": (Field("original_deadline", N_("original deadline"), "date"), ["原定时限", "原时限"]),
    "status": (Field("status", N_("status"), "choice", choices=tuple(lifecycle.STATUS_LABELS.items())),
               ["办理状态", "状态"]),
    "percent": (Field("percent", N_("% done"), "percent"), ["percent", "%", "进度", "完成进度", "完成比例", "完成百分比"]),
    "latest_report": (Field("latest_report", N_("latest report"), "text"), ["最新进展", "进展情况", "办理情况"]),
    "urges": (Field("urges", N_("urges"), "int", limit=URGES_MAX), ["催办次数"]),
    "priority": (replace(_OBJECTIVE["priority"], default=None), ["缓急", "紧急程度"]),
    "detail": (_OBJECTIVE["detail"], ["具体内容", "工作要求", "详情", "内容"]),
}
REQUIRED = ("title", "lead", "deadline")
_PUNCTUATION = re.compile(r"[\s:：*＊()（）]+")
_REPORT = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{1,3})% (.*)$", re.S)
_DIGITS = re.compile(r"(\d+)")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%d/%m/%Y")
_EXCEL_EPOCH = date(1899, 12, 30)


def _key(heading: object) -> str:
    return _PUNCTUATION.sub("", str(heading or "")).lower()


def _headings() -> dict[str, str]:
    known: dict[str, str] = {}
    for name, (spec, synonyms) in FIELDS.items():
        for heading in everywhere(spec.label) | set(synonyms):
            known.setdefault(_key(heading), name)
    return known


@dataclass
class Rejected:
    row: int | None  # None: the problem names its rows itself
    field: str
    problem: str

    def __str__(self) -> str:
        if self.row is None:
            return _("{field}: {problem}").format(field=self.field, problem=self.problem)
        return _("row {row}: {field}: {problem}").format(row=self.row, field=self.field, problem=self.problem)


@dataclass
class Outcome:
    mapping: dict[str, str]  # heading → field
    rows: int = 0
    decisions: list[str] = field(default_factory=list)
    # each created objective: ref, row, was (its old reference), title, lead, deadline
    objectives: list[dict] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    dry_run: bool = False
    seq: int | None = None
    kind: str = ""                # xlsx, xls, ods, csv
    encoding: str | None = None   # a CSV's encoding, as detected

    @property
    def ok(self) -> bool:
        return not self.rejected

    def counts(self) -> str:
        """"3 objectives, 1 decision, 0 units", in the user's language."""
        o, d, u = len(self.objectives), len(self.decisions), len(self.units)
        return _("{objectives}, {decisions}, {units}").format(
            objectives=ngettext("{n} objective", "{n} objectives", o).format(n=quantities.count(o)),
            decisions=ngettext("{n} decision", "{n} decisions", d).format(n=quantities.count(d)),
            units=ngettext("{n} unit", "{n} units", u).format(n=quantities.count(u)))


def find_header(rows: list[list], overrides: dict[str, str]) -> tuple[int, dict[int, str]]:
    """The first row that names the required columns, and which column is which field."""
    known = _headings()
    for index, row in enumerate(rows[:30]):
        columns: dict[int, str] = {}
        for col, heading in enumerate(row):
            name = overrides.get(text.one_line(heading)) or known.get(_key(heading))
            if name and name not in columns.values():
                columns[col] = name
        if set(REQUIRED) <= set(columns.values()):
            return index, columns
    wanted = ", ".join(_(FIELDS[f][0].label) for f in REQUIRED)
    raise InvalidInput("file", _("no header row names the columns {wanted}; name them with --map HEADING=FIELD").format(
        wanted=wanted), N_("file"))


# --- one row: every cell through superviser.fields ------------------------------------------

# Fields whose values repeat from row to row, checked once for each value: not the ones each
# row has its own of, nor co-units (a list, which a row's item must not share).
_REPEATED = frozenset(FIELDS) - {"ref", "title", "detail", "latest_report", "co"}
_UNKNOWN = object()


class _Cells:
    """How cells become the values ``fields.parse`` takes: choices given by their label in any
    language, dates as a spreadsheet stores them, percents as fractions."""

    def __init__(self, fractions: bool):
        self.fractions = fractions  # the percent column holds 0.4 for 40 %
        self.choices = {name: self._labels(FIELDS[name][0]) for name in ("source", "status", "priority")}
        # what a field no column holds stands for (the required ones always have a column)
        self.absent = {name: fields.parse(spec, None) for name, (spec, _synonyms) in FIELDS.items()
                       if not spec.required}
        self.known: dict[tuple, object] = {}  # (field, class, cell) → its checked value

    def checked(self, name: str, raw):
        """``fields.parse`` of a cell not in ``known``; kept there for a column whose values
        repeat (a ledger names its few units, statuses and decisions row after row), so that
        each of its values is checked once."""
        value = fields.parse(FIELDS[name][0], self.value(name, raw))  # (a refusal is not kept: it is rare)
        if name in _REPEATED:
            self.known[name, raw.__class__, raw] = value  # the class too: True, 1 and 1.0 are equal keys
        return value

    @staticmethod
    def _labels(spec: Field) -> dict[str, str]:
        labels = {}
        for key, label in spec.choices:
            labels[key] = key
            labels[key.replace("_", " ")] = key
            for said in everywhere(label):
                labels[said.lower()] = key
        return labels

    def value(self, name: str, raw):
        spec = FIELDS[name][0]
        if raw is None:
            return None
        if spec.kind == "date":
            return _date_cell(raw)
        if spec.kind == "choice" and isinstance(raw, str):
            cleaned = text.one_line(raw)
            return self.choices[name].get(cleaned.lower(), cleaned)
        if name == "percent" and self.fractions and isinstance(raw, float) and 0 <= raw <= 1:
            return raw * 100 if raw * 100 == round(raw * 100) else raw
        if spec.kind in ("line", "text", "unit", "units", "objective", "decision") and not isinstance(raw, str):
            return _as_text(raw)
        if isinstance(raw, str) and raw.startswith("'") and raw[1:2] in ("=", "+", "-", "@"):
            return raw[1:]  # superviser's own CSV keeps a formula-like cell as text this way
        return raw


def _as_text(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _date_cell(raw):
    """A date cell as ``fields.parse`` takes it: a date, or text it will refuse with its words."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        # a spreadsheet's day number in a cell not formatted as a date
        if 36_526 <= raw <= 73_415 and float(raw).is_integer():  # 2000-01-01 … 2100-12-31
            return _EXCEL_EPOCH + timedelta(days=int(raw))
        return _as_text(raw)
    value = text.one_line(raw)
    if value.startswith("'"):
        value = value[1:]
    if _ISO_DAY.match(value):  # the usual cell, read without strptime (what "%Y-%m-%d" gives for it)
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(value, form).date()
        except ValueError:
            continue
    return value


def parse_row(values: dict[str, object], cells: _Cells) -> dict:
    """The row's values, checked; ``InvalidInput`` naming the first wrong field."""
    item = dict(cells.absent)
    known = cells.known
    for name, raw in values.items():
        value = known.get((name, raw.__class__, raw), _UNKNOWN)  # (here: a call for each cell costs)
        item[name] = cells.checked(name, raw) if value is _UNKNOWN else value
    item["original_deadline"] = item["original_deadline"] or item["deadline"]
    item["status"] = item["status"] or lifecycle.REGISTERED
    item["percent"] = item["percent"] or 0
    item["urges"] = item["urges"] or 0
    item["priority"] = item["priority"] or "normal"
    report = item.pop("latest_report")
    item["report"] = None
    if report:
        match = _REPORT.match(report)
        item["report"] = ((match.group(1), int(match.group(2)), match.group(3)) if match and int(match.group(2)) <= 100
                          else (clock.today().isoformat(), 0, report))
    return item


def _fractions(body: list[tuple[int, list]], column: int | None) -> bool:
    """Whether the percent column holds fractions (0.4 for 40 %), as a cell formatted as a
    percentage stores it: every number in it is between 0 and 1, and one is strictly so."""
    if column is None:
        return False
    numbers = [row[column] for _n, row in body if column < len(row) and isinstance(row[column], float)]
    return bool(numbers) and all(0 <= n <= 1 for n in numbers) and any(0 < n < 1 for n in numbers)


# --- the import -------------------------------------------------------------------------------

def _collected_after(function):
    """``function`` run with Python's cycle collector held off: a ledger of a hundred thousand rows
    is millions of objects (in no cycle, freed as they go), which every full pass of the collector
    walks again (a tenth of such an import)."""
    @functools.wraps(function)
    def held_off(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()
    return held_off


@_collected_after
def import_ledger(session: Session, path: str | Path, *, mapping: dict[str, str] | None = None, dry_run: bool = False,
                  create_units: bool = False, decision: str | None = None, source: str = "meeting",
                  progress: Progress | None = None) -> Outcome:
    """``progress`` hears how far the import has got (superviser/progress.py): reading the file,
    checking the rows, working them out, writing them."""
    reading, checking, planning, writing = shares(progress, 3, 1, 2, 3)
    check(session, "import")
    if create_units:
        check(session, "unit.add")
    overrides = {}
    for heading, name in (mapping or {}).items():
        if name not in FIELDS:
            raise InvalidInput("map", _("{field} is not a field; fields: {fields}").format(
                field=text.one_line(name)[:40], fields=", ".join(FIELDS)), N_("--map"))
        overrides[text.one_line(heading)] = name
    path = Path(path)
    sheet = sheets.read(path)
    if reading:
        reading(1, 1)
    header, columns = find_header(sheet.rows, overrides)
    outcome = Outcome(mapping={text.one_line(sheet.rows[header][c]): name for c, name in columns.items()},
                      dry_run=dry_run, kind=sheet.kind, encoding=sheet.encoding)
    body = [(number, row) for number, row in enumerate(sheet.rows[header + 1:], start=header + 2) if row]
    outcome.rows = len(body)
    name = shown(path.name)
    fixed = refs.decision(session.db, decision) if decision else None
    plan = _checked(session, body, columns, outcome, create_units=create_units, fixed=fixed, source=source, name=name,
                    progress=checking)
    del sheet, body  # the cells, read and checked: their memory is the plan's now
    if outcome.rejected:
        return outcome
    for attempt in range(3):
        # Worked out without the lock, then written in one short transaction; if someone changed
        # what it relied on meanwhile, worked out again (the last time while holding the lock).
        outcome.decisions, outcome.objectives, outcome.seq = [], [], None
        planned = None if attempt == 2 else _planned(session, plan, outcome, fixed=fixed, name=name, progress=planning)
        if outcome.rejected:
            return outcome
        try:
            for tries in range(CATCH_UPS, -1, -1):
                if planned is not None:
                    planned.catch_up()  # after what others wrote while it was worked out, before the lock
                try:
                    with write(session) as changes:
                        check(session, "import")
                        if planned is None:
                            planned = _planned(session, plan, outcome, fixed=fixed, name=name, progress=planning)
                            if outcome.rejected:
                                raise _Undo
                        planned.apply(changes, behind_ok=not tries)
                        if writing:
                            writing(1, 1)
                        outcome.seq = planned.entries[-1]  # its number, if others wrote while it was worked out
                        if dry_run:
                            raise _Undo  # a dry run writes it all (so every rule of the database is checked) and takes it back
                except Behind:  # others wrote as the lock was taken: caught up again without it
                    continue
                break
        except Stale:
            continue
        except _Undo:
            pass
        finally:
            if planned is not None:
                planned.discard()
        break
    return outcome


def _planned(session: Session, plan: _Plan, outcome: Outcome, *, fixed: dict | None, name: str,
             progress: Progress | None = None) -> Plan:
    planned = Plan(session.db, session.login, expected=sum(len(rows) for _values, rows in plan.groups))
    try:
        _write(planned, plan, outcome, fixed=fixed, name=name, progress=progress)
        if not outcome.rejected:
            planned.prepare()  # before the lock
    except BaseException:
        planned.discard()  # (its children and scratch tables: the caller never holds it)
        raise
    if outcome.rejected:
        planned.discard()  # (the child chaining its first entries ahead)
    return planned


class _Undo(Exception):
    pass


@dataclass
class _Plan:
    units: dict[str, int | None]            # lower-case name → id (None: to be created)
    unit_names: list[str]                   # to be created, as written
    groups: list[tuple[dict, list]]         # a decision's values, its rows (number, item)


def _checked(session: Session, body, columns, outcome: Outcome, *, create_units: bool, fixed: dict | None,
             source: str, name: str, progress: Progress | None = None) -> _Plan:
    """Every row checked and every unit looked up, without the write lock."""
    percent_column = next((c for c, f in columns.items() if f == "percent"), None)
    cells = _Cells(_fractions(body, percent_column))
    units = {unit_name.lower(): unit_id for unit_id, unit_name in session.db.conn.execute("SELECT id, name FROM units")}
    parsed = []
    unknown: dict[str, list[int]] = {}  # unit → the rows that name it
    for done, (number, row) in enumerate(body, start=1):
        if progress is not None and not done % REPORT_EVERY:
            progress(done, len(body))
        values = {name: row[c] if c < len(row) else None for c, name in columns.items()}
        try:
            item = parse_row(values, cells)
        except InvalidInput as error:
            outcome.rejected.append(Rejected(number, error.label, error.problem))
            continue
        for unit in [item["lead"], *item["co"]]:
            if unit.lower() not in units:
                unknown.setdefault(unit, []).append(number)
        parsed.append((number, item))
    if progress is not None:
        progress(1, 1)
    created: list[str] = []
    for unit, rows in unknown.items():
        if create_units and len(created) < 10_000:
            units[unit.lower()] = None
            created.append(unit)
            continue
        shown_rows = ", ".join(str(r) for r in rows[:8]) + ("…" if len(rows) > 8 else "")
        outcome.rejected.append(Rejected(None, _("unit"), _(
            "no unit named {name} (rows {rows}); offered for creation: add --create-units").format(
                name=unit, rows=shown_rows)))
    outcome.units = created if create_units else list(unknown)
    groups: dict[str, list] = {}
    for number, item in parsed:
        groups.setdefault(item["decision_ref"] or item["decision_title"] or "", []).append((number, item))
    planned = []
    for key in sorted(groups, key=_natural):
        members = groups[key]
        first = members[0][1]
        values = {
            "title": first["decision_title"] or first["decision_ref"] or _("Imported from {name}").format(name=name),
            "source": first["source"] or source,
            "day": first["decision_date"] or min([clock.today()] + [item["deadline"] for _n, item in members]),
        }
        if fixed is None:
            try:
                values["title"] = fields.parse(FIELDS["decision_title"][0], values["title"])
            except InvalidInput as error:
                outcome.rejected.append(Rejected(members[0][0], error.label, error.problem))
                continue
        if any(item["ref"] for _n, item in members):  # (without references they are in the file's order already)
            members.sort(key=lambda m: _natural(m[1]["ref"] or f"~{m[0]:08d}"))  # parents before children
        planned.append((values, members))
    return _Plan(units, created, planned)


def _write(changes: Changes, plan: _Plan, outcome: Outcome, *, fixed: dict | None, name: str,
           progress: Progress | None = None) -> None:
    """Everything the import writes: units, decisions, objectives, reports, the import entry."""
    db, actor, now = changes.db, changes.actor, clock.stamp()
    units: dict[str, int] = {u: i for u, i in plan.units.items() if i is not None}
    existing = {n.lower(): i for i, n in db.conn.execute("SELECT id, name FROM units")}  # as they are now
    for unit in plan.unit_names:
        if unit.lower() in existing:
            units[unit.lower()] = existing[unit.lower()]
            continue
        units[unit.lower()] = changes.insert("units", {"name": unit, "created_at": now})
        changes.log("unit.add", detail=unit)
    missing = [u for u, i in plan.units.items() if i is not None and u not in existing]
    if missing:  # deleted or renamed since they were looked up
        outcome.rejected.append(Rejected(None, _("unit"), _("no unit named {name}").format(name=missing[0])))
        return
    today = clock.today().isoformat()
    noted = _("imported from {name}, row {row}")
    for values, members in plan.groups:
        if fixed is not None:
            made_decision = changes.read("decisions", (fixed["id"],))
            if made_decision is None:
                outcome.rejected.append(Rejected(None, _("decision"), _("no decision {ref}").format(ref=fixed["ref"])))
                return
        else:
            try:
                made = insert_decision(changes, title=values["title"], source=values["source"], day=values["day"],
                                       detail=_("imported from {name}").format(name=name))
            except SuperviserError as error:
                outcome.rejected.append(Rejected(members[0][0], _("decision"), str(error)))
                continue
            made_decision = changes.read("decisions", (made["id"],))
            assert made_decision is not None  # just inserted
            outcome.decisions.append(made["ref"])
        old_to_new: dict[str, dict] = {}
        for number, item in members:
            if progress is not None and not len(outcome.objectives) % REPORT_EVERY:
                progress(len(outcome.objectives), sum(len(rows) for _values, rows in plan.groups))
            old = item["ref"]
            parent_ref = old.rsplit(".", 1)[0] if old and old.count(".") >= 2 else None
            parent = old_to_new.get(parent_ref) if parent_ref else None
            state = {"status": item["status"], "percent": item["percent"], "urge_count": item["urges"],
                     "original_deadline": item["original_deadline"].isoformat()}
            if item["status"] in lifecycle.WORKING:
                state["active_since"] = today
            lead_id = units[item["lead"].lower()]
            try:
                made = insert_objective(
                    changes, made_decision, item["title"], lead_id=lead_id, due=item["deadline"],
                    co_ids=[units[u.lower()] for u in item["co"]], parent=parent, detail=item["detail"],
                    priority=item["priority"], state=state,
                    note=noted.format(name=name, row=number))
            except SuperviserError as error:
                outcome.rejected.append(Rejected(number, getattr(error, "label", _("objective")),
                                                 getattr(error, "problem", str(error))))
                continue
            if item["report"]:
                on_date, percent, said = item["report"]
                changes.insert("reports", {"objective_id": made["id"], "at": now, "on_date": on_date, "author": actor,
                                           "unit_id": lead_id, "percent": percent, "text": said})
                changes.update("objectives", made["id"], {"last_report_on": on_date})
                changes.log("progress", objective_id=made["id"], detail=said, facts={"import.file": name})
            if old:
                old_to_new[old] = made  # a later row may name it as its parent
            outcome.objectives.append({"ref": made["ref"], "row": number, "was": old or None, "title": item["title"],
                                       "lead": item["lead"], "deadline": made["deadline"]})
    if progress is not None:
        progress(1, 1)
    if not outcome.rejected:
        outcome.seq = changes.log(
            "import", detail=_("{name}: {counts}").format(name=name, counts=outcome.counts()),
            facts={"import.objectives": len(outcome.objectives), "import.file": name})


def _natural(ref: str) -> list:
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in _DIGITS.split(ref or "")]
