"""Maintain the message catalogs with Babel.

    python scripts/i18n.py update    extract messages, merge them into every catalog
    python scripts/i18n.py compile   write the .mo files the program loads
    python scripts/i18n.py check     list messages still untranslated (exit 1 if any)
    python scripts/i18n.py todo LANG  the untranslated messages of LANG as JSON, to fill in
    python scripts/i18n.py fill LANG FILE
                                     take translations from FILE (JSON: message → translation,
                                     a list of forms for a plural), then compile

English is the source language; its catalog maps every message to itself so that
it is complete by construction and can be edited where wording should change.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.extract import extract_python as babel_extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "superviser" / "locale"
SOURCES = [ROOT / "superviser", ROOT / "screens"]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "Nn_": (1, 2)}
LANGUAGES = ["en", "es", "zh_CN"]


def extract_python(fileobj, keywords, comment_tags, options):
    """Babel's Python extractor, plus the messages of calls inside f-strings, which
    Python 3.11's tokenizer hides from it (3.12+ shows them), so that the catalogs come
    out the same whichever Python updates them."""
    found = list(babel_extract_python(fileobj, keywords, comment_tags, options))
    if sys.version_info < (3, 12):
        fileobj.seek(0)
        for fstring in (n for n in ast.walk(ast.parse(fileobj.read())) if isinstance(n, ast.JoinedStr)):
            for call in (n for n in ast.walk(fstring) if isinstance(n, ast.Call)):
                args = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if isinstance(call.func, ast.Name) and call.func.id in keywords and args and len(args) == len(call.args):
                    found.append((call.lineno, call.func.id, tuple(args) if len(args) > 1 else args[0], []))
    return sorted(found, key=lambda found: found[0])


def template() -> Catalog:
    catalog = Catalog(project="superviser", version="0.1", msgid_bugs_address="", charset="utf-8")
    for source in SOURCES:
        if not source.exists():
            continue
        for filename, lineno, message, comments, context in extract_from_dir(
            source, method_map=[("**.py", extract_python)], keywords=KEYWORDS, comment_tags=["Translators:"],
        ):
            catalog.add(message, None, [(str((source.name / Path(filename)).as_posix()), lineno)],
                        auto_comments=comments, context=context)
    return catalog


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "superviser.po"


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if path.exists():
        with path.open("rb") as f:
            return read_po(f, locale=lang)
    return Catalog(locale=lang, project="superviser", charset="utf-8")


def save(lang: str, catalog: Catalog) -> None:
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False, sort_output=False, ignore_obsolete=True)


def update() -> None:
    tmpl = template()
    with (LOCALE / "superviser.pot").open("wb") as f:
        write_po(f, tmpl, width=100, ignore_obsolete=True)
    for lang in LANGUAGES:
        catalog = load(lang)
        catalog.update(template(), no_fuzzy_matching=True)  # a fresh template: update shares its messages
        if lang == "en":
            for message in catalog:
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.id and not all(strings):
                    message.string = message.id
        save(lang, catalog)


def compile_all() -> None:
    for lang in LANGUAGES:
        catalog = load(lang)
        if lang == "en":
            catalog = edits_only(catalog)
        with (po_path(lang).with_suffix(".mo")).open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)


def edits_only(catalog: Catalog) -> Catalog:
    """The English catalog without the messages that are their own translation: gettext gives
    those without an entry, and reading 1,300 entries would cost every process a few ms."""
    for message in list(catalog):
        if message.id and message.string == message.id:
            catalog.delete(message.id, context=message.context)
    return catalog


def untranslated(lang: str) -> list[str]:
    missing = []
    for message in load(lang):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def todo(lang: str) -> dict:
    out = {}
    for message in load(lang):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            if isinstance(message.id, tuple):
                out[message.id[0]] = {"plural": message.id[1], "forms": list(strings)}
            else:
                out[message.id] = ""
    return out


def fill(lang: str, source: Path) -> int:
    import json

    given = json.loads(source.read_text(encoding="utf-8"))
    catalog = load(lang)
    filled = 0
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if not key or key not in given or not given[key]:
            continue
        value = given[key]
        if isinstance(message.id, tuple):
            forms = value["forms"] if isinstance(value, dict) else value
            message.string = tuple(forms) if isinstance(forms, list) else (forms,) * len(message.string)
        else:
            message.string = value
        message.flags.discard("fuzzy")
        filled += 1
    save(lang, catalog)
    compile_all()
    print(f"{lang}: {filled} messages filled")
    return 0


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "todo":
        import json

        print(json.dumps(todo(argv[2]), ensure_ascii=False, indent=1))
    elif command == "fill":
        return fill(argv[2], Path(argv[3]))
    elif command == "check":
        bad = 0
        for lang in LANGUAGES:
            for message in untranslated(lang):
                print(f"{lang}: {message!r}")
                bad += 1
        return 1 if bad else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
