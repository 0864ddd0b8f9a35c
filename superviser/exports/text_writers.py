"""The bulletin as Markdown and as one self-contained, printable HTML file; the
ledger as CSV (UTF-8 with a byte order mark, so Excel reads Chinese correctly)."""

from __future__ import annotations

import csv
import html
import io
import re

from superviser import text
from superviser.exports import bulletin
from superviser.exports.report import Report, ledger_headings, ledger_rows
from superviser.i18n import current

FILLS = {"red": "#FFC7CE", "yellow": "#FFEB9C", "green": "#C6EFCE", "grey": "#D9D9D9"}


def _md(value: str) -> str:
    """A table cell: one line, pipes escaped, markdown's own characters kept literal (an entity
    such as &amp; would show as "&", a pair of ~ strikes through in GitHub's Markdown)."""
    cell = text.one_line(value)
    for char in "\\|*_`[]<>&~":
        cell = cell.replace(char, "\\" + char)
    return cell


def markdown(report: Report) -> str:
    out = [f"# {_md(bulletin.title(report))}", "", f"**{_md(bulletin.subtitle(report))}**", ""]
    out += [f"> {_md(line)}  " for line in report.meta_lines()] + [""]
    for part in bulletin.sections(report):
        out += [f"## {_md(part.title)}", ""]
        out += [_md(p) + "\n" for p in part.paragraphs]
        for caption, table in part.tables:
            if caption:
                out += [f"### {_md(caption)}", ""]
            out.append("| " + " | ".join(_md(h) for h in table.headings) + " |")
            out.append("|" + "---|" * len(table.headings))
            out += ["| " + " | ".join(_md(v) for v in row) + " |" for row in table.rows]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


STYLE = """
body { font-family: "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
       margin: 2em auto; max-width: 72em; color: #222; font-size: 14px; }
h1 { margin-bottom: .2em; } h2 { border-bottom: 2px solid #ccd; padding-bottom: .2em; margin-top: 1.6em; }
.meta { color: #666; font-size: 12px; } .meta code { font-size: 11px; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; }
th, td { border: 1px solid #ccd; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #dde3ea; }
@page { size: A4 landscape; margin: 1.5cm; }
@media print { body { margin: 0; max-width: none; font-size: 11px; } thead { display: table-header-group; }
               tr { page-break-inside: avoid; } h2, h3 { page-break-after: avoid; } }
"""


def html_page(report: Report) -> str:
    e = html.escape
    lang = current().replace("_", "-")
    out = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
           f"<title>{e(bulletin.title(report))}</title><style>{STYLE}</style></head><body>",
           f"<h1>{e(bulletin.title(report))}</h1><p><strong>{e(bulletin.subtitle(report))}</strong></p>",
           '<div class="meta">' + "".join(f"<div>{e(line)}</div>" for line in report.meta_lines()) + "</div>"]
    for part in bulletin.sections(report):
        out.append(f"<h2>{e(part.title)}</h2>")
        out += [f"<p>{e(p)}</p>" for p in part.paragraphs]
        for caption, table in part.tables:
            if caption:
                out.append(f"<h3>{e(caption)}</h3>")
            out.append("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in table.headings) + "</tr></thead><tbody>")
            for i, row in enumerate(table.rows):
                cells = []
                for c, value in enumerate(row):
                    fill = (f' style="background:{FILLS[table.lights[i]]}"'
                            if table.lights and c == table.light_column else "")
                    cells.append(f"<td{fill}>{e(text.one_line(value))}</td>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV
# injection"): such a cell is written with a leading apostrophe, which the spreadsheet
# shows as text and hides. A plain number keeps its sign and stays a number.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def spreadsheet_cell(value):
    """A CSV cell no spreadsheet will run."""
    if not isinstance(value, str):
        return value
    cell = text.clean(value)
    if cell.lstrip(" ").startswith(FORMULA_STARTS) and not _NUMBER.match(cell.strip()):
        return "'" + cell
    return cell


def csv_text(report: Report) -> str:
    """The ledger: a first line saying what it is, then the header and the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_cell(" · ".join(report.heading_lines()))])
    writer.writerow([spreadsheet_cell(h) for h in ledger_headings()])
    for values in ledger_rows(report.objectives):
        writer.writerow([spreadsheet_cell(v) for v in values])
    return buffer.getvalue()
