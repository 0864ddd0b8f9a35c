"""Bringing an existing ledger (xlsx or csv) in, all rows or none.

Columns are recognised by their headings, in English or Chinese (superviser's own
exports and the usual ledger wording), or named with ``--map HEADING=FIELD``. The
whole import runs in one transaction; a dry run runs it and rolls it back, so it
reports exactly what the import would do.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from superviser import clock, lifecycle, refs, text
from superviser.changes import Changes, write
from superviser.errors import InvalidInput, NotFound, SuperviserError
from superviser.i18n import N_, _, everywhere, ngettext
from superviser.services.base import Session, check
from superviser.services.registry import insert_decision, insert_objective

# field → its heading in superviser's exports (every language) and common ledger wording
FIELDS: dict[str, tuple[str, list[str]]] = {
    "ref": (N_("reference"), ["ref", "编号", "事项编号", "督办编号"]),
    "decision_ref": (N_("decision"), ["决策编号"]),
    "decision_title": (N_("decision title"), ["决策事项名称", "会议决定", "领导批示", "来源事项", "批示事项"]),
    "decision_date": (N_("decided on"), ["decision date", "决策日期", "交办日期", "批示日期"]),
    "source": (N_("source"), ["来源", "事项来源"]),
    "title": (N_("objective"), ["title", "督办事项", "事项", "工作任务", "任务", "标题", "任务名称", "事项名称"]),
    "lead": (N_("lead unit"), ["lead", "主办单位", "牵头单位", "责任单位"]),
    "co": (N_("co-units"), ["co-unit", "协办单位", "配合单位", "会办单位"]),
    "deadline": (N_("deadline"), ["due", "办理时限", "完成时限", "时限", "截止日期", "截止时间"]),
    "original_deadline": (N_("original deadline"), ["原定时限", "原时限"]),
    "status": (N_("status"), ["办理状态", "状态"]),
    "percent": (N_("% done"), ["percent", "%", "进度", "完成进度", "完成比例", "完成百分比"]),
    "latest_report": (N_("latest report"), ["最新进展", "进展情况", "办理情况"]),
    "urges": (N_("urges"), ["催办次数"]),
    "priority": (N_("priority"), ["缓急", "紧急程度"]),
    "detail": (N_("detail"), ["具体内容", "工作要求", "详情", "内容"]),
}
REQUIRED = ("title", "lead", "deadline")
_PUNCTUATION = re.compile(r"[\s:：*＊()（）]+")
_REPORT = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{1,3})% (.*)$", re.S)


def _key(heading: object) -> str:
    return _PUNCTUATION.sub("", str(heading or "")).lower()


def _headings() -> dict[str, str]:
    known: dict[str, str] = {}
    for name, (message, synonyms) in FIELDS.items():
        for heading in everywhere(message) | set(synonyms):
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

    @property
    def ok(self) -> bool:
        return not self.rejected

    def counts(self) -> str:
        """"3 objectives, 1 decision, 0 units", in the user's language."""
        o, d, u = len(self.objectives), len(self.decisions), len(self.units)
        return _("{objectives}, {decisions}, {units}").format(
            objectives=ngettext("{n} objective", "{n} objectives", o).format(n=o),
            decisions=ngettext("{n} decision", "{n} decisions", d).format(n=d),
            units=ngettext("{n} unit", "{n} units", u).format(n=u))


def read_rows(path: Path) -> list[list]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            return [row for row in csv.reader(f)]
    raise InvalidInput(_("file"), _("{name}: only .xlsx and .csv ledgers can be imported").format(name=path.name))


def find_header(rows: list[list], overrides: dict[str, str]) -> tuple[int, dict[int, str]]:
    """The first row that names the required columns, and which column is which field."""
    known = _headings()
    for index, row in enumerate(rows[:30]):
        columns = {}
        for col, heading in enumerate(row):
            name = overrides.get(text.one_line(heading)) or known.get(_key(heading))
            if name and name not in columns.values():
                columns[col] = name
        if set(REQUIRED) <= set(columns.values()):
            return index, columns
    wanted = ", ".join(_(FIELDS[f][0]) for f in REQUIRED)
    raise InvalidInput(_("file"), _("no header row names the columns {wanted}; name them with --map HEADING=FIELD").format(
        wanted=wanted))


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%d/%m/%Y")


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text.one_line(value)
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, form).date()
        except ValueError:
            continue
    raise ValueError(_("{value!r} is not a date").format(value=raw))


