"""The export dialog (e): scope and format; the file is saved where the person says,
or downloaded when the app runs in a browser. With an objective in view, p in the dialog
prints its numbered notice instead (``notice``: level, language, where to save it)."""

from __future__ import annotations

import io
from pathlib import Path

from textual.binding import Binding
from textual.content import Content

from screens.forms import FormScreen
from superviser import actions, files, identity, lifecycle, lights
from superviser.actions import ACTIONS
from superviser.errors import InvalidInput
from superviser.exports import FORMATS
from superviser.exports.report import Scope
from superviser.exports.run import default_name, export
from superviser.fields import Field
from superviser.i18n import N_, _, aside, ngettext
from superviser.quantities import count, size
from superviser.services import Result

FORMAT_LABELS = {"xlsx": N_("Excel (xlsx): the ledger"), "docx": N_("Word (docx): the bulletin"),
                 "md": N_("Markdown (md): the bulletin"), "html": N_("HTML: the bulletin, printable"),
                 "csv": N_("CSV: the ledger")}


class ExportForm(FormScreen):
    """The export's form; with an objective in view (and the person allowed to issue
    notices), p opens its printed notice instead."""

    BINDINGS = [Binding("p", "notice", N_("Printed notice"), id="export.notice")]
    STOPPED = N_("Export cancelled; no file was saved")

    def __init__(self, *args, objective: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.objective = objective

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return self.objective is not None if action == "notice" else True

    def action_notice(self) -> None:
        self.dismiss(None)
        open_notice(self.app, self.objective)


def _may_print(app, objective: dict | None) -> bool:
    return objective is not None and actions.role_refusal("notice", app.person, app.login) is None


def open_export(app, scope: dict | None = None, objective: dict | None = None) -> None:
    """``objective``: the one in view (its notice is offered as p)."""
    if identity.confined() and not app.is_web:
        # Through the service account a file saved "here" would land in its folders, out of the
        # person's reach; the export comes to their own computer from the command line instead.
        said = _("Over SSH a file saved here would stay on the server. From your computer: "
                 "ssh superviser@office export --format docx -o - > bulletin.docx")
        if _may_print(app, objective):
            said += _("; its printed notice: ssh superviser@office notice {ref} -o - > notice.docx").format(
                ref=objective["ref"])
        app.notify(said, severity="warning", markup=False, timeout=12)
        return
    problem = actions.role_refusal("export", app.person, app.login)  # (e is offered until the steps are loaded)
    if problem:
        app.notify(problem, severity="warning", markup=False)
        return
    scope = scope or {}
    printable = objective if _may_print(app, objective) else None
    fields = [
        Field("format", N_("format"), "choice", choices=tuple((f, FORMAT_LABELS[f]) for f in FORMATS)),
        Field("since", N_("since"), "date"),
        Field("until", N_("until"), "date"),
        Field("decision", N_("decision"), "decision"),
        Field("unit", N_("unit"), "unit"),
        Field("light", N_("light"), "choice", choices=(("", N_("any")),) + tuple(lights.LIGHT_LABELS.items())),
        Field("status", N_("status"), "choice", choices=(("", N_("any")),) + tuple(lifecycle.STATUS_LABELS.items())),
        Field("folder", N_("save in"), "line", limit=4000, hint=N_("in a browser the file downloads instead")),
    ]
    initial = dict(scope, folder=str(Path.home()))

    web = app.is_web

    def submit(session, v, progress) -> Result:
        from superviser import refs

        if v["decision"]:
            refs.decision(session.db, v["decision"])
        chosen = Scope(since=v["since"], until=v["until"], decision=v["decision"] or None,
                       unit=v["unit"] or None, light=v["light"] or None, status=v["status"] or None)
        name = default_name(v["format"])
        # In a terminal the file goes where the person said; in a browser it downloads.
        target = None if web else files.free_name(Path(v["folder"]).expanduser() / name)
        try:
            made = export(session, v["format"], chosen, target, name=name, progress=progress)
        except InvalidInput as error:
            if error.field == "path":  # (the file's folder is the one this form asks for)
                raise InvalidInput("folder", error.problem, N_("save in")) from None
            raise
        where = aside(str(made.path or name), size(len(made.data)))
        n = made.objectives
        result = Result(_("Saved {where}: {objectives}; log anchor #{seq}").format(
            where=where, objectives=ngettext("{n} objective", "{n} objectives", n).format(n=count(n)),
            seq=made.head_seq), seq=made.seq)
        result.data.update(bytes=made.data, name=name)
        return result

    def deliver(result: Result | None) -> None:
        if result is not None and web:
            app.deliver_binary(io.BytesIO(result.data["bytes"]), save_filename=result.data["name"],
                               name=result.data["name"])

    intro = _("p: the printed notice of {ref} instead").format(ref=printable["ref"]) if printable else None
    app.push_screen(ExportForm(_("Export"), fields, submit, submit_label=_("Export"), unit_names=app.unit_names,
                               initial=initial, intro=intro, objective=printable, progress=True), deliver)


def open_notice(app, objective: dict) -> None:
    """The numbered notice of ``objective`` (催办单 / 督办通知单): its level and language,
    saved as a private new file where the person says, or downloaded in a browser."""
    action = ACTIONS["notice"]
    ref, web = objective["ref"], app.is_web
    fields = list(action.fields)
    if not web:
        fields.append(Field("path", N_("save as"), "line", required=True, limit=4000,
                            hint=N_("a file that does not exist yet; only you can read it")))

    def submit(session, v) -> Result:
        from superviser.exports import notice as notice_doc

        target = None
        if not web:  # never over a file, and no number taken (nor a step logged) for nothing
            try:
                target = notice_doc.target(v["path"])
            except InvalidInput as error:
                raise InvalidInput("path", error.problem, N_("save as")) from None
        printed = action.perform(session, ref, {key: v[key] for key in ("level", "language", "new")})
        if target is not None:
            target = notice_doc.save(printed.data["bytes"], target)
        where = aside(str(target or printed.data["name"]), size(len(printed.data["bytes"])))
        result = Result(_("Saved {where}: {notice}").format(where=where, notice=printed.message), seq=printed.seq,
                        ref=ref)
        result.data.update(printed.data)
        return result

    def deliver(result: Result | None) -> None:
        if result is not None and web:
            app.deliver_binary(io.BytesIO(result.data["bytes"]), save_filename=result.data["name"],
                               name=result.data["name"])

    intro = Content("\n").join([Content(objective["title"]), Content(_(
        "To {unit}; by default at its urge level: {level} (urges so far: {n}). Printed again, it keeps its "
        "number.").format(unit=objective["lead_unit"], level=lifecycle.urge_level(objective["urge_count"]),
                          n=objective["urge_count"]))])
    app.push_screen(FormScreen(f"{actions.title('notice')} · {ref}", fields, submit,
                               submit_label=_(action.submit), intro=intro,
                               initial={"new": False, "path": str(files.free_name(Path.home() / f"notice-{ref}.docx"))}),
                    deliver)
