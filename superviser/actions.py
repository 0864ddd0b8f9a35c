"""Every step people take, declared once.

An ``Action`` says what a step is called (in the log, in messages, on its key and
form), what it takes (``fields``, checked by ``superviser.fields``), who may take
it (``roles``; a liaison only for their own unit: ``unit_rule``), from which
states of an objective (``states``) and which service performs it. The CLI
commands and the app's forms and key bar are built from these declarations, and
``refusal`` is the one answer to "may this person take this step now, and if not,
why" that the services, the key bar, the forms and the CLI all ask.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from datetime import date

from superviser import clock, lifecycle, text
from superviser.delivery.labels import CHANNELS
from superviser.errors import Forbidden, Refused
from superviser.fields import NOTE, REASON, Field
from superviser.i18n import LANGUAGES, N_, _, joined
from superviser.lifecycle import (
    ACCEPTED,
    ASSIGNED,
    ENDED,
    IN_PROGRESS,
    OPEN,
    REGISTERED,
    RETURNED,
    STATUSES,
    SUBMITTED,
    SUSPENDED,
    VERIFIED,
    WORKING,
)
from superviser.roles import DIRECTOR, LIAISON, ROLES, SUPERVISOR, role_label

OFFICE = frozenset({DIRECTOR, SUPERVISOR})
UNIT_SIDE = frozenset({DIRECTOR, LIAISON})
EVERYONE = frozenset(ROLES)


@dataclass(frozen=True)
class Action:
    name: str                     # the log's action, the permission, the CLI verb ("extend.request": extend request)
    label: str                    # N_: in messages and the log ("urge")
    title: str = ""               # N_: on the key bar and the form ("Urge")
    help: str = ""                # N_: the CLI's help
    example: str = ""             # a CLI example (commands are not translated)
    fields: tuple[Field, ...] = ()
    roles: frozenset[str] = OFFICE
    states: tuple[str, ...] | None = None   # statuses of the objective it may start from; None: not on an objective
    unit_rule: str | None = None  # for a liaison: "lead" (the lead unit's) or "lead_or_co"
    key: str | None = None        # the app's key on the objective screen
    service: str = ""             # "module:function" in superviser.services
    prefill: dict = field(default_factory=dict)  # form field → the objective's key holding its current value
    submit: str = ""              # N_: the form's button (default "Save")
    target: str = "objective"     # what the first argument names: objective, decision, unit, person, entry,
    #                               recurrence, channel, message (in the outbox), none
    versioned: bool = False       # refused on a stale version of what it acts on (always, on an objective)

    @property
    def checks_version(self) -> bool:
        return self.states is not None or self.versioned

    def perform(self, session, target, values: dict, expected_version: int | None = None, **extra):
        """Run the step's service with ``values`` (raw, as typed: the service checks them)."""
        module, function = self.service.split(":")
        service = getattr(importlib.import_module(f"superviser.services.{module}"), function)
        if self.target == "none":
            return service(session, **values, **extra)
        if self.checks_version:
            extra["expected_version"] = expected_version
        return service(session, target, **values, **extra)


def _reason(label: str = N_("reason"), required: bool = True) -> Field:
    return Field("reason", label, "text", required=required, help=REASON.help if required else N_("Why."))


_LEAD = Field("lead", N_("lead unit"), "unit", help=N_("The lead unit (主办)."))
_CO = Field("co", N_("co-units"), "units", option="--co",
            help=N_("Co-units (协办), replacing the current ones; repeat for several."))
_TEXT = Field("text", N_("text"), "text", required=True, help=N_("What was done (- reads standard input)."))
_PRIORITY = Field("priority", N_("priority"), "choice", default="normal",
                  choices=tuple((k, v) for k, v in lifecycle.PRIORITIES.items()), help=N_("normal, urgent or critical."))


def _for_edit(field: Field) -> Field:
    """An add step's field as the edit takes it: optional and without a default (what is not
    given stays as it is); the positional title becomes ``--title``."""
    return replace(field, required=False, default=None, option=None if field.option == "" else field.option)


