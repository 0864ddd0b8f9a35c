"""The daily digest for cron and mail."""

from superviser import i18n, store
from superviser.digest import digest, render


def test_digest_groups_by_unit(office, cli):
    office.objective(title="Late thing", deadline="2026-11-15", status="in_progress")
    office.objective(title="Soon thing", lead="Planning", deadline="2026-11-21", status="accepted")
    office.objective(title="Done thing", deadline="2026-11-25", status="submitted")
    text = cli("--db", office.path, "digest").out
    assert text.startswith("superviser digest · November 20, 2026")
    overdue = text.index("Overdue (1)")
    assert text.index("Finance", overdue) < text.index("Late thing (overdue by 5 days)")
    assert "Soon thing (due tomorrow)" in text and "Done thing (verify)" in text
    md = cli("--db", office.path, "digest", "--format", "md").out
    assert md.startswith("# superviser digest") and "## Due soon (1)" in md and "**Planning**" in md


def test_digest_for_one_unit_in_chinese(office):
    office.objective(title="Late thing", deadline="2026-11-15", status="in_progress")
    office.objective(title="Other", lead="Planning", deadline="2026-11-15", status="in_progress")
    i18n.setup("zh_CN")
    try:
        out = render(digest(store.connect(office.path), "Planning"))
    finally:
        i18n.setup("en")
    assert "已逾期（1）" in out and "Other（逾期5天）" in out  # full-width brackets in Chinese
    assert "Late thing" not in out


def test_quiet_day(office, cli):
    assert "Nothing needs attention." in cli("--db", office.path, "digest").out
