"""The command line: the shapes scripts rely on, one-line refusals, nothing written on a mistake."""

import json

import pytest

from superviser import store
from superviser.services import registry


def items(output: str) -> list:
    """The items of a `--json` list (it also says the total and whether more follow)."""
    return json.loads(output)["items"]


def log_count(path):
    return store.connect(path).conn.execute("SELECT count(*) FROM log").fetchone()[0]


@pytest.fixture
def db(office):
    return office.path


def test_a_clerks_day(tmp_path, cli):
    path = tmp_path / "day.db"
    assert cli("--db", path, "init", "--name", "Bao Si").code == 0
    assert cli("--db", path, "unit", "add", "Operations").code == 0
    assert cli("--db", path, "unit", "add", "East Station", "--parent", "Operations").code == 0
    assert cli("--db", path, "person", "add", "li", "--name", "Li", "--role", "liaison", "--unit", "East Station").code == 0
    ran = cli("--db", path, "decision", "add", "Winter safety", "--source", "meeting", "--date", "today",
              "--ref", "Meeting 31", "--leader", "Zhao", "--priority", "urgent")
    assert ran.code == 0 and "2026-001" in ran.out
    ran = cli("--db", path, "objective", "add", "2026-001", "Inspect boilers", "--lead", "East Station",
              "--co", "Operations", "--deadline", "+10d", "--assign")
    assert ran.code == 0 and "2026-001.1" in ran.out and "assigned" in ran.out
    assert cli("--db", path, "urge", "2026-001.1", "--text", "Report by Friday").code == 0
    assert cli("--db", path, "note", "2026-001.1", "Called them").code == 0
    shown = json.loads(cli("--db", path, "objective", "show", "2026-001.1", "--json").out)
    assert shown["deadline"] == "2026-11-30" and shown["status"] == "assigned" and shown["urge_count"] == 1
    assert [e["action"] for e in shown["log"]] == ["note", "urge", "assign", "objective.add"]


def test_objective_json_shape(db, office, cli):
    office.objective(co=["East Station"], status="in_progress")
    rows = items(cli("--db", db, "objective", "list", "--json").out)
    assert set(rows[0]) >= {"id", "ref", "title", "status", "light", "deadline", "lead_unit", "co_units", "percent"}
    assert rows[0]["co_units"] == ["East Station"] and rows[0]["percent"] == 30 and rows[0]["light"] == "green"


def test_log_json_shape(db, office, cli):
    office.objective(status="accepted")
    entries = items(cli("--db", db, "log", "--json", "--limit", "3").out)
    assert list(entries[0]) == ["seq", "at", "actor", "action", "objective", "decision", "detail", "changes",
                                "prev_hash", "hash"]
    assert entries[0]["prev_hash"] == entries[1]["hash"]
    assert entries[0]["objective"] == "2026-001.1" and entries[0]["at"].endswith("Z")


def test_decision_json_shape(db, office, cli):
    office.objective(status="in_progress", deadline="2026-11-19")
    rows = items(cli("--db", db, "decision", "list", "--json").out)
    assert rows[0]["ref"] == "2026-001" and rows[0]["objectives"] == 1 and rows[0]["worst_light"] == "red"
    shown = json.loads(cli("--db", db, "decision", "show", "2026-001", "--json").out)
    assert shown["objective_list"][0]["ref"] == "2026-001.1"


@pytest.mark.parametrize("args", [
    ["--light", "red"], ["--unit", "Finance"], ["--unit", "East Station", "--role", "co"], ["--decision", "2026-001"],
    ["--status", "in_progress"], ["--due-before", "2026-11-25"], ["--search", "canopy"], ["--search", "雨棚"],
    ["--open"], ["--limit", "1"],
])
def test_list_filters(db, office, cli, args):
    office.objective(title="Repair the canopy 雨棚", co=["East Station"], deadline="2026-11-19", status="in_progress")
    other = registry.decision_add(office.director, "Tidy up", source="leader", decided_on="2026-11-02").ref
    office.objective(title="Paint the fence", lead="Planning", deadline="2026-12-30", status="closed", decision=other)
    rows = items(cli("--db", db, "objective", "list", "--json", *args).out)
    assert [r["title"] for r in rows] == ["Repair the canopy 雨棚"]


def test_log_filters(db, office, cli):
    office.objective(status="accepted")
    urges = items(cli("--db", db, "log", "--json", "--action", "accept").out)
    assert [e["actor"] for e in urges] == ["li"]
    assert items(cli("--db", db, "log", "--json", "--actor", "li").out)[0]["action"] == "accept"
    assert items(cli("--db", db, "log", "--json", "--since", "2026-11-21").out) == []
    assert len(items(cli("--db", db, "log", "--json", "--unit", "Finance").out)) == 3


