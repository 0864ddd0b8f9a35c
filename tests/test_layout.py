"""The shape of the code: the CLI answers without loading the app."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def test_subcommands_never_import_textual(office):
    code = (
        "import sys\n"
        "from superviser.cli import main\n"
        "try:\n"
        f"    main(['--db', {str(office.path)!r}, 'objective', 'list', '--json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('TEXTUAL', any(m == 'textual' or m.startswith(('textual.', 'screens')) for m in sys.modules), file=sys.stderr)\n"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert "TEXTUAL False" in ran.stderr, ran.stderr


# What a read command or a step has no use for: the migrations' sqlite-utils (and what it
# loads), the dates' Babel and humanize, Rich (tables for people), the audit's subprocess, the
# temporary files of the commands that write files.
HEAVY = ("sqlite_utils", "pluggy", "dateutil", "babel", "humanize", "rich", "textual", "subprocess", "tempfile")


@pytest.mark.parametrize("command", [["objective", "list", "--limit", "50", "--json"], ["note", "{ref}", "checked"]])
def test_a_read_and_a_step_load_only_what_they_use(office, command):
    ref = office.objective(status="assigned")
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "from superviser.cli import main\n"
        "try:\n"
        f"    main(['--db', {str(office.path)!r}, *{[c.format(ref=ref) for c in command]!r}])\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        f"print('LOADED', sorted(m for m in set(sys.modules) - before if m.split('.')[0] in {HEAVY!r}), file=sys.stderr)\n"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert "LOADED []" in ran.stderr, ran.stderr


def test_the_apps_first_frame_does_not_load_the_steps():
    """What the dashboard's first frame is drawn with: the app, the launcher and the reads,
    without the steps' machinery (declarations, fields, the log's writer), which the
    screens that take steps load when they open."""
    code = (
        "import sys\n"
        "import superviser.cli.launch, superviser.session, screens.app\n"
        "print('LOADED', sorted(m for m in sys.modules if m.startswith(('superviser.actions', 'superviser.fields',"
        " 'superviser.changes', 'superviser.journal', 'superviser.services', 'sqlite_utils', 'tomllib'))),"
        " file=sys.stderr)\n"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert "LOADED []" in ran.stderr, ran.stderr


def _i18n_tool():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import i18n as tool
    finally:
        sys.path.pop(0)
    return tool


def test_messages_inside_f_strings_are_extracted_on_every_python():
    """Python 3.11's tokenizer hides calls inside f-strings from Babel; 3.12+ shows them."""
    import io

    tool = _i18n_tool()
    source = b"title = f\"{_('Extension request')} - {ref}\"\nnote = _('plain')\n"
    found = tool.extract_python(io.BytesIO(source), tool.KEYWORDS, [], {})
    assert [message for _line, _name, message, _comments in found] == ["Extension request", "plain"]


def test_catalogs_are_complete_and_compiled(monkeypatch):
    """Every message is translated in every catalog, and the .mo files are current, in the
    superviser being tested (the checkout, or the installed wheel in CI)."""
    import screens
    import superviser

    tool = _i18n_tool()
    package = Path(superviser.__file__).parent
    monkeypatch.setattr(tool, "LOCALE", package / "locale")
    monkeypatch.setattr(tool, "SOURCES", [package, Path(screens.__file__).parent])
    from babel.messages.mofile import read_mo

    extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in tool.template() if m.id}
    for lang in tool.LANGUAGES:
        assert tool.untranslated(lang) == [], lang
        catalog = tool.load(lang)
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
        assert extracted <= known, f"{lang}: run scripts/i18n.py update: {sorted(extracted - known)[:5]}"
        with open(tool.po_path(lang).with_suffix(".mo"), "rb") as f:
            compiled = read_mo(f)
        def text(value):
            return tuple(value) if isinstance(value, (list, tuple)) else value

        for message in catalog:
            if lang == "en" and message.string == message.id:  # its own translation: left out of the .mo
                assert compiled.get(message.id) is None, f"{lang}: {message.id!r} in the .mo; run scripts/i18n.py compile"
            elif message.id:
                assert compiled.get(message.id) is not None, f"{lang}: {message.id!r} missing; run scripts/i18n.py compile"
                assert text(compiled[message.id].string) == text(message.string), (
                    f"{lang}: {message.id!r} differs in the .mo; run scripts/i18n.py compile")