_DECISION_FIELDS = (
    Field("title", N_("title"), "line", required=True, limit=text.TITLE_MAX, option=""),
    Field("source", N_("source"), "choice", required=True, choices=tuple(lifecycle.SOURCES.items()),
          help=N_("Where it came from.")),
    Field("decided_on", N_("date"), "date", required=True, option="--date",
          help=N_("When it was decided (YYYY-MM-DD, today, +Nd…).")),
    Field("source_ref", N_("reference"), "line", limit=text.NAME_MAX, option="--ref",
          help=N_("Meeting or document number."), hint=N_("meeting or document number")),
    Field("leader", N_("leader"), "line", limit=text.NAME_MAX, help=N_("The leader who decided or instructed.")),
    Field("summary", N_("summary"), "text", help=N_("What was decided, in a few sentences.")),
    _PRIORITY,
)
_DECISION_PREFILL = {f.key: f.key for f in _DECISION_FIELDS}
_TITLE = Field("title", N_("title"), "line", required=True, limit=text.TITLE_MAX, option="")
_DETAIL = Field("detail", N_("detail"), "text", help=N_("What exactly is to be done."))
_PARENT = Field("parent", N_("parent"), "objective", help=N_("Make it a sub-objective of this one."))
_RHYTHMS = (("none", N_("none: the general rule")), ("weekly", N_("weekly")), ("monthly", N_("monthly")),
            ("stages", N_("by stage")))
_RECURRENCE_FIELDS = (
    _TITLE,
    Field("decision", N_("decision"), "decision", required=True, help=N_("The decision each one is registered under.")),
    Field("lead", N_("lead unit"), "unit", required=True, help=_LEAD.help),
    Field("co", N_("co-units"), "units", option="--co", help=N_("A co-unit (协办); repeat for several.")),
    Field("rule", N_("repeats"), "choice", required=True,
          choices=(("monthly", N_("monthly")), ("quarterly", N_("quarterly")), ("yearly", N_("yearly")),
                   ("after-close", N_("after the last one closed"))),
          help=N_("monthly, quarterly or yearly from the start date, or after-close: a number of days after the "
                  "last one was closed.")),
    Field("start", N_("first date"), "date", required=True,
          help=N_("When the first one is registered; calendar rules repeat on its day of the month.")),
    Field("days", N_("days allowed"), "int", required=True, low=1, limit=366,
          help=N_("Each one's deadline: this many days after it is registered.")),
    Field("gap", N_("days after closing"), "int", low=0, limit=366,
          help=N_("For after-close: the next one comes this many days after the last one closed.")),
    Field("rhythm", N_("reports"), "choice", choices=_RHYTHMS[:3],
          help=N_("The reporting rhythm each one gets: none (the general rule), weekly or monthly.")),
    _PRIORITY,
    _DETAIL,
)

# A unit's channels (superviser/services/contacts.py checks which fields each kind takes).
_CHANNEL_FIELDS = (
    Field("unit", N_("unit"), "unit", required=True, option=""),
    Field("kind", N_("channel"), "choice", required=True, choices=tuple(CHANNELS.items()), option=""),
    Field("address", N_("mail address"), "email", help=N_("The mailbox (for mail).")),
    Field("webhook", N_("webhook address"), "url", help=N_("The robot's webhook address (https)."), masked=True),
    Field("secret", N_("signing secret"), "secret",
          help=N_("The robot's signing secret (DingTalk, Feishu); - reads it from standard input.")),
    Field("label", N_("label"), "line", limit=80, help=N_("A name for it, such as the group's.")),
)
# Languages are named in their own words, never translated.
LANGUAGE = Field("lang", N_("language"), "choice", choices=(("", N_("the sender's language")),) + tuple(LANGUAGES.items()),
                 help=N_("The language of the unit's messages and notices."))

