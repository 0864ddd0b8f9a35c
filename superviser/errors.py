"""Refusals a user can cause. Their text is already translated and names the field
or the rule, so the CLI prints it as one line and the app shows it as it is."""

from __future__ import annotations


class SuperviserError(Exception):
    """A user-facing refusal; nothing was written."""

    exit_code = 1

    @property
    def message(self) -> str:
        return str(self)


def _field_problem(field: str, problem: str) -> str:
    from superviser.i18n import _

    return _("{field}: {problem}").format(field=field, problem=problem)


class FieldError(SuperviserError):
    """A refusal about one field: ``field`` is its stable key (``reason``, ``deadline``), the
    message names it by ``label`` (an N_ message id, translated here)."""

    def __init__(self, field: str, problem: str, label: str | None = None):
        from superviser.i18n import _

        self.field = field
        self.problem = problem
        self.label = _(label) if label else field
        super().__init__(_field_problem(self.label, problem))


class InvalidInput(FieldError):
    """A field's value is wrong."""

    exit_code = 2


class NotFound(FieldError):
    """What a field names does not exist."""

    exit_code = 3


class Refused(SuperviserError):
    """A step the lifecycle does not allow in the objective's current state."""

    exit_code = 4


class Forbidden(SuperviserError):
    """A step the acting person's role does not allow."""

    exit_code = 5


class Conflict(SuperviserError):
    """The objective changed since the caller looked at it."""

    exit_code = 6


class Busy(SuperviserError):
    """Another writer held the database for longer than we were willing to wait."""

    exit_code = 7


class StoreError(SuperviserError):
    """The database can't be used: missing, empty, not a superviser database."""

    exit_code = 8


class NewerDatabase(StoreError):
    """The database was written by a newer superviser."""

    exit_code = 10


class ReadOnly(StoreError):
    """The database, its folder or a file to write is in a place we may not write."""

    exit_code = 11


class DiskFull(StoreError):
    """The disk (or the user's quota) is full: nothing was written."""

    exit_code = 12


# Not a refusal: a bug. The CLI and the app write its traceback to the error log.
UNEXPECTED_EXIT = 70  # EX_SOFTWARE (sysexits.h)
