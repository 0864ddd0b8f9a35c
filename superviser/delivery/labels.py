"""The channels a unit is reached by and the states of a queued message, with the words
people see for them. Small on purpose: the steps' declarations (superviser/actions.py)
and the dashboard's first read import it."""

from __future__ import annotations

from superviser.i18n import N_, _

CHANNELS = {"mail": N_("mail"), "wecom": N_("WeCom"), "dingtalk": N_("DingTalk"), "feishu": N_("Feishu")}
# unknown: a sender stopped while sending it; whether it arrived is not known (never resent by itself)
STATUSES = ("queued", "sending", "sent", "failed", "unknown", "cancelled")
TROUBLE = ("failed", "unknown")  # what the office must look at, and may queue again
STATUS_LABELS = {"queued": N_("queued"), "sending": N_("sending"), "sent": N_("sent"), "failed": N_("failed"),
                 "unknown": N_("unknown"), "cancelled": N_("cancelled")}


def channel_label(channel: str) -> str:
    return _(CHANNELS.get(channel, channel))


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))
