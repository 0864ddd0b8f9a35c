"""Making an export: build the report, write the file, record it in the log."""

from __future__ import annotations

import gc
import io
import os
from contextlib import contextmanager
import tempfile
from dataclasses import dataclass
from pathlib import Path

from superviser import clock
from superviser.changes import write
from superviser.errors import InvalidInput
from superviser.exports import FORMATS
from superviser.exports.report import Scope, build
from superviser.i18n import _
from superviser.services.base import Session, check

EXTENSIONS = {"xlsx": ".xlsx", "docx": ".docx", "md": ".md", "html": ".html", "csv": ".csv"}


@dataclass
class Exported:
    path: Path | None
    data: bytes
    seq: int
    head_seq: int
    head_hash: str
    objectives: int
    steps: int


def default_name(fmt: str) -> str:
    kind = _("ledger") if fmt in ("xlsx", "csv") else _("bulletin")
    return f"superviser-{kind}-{clock.today().isoformat()}{EXTENSIONS[fmt]}"


@contextmanager
def _without_cycle_collection():
    """Writers allocate a million short-lived cells, none of them in a cycle; the cyclic
    collector would walk them again and again (measured: 9.4 s against 5.8 s for the
    xlsx of 10,000 objectives). Reference counting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render(report, fmt: str) -> bytes:
    """The export's bytes."""
    if fmt == "xlsx":
        from superviser.exports import xlsx

        buffer = io.BytesIO()
        xlsx.write(report, buffer)
        return buffer.getvalue()
    if fmt == "docx":
        from superviser.exports import docx_writer

        buffer = io.BytesIO()
        docx_writer.write(report, buffer)
        return buffer.getvalue()
    from superviser.exports import text_writers

    if fmt == "md":
        return text_writers.markdown(report).encode("utf-8")
    if fmt == "html":
        return text_writers.html_page(report).encode("utf-8")
    return text_writers.csv_text(report).encode("utf-8-sig")


def export(session: Session, fmt: str, scope: Scope, path: str | os.PathLike | None = None,
           name: str | None = None) -> Exported:
    """Export ``scope`` as ``fmt``; to ``path`` if given (else only the bytes, for the app to
    deliver as ``name``)."""
    if fmt not in FORMATS:
        raise InvalidInput(_("format"), _("must be one of: {choices}").format(choices=", ".join(FORMATS)))
    db = session.db
    check(session, "export")
    with _without_cycle_collection():
        report = build(db, scope, session.login, with_steps=fmt == "xlsx")
        data = render(report, fmt)
    target = Path(path).expanduser() if path else None
    temporary = None
    if target:
        if target.is_dir():
            target = target / default_name(fmt)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".superviser-", suffix=target.suffix)
        with os.fdopen(handle, "wb") as f:
            f.write(data)
    try:
        with write(session) as changes:
            seq = changes.log("export", detail=f"{fmt} · {scope.describe()} · {target.name if target else name or ''}",
                              facts={"export.anchor": f"{report.head_seq}:{report.head_hash}",
                                     "export.objectives": len(report.objectives)})
        if temporary:
            os.replace(temporary, target)  # the file appears only once the export is logged
    finally:
        if temporary and os.path.exists(temporary):
            os.unlink(temporary)
    return Exported(target, data, seq, report.head_seq, report.head_hash, len(report.objectives), len(report.steps))