STEPS: tuple[Action, ...] = (
    # --- the office: units, people, settings ----------------------------------------------
    Action("unit.add", N_("add a unit"), N_("New unit"), N_("Add a unit (director only)."),
           'superviser unit add "East Station" --parent Operations',
           (Field("name", N_("name"), "line", required=True, limit=text.NAME_MAX, option=""),
            Field("parent", N_("parent"), "unit", help=N_("The unit it belongs under."))),
           roles=frozenset({DIRECTOR}), service="org:unit_add", target="none"),
    Action("unit.edit", N_("change a unit"), N_("Change unit"),
           N_("Rename a unit, move it under another, or deactivate it (director only)."),
           'superviser unit edit "East Station" --parent ""   (make it top-level)',
           (Field("name", N_("name"), "line", limit=text.NAME_MAX, help=N_("New name.")),
            Field("parent", N_("parent"), "unit", help=N_("New parent unit; an empty string makes it top-level.")),
            Field("active", N_("active"), "flag", option="--active/--inactive",
                  help=N_("Reactivate, or deactivate (refused while it leads open objectives)."))),
           roles=frozenset({DIRECTOR}), service="org:unit_edit", target="unit"),
    Action("person.add", N_("add a person"), N_("New person"),
           N_("Add a person (director only). Roles: director, supervisor, liaison, viewer."),
           'superviser person add li.ming --name "Li Ming" --role liaison --unit Finance',
           (Field("login", N_("login"), "login", required=True, option="", help=N_("Their login on the server.")),
            Field("name", N_("name"), "line", required=True, limit=text.NAME_MAX, help=N_("Their name as colleagues know it.")),
            Field("role", N_("role"), "choice", required=True, choices=tuple((r, r) for r in ROLES),
                  help=N_("What they may do.")),
            Field("unit", N_("unit"), "unit", help=N_("Their unit (required for a liaison)."))),
           roles=frozenset({DIRECTOR}), service="org:person_add", target="none"),
    Action("person.edit", N_("change a person"), N_("Change person"),
           N_("Change a person's name, role or unit, or deactivate them (director only)."),
           "superviser person edit li.ming --role supervisor",
           (Field("name", N_("name"), "line", limit=text.NAME_MAX, help=N_("New name.")),
            Field("role", N_("role"), "choice", choices=tuple((r, r) for r in ROLES), help=N_("New role.")),
            Field("unit", N_("unit"), "unit", help=N_("New unit; an empty string clears it.")),
            Field("active", N_("active"), "flag", option="--active/--inactive", help=N_("Reactivate or deactivate."))),
           roles=frozenset({DIRECTOR}), service="org:person_edit", target="person"),
    Action("settings.set", N_("change a setting"), roles=frozenset({DIRECTOR}), service="org:setting_set", target="none"),
    # --- registering ------------------------------------------------------------------------
    Action("decision.add", N_("register a decision"), N_("New decision"), N_("Register a decision."),
           'superviser decision add "Winter safety campaign" --source meeting --date 2026-11-02 \\\n'
           '      --ref "Office meeting 2026/21" --leader "Director Zhao" --priority urgent',
           _DECISION_FIELDS,
           service="registry:decision_add", target="none"),
    Action("objective.add", N_("register an objective"), N_("New objective"),
           N_("Register an objective under a decision (or under another objective, with --parent)."),
           'superviser objective add 2026-014 "Inspect every boiler room" --lead "Work Safety" \\\n'
           '      --co "East Station" --co "West Station" --deadline 2026-12-15 --assign',
           (Field("title", N_("title"), "line", required=True, limit=text.TITLE_MAX, option=""),
            Field("lead", N_("lead unit"), "unit", required=True, help=_LEAD.help),
            Field("co", N_("co-units"), "units", option="--co", help=N_("A co-unit (协办); repeat for several.")),
            Field("deadline", N_("deadline"), "date", required=True, help=N_("Deadline (YYYY-MM-DD, today, tomorrow, +Nd).")),
            _PARENT,
            _DETAIL,
            _PRIORITY,
            Field("assign", N_("assign now"), "flag", help=N_("Assign it to its units at once."))),
           service="registry:objective_add", target="decision"),
    Action("decision.edit", N_("correct a decision"), N_("Edit decision"),
           N_("Correct a registered decision: title, reference, source, leader, summary, priority or date (office)."),
           'superviser decision edit 2026-014 --title "Winter safety campaign" --ref "Office meeting 2026/22"',
           tuple(_for_edit(f) for f in _DECISION_FIELDS), key="E", service="corrections:decision_edit",
           target="decision", versioned=True, prefill=_DECISION_PREFILL),
    # --- recurring matters ------------------------------------------------------------------
    Action("recur.add", N_("add a recurring matter"), N_("New recurring matter"),
           N_("A matter that comes back (a monthly safety report, a quarterly audit): each time one is due, "
              "`superviser recur run` registers and assigns it as an objective of its own."),
           'superviser recur add "Monthly safety report" --decision 2026-003 --lead "Work Safety" \\\n'
           '      --rule monthly --start 2026-12-01 --days 10',
           _RECURRENCE_FIELDS, service="recurring:recur_add", target="none"),
    Action("recur.edit", N_("change a recurring matter"), N_("Change recurring matter"),
           N_("Change a recurring matter's rule or what its next ones get, or stop it (--inactive); "
              "the ones already registered stay as they are."),
           "superviser recur edit 2 --rule quarterly --days 20",
           tuple(_for_edit(f) for f in _RECURRENCE_FIELDS if f.key != "decision") + (
               Field("active", N_("active"), "flag", option="--active/--inactive",
                     help=N_("Start it again, or stop it.")),),
           service="recurring:recur_edit", target="recurrence"),
    Action("recur.run", N_("register the recurring matters that are due"), N_("Run recurring matters"),
           N_("Register and assign every recurring matter that is due today or was missed (for cron; "
              "running it again registers nothing twice)."),
           "superviser recur run", (), service="recurring:recur_run", target="none"),
    # --- the assessment ---------------------------------------------------------------------
    Action("score.publish", N_("publish the scores"), roles=frozenset({DIRECTOR}), service="assessment:publish",
           target="none"),
    # --- the steps on an objective ---------------------------------------------------------
    Action("assign", N_("assign"), N_("Assign"), N_("Assign a registered or returned objective to its units (office)."),
           'superviser assign 2026-014.2 --lead Finance --co "East Station"',
           (Field("lead", N_("lead unit"), "unit", help=N_("A different lead unit.")), _CO,
            Field("note", N_("note"), "text", help=N_("A note for the units."))),
           states=(REGISTERED, RETURNED), key="a", service="steps:assign",
           prefill={"lead": "lead_unit", "co": "co_units"}),
    Action("accept", N_("accept"), N_("Accept"), N_("The lead unit acknowledges the objective (签收)."),
           "superviser accept 2026-014.2", (NOTE,), roles=UNIT_SIDE, states=(ASSIGNED,), unit_rule="lead",
           key="y", service="steps:accept", submit=N_("Accept")),
    Action("return", N_("return"), N_("Return"), N_("The lead unit sends the objective back: not its remit (退回)."),
           'superviser return 2026-014.2 --reason "Belongs to the Planning Department"', (REASON,), roles=UNIT_SIDE,
           states=(ASSIGNED,), unit_rule="lead", key="r", service="steps:return_"),
    Action("transfer", N_("transfer"), N_("Transfer"),
           N_("Hand the objective to another lead unit (转办); the old lead stays in the history."),
           'superviser transfer 2026-014.2 --to "Planning" --reason "Their remit"',
           (Field("to", N_("new lead unit"), "unit", required=True, help=N_("The new lead unit.")), REASON, _CO),
           states=(ASSIGNED, ACCEPTED, IN_PROGRESS, RETURNED), key="t", service="steps:transfer",
           prefill={"co": "co_units"}),
    Action("progress", N_("report progress"), N_("Progress"),
           N_("Report progress (进展反馈): percent done, what was done, next step, problems."),
           'superviser progress 2026-014.2 --percent 60 --text "Two of three sites repaired" --next "Third site next week"',
           (Field("percent", N_("percent"), "percent", required=True, help=N_("Percent done, 0–100.")), _TEXT,
            Field("next_step", N_("next step"), "text", option="--next", help=N_("The next step.")),
            Field("problems", N_("problems"), "text", help=N_("Problems met.")),
            Field("help_needed", N_("help needed"), "text", help=N_("Help needed from the office or leadership."))),
           roles=UNIT_SIDE, states=(ACCEPTED, IN_PROGRESS), unit_rule="lead_or_co", key="p",
           service="steps:progress", prefill={"percent": "percent"}),
    Action("urge", N_("urge"), N_("Urge"),
           N_("Chase the lead unit (催办); escalates: reminder, urge notice, supervision notice."),
           'superviser urge 2026-014.2 --text "Report by Friday"',
           (Field("text", N_("text"), "text", help=N_("The message to the unit.")),),
           states=WORKING, key="c", service="steps:urge", submit=N_("Urge")),
    Action("inspect", N_("inspect"), N_("Inspect"), N_("Record an inspection (督查): what was found and a verdict."),
           'superviser inspect 2026-014.2 --finding "Site visited; work on schedule" --verdict on-track --method on-site',
           (Field("finding", N_("finding"), "text", required=True, help=N_("What was found.")),
            Field("verdict", N_("verdict"), "choice", required=True, choices=tuple(lifecycle.VERDICTS.items())),
            Field("method", N_("method"), "choice", default="document", choices=tuple(lifecycle.METHODS.items()))),
           states=(ASSIGNED, ACCEPTED, IN_PROGRESS, SUBMITTED, VERIFIED), key="i", service="steps:inspect"),
    Action("extend.request", N_("request an extension"), N_("Extension"),
           N_("Ask for a later deadline, before the current one passes (lead unit)."),
           'superviser extend request 2026-014.2 --to 2027-01-15 --reason "Parts arrive in January"',
           (Field("to", N_("new deadline"), "date", required=True, help=N_("The deadline asked for.")), REASON),
           roles=UNIT_SIDE, states=WORKING, unit_rule="lead", key="x", service="steps:extend_request"),
    Action("extend.approve", N_("approve the extension"), N_("Approve extension"),
           N_("Approve the waiting request (director); the original deadline is kept."),
           'superviser extend approve 2026-014.2 --note "Last extension"',
           (NOTE, Field("to", N_("new deadline"), "date", help=N_("Approve a different date than requested."),
                        hint=N_("leave as asked, or approve another date"))),
           roles=frozenset({DIRECTOR}), states=WORKING, key="X", service="steps:extend_approve",
           prefill={"to": "extension_to"}, submit=N_("Approve")),
    Action("extend.reject", N_("reject the extension"), N_("Reject extension"), N_("Reject the waiting request (director)."),
           'superviser extend reject 2026-014.2 --reason "The deadline is fixed by the province"', (REASON,),
           roles=frozenset({DIRECTOR}), states=WORKING, key="R", service="steps:extend_reject", submit=N_("Reject")),
    Action("complete", N_("submit completion"), N_("Done"),
           N_("The lead unit says it is done (办结); the office then verifies or sends it back."),
           'superviser complete 2026-014.2 --text "All three sites repaired and checked"',
           (Field("text", N_("what was achieved"), "text", required=True, help=N_("What was achieved.")),),
           roles=UNIT_SIDE, states=(ACCEPTED, IN_PROGRESS), unit_rule="lead", key="d", service="steps:complete"),
    Action("verify", N_("verify"), N_("Verify"),
           N_("Verify a completion (办结审核): the director's verification closes the objective, "
              "a supervisor's passes it to the director."),
           "superviser verify 2026-014.2", (NOTE,), states=(SUBMITTED, VERIFIED), key="v", service="steps:verify",
           submit=N_("Verify")),
    Action("sendback", N_("send back"), N_("Send back"),
           N_("Reject a completion: back to in progress for rework (退回重办)."),
           'superviser sendback 2026-014.2 --reason "Photos of the repaired site are missing"', (REASON,),
           states=(SUBMITTED, VERIFIED), key="b", service="steps:sendback"),
    Action("suspend", N_("suspend"), N_("Suspend"), N_("Suspend an objective (director)."),
           'superviser suspend 2026-014.2 --reason "Waiting for the provincial guideline"', (REASON,),
           roles=frozenset({DIRECTOR}), states=OPEN, key="S", service="steps:suspend"),
    Action("cancel", N_("cancel"), N_("Cancel item"), N_("Cancel an objective (director)."),
           'superviser cancel 2026-014.2 --reason "Superseded by decision 2026-020"', (REASON,),
           roles=frozenset({DIRECTOR}), states=OPEN + (SUSPENDED,), key="C", service="steps:cancel",
           submit=N_("Cancel objective")),  # (beside the form's own Cancel: which one is which)
    Action("reopen", N_("reopen"), N_("Reopen"), N_("Reopen a closed, suspended or cancelled objective (director)."),
           'superviser reopen 2026-014.2 --reason "The fault came back"', (REASON,),
           roles=frozenset({DIRECTOR}), states=ENDED, key="o", service="steps:reopen"),
    Action("note", N_("add a note"), N_("Note"), N_("Add a note to an objective's log."),
           'superviser note 2026-014.2 "Called the unit head; report promised for Monday"',
           (Field("text", N_("note"), "text", required=True, option=""),),
           roles=frozenset({DIRECTOR, SUPERVISOR, LIAISON}), states=tuple(STATUSES), unit_rule="lead_or_co", key="n",
           service="steps:note"),
    Action("light", N_("override the light"), N_("Light"),
           N_("Override an objective's light with a reason, or clear the override."),
           'superviser light 2026-014.2 red --reason "Leader\'s concern at the meeting"\nsuperviser light 2026-014.2 clear',
           (Field("colour", N_("light"), "choice", required=True, option="",
                  choices=(("red", N_("red")), ("yellow", N_("yellow")), ("green", N_("green")),
                           ("clear", N_("clear the override")))),
            replace(_reason(required=False), help=N_("Why (required to set a light; clearing needs none)."),
                    hint=N_("required to set a light; clearing needs none"))),
           states=OPEN, key="L", service="steps:light"),
    Action("objective.edit", N_("correct an objective"), N_("Edit"),
           N_("Correct an objective: its title, detail, co-units, priority, or its parent (office)."),
           'superviser objective edit 2026-014.2 --title "Inspect every boiler room and chimney" --co Finance',
           (_for_edit(_TITLE), _DETAIL, _CO, _for_edit(_PRIORITY),
            replace(_PARENT, help=N_("Move it under this objective of the same decision; an empty string makes "
                                     "it top-level. Its reference changes; the old one still finds it.")),),
           states=OPEN, key="E", service="corrections:objective_edit",
           prefill={"title": "title", "detail": "detail", "co": "co_units", "priority": "priority",
                    "parent": "parent_ref"}),
    Action("deadline", N_("change the deadline"), N_("Deadline"),
           N_("Change the deadline directly, with a reason (director), also after it has passed; the original "
              "deadline is kept and still decides the on-time rate."),
           'superviser deadline 2026-014.2 --to 2027-01-31 --reason "The province moved the inspection"',
           (Field("to", N_("new deadline"), "date", required=True, help=N_("The new deadline.")), REASON),
           roles=frozenset({DIRECTOR}), states=OPEN, key="T", service="corrections:deadline",
           prefill={"to": "deadline"}),
    Action("rhythm", N_("set the reporting rhythm"), N_("Reporting"),
           N_("How often the units report on it: weekly, monthly, by stage (dated milestones), or none "
              "(the general rule); \"no report for too long\" then follows it."),
           'superviser rhythm 2026-014.2 stages --milestone "2026-12-01 Plan agreed" \\\n'
           '      --milestone "2027-01-15 Half the sites done"',
           (Field("rhythm", N_("rhythm"), "choice", required=True, option="", choices=_RHYTHMS),
            Field("milestones", N_("milestones"), "milestones", option="--milestone",
                  help=N_("For stages: a date and what is due by then (\"2026-12-01 Plan agreed\"); "
                          "repeat for several."),
                  hint=N_("for stages: one a line, a date and what is due by then"))),
           states=OPEN, key="m", service="reporting:rhythm",
           prefill={"rhythm": "report_rhythm", "milestones": "milestones_text"}),
    Action("undo", N_("undo"), N_("Undo"), N_("Undo a step with a new log entry that reverses it (the log is never edited)."),
           'superviser undo 1234 --reason "Urged the wrong objective"', (_reason(required=False),),
           roles=frozenset({DIRECTOR, SUPERVISOR, LIAISON}), unit_rule="lead_or_co", service="undo:undo",
           target="entry", submit=N_("Undo")),
    # --- work that is not one objective's ---------------------------------------------------
    Action("import", N_("import a ledger"), service="", target="none"),
    Action("review", N_("daily review"), target="none"),
    Action("export", N_("export"), roles=EVERYONE, target="none"),
    # --- delivery (issue 12): contacts, sending, printed notices ------------------------------
    Action("channel.add", N_("add a channel"), N_("New channel"),
           N_("Give a unit a channel. A robot's webhook address and secret are kept in the database, shown masked, "
              "and logged only as fingerprints. --secret - reads the secret from standard input."),
           "superviser channel add Finance mail --address finance@example.org\n"
           "superviser channel add Finance wecom --webhook 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…'\n"
           "superviser channel add Finance dingtalk --webhook 'https://oapi.dingtalk.com/robot/send?access_token=…' "
           "--secret -",
           fields=_CHANNEL_FIELDS, roles=frozenset({DIRECTOR}), service="contacts:channel_add", target="none"),
    Action("channel.remove", N_("remove a channel"), N_("Remove channel"),
           N_("Stop using a channel: its secrets are erased, what it had queued is cancelled."),
           "superviser channel remove 3",
           roles=frozenset({DIRECTOR}), service="contacts:channel_remove", target="channel", submit=N_("Remove")),
    Action("unit.lang", N_("set a unit's language"), N_("Language"),
           N_("The language of a unit's messages and notices (en, es, zh_CN); \"\" for the sender's."),
           "superviser channel lang Finance zh_CN",
           fields=(replace(LANGUAGE, option=""),), roles=frozenset({DIRECTOR}), service="contacts:unit_language",
           target="unit"),
    # The director keeps everyone's; a person may keep their own mail and mobile (contact_refusal).
    Action("person.contact", N_("change contact details"), N_("Contact"),
           N_("A person's mail and mobile (\"\" clears one), and whether they head their unit (director; anyone may "
              "set their own mail and mobile)."),
           "superviser person contact li.ming --email li.ming@example.org --mobile 13800138000",
           fields=(Field("email", N_("mail"), "email"),
                   Field("mobile", N_("mobile"), "phone", help=N_("Mentioned in WeCom and DingTalk group messages."),
                         hint=N_("mentioned in WeCom and DingTalk group messages")),
                   Field("head", N_("heads the unit"), "flag", option="--head/--not-head",
                         help=N_("They head their unit: urges reach them by mail too."))),
           roles=frozenset({DIRECTOR}), service="contacts:person_contact", target="person",
           prefill={"email": "email", "mobile": "mobile", "head": "unit_head"}),
    Action("office.set", N_("change the office's details"), roles=frozenset({DIRECTOR}), target="none"),
    Action("deliver", N_("deliver"), target="none"),
    Action("deliver.requeue", N_("queue a message again"), N_("Queue again"),
           N_("Queue a failed message again, for the next `deliver` (the office decides: a message whose delivery "
              "is unknown may have arrived)."),
           "superviser outbox retry 42",
           service="delivery:requeue", target="message", submit=N_("Queue again")),
    Action("digest.send", N_("queue the digests"), target="none"),
    Action("notice", N_("issue a notice"), N_("Printed notice"),
           N_("Print the numbered notice for an objective as a Word document: reminder (blue), urge notice (yellow) "
              "or supervision notice (red), by default at its urge level. Printing it again keeps its number; "
              "--new issues another. Numbers never repeat."),
           "superviser notice 2026-014.2\nsuperviser notice 2026-014.2 --level supervision -o notice.docx\n"
           "superviser notice 2026-014.2 --language en -o - > notice.docx",
           fields=(Field("level", N_("level"), "choice",
                         choices=(("", N_("its urge level")), ("reminder", N_("reminder (blue)")),
                                  ("urge", N_("urge notice (yellow)")), ("supervision", N_("supervision notice (red)"))),
                         help=N_("Which notice (default: the one its urge level calls for).")),
                   replace(LANGUAGE, key="language", choices=(("", N_("the unit's language")),) + LANGUAGE.choices[1:],
                           help=N_("Its language (default: the unit's language, else yours).")),
                   Field("new", N_("new number"), "flag",
                         help=N_("Issue a new number even if this notice was printed before."))),
           service="delivery:print_notice", target="objective", submit=N_("Print")),
    # --- the office server: people's SSH keys, signed checkpoints (superviser/sshkeys.py, checkpoints.py)
    Action("keys.add", N_("add an SSH key"), roles=frozenset({DIRECTOR}), target="none"),
    Action("keys.remove", N_("remove SSH keys"), roles=frozenset({DIRECTOR}), target="none"),
    Action("keys.list", N_("list the SSH keys"), roles=frozenset({DIRECTOR}), target="none"),
    Action("keys.sync", N_("rewrite authorized_keys"), roles=frozenset({DIRECTOR}), target="none"),
    Action("checkpoint", N_("sign a checkpoint"), target="none"),
)

