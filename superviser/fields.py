"""Values from people and files, checked in one place.

A ``Field`` says what a step takes: its stable key, its label, its kind and limits.
``parse(field, raw)`` turns what was typed (a CLI option, a form field, an import
cell) into the value the services store, or raises ``InvalidInput`` naming the
field. The CLI, the forms and the import all call it, so a value refused in one is
refused in all, with the same words.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from superviser import text
from superviser.errors import InvalidInput
from superviser.i18n import N_, _

REF_MAX = 40
UNITS_MAX = 50  # co-units of one objective
SEPARATORS = (",", "，", "、", ";", "；")
# Compiled on first use (re keeps them): most commands check neither.
_LOGIN = r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"  # one label of a domain name
_EMAIL = rf"^[^@\s<>\"',;]{{1,64}}@{_LABEL}(?:\.{_LABEL})+$"

MILESTONES_MAX = 50  # of one objective
# kinds: line (one line of text), text (several lines), date, percent, int, number (a decimal),
# choice, flag, unit (a unit's name), units (several), objective / decision (a reference),
# login, email, url, phone (a mobile number, as the group robots take it to mention someone),
# milestones (lines "DATE what is due"), period (2026, 2026Q4, 2026-11 or two dates: a Period)
KINDS = ("line", "text", "date", "percent", "int", "number", "choice", "flag", "unit", "units", "objective",
         "decision", "login", "email", "url", "secret", "phone", "milestones", "period")
_MAX_LENGTHS = {"text": text.TEXT_MAX, "milestones": text.TITLE_MAX, "unit": text.NAME_MAX, "login": 64, "email": 254,
                "url": 2000, "secret": 500, "phone": 20, "objective": REF_MAX, "decision": REF_MAX}  # others: TITLE_MAX


@dataclass(frozen=True)
class Field:
    key: str                                  # stable: error keys, form widgets, service arguments
    label: str                                # N_ message id, translated where shown
    kind: str = "line"
    required: bool = False
    limit: int | None = None                  # characters for text; the highest value for numbers
    low: int = 0                              # the lowest value for numbers
    choices: tuple[tuple[str, str], ...] = ()  # (value, N_ label)
    help: str = ""                            # N_ message id
    option: str | None = None                 # CLI: "--text"; "" for a positional argument; None: --key
    default: object = None
    hint: str = ""                            # N_ message id: shown under the form field
    masked: bool = False                      # typed unseen in a form (a robot's address holds its token)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind}")

    @property
    def max_length(self) -> int:
        if self.limit is not None:
            return self.limit
        return _MAX_LENGTHS.get(self.kind, text.TITLE_MAX)

    def cli_option(self) -> str:
        return self.option if self.option is not None else "--" + self.key.replace("_", "-")


def problem(field: Field, message: str) -> InvalidInput:
    return InvalidInput(field.key, message, label=field.label)


def _limited(field: Field, value: str) -> str:
    if len(value) > field.max_length:
        raise problem(field, _("is {length} characters long; the limit is {limit}").format(
            length=len(value), limit=field.max_length))
    return value


def _number(field: Field, raw: object, *, percent: bool = False) -> int:
    low = field.low
    high = 100 if percent else (field.limit if field.limit is not None else 1_000_000)

    def wrong() -> InvalidInput:  # (put into words only when it is: an import checks thousands of numbers)
        return problem(field, _("must be a whole number from 0 to 100") if percent
                       else _("must be a whole number from {low} to {high}").format(low=low, high=high))

    if isinstance(raw, bool):
        raise wrong()
    if isinstance(raw, float):
        if not math.isfinite(raw) or raw != int(raw):
            raise wrong()
        raw = int(raw)
    if not isinstance(raw, int):
        cleaned = text.one_line(raw)
        if percent:
            cleaned = cleaned.rstrip("%").strip()
        if not re.fullmatch(r"[+-]?\d{1,9}", cleaned):
            raise wrong()
        raw = int(cleaned)
    if not low <= raw <= high:
        raise wrong()
    return raw


def _decimal(field: Field, raw: object) -> float:
    """A number with at most two decimals, from ``low`` to ``limit`` (points, weights)."""
    high = field.limit if field.limit is not None else 1_000_000
    wrong = _("must be a number from {low} to {high}, with at most two decimals").format(low=field.low, high=high)
    if isinstance(raw, bool):
        raise problem(field, wrong)
    cleaned = raw if isinstance(raw, (int, float)) else text.one_line(raw).replace("−", "-")
    if isinstance(cleaned, str) and not re.fullmatch(r"[+-]?\d{1,7}(\.\d{1,2})?", cleaned):
        raise problem(field, wrong)
    value = float(cleaned)
    if not math.isfinite(value) or not field.low <= value <= high or round(value, 2) != value:
        raise problem(field, wrong)
    return value


def _milestones(field: Field, raw: object) -> list[tuple[date, str]]:
    """Lines "DATE what is due by then" (a list, or text with one a line), sorted by date."""
    lines = raw if isinstance(raw, (list, tuple)) else text.multiline(raw).splitlines()
    found = []
    for number, line in enumerate((text.one_line(item) for item in lines), 1):
        if not line:
            continue
        day, _sep, what = line.replace("：", " ").replace(":", " ", 1).partition(" ")
        what = what.strip(" ,，、;；")
        if not what:
            raise problem(field, _("line {n}: give a date and what is due by then, such as "
                                   "“2026-12-01 Plan agreed”").format(n=number))
        try:
            found.append((parse_date(field, day), _limited(field, what)))
        except InvalidInput as error:
            raise problem(field, _("line {n}: {problem}").format(n=number, problem=error.problem)) from None
    if len(found) > MILESTONES_MAX:
        raise problem(field, _("names {n} milestones; the limit is {limit}").format(n=len(found), limit=MILESTONES_MAX))
    return sorted(found)


def parse_date(field: Field, raw: object) -> date:
    from superviser import dates

    return dates.parse(field.key, raw if isinstance(raw, date) else text.one_line(raw), label=field.label)


def split_units(value: str) -> list[str]:
    for sep in SEPARATORS[1:]:
        value = value.replace(sep, ",")
    return [part.strip() for part in value.split(",") if part.strip()]


def _empty(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, (list, tuple)):
        return all(_empty(item) for item in raw)
    if isinstance(raw, str):
        return not text.visible(raw)
    return False


def _absent(field: Field):
    if field.required:
        raise problem(field, _("must not be empty"))
    if field.default is not None:
        return field.default
    return {"line": "", "text": "", "units": [], "flag": False, "milestones": []}.get(field.kind)


_ONE_LINE = ("line", "unit", "secret", "objective", "decision")  # one line of text, limited in length


def _undecodable(field: Field) -> InvalidInput:
    return problem(field, _("holds bytes that are not UTF-8 text; set the terminal (or save the file) as UTF-8"))


@functools.lru_cache(maxsize=256)
def _choice_keys(choices: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {k.lower(): k for k, _label in choices}  # zh_CN as the choice declares it


def parse(field: Field, raw: object):
    """The value ``raw`` stands for, checked; ``InvalidInput`` naming the field if it is wrong.
    An empty optional field gives its default ("" for text, None otherwise, [] for units)."""
    kind = field.kind
    if raw is None:
        return _absent(field)
    if raw.__class__ is str:  # the usual value (an option, a cell): cleaned once here
        if text.undecodable(raw):
            raise _undecodable(field)
        line = text.one_line(raw)
        if not line:
            return _absent(field)
        if kind in _ONE_LINE:
            return _limited(field, line)
    else:
        if isinstance(raw, (list, tuple)) and any(text.undecodable(item) for item in raw) or text.undecodable(raw):
            raise _undecodable(field)
        if _empty(raw):
            return _absent(field)
    if kind == "text":
        return _limited(field, text.multiline(raw))
    if kind in _ONE_LINE:
        return _limited(field, text.one_line(raw))
    if kind == "date":
        return parse_date(field, raw)
    if kind == "percent":
        return _number(field, raw, percent=True)
    if kind == "int":
        return _number(field, raw)
    if kind == "number":
        return _decimal(field, raw)
    if kind == "milestones":
        return _milestones(field, raw)
    if kind == "period":
        from superviser.assessment import periods

        return periods.parse(text.one_line(raw), field.key, field.label)
    if kind == "flag":
        if isinstance(raw, bool):
            return raw
        value = text.one_line(raw).lower()
        if value in ("yes", "y", "true", "1", "on"):
            return True
        if value in ("no", "n", "false", "0", "off"):
            return False
        raise problem(field, _("must be yes or no"))
    if kind == "choice":
        value = text.one_line(raw).lower()
        keys = _choice_keys(field.choices)
        if value not in keys:
            raise problem(field, _("must be one of: {choices}").format(choices=", ".join(keys.values())))
        return keys[value]
    if kind == "units":
        names = raw if isinstance(raw, (list, tuple)) else split_units(text.one_line(raw))
        cleaned = [text.one_line(name) for name in names]
        cleaned = [name for name in cleaned if name]
        if len(cleaned) > UNITS_MAX:
            raise problem(field, _("names {n} units; the limit is {limit}").format(n=len(cleaned), limit=UNITS_MAX))
        for name in cleaned:
            if len(name) > text.NAME_MAX:
                raise problem(field, _("{name}…: a unit's name is at most {limit} characters").format(
                    name=name[:20], limit=text.NAME_MAX))
        return cleaned
    if kind == "login":
        value = text.one_line(raw)
        if not re.match(_LOGIN, value):
            raise problem(field, _("{value} is not a login (letters, digits, dot, dash and underscore; "
                                   "not starting with a dot or dash)").format(value=value[:40]))
        return value
    if kind == "email":
        value = text.one_line(raw)
        if len(value) > 254 or not re.match(_EMAIL, value):
            raise problem(field, _("{value} is not a mail address").format(value=value[:60]))
        return value
    if kind == "url":
        value = _limited(field, text.one_line(raw))
        if not re.match(r"^https?://[^\s/?#]+", value):
            raise problem(field, _("must be an address starting with https://"))
        return value
    if kind == "phone":
        value = text.one_line(raw)
        # How people write numbers: 138 0013 8000, (010) 6512-3456, full-width １３８….
        digits = re.sub(r"[\s().-]", "", unicodedata.normalize("NFKC", value))
        if not re.fullmatch(r"\+?[0-9]{5,20}", digits):
            raise problem(field, _("{value} is not a phone number (digits, an optional + in front)").format(
                value=value[:40]))
        return digits
    raise AssertionError(kind)


def parse_all(fields: tuple[Field, ...] | list[Field], raw: dict) -> tuple[dict, dict[str, str]]:
    """Every field's value, and every field's problem (for a form that shows them all)."""
    values, errors = {}, {}
    for field in fields:
        try:
            values[field.key] = parse(field, raw.get(field.key))
        except InvalidInput as error:
            errors[field.key] = error.problem
    return values, errors


def validate(fields: tuple[Field, ...] | list[Field], raw: dict) -> dict:
    """Every field's value, or the first problem as ``InvalidInput``."""
    return {field.key: parse(field, raw.get(field.key)) for field in fields}


# Fields many steps share.
REASON = Field("reason", N_("reason"), "text", required=True, help=N_("Why (required; - reads it from standard input)."))
NOTE = Field("note", N_("note"), "text", help=N_("A note for the log."))
