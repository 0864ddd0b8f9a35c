"""Who issues the notices and who to answer: the office's own details, kept in
``settings`` (``office.name``, ``office.contact``, ``office.prefix``)."""

from __future__ import annotations

from dataclasses import dataclass

from superviser import store
from superviser.i18n import N_
from superviser.store import Database

KEYS = {
    "office.name": N_("the issuing office, as it signs its notices"),
    "office.contact": N_("who to answer: a phone number, an address"),
    "office.prefix": N_("the notice number's prefix: 督 in 督〔2026〕14号"),
}
DEFAULT_PREFIX = "督"


@dataclass(frozen=True)
class Office:
    name: str
    contact: str
    prefix: str


def details(db: Database) -> Office:
    values = dict(db.conn.execute("SELECT key, value FROM settings WHERE key LIKE 'office.%'"))
    return Office(values.get("office.name", ""), values.get("office.contact", ""),
                  values.get("office.prefix") or DEFAULT_PREFIX)


def person(db: Database, login: str | None) -> dict | None:
    """A person's name and contacts, for "who to answer"."""
    if not login:
        return None
    return store.row(db, "SELECT login, name, email, mobile FROM people WHERE login = ?", (login,))
