"""The export dialog (e): scope and format; the file is saved where the person says,
or downloaded when the app runs in a browser."""

from __future__ import annotations

import io
from pathlib import Path

from screens.forms import Field, FormScreen
from superviser import identity, lifecycle, lights, roles
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
    problem = roles.refusal("export", app.person["role"] if app.person else None, app.login)
    if problem:
        app.notify(problem, severity="warning", markup=False)
        return
    scope = scope or {}
    fields = [
        Field("format", _("format"), "choice", choices=[(f, _(FORMAT_LABELS[f])) for f in FORMATS]),
        Field("since", _("since"), "date", default=scope.get("since", "")),
        Field("until", _("until"), "date", default=scope.get("until", "")),
        Field("decision", _("decision"), default=scope.get("decision", "")),
        Field("unit", _("unit"), "unit", default=scope.get("unit", "")),
        Field("light", _("light"), "choice", choices=[("", _("any"))] + [(c, lights.label(c)) for c in lights.LIGHTS]),
        Field("status", _("status"), "choice",
              choices=[("", _("any"))] + [(s, lifecycle.status_label(s)) for s in lifecycle.STATUSES]),
        Field("folder", _("save in"), default=str(Path.home()),
              hint=_("in a browser the file downloads instead")),
    ]

    web = app.is_web

    def submit(session, v) -> Result:
        from superviser import refs

        if v["decision"]:
            refs.decision(session.db, v["decision"])
        chosen = Scope(since=_day(v["since"]), until=_day(v["until"]), decision=v["decision"] or None,
                       unit=v["unit"] or None, light=v["light"] or None, status=v["status"] or None)
        name = default_name(v["format"])
        # In a terminal the file goes where the person said; in a browser it downloads.
        target = None if web else free_name(Path(v["folder"]).expanduser() / name)
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

    app.push_screen(FormScreen(_("Export"), fields, submit, submit_label=_("Export"), unit_names=app.unit_names),
                    deliver)


def free_name(path: Path) -> Path:
    """``path``, or ``name (2).ext`` and so on if it is taken: an export never overwrites."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
    return candidate


def _day(value: str):
    from datetime import date

    return date.fromisoformat(value) if value else None