@pytest.mark.parametrize("args,message", [
    (["urge", "2026-009.9"], "objective: no objective 2026-009.9"),
    (["objective", "add", "2026-001", "X", "--lead", "Finance", "--deadline", "someday"], "deadline: 'someday' is not a date"),
    (["objective", "add", "2026-001", "X", "--lead", "Finance", "--deadline", "+99999d"],
     "deadline: 2300-09-04 is outside the years 2000 to 2100"),
    (["objective", "add", "2026-001", "X", "--lead", "Finance", "--deadline", "+99999999999999999999w"],
     "deadline: +99999999999999999999w is outside the years 2000 to 2100"),
    (["objective", "add", "2026-001", "X", "--lead", "Finance", "--deadline", "2026-10-01"], "before the decision's date"),
    (["objective", "add", "2026-001", "", "--lead", "Finance", "--deadline", "+3d"], "title: must not be empty"),
    (["objective", "add", "2026-001", "x" * 300, "--lead", "Finance", "--deadline", "+3d"], "title: is 300 characters long"),
    (["objective", "add", "2026-001", "X", "--lead", "Mars", "--deadline", "+3d"], "lead unit: no unit named Mars"),
    (["objective", "add", "2026-009", "X", "--lead", "Finance", "--deadline", "+3d"], "decision: no decision 2026-009"),
    (["accept", "2026-001.1"], "cannot accept while it is registered; possible now: assign"),
    (["score", "--unit", "Nowhere"], "unit: no unit named Nowhere"),
    (["score", "--unit", "East"], "unit: East could be East Depot or East Station"),
    (["person", "add", "newby", "--name", "New", "--role", "liaison"], "unit: a liaison speaks for a unit: give the unit"),
    (["objective", "add", "2026-001", "X", "--deadline", "+3d"], "lead unit: must not be empty"),
    (["progress", "2026-001.1", "--percent", "150", "--text", "x"], "percent: must be a whole number"),
])
def test_mistakes_are_one_line_nonzero_and_write_nothing(db, office, cli, args, message):
    office.objective()
    before = log_count(db)
    ran = cli("--db", db, *args)
    assert ran.code != 0
    assert message in ran.err
    assert len(ran.err.strip().splitlines()) == 1 and "Traceback" not in ran.err
    assert log_count(db) == before and ran.out == ""


def test_usage_mistakes_name_the_program_once(cli):
    top = cli("--bogus")
    assert top.code == 2 and top.err.strip() == "superviser: No such option '--bogus'. (see superviser --help)"
    sub = cli("objective", "list", "--bogus")
    assert sub.err.startswith("superviser: objective list: No such option '--bogus'.")


def test_conflict_from_a_stale_version(db, office, cli):
    office.objective(status="accepted")
    version = json.loads(cli("--db", db, "objective", "show", "2026-001.1", "--json").out)["version"]
    assert cli("--db", db, "urge", "2026-001.1", "--if-version", version).code == 0
    stale = cli("--db", db, "note", "2026-001.1", "late", "--if-version", version)
    assert stale.code == 6 and "changed since you looked at it" in stale.err


def test_step_json_result(db, office, cli):
    office.objective(status="accepted")
    result = json.loads(cli("--db", db, "urge", "2026-001.1", "--json").out)
    assert result["ok"] and result["ref"] == "2026-001.1" and result["seq"] > 0 and result["version"] > 1


def test_missing_database(tmp_path, cli):
    ran = cli("--db", tmp_path / "none.db", "objective", "list")
    assert ran.code != 0 and "superviser init" in ran.err


