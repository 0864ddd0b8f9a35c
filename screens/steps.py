"""The steps on an objective as keys and forms. Each form calls exactly the core
service the CLI calls, with the version of the objective the user was looking at."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.content import Content

from screens.forms import Field, FormScreen
from superviser import lifecycle, lights, roles
from superviser.errors import Refused
from superviser.i18n import N_, _
from superviser.services import steps, undo


@dataclass(frozen=True)
class StepKey:
    step: str        # a core step, or "extend.decide" (approve or reject, one form)
    key: str
    label: str       # N_ message id, shown in the footer
    permission: str  # the core step whose role rule applies


STEP_KEYS = [
    StepKey("assign", "a", N_("Assign"), "assign"),
    StepKey("accept", "y", N_("Accept"), "accept"),
    StepKey("return", "r", N_("Return"), "return"),
    StepKey("transfer", "t", N_("Transfer"), "transfer"),
    StepKey("progress", "p", N_("Progress"), "progress"),
    StepKey("urge", "c", N_("Urge"), "urge"),
    StepKey("inspect", "i", N_("Inspect"), "inspect"),
    StepKey("extend.request", "x", N_("Extension"), "extend.request"),
    StepKey("extend.decide", "X", N_("Decide extension"), "extend.approve"),
    StepKey("complete", "d", N_("Done"), "complete"),
    StepKey("verify", "v", N_("Verify"), "verify"),
    StepKey("sendback", "b", N_("Send back"), "sendback"),
    StepKey("suspend", "S", N_("Suspend"), "suspend"),
    StepKey("cancel", "C", N_("Cancel item"), "cancel"),
    StepKey("reopen", "o", N_("Reopen"), "reopen"),
    StepKey("note", "n", N_("Note"), "note"),
    StepKey("light", "L", N_("Light"), "light"),
]
BY_STEP = {s.step: s for s in STEP_KEYS}
# Steps the review offers that the objective screen folds into "extend.decide".
REVIEW_ONLY = {
    "extend.approve": StepKey("extend.approve", "a", N_("Approve"), "extend.approve"),
    "extend.reject": StepKey("extend.reject", "r", N_("Reject"), "extend.reject"),
}


def possible(objective: dict) -> set[str]:
    """The UI steps the objective's status allows now."""
    pending = bool(objective.get("extension_to"))
    core = set(lifecycle.possible_steps(objective["status"], pending))
    out = {s.step for s in STEP_KEYS if s.step in core}
    if "extend.approve" in core:
        out.add("extend.decide")
    return out


def allowed(objective: dict, person: dict | None, login: str) -> set[str]:
    """The UI steps this person can take on the objective now (approve and reject are the
    review's two keys for the objective screen's one extension decision)."""
    found = possible(objective)
    if "extend.decide" in found:
        found |= set(REVIEW_ONLY)
    return {s for s in found if refusal(s, objective, person, login) is None}


def show_only_allowed(screen, action: str, steps: set[str]) -> None:
    """Show in the key bar only the ``action('step')`` keys in ``steps``; the others still
    answer when pressed, with the reason they cannot be taken."""
    prefix = f"{action}('"
    bindings_map = screen._bindings.key_to_bindings
    for key, bindings in bindings_map.items():
        bindings_map[key] = [replace(b, show=b.action[len(prefix):-2] in steps) if b.action.startswith(prefix) else b
                             for b in bindings]
    screen.refresh_bindings()


def refusal(step: str, objective: dict, person: dict | None, login: str) -> str | None:
    """Why this step cannot be taken now (status or role), in the core's words; None if it can."""
    spec = BY_STEP.get(step) or REVIEW_ONLY[step]
    core_step = "extend.approve" if step == "extend.decide" else step
    try:
        lifecycle.require(core_step, objective)
    except Refused as error:
        return str(error)
    if step in ("extend.decide", "extend.approve", "extend.reject") and not objective.get("extension_to"):
        return _("{ref}: no extension request is waiting").format(ref=objective["ref"])
    if step == "extend.request" and objective.get("extension_to"):
        return _("{ref}: an extension request is already waiting for a decision").format(ref=objective["ref"])
    problem = roles.refusal(spec.permission, person["role"] if person else None, login)
    if problem is None and person["role"] == roles.LIAISON:
        problem = roles.outside_unit(spec.permission, objective, person["scope"], objective.get("co_unit_ids", ()))
    return problem


def _reason(label: str | None = None, required: bool = True) -> Field:
    return Field("reason", label or _("reason"), "multiline", required=required)


