"""Sizes and counts as people read them, in their language.

humanize writes them in English ("38.2 kB", "1,204"); elsewhere Babel writes each language's
own numbers and units ("38,2 kB" and "1.204" in Spanish, where humanize keeps the English
decimal point and separator, and says "523 Bytes" in every language). Relative times are in
``dates.ago``. tests/test_quantities.py shows what each library says in each language, and so
why each is used where it is.
"""

from __future__ import annotations

from functools import cache

from superviser.i18n import current, humanize

_UNITS = ("byte", "kilobyte", "megabyte", "gigabyte", "terabyte")


def size(n_bytes: int) -> str:
    """A file's size, in decimal units as humanize gives them: "38.2 kB", "1.2 MB"; in Chinese
    "38.2 kB", in Spanish "38,2 kB" (and "523 B" where humanize says "523 Bytes")."""
    if current() == "en":
        return humanize().naturalsize(n_bytes)
    from babel.units import format_unit

    value, power = float(n_bytes), 0
    while round(value, 1) >= 1000 and power < len(_UNITS) - 1:
        value, power = value / 1000, power + 1
    return format_unit(round(value, 1) if power else n_bytes, f"digital-{_UNITS[power]}", length="short",
                       locale=current())


def count(n: int) -> str:
    """A count a person reads: "1,204" in English and Chinese, "1.204" in Spanish.

    Python groups the digits; the separator is the language's own, asked of Babel once per
    language (the dashboard writes a dozen counts in its first frame)."""
    return f"{n:,}".replace(",", _group_symbol(current()))


@cache
def _group_symbol(lang: str) -> str:
    if lang == "en":
        return ","  # Python's own grouping is English's: no need to load Babel's data for it
    from babel.numbers import get_group_symbol

    return get_group_symbol(lang)