def _mapped(value: str, choices: dict, field_name: str) -> str:
    """A status, source or priority given as its key or its label in any language."""
    raw = text.one_line(value)
    lowered = raw.lower().replace(" ", "_")
    if lowered in choices:
        return lowered
    for key, label in choices.items():
        if raw in everywhere(label) or raw.lower() in {t.lower() for t in everywhere(label)}:
            return key
    raise ValueError(_("{value!r} is not a known {field}").format(value=raw, field=field_name))


def _percent(value) -> int:
    if isinstance(value, float) and 0 < value <= 1:
        return round(value * 100)
    number = int(float(str(value).strip().rstrip("%")))
    if not 0 <= number <= 100:
        raise ValueError(_("must be a whole number from 0 to 100"))
    return number


def _split_units(value) -> list[str]:
    raw = text.one_line(value)
    for sep in ("，", "、", ";", "；"):
        raw = raw.replace(sep, ",")
    return [part.strip() for part in raw.split(",") if part.strip()]


def import_ledger(session: Session, path: str | Path, *, mapping: dict[str, str] | None = None, dry_run: bool = False,
                  create_units: bool = False, decision: str | None = None, source: str = "meeting") -> Outcome:
    path = Path(path)
    if not path.exists():
        raise InvalidInput(_("file"), _("{path} does not exist").format(path=path))
    overrides = {}
    for heading, name in (mapping or {}).items():
        if name not in FIELDS:
            raise InvalidInput("--map", _("{field} is not a field; fields: {fields}").format(field=name, fields=", ".join(FIELDS)))
        overrides[heading] = name
    rows = read_rows(path)
    header, columns = find_header(rows, overrides)
    outcome = Outcome(mapping={text.one_line(rows[header][c]): name for c, name in columns.items()}, dry_run=dry_run)
    body = [(header + 2 + i, r) for i, r in enumerate(rows[header + 1:]) if any(v not in (None, "") for v in r)]
    outcome.rows = len(body)
    try:
        with write(session) as changes:
            check(session, "import")
            if create_units:
                check(session, "unit.add")
            _run(changes, body, columns, outcome, create_units=create_units, decision=decision, source=source,
                 name=path.name)
            if outcome.rejected or dry_run:
                raise _Undo  # all rows or none; a dry run shows what would happen, then takes it back
    except _Undo:
        pass
    return outcome


class _Undo(Exception):
    pass


def _run(changes: Changes, body, columns, outcome: Outcome, *, create_units: bool, decision: str | None, source: str,
         name: str) -> None:
    db, actor = changes.db, changes.actor
    units = {n.lower(): i for i, n in db.conn.execute("SELECT id, name FROM units")}
    fixed_decision = refs.decision(db, decision) if decision else None
    parsed = []
    unknown: dict[str, list[int]] = {}  # unit → the rows that name it
    for number, row in body:
        values = {columns[c]: v for c, v in enumerate(row) if c in columns and v not in (None, "")}
        try:
            item = _parse(values, number)
        except _RowError as error:
            outcome.rejected.append(Rejected(number, error.field, error.problem))
            continue
        for unit in [item["lead"], *item["co"]]:
            if unit.lower() in units:
                continue
            if create_units:
                unit_id = changes.insert("units", {"name": unit, "created_at": clock.stamp()})
                changes.log("unit.add", detail=unit)
                units[unit.lower()] = unit_id
                outcome.units.append(unit)
            else:
                unknown.setdefault(unit, []).append(number)
        parsed.append((number, item))
    for unit, rows in unknown.items():
        shown = ", ".join(str(r) for r in rows[:8]) + ("…" if len(rows) > 8 else "")
        outcome.rejected.append(Rejected(None, _("unit"), _(
            "no unit named {name} (rows {rows}); offered for creation: add --create-units").format(name=unit, rows=shown)))
        outcome.units.append(unit)
    if outcome.rejected:
        return

    # Decisions first (in the order of their old references), then objectives, parents before children.
    groups: dict[str, list] = {}
    for number, item in parsed:
        key = item["decision_ref"] or item["decision_title"] or ""
        groups.setdefault(key, []).append((number, item))
    made_decisions: dict[str, dict] = {}
    for key in sorted(groups, key=_natural):
        members = groups[key]
        if fixed_decision is not None:
            made_decisions[key] = fixed_decision
            continue
        first = members[0][1]
        day = first["decision_date"] or min([clock.today()] + [item["deadline"] for _n, item in members])
        title = first["decision_title"] or first["decision_ref"] or _("Imported from {name}").format(name=name)
        try:
            made = insert_decision(changes, title=text.required(_("title"), title), source=first["source"] or source,
                                   day=day, detail=_("imported from {name}").format(name=name))
        except SuperviserError as error:
            outcome.rejected.append(Rejected(members[0][0], _("decision"), str(error)))
            continue
        made_decisions[key] = refs.decision(db, made["id"])
        outcome.decisions.append(made["ref"])
    old_to_new: dict[str, dict] = {}
    for number, item in sorted(parsed, key=lambda p: _natural(p[1]["ref"] or f"~{p[0]:08d}")):
        key = item["decision_ref"] or item["decision_title"] or ""
        if key not in made_decisions:
            continue
        parent_ref = item["ref"].rsplit(".", 1)[0] if item["ref"] and item["ref"].count(".") >= 2 else None
        parent = old_to_new.get(parent_ref) if parent_ref else None
        state = {"status": item["status"], "percent": item["percent"], "urge_count": item["urges"],
                 "original_deadline": item["original_deadline"].isoformat()}
        if item["status"] in lifecycle.WORKING:
            state["active_since"] = clock.today().isoformat()
        try:
            made = insert_objective(
                changes, made_decisions[key], item["title"], lead_id=units[item["lead"].lower()], due=item["deadline"],
                co_ids=[units[u.lower()] for u in item["co"]], parent=refs.objective(db, parent["id"]) if parent else None,
                detail=item["detail"], priority=item["priority"], state=state,
                note=_("imported from {name}, row {row}").format(name=name, row=number))
        except (InvalidInput, NotFound, SuperviserError) as error:
            outcome.rejected.append(Rejected(number, getattr(error, "field", _("objective")),
                                             getattr(error, "problem", str(error))))
            continue
        if item["report"]:
            on_date, percent, body = item["report"]
            changes.insert("reports", {"objective_id": made["id"], "at": clock.stamp(), "on_date": on_date,
                                       "author": actor, "unit_id": units[item["lead"].lower()], "percent": percent,
                                       "text": body})
            changes.update("objectives", made["id"], {"last_report_on": on_date})
            changes.log("progress", objective_id=made["id"], detail=body, facts={"import.file": name})
        if item["ref"]:
            old_to_new[item["ref"]] = made
        outcome.objectives.append({"ref": made["ref"], "row": number, "was": item["ref"] or None,
                                   "title": item["title"], "lead": item["lead"], "deadline": item["deadline"].isoformat()})
    if not outcome.rejected:
        outcome.seq = changes.log(
            "import", detail=_("{name}: {counts}").format(name=name, counts=outcome.counts()),
            facts={"import.objectives": len(outcome.objectives), "import.file": name})


