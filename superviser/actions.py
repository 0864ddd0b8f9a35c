"""The names of the things people do, as they appear in the log and in messages."""

from __future__ import annotations

from superviser.i18n import N_, _

ACTION_LABELS = {
    "init": N_("create the database"),
    "unit.add": N_("add a unit"),
    "unit.edit": N_("change a unit"),
    "person.add": N_("add a person"),
    "person.edit": N_("change a person"),
    "settings.set": N_("change a setting"),
    "decision.add": N_("register a decision"),
    "objective.add": N_("register an objective"),
    "import": N_("import a ledger"),
    "assign": N_("assign"),
    "accept": N_("accept"),
    "return": N_("return"),
    "transfer": N_("transfer"),
    "progress": N_("report progress"),
    "urge": N_("urge"),
    "inspect": N_("inspect"),
    "extend.request": N_("request an extension"),
    "extend.approve": N_("approve the extension"),
    "extend.reject": N_("reject the extension"),
    "complete": N_("submit completion"),
    "verify": N_("verify"),
    "sendback": N_("send back"),
    "suspend": N_("suspend"),
    "cancel": N_("cancel"),
    "reopen": N_("reopen"),
    "note": N_("add a note"),
    "light": N_("override the light"),
    "undo": N_("undo"),
    "review": N_("daily review"),
    "review.mark": N_("mark reviewed"),
    "export": N_("export"),
    # Delivery (issue 12)
    "channel.add": N_("add a channel"),
    "channel.remove": N_("remove a channel"),
    "unit.lang": N_("set a unit's language"),
    "person.contact": N_("change contact details"),
    "office.set": N_("change the office's details"),
    "deliver.claim": N_("take messages to send"),
    "deliver": N_("deliver"),
    "deliver.retry": N_("delivery to retry"),
    "deliver.failed": N_("delivery failed"),
    "deliver.unknown": N_("delivery unknown"),
    "deliver.requeue": N_("queue a message again"),
    "digest.send": N_("queue the digests"),
    "notice": N_("issue a notice"),
}


def label(action: str) -> str:
    return _(ACTION_LABELS[action]) if action in ACTION_LABELS else action
