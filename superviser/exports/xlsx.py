"""The ledger as an Excel workbook (XlsxWriter): the objectives, the log steps in
the period, the unit scorecards."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from rich.cells import cell_len

from superviser import text
from superviser.exports.excel import day as _excel_date
from superviser.exports.report import LEDGER, Report, Steps, ledger_headings, ledger_rows
from superviser.i18n import _
from superviser.progress import REPORT_EVERY, Progress
from superviser.read import units

FILLS = {"red": "#FFC7CE", "yellow": "#FFEB9C", "green": "#C6EFCE", "grey": "#D9D9D9"}
TEXT_COLUMNS = {"title", "decision_title", "latest_report", "detail"}  # wrap rather than grow
# wrapped at a name's width: unwrapped, the next cell cut a long name or the last co-units off
NAME_COLUMNS = {"lead_unit", "co_units"}
DATE_COLUMNS = {"decision_date", "deadline", "original_deadline"}
def _width(values, floor: int = 6, ceiling: int = 50) -> int:
    """A column width in Excel units that fits CJK text (a wide character counts twice)."""
    widest = max((cell_len(str(v)) for v in values if v not in (None, "")), default=floor)
    return max(floor, min(ceiling, widest + 2))


def write(report: Report, target, progress: Progress | None = None) -> None:
    """The workbook; ``progress`` hears how many of its rows are written."""
    import xlsxwriter

    # The cells are held until the end, as shared strings: a login or an action is stored
    # once, and it is quicker than constant_memory's inline strings (measured on 10,000
    # objectives and 103,000 steps: 5.7 s against 7.5 s). The sheets' XML goes to temporary
    # files rather than memory (199 MB at the peak against 257), and the steps come a page
    # at a time (report.Steps).
    # Every cell is top-aligned by the workbook's default format (rows with wrapped text are
    # tall): a cell with no format of its own costs its sheet's XML no style (measured on
    # 10,000 objectives: a column format on every ledger cell took 0.15 s of the close).
    book = xlsxwriter.Workbook(target, {"strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False,
                                        "default_format_properties": {"font_name": "Calibri", "font_size": 11,
                                                                      "valign": "top"}})
    book.set_properties({"title": _("Supervision ledger"), "author": report.made_by_name,
                         "comments": " / ".join(report.meta_lines())})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#DDE3EA", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True})
    fills = {light: book.add_format({"bg_color": colour}) for light, colour in FILLS.items()}
    muted = book.add_format({"font_color": "#666666"})
    day = book.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
    minute = book.add_format({"num_format": "yyyy-mm-dd hh:mm", "align": "left"})
    percent = book.add_format({"num_format": "0%"})  # a number, not "50%" as text: it sorts and sums

    # The rows of the scores are counted once they are there (superviser/exports/helper.py).
    total = len(report.objectives) + len(report.steps) + len(report.scorecards)
    written = 0  # rows of the sheets before this one
    sheet_names = [_("Ledger"), _("Log"), _("Scorecards"), _("Scores"), _("Points")]
    # The sheets in their order, filled in another: the steps, then the scores, may still be
    # on their way from the helper (superviser/exports/helper.py).
    sheets = {name: book.add_worksheet(name) for name in sheet_names}

    def sheet(name: str, headings: list[str], rows: Iterable[list] | Iterable[tuple], widths: list[int], *,
              wrap_at=(), light_at=None, lights_of=None, formats=None, rows_at=None):
        """``rows_at(first)``: the rows the values go to, in their order (else one after the other)."""
        nonlocal written
        ws = sheets[name]
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_footer("&L" + _("superviser") + "&C&P / &N&R" + report.head_hash[:16])
        ws.write(0, 0, _("Supervision ledger") if name == sheet_names[0] else name, bold)
        ws.write(1, 0, "  ·  ".join(report.heading_lines()), muted)
        header_row = 3
        for col, width in enumerate(widths):
            ws.set_column(col, col, width, (formats or {}).get(col) or (wrap if col in wrap_at else None))
        light_at = light_at if lights_of else None
        ws.write_row(header_row, 0, headings, head)
        # The columns' formats (set_column above) apply to their cells; only the light
        # cell needs a format of its own. The loop is lean: it runs for every cell.
        write_string, write_number = ws.write_string, ws.write_number
        at = rows_at(header_row + 1) if rows_at else itertools.count(header_row + 1)
        n = 0  # rows written
        if light_at is None:
            for n, (r, values) in enumerate(zip(at, rows), start=1):
                for c, value in enumerate(values):
                    if value.__class__ is str:
                        write_string(r, c, value)
                    else:
                        write_number(r, c, value)
                if progress is not None and not n % REPORT_EVERY:
                    progress(written + n, total)
        else:
            for n, (r, values) in enumerate(zip(at, rows), start=1):
                for c, value in enumerate(values):
                    style = fills[lights_of[n - 1]] if c == light_at else None
                    if value.__class__ is str:
                        write_string(r, c, value, style)
                    else:
                        write_number(r, c, value, style)
                if progress is not None and not n % REPORT_EVERY:
                    progress(written + n, total)
        written += n
        ws.freeze_panes(header_row + 1, 0)
        ws.repeat_rows(header_row)
        ws.autofilter(header_row, 0, header_row + max(n, 1), len(headings) - 1)
        return ws

    # 1. the ledger (user text cleaned once here; the log's text comes cleaned)
    keys = [key for key, _heading in LEDGER]
    at_dates = [i for i, key in enumerate(keys) if key in DATE_COLUMNS]
    rows = []
    clean = text.clean
    for values in ledger_rows(report.objectives):
        values = [clean(v) if isinstance(v, str) else v for v in values]
        for i in at_dates:
            values[i] = _excel_date(values[i])
        rows.append(values)
    headings = ledger_headings()
    widths = [max(11, _width([h])) if i in at_dates else
              _width([h] + [r[i] for r in rows[:2000]], ceiling=60 if keys[i] in TEXT_COLUMNS else 30)
              for i, h in enumerate(headings)]
    wrap_at = {i for i, k in enumerate(keys) if k in TEXT_COLUMNS | NAME_COLUMNS}
    sheet(sheet_names[0], headings, rows, widths, wrap_at=wrap_at,
          light_at=keys.index("light"), lights_of=[r["light"] for r in report.objectives],
          formats={i: day for i in at_dates})

    # 2. the scorecards
    card_headings = [_("unit"), _("open"), _("overdue"), _("closed"), _("on time"), _("avg delay"), _("urges"),
                     _("co open"), _("co overdue")]
    card_rows = []
    for card in report.scorecards:
        lead, co = card["lead"], card["co"]
        rate = "" if lead["on_time_rate"] is None else lead["on_time_rate"] / 100
        card_rows.append(["  " * card["depth"] + card["name"], lead["open"], lead["overdue"], lead["closed"], rate,
                          lead["avg_delay"], lead["urges"], co["open"], co["overdue"]])
    ws = sheet(sheet_names[2], card_headings, card_rows,
               [_width([card_headings[0]] + [r[0] for r in card_rows], ceiling=40)] + [10] * 8, formats={4: percent})
    # all time, as the bulletin says: beside a period's Scores sheet they would read as the period's
    ws.write(2, 0, "  ·  ".join([_("Lead and co-unit counted apart."), units.explained()]), muted)

    # 3. the log steps in the period (the second sheet), newest first: they come in parts (report.Steps)
    log_headings = ["#", _("time"), _("who"), _("objective"), _("what"), _("detail")]
    sheet(sheet_names[1], log_headings, report.steps, [8, 17, 12, 13, 40, 70], formats={1: minute},
          rows_at=report.steps.rows_at if isinstance(report.steps, Steps) else None)

    # 4. the assessment (考核) of the period, then every point with the entry and rule that gave it
    from superviser.assessment.rules import rule_label
    from superviser.exports.bulletin import score_lines, score_rows

    score_headings, score_table = score_rows(report)
    total += len(report.scores.units) + sum(len(unit.points) for unit in report.scores.units)
    ws = sheet(sheet_names[3], score_headings, score_table,
               [8, _width([score_headings[1]] + [r[1] for r in score_table], ceiling=40)] + [12] * 9,
               formats={9: percent})
    ws.write(2, 0, "  ·  ".join(score_lines(report)), muted)
    point_headings = [_("unit"), _("date"), "#", _("objective"), _("rule"), _("as"), _("points"), _("why")]
    point_rows = [[unit.name, _excel_date(p.day), p.seq or "", p.ref, rule_label(p.rule),
                   _("lead") if p.role == "lead" else _("co-unit"), p.points, p.note]
                  for unit in report.scores.units for p in unit.points]
    unit_width = _width([point_headings[0]] + [unit.name for unit in report.scores.units], ceiling=40)
    sheet(sheet_names[4], point_headings, point_rows, [unit_width, 11, 8, 13, 22, 8, 8, 60], formats={1: day})

    book.close()


