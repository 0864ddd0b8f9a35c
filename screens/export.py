"""The export dialog (e): scope and format; the file is saved where the person says,
or downloaded when the app runs in a browser."""

from __future__ import annotations

import io
from pathlib import Path

from screens.forms import FormScreen
from superviser import actions, files, identity, lifecycle, lights
from superviser.fields import Field
from superviser.exports import FORMATS
from superviser.exports.report import Scope
from superviser.exports.run import default_name, export
from superviser.i18n import N_, _
from superviser.services import Result

FORMAT_LABELS = {"xlsx": N_("Excel (xlsx): the ledger"), "docx": N_("Word (docx): the bulletin"),
                 "md": N_("Markdown (md): the bulletin"), "html": N_("HTML: the bulletin, printable"),
                 "csv": N_("CSV: the ledger")}


def open_export(app, scope: dict | None = None) -> None:
    if identity.confined() and not app.is_web:
        # Through the service account a file saved "here" would land in its folders, out of the
        # person's reach; the export comes to their own computer from the command line instead.
        app.notify(_("Over SSH a file saved here would stay on the server. From your computer: "
                     "ssh superviser@office export --format docx -o - > bulletin.docx"), severity="warning",
                   markup=False, timeout=12)
        return
    problem = actions.role_refusal("export", app.person, app.login)
    if problem:
        app.notify(problem, severity="warning", markup=False)
        return
    scope = scope or {}
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

    def submit(session, v) -> Result:
        from superviser import refs

        if v["decision"]:
            refs.decision(session.db, v["decision"])
        chosen = Scope(since=v["since"], until=v["until"], decision=v["decision"] or None,
                       unit=v["unit"] or None, light=v["light"] or None, status=v["status"] or None)
        name = default_name(v["format"])
        # In a terminal the file goes where the person said; in a browser it downloads.
        target = None if web else files.free_name(Path(v["folder"]).expanduser() / name)
        made = export(session, v["format"], chosen, target, name=name)
        where = made.path if made.path else name
        result = Result(_("Saved {where}: {n} objectives; log anchor #{seq}").format(
            where=where, n=made.objectives, seq=made.head_seq), seq=made.seq)
        result.data.update(bytes=made.data, name=name)
        return result

    def deliver(result: Result | None) -> None:
        if result is not None and web:
            app.deliver_binary(io.BytesIO(result.data["bytes"]), save_filename=result.data["name"],
                               name=result.data["name"])

    app.push_screen(FormScreen(_("Export"), fields, submit, submit_label=_("Export"), unit_names=app.unit_names,
                               initial=initial), deliver)