ACTIONS: dict[str, Action] = {action.name: action for action in STEPS}

# Entries the log holds that are not steps people choose.
OTHER_LABELS = {
    "init": N_("create the database"),
    "migration": N_("upgrade the database"),
    "baseline": N_("state when the log began to record every change"),
    "review.mark": N_("mark reviewed"),
    "review.skip": N_("skip in the review"),
    "review.start": N_("start the daily review"),
    "deliver.claim": N_("take messages to send"),
    "deliver.retry": N_("delivery to retry"),
    "deliver.failed": N_("delivery failed"),
    "deliver.unknown": N_("delivery unknown"),
}

# The steps on an objective, in the order the key bar and the help show them.
OBJECTIVE_STEPS = tuple(a for a in STEPS if a.states is not None)


def label(name: str) -> str:
    """An action's name in the user's language, as the log and messages say it."""
    action = ACTIONS.get(name)
    if action is not None:
        return _(action.label)
    return _(OTHER_LABELS[name]) if name in OTHER_LABELS else name


def title(name: str) -> str:
    action = ACTIONS[name]
    return _(action.title or action.label)


# --- may this person take this step now? ----------------------------------------------------
def _who_may(action: Action) -> str:
    return joined((role_label(r) for r in ROLES if r in action.roles), "or")  # 主任、督查员或联络员


