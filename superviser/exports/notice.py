"""A numbered notice (催办单 / 督办通知单) as a Word document, in the office's format:
the issuing office, the title in the level's colour, the number (督〔2026〕14号), the
recipient unit, a form with the matter and its source, the requirement and the
deadline, the escalation level in words and colour, who to answer, then the date and
the seal line. The level is always said in words too, never by colour alone."""

from __future__ import annotations

import io

from superviser import dates, lifecycle, text
from superviser.delivery import messages
from superviser.delivery.notices import Notice
from superviser.exports.docx_writer import BODY_EAST, BODY_LATIN, HEAD_EAST, HEAD_LATIN, _fonts
from superviser.i18n import N_, _, aside, joined, speaking

# Fill of the level's band, and the colour of its title: blue reminder, yellow urge
# notice, red supervision notice (yellow text would not read on white: a darker gold).
FILLS = {"blue": "2E75B6", "yellow": "FFC000", "red": "C00000"}
INKS = {"blue": "2E75B6", "yellow": "9C6500", "red": "C00000"}
BAND_TEXT = {"blue": "FFFFFF", "yellow": "000000", "red": "FFFFFF"}
COLOUR_WORDS = {"blue": N_("Blue"), "yellow": N_("Yellow"), "red": N_("Red")}


def _shade(cell, fill: str) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>'))


def _paragraph(document, value: str, *, align=None, bold=False, size=None, colour=None, space_after=None):
    from docx.shared import Pt, RGBColor

    paragraph = document.add_paragraph()
    run = paragraph.add_run(value)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    if align is not None:
        paragraph.alignment = align
    if space_after is not None:
        paragraph.paragraph_format.space_after = Pt(space_after)
    return paragraph


def rows(notice: Notice) -> list[tuple[str, str]]:
    """The form's fields, label and value (in the notice's language)."""
    objective, decision = notice.objective, notice.decision
    source = _(lifecycle.SOURCES.get(decision["source"], decision["source"]))
    origin = _(", ").join(p for p in (source, dates.long_date(decision["decided_on"]),
                                      text.one_line(decision.get("source_ref") or "")) if p)
    deadline = aside(dates.long_date(objective["deadline"]), dates.relative_deadline(objective["deadline"]))
    if objective["original_deadline"] != objective["deadline"]:
        deadline += _("; ") + _("original deadline {date}").format(date=dates.long_date(objective["original_deadline"]))
    level = _("{colour}: {level} (urge {n})").format(colour=_(COLOUR_WORDS[notice.colour]), level=notice.title(),
                                                     n=max(objective["urge_count"], notice.level))
    found = [
        (_("Matter"), f"{objective['ref']} {text.one_line(objective['title'])}"),
        (_("Source"), aside(f"{decision['ref']} {text.one_line(decision['title'])}", origin)),
        (_("Lead unit"), notice.unit),
    ]
    if notice.co_units:
        found.append((_("Co-units"), joined(notice.co_units)))
    found += [
        (_("Required"), _(messages.REQUIRED[notice.level])),
        (_("Deadline"), deadline),
        (_("Level"), level),
        (_("Answer to"), messages.answer_to(notice.office, notice.issued_by)),
    ]
    return found


def render(notice: Notice) -> bytes:
    with speaking(notice.lang):
        return _render(notice)


def _render(notice: Notice) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for margin in ("left_margin", "right_margin"):
        setattr(section, margin, Cm(2.6))
    for margin in ("top_margin", "bottom_margin"):
        setattr(section, margin, Cm(3.0))
    _fonts(document.styles["Normal"], BODY_LATIN, BODY_EAST)
    document.styles["Normal"].font.size = Pt(12 if notice.lang.startswith("zh") else 11)
    _fonts(document.styles["Table Grid"], BODY_LATIN, BODY_EAST)
    number = notice.number_text()
    office = text.one_line(notice.office.name) or _("the supervision office")
    document.core_properties.title = f"{number} {notice.title()}"
    document.core_properties.author = office
    document.core_properties.comments = f"superviser log #{notice.seq}"

    _paragraph(document, office, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=14)
    title = _paragraph(document, notice.title(), align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=22,
                       colour=INKS[notice.colour], space_after=4)
    for run in title.runs:
        _fonts_run(run, HEAD_LATIN, HEAD_EAST)
    _paragraph(document, number, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)

    band = document.add_table(rows=1, cols=1)
    band.style = document.styles["Table Grid"]
    cell = band.rows[0].cells[0]
    _shade(cell, FILLS[notice.colour])
    run = cell.paragraphs[0].add_run(_("{colour}: {level}").format(colour=_(COLOUR_WORDS[notice.colour]),
                                                                  level=notice.title()))
    run.bold = True
    run.font.color.rgb = RGBColor.from_string(BAND_TEXT[notice.colour])
    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    _paragraph(document, _("To: {unit}").format(unit=notice.unit), bold=True)
    form = document.add_table(rows=0, cols=2)
    form.style = document.styles["Table Grid"]
    for label, value in rows(notice):
        cells = form.add_row().cells
        cells[0].width, cells[1].width = Cm(3.6), Cm(12.2)
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].paragraphs[0].add_run(value)
    _paragraph(document, "")
    _paragraph(document, _("Please report in writing to the office by the deadline."))
    _paragraph(document, "")
    for line in (office, _("(seal)"), dates.long_date(dates.local(notice.issued_at).date())):
        _paragraph(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
    footer = section.footer.paragraphs[0]
    footer.text = _("Issued with superviser · supervision log #{seq}").format(seq=notice.seq)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _fonts_run(run, latin: str, east: str) -> None:
    from docx.oxml.ns import qn

    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east)


def default_name(notice: Notice) -> str:
    return f"notice-{notice.year}-{notice.number:03d}-{notice.objective['ref']}.docx"


def target(path, *, force: bool = False, label: str = "-o"):
    """Where a notice is to be saved, checked before it is numbered and logged: a file name (not a
    folder) in a folder that exists, and no file there unless ``force``."""
    from pathlib import Path

    from superviser import files
    from superviser.errors import InvalidInput

    where = Path(path).expanduser()
    if where.is_dir():
        raise InvalidInput("output", _("{path} is a folder; give a file name").format(path=files.shown(where)),
                           label=label)
    files.check_folder(where)
    if not force and (where.exists() or where.is_symlink()):
        raise InvalidInput("output", _("{path} exists; use --force to overwrite it").format(path=files.shown(where)),
                           label=label)
    return where


def save(data: bytes, path, *, force: bool = False):
    """Write ``data`` to ``path``, private, never over an existing file unless ``force``."""
    from superviser import files

    return files.write_new(target(path, force=force), data, overwrite=force)
