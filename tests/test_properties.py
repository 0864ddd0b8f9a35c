"""Searching for breakage: every command's arguments and every kind of ledger cell, generated.

Whatever is typed, the command ends with an exit code the README documents, says why on one
line without a traceback, and writes nothing when it refuses (the log's head is unchanged:
every write appends to it).
"""

from __future__ import annotations

import contextlib
import csv
import io
import sys

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from superviser import journal, store, text
from superviser.cli import main
from superviser.cli.root import build

# The exit codes the README documents (its table), for any command.
DOCUMENTED = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 130}

NASTY = st.sampled_from([
    "", " ", "-", "--", "0", "-1", "007", "9" * 30, "1e30", "inf", "-inf", "nan", "NaN", "0x10", "1_000",
    "0001-01-01", "9999-12-31", "2026-02-30", "+99999d", "-5w", "today", "明天", "2026年12月1日",
    "\x1b[31mred\x1b[0m", "\x00nul", "a\rb", "tab\there", "line\nbreak", "\u202eevil", "\u2066x\u2069", "\u200b",
    "\u200b\u200c\u200d\ufeff", "\udcff\udcfe", "x\udc80y", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)", "'; DROP TABLE log;--",
    "%s%n", "{0}{x}", "[bold]markup[/]", "*", "\"quoted\"", "a" * 300, "字" * 5000, "../../etc/passwd", "/dev/null",
    "NUL", "COM1",
])
PLAUSIBLE = st.sampled_from([
    "2026-001", "2026-001.1", "2026-001.2", "2026-001.1.1", "1", "2", "Finance", "East Station", "Planning", "li",
    "boss", "sup", "2026-12-01", "+7d", "tomorrow", "meeting", "urgent", "red", "clear", "on-track", "on-site",
    "light.near_days", "5", "40", "Reason given",
])
VALUES = st.one_of(NASTY, PLAUSIBLE, st.text(max_size=40), st.integers(-10**20, 10**20).map(str))


# Not run here: a server that waits for browsers; what an SSH key runs (it confines the whole
# process, and is tested through real processes); the sender, which reaches the network.
AWAY = {"serve", "shell", "deliver"}


def leaf_commands() -> list[tuple[str, ...]]:
    """Every command a person can run, as its words (``("extend", "request")``)."""
    ctx = click.Context(build())
    found = []

    def walk(group: click.Group, words: tuple[str, ...]) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if isinstance(command, click.Group):
                walk(command, words + (name,))
            elif name not in AWAY:
                found.append(words + (name,))

    walk(ctx.command, ())
    return found


def command_of(words: tuple[str, ...]) -> click.Command:
    ctx = click.Context(build())
    command = ctx.command
    for word in words:
        command = command.get_command(ctx, word)
    return command


@st.composite
def arguments(draw, words: tuple[str, ...]) -> list[str]:
    command = command_of(words)
    argv: list[str] = []
    for param in command.params:
        if isinstance(param, click.Argument):
            if param.required or draw(st.booleans()):
                argv.append(draw(VALUES))
            continue
        if not isinstance(param, click.Option) or not draw(st.booleans()):
            continue
        name = param.opts[0]
        if param.is_flag:
            argv.append(draw(st.sampled_from(param.opts + param.secondary_opts)))
        elif isinstance(param.type, click.Choice):
            argv += [name, draw(st.one_of(st.sampled_from(list(param.type.choices)), VALUES))]
        else:
            argv += [name, draw(VALUES)]
    if words == ("review",):
        argv.append("--list")  # without it, the app opens
    if words[0] == "keys":  # never the authorized_keys of the account running the tests
        argv += ["--authorized-keys", "authorized_keys"]
    if words == ("demo",) and "--size" in argv:
        argv[argv.index("--size") + 1] = str(draw(st.integers(-3, 20)))  # a demo of millions takes minutes
    return argv


def run(path, argv: list[str]) -> tuple[int, str]:
    """The CLI in this process; its exit code and what it said on stderr."""
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.StringIO("typed on standard input\n")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(["--db", str(path), *argv])
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    finally:
        sys.stdin = stdin
    return code, err.getvalue()


@pytest.fixture
def stocked(office):
    office.objective(co=["East Station"], status="in_progress")
    office.objective(title="Second", lead="Planning", status="assigned")
    office.objective(title="Third", status="submitted")
    return office


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """Files a command writes (exports, backups, keys, settings) land in a folder of the test's own."""
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize("words", leaf_commands(), ids=" ".join)
def test_any_arguments_to_any_command(stocked, elsewhere, words):
    path = stocked.path

    @settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(arguments(words))
    def check(argv):
        before = journal.head(store.connect(path))
        code, said = run(path, [*words, *argv])
        assert code in DOCUMENTED, (code, said)
        assert "Traceback" not in said and code != 70, said
        if code != 0:
            assert said.startswith("superviser: ") or words == ("import",) or words == ("doctor",), said
            assert said.count("\n") <= 1 or words in {("import",), ("audit",), ("doctor",)}, said
            assert journal.head(store.connect(path)) == before, "a refusal wrote to the database"

    check()


CELLS = st.one_of(
    NASTY, PLAUSIBLE, st.text(max_size=60),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**30, 10**30).map(str),
    st.dates().map(lambda d: d.isoformat()), st.dates().map(lambda d: d.strftime("%Y年%m月%d日")),
)
HEADINGS = ["督办事项", "牵头单位", "配合单位", "完成时限", "办理状态", "完成进度", "催办次数", "编号", "决策事项名称",
            "缓急", "最新进展", "原定时限", "来源", "决策日期", "具体内容"]


@pytest.mark.slow
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(rows=st.lists(st.lists(CELLS, min_size=len(HEADINGS), max_size=len(HEADINGS)), min_size=1, max_size=6),
       kind=st.sampled_from(["csv", "xlsx"]))
def test_any_ledger_cells(office, elsewhere, rows, kind):
    path = elsewhere / f"ledger.{kind}"
    if kind == "csv":
        with path.open("w", encoding="utf-8", errors="surrogatepass", newline="") as f:
            csv.writer(f).writerows([HEADINGS, *rows])
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(path, {"strings_to_numbers": True, "nan_inf_to_errors": True})
        sheet = book.add_worksheet()
        for r, row in enumerate([HEADINGS, *rows]):
            for c, value in enumerate(row):
                value = value.encode("utf-8", "replace").decode("utf-8")  # xlsx holds no undecodable bytes
                if r and c % 2:  # every other column as the spreadsheet would take it: numbers as numbers
                    sheet.write(r, c, value)
                else:
                    sheet.write_string(r, c, value)
        book.close()
    before = journal.head(store.connect(office.path))
    code, said = run(office.path, ["import", str(path), "--create-units"])
    assert code in (0, 2), (code, said)
    assert "Traceback" not in said
    if code:
        assert journal.head(store.connect(office.path)) == before
    else:
        db = store.connect(office.path)
        for title, detail in db.conn.execute("SELECT title, detail FROM objectives"):
            assert 0 < len(title) <= 200 and text.one_line(title) == title and text.clean(detail) == detail
        assert journal.audit(db).ok