def not_among_people(login: str) -> str:
    return _(
        "{login} is not among the people of this office, so can read but not act; "
        "ask the director to run: superviser person add {login} --name NAME --role ROLE"
    ).format(login=login)


def role_refusal(name: str, person: dict | None, login: str) -> str | None:
    """Why someone may not take this kind of step at all (None if their role allows it)."""
    action = ACTIONS[name]
    if person is None:
        return not_among_people(login)
    if person["role"] not in action.roles:
        return _("{step}: only a {roles} may do this (you are a {role})").format(
            step=label(name), roles=_who_may(action), role=role_label(person["role"]))
    return None


def _obstacle(name: str, objective: dict, person: dict, today: date) -> str | None:
    """The step's own conditions beyond the status (in the core's words)."""
    ref = objective["ref"]
    pending = bool(objective.get("extension_to"))
    if name == "extend.request":
        if pending:
            return _("{ref}: an extension request is already waiting for a decision").format(ref=ref)
        if today.isoformat() > objective["deadline"]:
            return _("{ref}: the deadline {deadline} has passed; an extension must be requested before it").format(
                ref=ref, deadline=objective["deadline"])
    if name in ("extend.approve", "extend.reject") and not pending:
        return _("{ref}: no extension request is waiting").format(ref=ref)
    if name == "verify" and objective["status"] == VERIFIED and person["role"] != DIRECTOR:
        return _("{ref}: already verified; the director closes it").format(ref=ref)
    return None


