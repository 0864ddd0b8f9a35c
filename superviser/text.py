"""Untrusted text: cleaning and validation.

Every string a user types, imports or that comes back from the database passes
through ``clean`` before it is stored or shown, so raw escape sequences never
reach a terminal (C0 controls except newline and tab, DEL, C1 controls).
"""

from __future__ import annotations

import re

from superviser.errors import InvalidInput
from superviser.i18n import _

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")

TITLE_MAX = 200
NAME_MAX = 80
TEXT_MAX = 4000


def clean(value: object) -> str:
    """Text without control characters; ``\\r\\n`` becomes ``\\n``."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n")
    return _CONTROL.sub("", text)


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


def optional(field: str, value: object, limit: int = TEXT_MAX, *, multiline: bool = True) -> str:
    text = (clean(value).strip() if multiline else one_line(value))
    return within(field, text, limit)


def within(field: str, text: str, limit: int) -> str:
    if len(text) > limit:
        raise InvalidInput(
            field,
            _("is {length} characters long; the limit is {limit}").format(length=len(text), limit=limit),
        )
    return text