class _RowError(Exception):
    def __init__(self, field_name: str, problem: str):
        super().__init__(problem)
        self.field = field_name
        self.problem = problem


def _natural(ref: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", ref or "")]


def _parse(values: dict, number: int) -> dict:
    def need(name: str):
        if name not in values or not text.one_line(values[name]):
            raise _RowError(_(FIELDS[name][0]), _("must not be empty"))
        return values[name]

    def attempt(name: str, convert, default=None):
        if name not in values or text.one_line(values[name]) == "":
            return default
        try:
            return convert(values[name])
        except (ValueError, TypeError) as error:
            raise _RowError(_(FIELDS[name][0]), str(error)) from None

    title = text.one_line(need("title"))
    if len(title) > text.TITLE_MAX:
        raise _RowError(_(FIELDS["title"][0]), _("is {length} characters long; the limit is {limit}").format(
            length=len(title), limit=text.TITLE_MAX))
    deadline = attempt("deadline", _date)
    if deadline is None:
        raise _RowError(_(FIELDS["deadline"][0]), _("must not be empty"))
    report = None
    if values.get("latest_report"):
        raw = text.clean(values["latest_report"]).strip()
        match = _REPORT.match(raw)
        report = (match.group(1), int(match.group(2)), match.group(3)) if match else (clock.today().isoformat(), 0, raw)
    return {
        "ref": text.one_line(values.get("ref", "")),
        "decision_ref": text.one_line(values.get("decision_ref", "")),
        "decision_title": text.one_line(values.get("decision_title", "")),
        "decision_date": attempt("decision_date", _date),
        "source": attempt("source", lambda v: _mapped(v, lifecycle.SOURCES, _("source"))),
        "title": title,
        "lead": text.one_line(need("lead")),
        "co": _split_units(values.get("co", "")),
        "deadline": deadline,
        "original_deadline": attempt("original_deadline", _date, deadline),
        "status": attempt("status", lambda v: _mapped(v, lifecycle.STATUS_LABELS, _("status")), lifecycle.REGISTERED),
        "percent": attempt("percent", _percent, 0),
        "urges": attempt("urges", lambda v: int(float(v)), 0),
        "priority": attempt("priority", lambda v: _mapped(v, lifecycle.PRIORITIES, _("priority")), "normal"),
        "detail": text.clean(values.get("detail", "")).strip(),
        "report": report,
    }