def _outside_unit(name: str, action: Action, objective: dict, person: dict) -> str | None:
    units, co_units = {objective["lead_unit_id"]}, set(objective.get("co_unit_ids") or ())
    if action.unit_rule == "lead_or_co":
        units |= co_units
    if units & person["scope"]:
        return None
    if co_units & person["scope"]:  # it is their unit's objective, as a co-unit: not "not your unit's"
        return _("{step}: only the lead unit may do this; your unit is a co-unit of {ref}").format(
            step=label(name), ref=objective["ref"])
    return _("{step}: {ref} is not your unit's objective; a liaison acts only for their own unit").format(
        step=label(name), ref=objective["ref"])


def contact_refusal(person: dict | None, login: str, whose: str, *, head: bool = False) -> str | None:
    """``person.contact``: the director keeps everyone's contact details; anyone among the
    people may keep their own mail and mobile (not whether they head their unit)."""
    if person is not None and whose == login and not head:
        return None
    problem = refusal("person.contact", person, login)
    if problem and person is not None and whose != login:
        # "only a director may do this", alone, reads as if they could not keep even their own.
        problem = _("{problem}; you may change your own mail and mobile").format(problem=problem)
    return problem


def possible_steps(status: str, extension_pending: bool | None = None) -> list[str]:
    """The steps an objective in ``status`` allows, whoever asks; with ``extension_pending``
    known, only the extension steps that make sense."""
    unwanted: set[str] = ({"extend.request"} if extension_pending
                          else {"extend.approve", "extend.reject"} if extension_pending is False else set())
    return [a.name for a in OBJECTIVE_STEPS if status in (a.states or ()) and a.name not in unwanted]


