"""Sizes, counts and relative times, in each language from the library that says them
naturally there: humanize in English (and for Spanish times), Babel where humanize reads
wrong. Each case shows what humanize itself says, so the choice is proven, not assumed."""

import threading
from datetime import timedelta

import pytest

from superviser import clock, dates, i18n, quantities

MONTH, DAY, HOURS = timedelta(days=30), timedelta(days=1), timedelta(hours=3)


def _humanize(lang):
    with i18n.speaking(lang):
        return i18n.humanize()


def _ago(lang, delta):
    with i18n.speaking(lang):
        return dates.ago(clock.now() - delta)


def test_english_is_humanize_throughout():
    h = _humanize("en")
    assert _ago("en", MONTH) == h.naturaltime(MONTH) == "a month ago"
    assert _ago("en", HOURS) == "3 hours ago"
    with i18n.speaking("en"):
        assert quantities.size(38_211) == h.naturalsize(38_211) == "38.2 kB"
        assert quantities.count(1_234_567) == h.intcomma(1_234_567) == "1,234,567"


def test_chinese_times_come_from_babel_because_humanize_reads_wrong():
    h = _humanize("zh_CN")
    # humanize: "1 month before", without the measure word 个 that Chinese needs, and 之前 for 前
    assert h.naturaltime(MONTH) == "1月之前"
    assert h.naturaltime(DAY) == "1天之前"
    assert h.naturaltime(HOURS) == "3小时之前"
    assert h.intword(1_234_567) == "1.2 百万"  # a Chinese reader counts in 万: 123.5万
    # what we show
    assert _ago("zh_CN", MONTH) == "1个月前"
    assert _ago("zh_CN", DAY) == "1天前"
    assert _ago("zh_CN", HOURS) == "3小时前"


def test_chinese_sizes_and_counts_read_as_chinese_software_writes_them():
    h = _humanize("zh_CN")
    assert h.naturalsize(523) == "523 Bytes"  # left in English
    with i18n.speaking("zh_CN"):
        assert quantities.size(523) == "523 B"
        assert quantities.size(38_211) == "38.2 kB"
        assert quantities.count(1_234_567) == "1,234,567"


def test_spanish_times_are_humanize_but_its_numbers_are_english():
    h = _humanize("es")
    assert _ago("es", MONTH) == h.naturaltime(MONTH) == "hace un mes"  # natural: humanize is used
    assert _ago("es", HOURS) == "hace 3 horas"
    # humanize keeps the English decimal point and thousands separator in Spanish
    assert h.naturalsize(38_211) == "38.2 kB"
    assert h.intcomma(1_234_567) == "1,234,567"
    with i18n.speaking("es"):
        assert quantities.size(38_211) == "38,2 kB"
        assert quantities.size(2_500_000) == "2,5 MB"
        assert quantities.count(1_234_567) == "1.234.567"


def test_sizes_step_up_at_a_thousand():
    with i18n.speaking("es"):
        assert [quantities.size(n) for n in (999, 1000, 999_949, 999_999, 5_300_000_000)] == [
            "999 B", "1 kB", "999,9 kB", "1 MB", "5,3 GB"]


def test_the_language_holds_in_the_app_s_worker_threads():
    """humanize keeps its language per thread; the app's work runs in threads."""
    i18n.setup("es")
    try:
        assert dates.ago(clock.now() - MONTH) == "hace un mes"  # the main thread first
        said = []
        worker = threading.Thread(target=lambda: said.append(dates.ago(clock.now() - MONTH)))
        worker.start()
        worker.join()
        assert said == ["hace un mes"]
    finally:
        i18n.setup("en")


# --- where people read them ---------------------------------------------------------------

def test_export_and_backup_say_how_large_the_file_is(office, cli, tmp_path):
    office.objective(status="accepted")
    made = cli("--db", office.path, "export", "--format", "docx", "-o", tmp_path / "bulletin.docx")
    size = (tmp_path / "bulletin.docx").stat().st_size
    assert f"bulletin.docx ({size / 1000:.1f} kB): 1 objective; log anchor #" in made.out
    copied = cli("--db", office.path, "backup", tmp_path / "copy.db")
    size = (tmp_path / "copy.db").stat().st_size
    assert f"copy.db ({size / 1000:.1f} kB): " in copied.out and " log entries, head " in copied.out


@pytest.mark.parametrize(("lang", "said"), [("en", "(3 days ago)"), ("es", "(hace 3 días)"), ("zh_CN", "（3天前）")])
def test_doctor_says_how_old_the_checkpoint_is(office, cli, set_now, lang, said):
    assert cli("--db", office.path, "checkpoint").code == 0
    set_now("2026-11-23T09:00:00Z")
    ran = cli("--lang", lang, "--db", office.path, "doctor")
    line = next(line for line in ran.out.splitlines() if "2026-11-20 09:00" in line)
    assert said in line, line
