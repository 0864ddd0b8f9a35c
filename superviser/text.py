"""Untrusted text: cleaning and validation.

Every string a user types, imports or that comes back from the database passes
through ``clean`` before it is stored or shown, so raw escape sequences never
reach a terminal (C0 controls except newline and tab, DEL, C1 controls), and
nothing invisible can reorder or hide what a reader sees (bidi overrides and
isolates, zero-width characters).
"""

from __future__ import annotations

import re

from superviser.errors import InvalidInput
from superviser.i18n import _

_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    # invisible: soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width
    # space/non-joiner/joiner, LRM/RLM, bidi embeddings and overrides, word joiner and
    # invisible operators, bidi isolates, zero-width no-break space (BOM)
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
# Lone surrogates: bytes that were not UTF-8 (Python keeps them as surrogates in
# arguments and file names); shown as the replacement character, never encoded.
_SURROGATES = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")

TITLE_MAX = 200
NAME_MAX = 80
TEXT_MAX = 4000


def clean(value: object) -> str:
    """Text without control characters; ``\\r\\n`` becomes ``\\n``."""
    if value is None:
        return ""
    if value.__class__ is str and value.isprintable():
        return value  # nothing it removes is printable: the common case, checked in C
    text = str(value).replace("\r\n", "\n")
    return _SURROGATES.sub("\ufffd", _CONTROL.sub("", text))


def undecodable(value: object) -> bool:
    """Whether ``value`` holds bytes that were not UTF-8 (an argument typed in a terminal set
    to another encoding): such text is refused rather than stored as �."""
    return isinstance(value, str) and not value.isascii() and _SURROGATES.search(value) is not None


def multiline(value: object) -> str:
    """Cleaned text that may hold several lines, without blank lines around it."""
    return clean(value).strip()


def visible(value: object) -> bool:
    """Whether the text shows anything once cleaned (not only spaces or invisible characters)."""
    return bool(one_line(value))


def one_line(value: object) -> str:
    """Cleaned text folded onto one line (titles, names, table cells)."""
    if value.__class__ is str and value.isprintable() and "  " not in value:
        return value.strip()  # nothing to clean or fold: the common case, checked in C
    return _SPACES.sub(" ", clean(value)).strip()


def required(field: str, value: object, limit: int = TITLE_MAX, *, multiline: bool = False) -> str:
    text = (clean(value).strip() if multiline else one_line(value))
    if not text:
        raise InvalidInput(field, _("must not be empty"))
    return within(field, text, limit)


def within(field: str, text: str, limit: int) -> str:
    if len(text) > limit:
        raise InvalidInput(
            field,
            _("is {length} characters long; the limit is {limit}").format(length=len(text), limit=limit),
        )
    return text