def _not_now(name: str, objective: dict, person: dict, login: str) -> str:
    """Why not while it is in this state, and what this person may do on it now (a liaison
    was offered the director's steps: assign, suspend, cancel)."""
    status, ref, step = objective["status"], objective["ref"], label(name)
    mine = [s for s in possible_steps(status) if _check(s, person, login, objective) is None]
    if not mine:
        return _("{ref}: cannot {step} while it is {status}").format(
            ref=ref, step=step, status=lifecycle.status_label(status))
    return _("{ref}: cannot {step} while it is {status}; possible now: {possible}").format(
        ref=ref, step=step, status=lifecycle.status_label(status), possible=joined(map(label, mine), "or"))


def _check(name: str, person: dict | None, login: str, objective: dict | None) -> tuple[type, str] | None:
    problem = role_refusal(name, person, login)
    if problem:
        return Forbidden, problem
    if objective is None or person is None:  # (someone not among the people was refused above)
        return None
    action = ACTIONS[name]
    if action.states is not None and objective["status"] not in action.states:
        return Refused, _not_now(name, objective, person, login)
    problem = _obstacle(name, objective, person, clock.today())
    if problem:
        return Refused, problem
    if person["role"] == LIAISON and action.unit_rule:
        problem = _outside_unit(name, action, objective, person)
        if problem:
            return Forbidden, problem
    return None


def refusal(name: str, person: dict | None, login: str, objective: dict | None = None) -> str | None:
    """Why ``person`` may not take step ``name`` (on ``objective``, as last read) now, or None.

    ``person`` is ``Session.person()`` (with ``scope``); ``objective`` needs ``ref``, ``status``,
    ``deadline``, ``lead_unit_id``, ``co_unit_ids`` and ``extension_to`` (a pending request's date)."""
    found = _check(name, person, login, objective)
    return found[1] if found else None


def require(name: str, person: dict | None, login: str, objective: dict | None = None) -> None:
    """``refusal`` as an exception: Forbidden for who may act, Refused for when."""
    found = _check(name, person, login, objective)
    if found:
        kind, problem = found
        raise kind(problem)
