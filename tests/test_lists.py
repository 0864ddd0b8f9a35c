"""Units and people listed for a reader are joined as the reader's language joins them
(Babel's list patterns), in the CLI, the core's refusals, exports and notices."""

import pytest
from openpyxl import load_workbook

from superviser import i18n
from superviser.errors import Refused
from superviser.exports.report import Scope
from superviser.exports.run import export
from superviser.services import org

UNITS = ["Finance Department", "South Station", "East Depot"]


@pytest.mark.parametrize(("lang", "two", "three"), [
    ("en", "Finance Department and South Station", "Finance Department, South Station, and East Depot"),
    ("zh_CN", "Finance Department和South Station", "Finance Department、South Station和East Depot"),
    ("es", "Finance Department y South Station", "Finance Department, South Station y East Depot"),
])
def test_names_are_joined_in_the_language(lang, two, three):
    with i18n.speaking(lang):
        assert i18n.joined(UNITS[:2]) == two
        assert i18n.joined(UNITS) == three
        assert i18n.joined(UNITS[:1]) == "Finance Department"
        assert i18n.joined([]) == ""


def test_alternatives_read_as_alternatives():
    assert i18n.joined(["Finance", "Planning"], "or") == "Finance or Planning"
    with i18n.speaking("zh_CN"):
        assert i18n.joined(["财务处", "南站"], "or") == "财务处或南站"
    with i18n.speaking("es"):
        assert i18n.joined(["Finanzas", "Planificación"], "or") == "Finanzas o Planificación"


def test_chinese_names_read_as_one_phrase():
    with i18n.speaking("zh_CN"):
        assert i18n.joined(["财务处", "南站"]) == "财务处和南站"
        assert i18n.joined(["财务处", "南站", "东站"]) == "财务处、南站和东站"


@pytest.mark.parametrize(("lang", "line"), [
    ("en", "co-units: East Station and Planning"),
    ("zh_CN", "East Station和Planning"),
    ("es", "East Station y Planning"),
])
def test_objective_show_lists_its_co_units_in_the_language(office, cli, lang, line):
    ref = office.objective(co=["East Station", "Planning"])
    shown = cli("--lang", lang, "--db", office.path, "objective", "show", ref)
    assert shown.code == 0, shown.err
    assert line in shown.out


def test_a_refusal_names_the_units_below_as_a_sentence(office):
    org.unit_add(office.director, "West Depot", "East Station")
    with pytest.raises(Refused) as refused:
        org.unit_edit(office.director, "East Station", active=False)
    assert "(East Depot and West Depot)" in str(refused.value)


@pytest.mark.parametrize(("lang", "cell"), [("en", "East Station and Planning"), ("es", "East Station y Planning")])
def test_the_ledger_lists_co_units_in_the_export_language(office, tmp_path, lang, cell):
    office.objective(co=["East Station", "Planning"])
    with i18n.speaking(lang):
        path = export(office.director, "xlsx", Scope(), tmp_path / "ledger.xlsx").path
    sheet = load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    with i18n.speaking(lang):
        column = [str(h) for h in rows[3]].index(i18n._("co-units"))
    assert rows[4][column] == cell


def test_a_printed_notice_lists_co_units_in_its_own_language(office):
    from superviser.delivery import notices
    from superviser.exports import notice

    ref = office.objective(co=["East Station", "Planning"], status="assigned")
    for lang, row in (("zh_CN", ("协办单位", "East Station和Planning")), ("en", ("Co-units", "East Station and Planning"))):
        issued = notices.issue(office.director, ref, lang=lang)
        with i18n.speaking(issued.lang):
            assert row in notice.rows(issued)