def form(step: str, objective: dict, unit_names: list[str], *, quick: bool = False) -> FormScreen:
    """The form for ``step`` on ``objective`` (as last loaded, version included).
    ``quick`` (the daily review): every text on one line, so Enter saves."""
    ref, version = objective["ref"], objective["version"]
    label = _((BY_STEP.get(step) or REVIEW_ONLY[step]).label)
    heading = f"{label} · {ref}"
    intro = Content(objective["title"])

    def make(fields, submit, *, title=heading, intro=intro, label=None):
        if quick:
            fields = [replace(f, kind="text") if f.kind == "multiline" else f for f in fields]
        return FormScreen(title, fields, submit, intro=intro, submit_label=label, unit_names=unit_names)

    if step == "assign":
        return make(
            [Field("lead", _("lead unit"), "unit", required=True, default=objective["lead_unit"]),
             Field("co", _("co-units"), "units", default=", ".join(objective["co_units"])),
             Field("note", _("note"), "multiline")],
            lambda s, v: steps.assign(s, ref, lead=v["lead"], co=v["co"], note=v["note"], expected_version=version))
    if step == "accept":
        return make([Field("note", _("note"), "multiline")],
                    lambda s, v: steps.accept(s, ref, note=v["note"], expected_version=version), label=_("Accept"))
    if step == "return":
        return make([_reason()], lambda s, v: steps.return_(s, ref, reason=v["reason"], expected_version=version))
    if step == "transfer":
        return make(
            [Field("to", _("to"), "unit", required=True), _reason(),
             Field("co", _("co-units"), "units", default=", ".join(objective["co_units"]))],
            lambda s, v: steps.transfer(s, ref, to=v["to"], reason=v["reason"], co=v["co"], expected_version=version))
    if step == "progress":
        return make(
            [Field("percent", _("percent"), "percent", required=True, default=str(objective["percent"])),
             Field("text", _("text"), "multiline", required=True), Field("next", _("next step"), "multiline"),
             Field("problems", _("problems"), "multiline"), Field("help", _("help needed"), "multiline")],
            lambda s, v: steps.progress(s, ref, percent=v["percent"], text_=v["text"], next_step=v["next"],
                                        problems=v["problems"], help_needed=v["help"], expected_version=version))
    if step == "urge":
        count = objective["urge_count"] + 1
        level = Content(_("This will be urge {n}: {level}.").format(n=count, level=lifecycle.urge_level(count)))
        return make([Field("text", _("text"), "multiline")],
                    lambda s, v: steps.urge(s, ref, text_=v["text"], expected_version=version),
                    intro=Content.assemble(intro, "\n", level), label=_("Urge"))
    if step == "inspect":
        return make(
            [Field("finding", _("finding"), "multiline", required=True),
             Field("verdict", _("verdict"), "choice", choices=[(k, _(v)) for k, v in lifecycle.VERDICTS.items()]),
             Field("method", _("method"), "choice", choices=[(k, _(v)) for k, v in lifecycle.METHODS.items()])],
            lambda s, v: steps.inspect(s, ref, finding=v["finding"], verdict=v["verdict"], method=v["method"],
                                       expected_version=version))
    if step == "extend.request":
        return make(
            [Field("to", _("new deadline"), "date", required=True), _reason()],
            lambda s, v: steps.extend_request(s, ref, to=v["to"], reason=v["reason"], expected_version=version),
            intro=Content.assemble(intro, "\n", _("current deadline: {date}").format(date=objective["deadline"])))
    if step == "extend.decide":
        def decide(s, v):
            if v["decision"] == "approve":
                return steps.extend_approve(s, ref, note=v["reason"], to=v["to"] or None, expected_version=version)
            return steps.extend_reject(s, ref, reason=v["reason"], expected_version=version)

        return make(
            [Field("decision", _("decision"), "choice", choices=[("approve", _("approve")), ("reject", _("reject"))]),
             Field("to", _("new deadline"), "date", default=objective.get("extension_to") or "",
                   hint=_("only when approving; leave as asked")),
             _reason(_("reason or note"), required=False)],
            decide, title=f"{_('Extension request')} · {ref}",
            intro=Content.assemble(intro, "\n", _("asked: {old} → {new}").format(
                old=objective["deadline"], new=objective.get("extension_to") or "")))
    if step == "extend.approve":
        return make([Field("note", _("note"), "multiline")],
                    lambda s, v: steps.extend_approve(s, ref, note=v["note"], expected_version=version),
                    intro=Content.assemble(intro, "\n", _("asked: {old} → {new}").format(
                        old=objective["deadline"], new=objective.get("extension_to") or "")), label=_("Approve"))
    if step == "extend.reject":
        return make([_reason()], lambda s, v: steps.extend_reject(s, ref, reason=v["reason"], expected_version=version),
                    intro=Content.assemble(intro, "\n", _("asked: {old} → {new}").format(
                        old=objective["deadline"], new=objective.get("extension_to") or "")), label=_("Reject"))
    if step == "complete":
        return make([Field("text", _("what was achieved"), "multiline", required=True)],
                    lambda s, v: steps.complete(s, ref, text_=v["text"], expected_version=version))
    if step == "verify":
        return make([Field("note", _("note"), "multiline")],
                    lambda s, v: steps.verify(s, ref, note=v["note"], expected_version=version), label=_("Verify"))
    if step in ("sendback", "suspend", "cancel", "reopen"):
        service = {"sendback": steps.sendback, "suspend": steps.suspend, "cancel": steps.cancel, "reopen": steps.reopen}[step]
        return make([_reason()], lambda s, v: service(s, ref, reason=v["reason"], expected_version=version))
    if step == "note":
        return make([Field("text", _("note"), "multiline", required=True)],
                    lambda s, v: steps.note(s, ref, text_=v["text"], expected_version=version))
    if step == "light":
        choices = [(c, lights.label(c)) for c in ("red", "yellow", "green")] + [("clear", _("clear the override"))]
        return make(
            [Field("colour", _("light"), "choice", choices=choices), _reason(required=False)],
            lambda s, v: steps.light(s, ref, colour=None if v["colour"] == "clear" else v["colour"],
                                     reason=v["reason"], expected_version=version))
    raise KeyError(step)


def undo_form(entry: dict, ref: str, summary: str) -> FormScreen:
    return FormScreen(
        f"{_('Undo')} · #{entry['seq']}", [_reason(required=False)],
        lambda s, v: undo.undo(s, entry["seq"], reason=v["reason"]),
        intro=Content(f"{ref}: {summary}"), submit_label=_("Undo"))

