"""Languages. Every user-visible string goes through ``_`` / ``ngettext``.

The language is chosen once per process (``--lang``, ``SUPERVISER_LANG``, else
the locale) with ``setup``; messages are looked up when they are shown, so
module-level labels are marked with ``N_`` and translated at use.
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import os
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Literal

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "superviser"

# Languages with a complete catalog, by code, with their own name.
LANGUAGES = {"en": "English", "es": "Español", "zh_CN": "简体中文"}
DEFAULT = "en"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_current = DEFAULT
# A message for someone else (a unit's notice) is written in their language, in this
# thread only: the app's other threads keep speaking the user's.
_speaking: ContextVar[tuple[str, gettext.NullTranslations] | None] = ContextVar("speaking", default=None)


def normalise(code: str | None) -> str | None:
    """Map a locale-ish string (``zh_CN.UTF-8``, ``zh-Hans``, ``en_GB``, ``es_MX``) to a catalog code."""
    if not code:
        return None
    code = code.split(".")[0].split("@")[0].replace("-", "_").strip()
    lower = code.lower()
    if lower in ("", "c", "posix"):
        return None
    if lower.startswith("zh"):
        return "zh_CN"
    if lower.startswith("en"):
        return "en"
    for known in LANGUAGES:
        if lower == known.lower() or lower.split("_")[0] == known.split("_")[0].lower():
            return known
    return None


def from_environment() -> str:
    explicit = normalise(os.environ.get("SUPERVISER_LANG"))
    if explicit:
        return explicit
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            # LANGUAGE may list several, in order of preference.
            for part in value.split(":"):
                code = normalise(part)
                if code:
                    return code
            if name != "LANGUAGE":
                break
    return DEFAULT


def setup(lang: str | None = None) -> str:
    """Choose the language for this process; returns its code."""
    global _translation, _current
    code = normalise(lang) if lang else from_environment()
    if lang and code is None:
        code = DEFAULT
    code = code or DEFAULT
    _translation = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[code], fallback=True)
    _current = code
    _speak_for_libraries(code)
    return code


_HUMANIZE_LOCALES = {"es": "es_ES"}  # humanize names its Spanish catalog by country


def _speak_for_libraries(code: str) -> None:
    """Libraries that use the standard ``gettext`` functions (click: "Usage:", "No such
    option") find their words in our catalogs (superviser/cli/click_words.py lists them):
    the process's default domain is ours, in the chosen language."""
    gettext.bindtextdomain(DOMAIN, LOCALE_DIR)
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = code


def humanize():
    """The humanize module, speaking the current language in this thread (humanize keeps its
    language per thread, and the app's work runs in threads; imported on first use)."""
    import humanize as module

    code = current()
    if code == "en":
        module.i18n.deactivate()
    else:
        module.i18n.activate(_HUMANIZE_LOCALES.get(code, code))
    return module


@functools.cache
def _catalog(code: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[code], fallback=True)


@contextlib.contextmanager
def speaking(lang: str | None) -> Iterator[str]:
    """Translate in ``lang`` inside the block (this thread only); None keeps the current one."""
    code = (normalise(lang) if lang else None) or current()
    token = _speaking.set((code, _catalog(code)))
    try:
        yield code
    finally:
        _speaking.reset(token)


def current() -> str:
    override = _speaking.get()
    return override[0] if override else _current


def is_chinese() -> bool:
    return current().startswith("zh")


def everywhere(message: str) -> set[str]:
    """``message`` in every language there is a catalog for (for reading files people made)."""
    found = {message}
    for code in LANGUAGES:
        found.add(gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[code], fallback=True).gettext(message))
    return found


def joined(items: Iterable[str], style: Literal["standard", "or"] = "standard") -> str:
    """Names joined as the current language joins them (Babel's list patterns): "Finance
    Department and South Station", "财务处、南站和东站", "Finanzas y Estación Sur";
    ``style="or"`` for alternatives. One name or none needs no Babel."""
    items = list(items)
    if len(items) < 2:
        return items[0] if items else ""
    from babel.lists import format_list  # imported on first use: it loads locale data

    return format_list(items, style=style, locale=current())


def separated(items: Iterable[str]) -> str:
    """References one after another with no "and" (a part of a longer list, or codes):
    "2026-001.1, 2026-001.2"; Chinese separates them with 、."""
    return ("、" if is_chinese() else ", ").join(items)


def aside(main: str, note: object) -> str:
    """"2026-11-08 (overdue by 13 days)"; Chinese takes full-width brackets."""
    # Translators: a remark in brackets after something
    return _("{main} ({note})").format(main=main, note=note)


def _(message: str) -> str:
    override = _speaking.get()
    return (override[1] if override else _translation).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    override = _speaking.get()
    return (override[1] if override else _translation).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for translation without translating it yet."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural for translation without translating it yet."""
    return singular, plural
