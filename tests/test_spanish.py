"""Spanish: chosen like the other languages, with Spanish plurals, dates and exports.

The CLI runs in its own process here: its help is translated when its modules load."""

import pytest
from openpyxl import load_workbook

from superviser import dates, i18n
from superviser.exports.report import Scope
from superviser.exports.run import export
from tests.conftest import run_process


@pytest.fixture
def spanish():
    i18n.setup("es")
    yield
    i18n.setup("en")


@pytest.mark.parametrize("given", ["es", "es_ES.UTF-8", "es_MX", "es-419", "es_AR.utf8@euro"])
def test_spanish_locales_select_the_es_catalog(given):
    assert i18n.normalise(given) == "es"


def test_lang_option_environment_and_locale_choose_spanish(office, monkeypatch):
    assert "Supervisión y seguimiento" in run_process("--lang", "es", "--help").stdout
    digest = run_process("--db", office.path, "digest", env={"SUPERVISER_LANG": "es"}).stdout
    assert digest.startswith("resumen de superviser · 20 de noviembre de 2026")
    for name in ("SUPERVISER_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    assert "Nada requiere atención." in run_process("--db", office.path, "digest", env={"LANG": "es_MX.UTF-8"}).stdout


def test_plurals_and_dates(spanish):
    assert dates.relative_deadline("2026-11-19") == "vencido hace 1 día"
    assert dates.relative_deadline("2026-11-15") == "vencido hace 5 días"
    assert dates.relative_deadline("2026-11-25") == "en 5 días"
    assert i18n.ngettext("{n} objective", "{n} objectives", 1).format(n=1) == "1 asunto"
    assert dates.long_date("2026-11-20") == "20 de noviembre de 2026"
    assert dates.short_date("2026-11-23") == "23 nov"
    assert dates.week_heading("2026-11-23") == ("Semana próxima", "al 29 nov")
    assert dates.week_heading("2026-09-30", today=dates.date(2026, 9, 1)) == ("Semana del 28 sept", "al 4 oct")


def test_a_refusal_in_spanish(office):
    ref = office.objective(status="closed")
    refused = run_process("--lang", "es", "--db", office.path, "urge", ref)
    assert refused.returncode == 4
    assert f"{ref}: no se puede apremiar en el estado «cerrado»" in refused.stderr


def test_exports_in_spanish(office, tmp_path, spanish):
    office.objective(title="Reparar la marquesina", deadline="2026-11-15", status="in_progress")
    page = export(office.director, "html", Scope(), tmp_path / "b.html").path.read_text(encoding="utf-8")
    assert '<html lang="es">' in page and "Boletín de supervisión" in page
    assert "Vencidos, y las unidades con retraso" in page
    book = load_workbook(export(office.director, "xlsx", Scope(), tmp_path / "l.xlsx").path)
    assert book.sheetnames == ["Seguimiento", "Registro", "Unidades", "Puntuaciones", "Puntos"]
    header = list(book["Seguimiento"].iter_rows(values_only=True))[3]
    assert header[:3] == ("referencia", "decisión", "título de la decisión") and "semáforo" in header



def test_the_units_behind_are_counted_with_spanish_plurals(office, tmp_path, spanish):
    office.objective(title="Reparar la marquesina", deadline="2026-11-15", status="in_progress")
    office.objective(title="Pintar la valla", lead="Planning", deadline="2026-11-10", status="in_progress")
    office.objective(title="Pedir sal", lead="Planning", deadline="2026-11-12", status="in_progress")
    page = export(office.director, "md", Scope(), tmp_path / "b.md").path.read_text(encoding="utf-8")
    assert "### Finance: 1 vencido\n" in page and "### Planning: 2 vencidos\n" in page

def test_a_spanish_ledger_imports_back(office, tmp_path, spanish):
    from superviser import store
    from superviser.importer import import_ledger
    from superviser.read import objectives
    from superviser.services import org

    office.objective(title="Reparar la marquesina", co=["East Station"], deadline="2026-12-20", status="in_progress")
    office.objective(title="Valla", lead="Planning", deadline="2026-11-30", status="closed")
    ledger = export(office.director, "xlsx", Scope(), tmp_path / "libro.xlsx").path
    i18n.setup("en")  # headings and states are recognised in every language, whoever imports
    empty = tmp_path / "empty.db"
    imported = import_ledger(org.init(empty, "boss"), ledger, create_units=True)
    assert imported.ok, [str(r) for r in imported.rejected]

    def shape(path):
        rows = objectives.list_objectives(store.connect(path), limit=None, order="ref")
        return [(r["ref"], r["title"], r["lead_unit"], r["co_units"], r["deadline"], r["status"]) for r in rows]

    assert shape(empty) == shape(office.path)
