"""Units' channels and people's contacts, as people may see them (secrets masked)."""

from __future__ import annotations

from superviser import refs, store
from superviser.delivery.masking import mask, mask_url
from superviser.store import Database


def channels(db: Database, unit: str | int | None = None, include_removed: bool = False) -> list[dict]:
    params: list = []
    where = ["1"] if include_removed else ["c.active = 1"]
    if unit not in (None, ""):
        where.append("c.unit_id = ?")
        params.append(refs.unit(db, unit)["id"])
    found = store.rows(
        db, "SELECT c.id, c.unit_id, u.name AS unit, u.lang, c.kind, c.address, c.webhook, c.secret, c.label, c.active, "
        "c.created_at, c.created_by FROM unit_channels c JOIN units u ON u.id = c.unit_id WHERE "
        + " AND ".join(where) + " ORDER BY u.name, c.id", params)
    for row in found:
        webhook, secret = row.pop("webhook"), row.pop("secret")
        row["target"] = row.pop("address") if row["kind"] == "mail" else mask_url(webhook)
        row["secret"] = mask(secret) if secret else ""
    return found


def contacts(db: Database, unit_id: int | None = None) -> list[dict]:
    """People with their mail, mobile and whether they head their unit."""
    return store.rows(
        db, "SELECT p.login, p.name, p.role, p.unit_id, u.name AS unit, p.email, p.mobile, p.unit_head FROM people p "
        "LEFT JOIN units u ON u.id = p.unit_id WHERE p.active = 1" + (" AND p.unit_id = ?" if unit_id else "")
        + " ORDER BY u.name, p.login", (unit_id,) if unit_id else ())
