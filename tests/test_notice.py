"""Printed notices: the office's format, opened again with python-docx; numbers that never
repeat; files written private and never over another."""

from __future__ import annotations

import io
import stat

import pytest
from docx import Document

from superviser.delivery.notices import issue
from superviser.exports import notice as notice_doc
from superviser.services import contacts, steps
from tests.test_delivery import audited  # noqa: F401 (a fixture: every test ends with an audit)


def texts(document) -> list[str]:
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            found.append(" | ".join(cell.text for cell in row.cells))
    return found


def fills(document) -> set[str]:
    xml = document.element.xml
    return {part.split('"')[0] for part in xml.split('w:fill="')[1:]}


@pytest.fixture
def urged_twice(office):
    contacts.office_set(office.director, name="督查室", contact="tel. 6512 3456")
    ref = office.objective(title="Repair the canopy", co=["Planning"], status="in_progress", deadline="2026-11-15")
    steps.urge(office.director, ref, text="Report")
    steps.urge(office.director, ref, text="Report now")
    return ref


def test_the_notice_in_english_has_the_office_format(office, urged_twice):
    notice = issue(office.director, urged_twice)
    assert (notice.year, notice.number, notice.level, notice.reprint) == (2026, 1, 2, False)
    document = Document(io.BytesIO(notice_doc.render(notice)))
    lines = texts(document)
    assert lines[:3] == ["督查室", "Urge notice", "Supervision [2026] No. 1"]
    assert "Yellow: Urge notice" in lines
    assert "To: Finance" in lines
    assert f"Matter | {urged_twice} Repair the canopy" in lines
    assert "Source | 2026-001 Winter safety (leadership meeting, November 1, 2026)" in lines
    assert "Lead unit | Finance" in lines and "Co-units | Planning" in lines
    assert "Required | Report your progress in writing and explain any delay." in lines
    assert "Deadline | November 15, 2026 (overdue by 5 days)" in lines
    assert "Level | Yellow: Urge notice (urge 2)" in lines
    assert "Answer to | 督查室 (tel. 6512 3456); Bao Si" in lines
    assert [p.text for p in document.paragraphs][-3:] == ["督查室", "(seal)", "November 20, 2026"]
    assert notice_doc.FILLS["yellow"] in fills(document)
    assert document.core_properties.title == "Supervision [2026] No. 1 Urge notice"
    assert f"supervision log #{notice.seq}" in document.sections[0].footer.paragraphs[0].text


def test_the_notice_in_chinese_is_numbered_as_offices_number(office, urged_twice):
    notice = issue(office.director, urged_twice, level=3, lang="zh_CN")
    document = Document(io.BytesIO(notice_doc.render(notice)))
    lines = texts(document)
    assert lines[:3] == ["督查室", "督办通知单", "督〔2026〕1号"]
    assert "红色：督办通知单" in lines
    assert "办理时限 | 2026年11月15日（逾期5天）" in lines
    assert [p.text for p in document.paragraphs][-3:] == ["督查室", "（盖章）", "2026年11月20日"]
    assert notice_doc.FILLS["red"] in fills(document)


def test_the_notice_in_spanish(office, urged_twice):
    notice = issue(office.director, urged_twice, level=1, lang="es")
    document = Document(io.BytesIO(notice_doc.render(notice)))
    lines = texts(document)
    assert lines[:3] == ["督查室", "Recordatorio", "Supervisión [2026] n.º 1"]
    assert "Plazo | 15 de noviembre de 2026 (vencido hace 5 días)" in lines
    assert [p.text for p in document.paragraphs][-3:] == ["督查室", "(sello)", "20 de noviembre de 2026"]


def test_numbers_never_repeat_and_a_reprint_keeps_its_number(office, urged_twice):
    other = office.objective(title="Another", status="in_progress")
    first = issue(office.director, urged_twice)
    assert issue(office.director, other, level=1).number == 2
    again = issue(office.director, urged_twice)
    assert (again.number, again.reprint) == (first.number, True)
    assert issue(office.director, urged_twice, level=3).number == 3  # another level, another slip
    assert issue(office.director, urged_twice, new=True).number == 4
    db = office.director.db
    assert [r[0] for r in db.conn.execute("SELECT number FROM notices ORDER BY id")] == [1, 2, 3, 4]
    log = [d for (d,) in db.conn.execute("SELECT detail FROM log WHERE action = 'notice' ORDER BY seq")]
    assert log[2] == "Supervision [2026] No. 1 printed again"


def test_the_cli_writes_it_private_and_never_over_another_file(office, urged_twice, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ran = cli("--db", office.path, "notice", urged_twice)
    assert ran.code == 0, ran.err
    path = tmp_path / f"notice-2026-001-{urged_twice}.docx"
    size = path.stat().st_size
    assert ran.out.startswith(f"{path.name} ({size / 1000:.1f} kB): Supervision [2026] No. 1 (Urge notice)")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_bytes()
    again = cli("--db", office.path, "notice", urged_twice)  # (printed again: a name of its own beside it)
    assert again.code == 0 and (tmp_path / f"notice-2026-001-{urged_twice} (2).docx").exists()
    assert path.read_bytes() == before
    assert cli("--db", office.path, "notice", urged_twice, "--force").code == 0
    given = tmp_path / "mine.docx"
    given.write_text("keep me")
    assert cli("--db", office.path, "notice", urged_twice, "-o", given).code == 2
    assert given.read_text() == "keep me"
    inside = cli("--db", office.path, "notice", urged_twice, "-o", given / "inside.docx")  # (its "folder" is a file)
    assert inside.code == 2 and "is a file, not a folder" in inside.err
    nowhere = cli("--db", office.path, "notice", urged_twice, "-o", tmp_path / "nowhere" / "n.docx")
    assert nowhere.code == 2 and "does not exist" in nowhere.err and not (tmp_path / "nowhere").exists()
    assert office.director.db.conn.execute("SELECT count(*) FROM log WHERE action = 'notice'").fetchone()[0] == 3
    assert office.director.db.conn.execute("SELECT count(*) FROM notices").fetchone()[0] == 1


def test_the_cli_writes_it_to_standard_output(office, urged_twice):
    import os
    import subprocess
    import sys

    from tests.conftest import NOW, ROOT

    ran = subprocess.run([sys.executable, "-m", "tests.frozen", NOW, "--", "--db", str(office.path), "notice", urged_twice,
                          "-o", "-"], capture_output=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert "Supervision [2026] No. 1" in texts(Document(io.BytesIO(ran.stdout)))


def test_only_the_office_prints_notices(office, urged_twice, cli):
    from superviser.errors import Forbidden

    with pytest.raises(Forbidden):
        issue(office.session("li"), urged_twice)
    ran = cli("--db", office.path, "notice", "2026-999.9")
    assert ran.code == 3 and ran.err.strip() == "superviser: objective: no objective 2026-999.9"
