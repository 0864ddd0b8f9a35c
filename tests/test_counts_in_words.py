"""Counts in the messages people read carry their language's digit grouping: "1,234" in
English and Chinese, "1.234" in Spanish (the lights, the import's summary and refusals)."""

import pytest

from superviser import i18n, importer, lights, sheets

GROUPED = {"en": "1,234", "zh_CN": "1,234", "es": "1.234"}


@pytest.mark.parametrize("lang", GROUPED)
def test_the_lights_counts(lang):
    with i18n.speaking(lang):
        said = lights.light_count_text("red", 1234, {"overdue": 1234})
    assert said.count(GROUPED[lang]) == 2, said


@pytest.mark.parametrize("lang", GROUPED)
def test_the_import_summary(lang):
    outcome = importer.Outcome(mapping={}, objectives=[{}] * 1234, decisions=["d"] * 1234, units=["u"] * 1234)
    with i18n.speaking(lang):
        said = outcome.counts()
    assert said.count(GROUPED[lang]) == 3, said


@pytest.mark.parametrize(("lang", "limit"), [("en", "67,108,864"), ("zh_CN", "67,108,864"), ("es", "67.108.864")])
def test_a_file_too_large(tmp_path, lang, limit):
    big = tmp_path / "ledger.csv"
    with big.open("wb") as f:
        f.truncate(sheets.MAX_BYTES + 1)  # sparse: nothing is written
    with i18n.speaking(lang), pytest.raises(sheets.InvalidInput) as refused:
        sheets.read(big)
    assert limit in str(refused.value)