def test_human_list_survives_markup_and_escapes(db, office, cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    office.objective(title="[@click=app.quit]x[/] \x1b[2J boom")
    ran = cli("--db", db, "objective", "list")
    assert ran.code == 0 and "[@click=app.quit]x[/]" in ran.out and "\x1b[2J" not in ran.out


def test_every_command_has_help_with_an_example(cli):
    import click

    from superviser.cli.root import build

    root = build()

    ctx = click.Context(root)

    def walk(group, path):
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if isinstance(command, click.Group):
                yield from walk(command, path + [name])
            else:
                yield path + [name]

    paths = list(walk(root, []))
    assert len(paths) >= 35
    for path in paths:
        ran = cli(*path, "--help")
        assert ran.code == 0, path
        assert "Example" in ran.out and f"superviser {' '.join(path)}" in ran.out, path


def test_backup_is_a_working_copy(db, office, cli, tmp_path):
    office.objective(status="accepted")
    ran = cli("--db", db, "backup", tmp_path / "copy.db")
    assert ran.code == 0
    assert cli("--db", tmp_path / "copy.db", "audit").code == 0
    assert cli("--db", db, "backup", tmp_path / "copy.db").code != 0  # no silent overwrite


def test_doctor(db, cli):
    ran = cli("--db", db, "doctor")
    assert "journal mode: wal" in ran.out and "log:" in ran.out and "SQLite" in ran.out


def test_doctor_json_names_each_check_alike_in_every_language(db, cli):
    checks = {lang: json.loads(cli("--db", db, "--lang", lang, "doctor", "--json").out) for lang in ("en", "zh_CN", "es")}
    keys = [c["check"] for c in checks["en"]]
    assert "database" in keys and "journal mode" in keys
    assert [c["check"] for c in checks["zh_CN"]] == keys == [c["check"] for c in checks["es"]]
    assert {c["check"]: c["name"] for c in checks["zh_CN"]}["database"] == "数据库"  # what people read, beside the key


def test_doctor_names_a_table_dropped_around_the_program_and_goes_on(db, cli):
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE checkpoints")
    conn.commit()
    conn.close()
    ran = cli("--db", db, "doctor")
    assert ran.code == 1, ran.err  # (a failed check, not a crash)
    assert "checkpoint: no such table: checkpoints" in ran.out


def test_settings(db, cli):
    assert '"light.near_days": "3"' in cli("--db", db, "settings", "--json").out
    assert cli("--db", db, "settings", "light.near_days", "5").code == 0
    bad = cli("--db", db, "settings", "light.near_days", "soon")
    assert bad.code != 0 and "whole number" in bad.err


def test_settings_take_a_negative_rule_as_its_value(db, cli):
    ran = cli("--db", db, "settings", "score.late", "-2")  # as the README shows it
    assert ran.code == 0, ran.err
    assert '"score.late": "-2"' in cli("--db", db, "settings", "--json").out


def test_undo_of_a_log_entry_that_is_not_there_is_not_found(db, office, cli):
    office.objective()
    before = log_count(db)
    ran = cli("--db", db, "undo", "99999", "--reason", "wrong one")
    assert ran.code == 3 and "entry: no log entry #99999" in ran.err  # README: 3 is "no such … log entry"
    assert log_count(db) == before


def test_dates_accept_words(db, office, cli):
    office.objective()
    for word, expected in (("today", "2026-11-20"), ("tomorrow", "2026-11-21"), ("+7d", "2026-11-27"), ("+2w", "2026-12-04"),
                           ("hoy", "2026-11-20"), ("mañana", "2026-11-21"), ("明天", "2026-11-21")):
        cli("--db", db, "objective", "add", "2026-001", f"Due {word}", "--lead", "Finance", "--deadline", word)
        rows = items(cli("--db", db, "objective", "list", "--json", "--search", f"Due {word}").out)
        assert rows[0]["deadline"] == expected


def test_help_and_clicks_own_words_follow_the_language_of_each_run(cli):
    english = cli("--lang", "en", "urge", "--help")
    chinese = cli("--lang", "zh_CN", "urge", "--help")  # the same process, after English
    assert "Usage:" in english.out and "Chase the lead unit" in english.out
    assert "用法：" in chinese.out and "催办主办单位" in chinese.out and "显示本帮助并退出" in chinese.out
    mistake = cli("--lang", "zh_CN", "objective", "list", "--bogus")
    assert mistake.code == 2 and "没有选项 '--bogus'" in mistake.err


def test_a_command_runs_without_the_cycle_collector_and_gives_it_back(cli, office, tmp_path, monkeypatch):
    """A command runs once and exits: the collector stays off while it runs (turned back on
    after an export's rows, it would walk all the export still holds), and is on again once
    the command line returns, for whoever called it."""
    import gc

    from superviser import files

    stage, seen = files.stage, []

    def noting(target):
        seen.append(gc.isenabled())
        return stage(target)

    monkeypatch.setattr(files, "stage", noting)
    ran = cli("--db", office.path, "export", "--format", "csv", "-o", tmp_path / "ledger.csv")
    assert ran.code == 0 and (tmp_path / "ledger.csv").exists()
    assert seen == [False] and gc.isenabled()


def test_log_at_80_columns_keeps_every_column_and_the_line(db, office, cli, monkeypatch):
    office.objective()
    cli("--db", db, "note", "2026-001.1", "Called the unit head about the boiler rooms and the chimneys " * 2)
    monkeypatch.setenv("COLUMNS", "80")
    from rich.cells import cell_len

    for lang, who in (("en", "who"), ("es", "quién"), ("zh_CN", "操作人")):
        shown = cli("--db", db, "--lang", lang, "log", "--limit", "5").out.splitlines()
        header = next(line for line in shown if who in line)
        assert header.split()[0] == "#"  # Rich's own cut narrowed the # and who columns to nothing
        assert all(cell_len(line) <= 80 for line in shown), shown
        assert any("Called" in line and line.rstrip().endswith("…") for line in shown)
