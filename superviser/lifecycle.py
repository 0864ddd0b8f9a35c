"""The lifecycle of an objective, as in DOMAIN.md.

registered → assigned → accepted → in progress → completion submitted → closed,
with returned, sent back, suspended, cancelled and reopened on the side. A
completion verified by a supervisor waits (``verified``) for the director, who
alone closes; the director's own verification closes at once.
"""

from __future__ import annotations

from superviser.i18n import N_, _

REGISTERED = "registered"
ASSIGNED = "assigned"
ACCEPTED = "accepted"
IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
VERIFIED = "verified"
CLOSED = "closed"
RETURNED = "returned"
SUSPENDED = "suspended"
CANCELLED = "cancelled"

STATUSES = [REGISTERED, ASSIGNED, ACCEPTED, IN_PROGRESS, SUBMITTED, VERIFIED, CLOSED, RETURNED, SUSPENDED, CANCELLED]

STATUS_LABELS = {
    REGISTERED: N_("registered"),
    ASSIGNED: N_("assigned"),
    ACCEPTED: N_("accepted"),
    IN_PROGRESS: N_("in progress"),
    SUBMITTED: N_("completion submitted"),
    VERIFIED: N_("verified"),
    CLOSED: N_("closed"),
    RETURNED: N_("returned"),
    SUSPENDED: N_("suspended"),
    CANCELLED: N_("cancelled"),
}

# Work is under way at the units: deadlines and silence count.
WORKING = (ASSIGNED, ACCEPTED, IN_PROGRESS)
# Not finished and not stopped.
OPEN = (REGISTERED, ASSIGNED, ACCEPTED, IN_PROGRESS, RETURNED, SUBMITTED, VERIFIED)
# The office is waiting for the units: the deadline is what matters.
AWAITED = (REGISTERED, ASSIGNED, ACCEPTED, IN_PROGRESS, RETURNED)
# Finished or stopped: read-only until reopened (notes excepted).
ENDED = (CLOSED, SUSPENDED, CANCELLED)

URGE_LEVELS = {
    1: N_("reminder"),
    2: N_("urge notice"),
    3: N_("supervision notice"),
}

VERDICTS = {
    "on-track": N_("on track"),
    "at-risk": N_("at risk"),
    "off-track": N_("off track"),
}

METHODS = {"on-site": N_("on site"), "document": N_("by document")}

SOURCES = {
    "superior": N_("superior authority"),
    "meeting": N_("leadership meeting"),
    "leader": N_("leader's instruction"),
    "department": N_("department or subordinate unit"),
}

PRIORITIES = {"normal": N_("normal"), "urgent": N_("urgent"), "critical": N_("critical")}


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


def urge_level(count: int) -> str:
    """The name of the ``count``-th urge: escalation stops at the supervision notice."""
    return _(URGE_LEVELS[min(max(count, 1), 3)])
