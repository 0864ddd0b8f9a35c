"""The bulletin as a Word document (python-docx)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from rich.cells import cell_len

from superviser import text
from superviser.exports import bulletin
from superviser.exports.report import Report
from superviser.i18n import is_chinese
from superviser.progress import Progress

FILLS = {"red": "FFC7CE", "yellow": "FFEB9C", "green": "C6EFCE", "grey": "D9D9D9"}
BODY_LATIN, BODY_EAST = "Calibri", "SimSun"  # 宋体
HEAD_LATIN, HEAD_EAST = "Calibri", "SimHei"  # 黑体
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _fonts(style, latin: str, east: str) -> None:
    """Latin and East Asian fonts: python-docx sets only the former by itself."""
    from docx.oxml.ns import qn

    style.font.name = latin
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east)


TEXT_WIDTH = 14740  # A4 landscape less the margins, in twentieths of a point


def _cell(value: str, width: int, fill: str | None = None, bold: bool = False) -> str:
    shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    run_props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr><w:p><w:r>{run_props}'
            f'<w:t xml:space="preserve">{escape(text.one_line(value))}</w:t></w:r></w:p></w:tc>')


def _widths(table: bulletin.Table) -> list[int]:
    """Columns as wide as their content (a CJK character counts twice), within reason."""
    sample = [table.headings] + table.rows[:200]
    weights = [min(40, max(4, max(cell_len(text.one_line(row[c])) for row in sample))) for c in range(len(table.headings))]
    return [round(TEXT_WIDTH * w / sum(weights)) for w in weights]


def _table(document, table: bulletin.Table) -> None:
    """The whole table as one XML fragment: python-docx's add_row is slow for thousands."""
    from docx.oxml import parse_xml

    widths = _widths(table)
    header = "<w:trPr><w:tblHeader/></w:trPr>" + "".join(
        _cell(h, widths[c], "DDE3EA", bold=True) for c, h in enumerate(table.headings))
    rows = [f"<w:tr>{header}</w:tr>"]
    for i, values in enumerate(table.rows):
        fill = FILLS[table.lights[i]] if table.lights else None
        cells = "".join(_cell(v, widths[c], fill if c == table.light_column else None) for c, v in enumerate(values))
        rows.append(f"<w:tr>{cells}</w:tr>")
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    xml = (f'<w:tbl xmlns:w="{W}"><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{TEXT_WIDTH}" w:type="dxa"/>'
           f'<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1"/></w:tblPr>'
           f'<w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>')
    # Before an empty paragraph (a gap after the table), never after the body's
    # section properties, which must stay last.
    document.add_paragraph()._p.addprevious(parse_xml(xml))


def write(report: Report, target, progress: Progress | None = None) -> None:
    """The bulletin; ``progress`` hears how many of its tables' rows are written."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(1.8))
    _fonts(document.styles["Normal"], BODY_LATIN, BODY_EAST)
    document.styles["Normal"].font.size = Pt(10.5 if is_chinese() else 10)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        _fonts(document.styles[name], HEAD_LATIN, HEAD_EAST)
    document.core_properties.title = bulletin.title(report)
    document.core_properties.author = report.made_by_name
    document.core_properties.comments = f"superviser log #{report.head_seq} {report.head_hash}"

    document.add_heading(bulletin.title(report), level=0)
    document.add_paragraph(bulletin.subtitle(report)).runs[0].bold = True
    for line in report.meta_lines():
        document.add_paragraph(line).runs[0].font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.text = report.meta_lines()[2]
    parts = bulletin.sections(report)
    total = sum(len(table.rows) + 1 for part in parts for _caption, table in part.tables)
    written = 0
    for part in parts:
        document.add_heading(part.title, level=1)
        for paragraph in part.paragraphs:
            document.add_paragraph(paragraph)
        for caption, table in part.tables:
            if caption:
                document.add_heading(caption, level=3)
            _table(document, table)
            written += len(table.rows) + 1
            if progress is not None:
                progress(written, total)
    document.save(target)
