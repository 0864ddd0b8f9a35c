"""What was sent, and what became of it: an objective's notices and messages with their
delivery status (on its screen), the deliveries that failed or whose fate is unknown (from the
dashboard), and queuing one of those again (``deliver.requeue``, the office's decision)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.content import Content

from screens import render
from screens.forms import FormScreen
from screens.objectives import ListScreen
from screens.role_keys import RoleKeys
from screens.widgets.paged_table import Column, Page, PagedTable, Source
from superviser import dates, text
from superviser.actions import ACTIONS
from superviser.delivery import messages as wording
from superviser.delivery.labels import TROUBLE, channel_label, status_label
from superviser.fields import Field
from superviser.i18n import N_, _, joined
from superviser.read import outbox

SYMBOLS = {"queued": "…", "sending": "↻", "sent": "✓", "failed": "✗", "unknown": "?", "cancelled": "–"}


def _style(status: str) -> str:
    return {"sent": render.STYLES["done"], "failed": render.STYLES["alert"], "unknown": render.STYLES["waiting"],
            "cancelled": "dim"}.get(status, "")


def status_text(row: dict) -> str:
    """"✓ sent 11-20 09:01", "✗ failed", "… queued, next try 11-20 09:05"."""
    said = f"{SYMBOLS.get(row['status'], '')} {status_label(row['status'])}"
    if row["status"] == "sent" and row["sent_at"]:
        said += " " + dates.moment(row["sent_at"])[5:]  # the month, day and time: the year is the queued one
    elif row["status"] == "queued" and row["attempts"]:
        said += _(", next try {time}").format(time=dates.moment(row["next_at"])[5:])
    return said


def troubled(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["status"] in TROUBLE]


def _padded(value: str, width: int) -> str:
    return value + " " * max(0, width - cell_len(value))


def _group(rows: list[dict]) -> list[Content]:
    """The messages one step queued: what and to whom, then each recipient's fate."""
    first = rows[0]
    units = list(dict.fromkeys(r["unit"] or "" for r in rows))
    lines = [Content.assemble((wording.title(first["kind"], first["level"]), "bold"), " → ",
                              Content(text.one_line(joined(units))),
                              (_("  queued {time}").format(time=dates.moment(first["queued_at"])), "dim"))]
    statuses = [status_text(r) for r in rows]
    channels = [channel_label(r["channel"]) for r in rows]
    status_width, channel_width = max(map(cell_len, statuses)), max(map(cell_len, channels))
    for row, status, channel in zip(rows, statuses, channels):
        unit = text.one_line(row["unit"] or "") + " · " if len(units) > 1 else ""
        recipient = text.one_line(row["recipient"]).removeprefix("https://")  # room at 80 columns
        lines.append(Content.assemble("  ", (_padded(status, status_width), _style(row["status"])), "  ",
                                      _padded(channel, channel_width), "  ", Content(unit + recipient)))
        if row["last_error"] and row["status"] != "sent":
            lines.append(Content.styled("      " + text.one_line(row["last_error"]), "dim"))
    return lines


def messages_block(sent: dict, ref: str) -> Content | str:
    """The objective's "Notices and messages" section (empty when nothing was sent): its
    numbered notices, then the messages each step queued, newest first, with their fate."""
    if not sent["notices"] and not sent["messages"]:
        return ""
    lines = [Content.styled(_("Notices and messages"), "bold underline")]
    for notice in sent["notices"]:
        lines.append(Content.assemble((notice["number_text"], "bold"), "  ", wording.title("urge", notice["level"]),
                                      (_("  printed {time}").format(time=dates.moment(notice["issued_at"])), "dim")))
    groups: dict[int, list[dict]] = {}
    for row in sent["messages"]:
        groups.setdefault(row["seq"], []).append(row)
    for rows in groups.values():
        lines += _group(sorted(rows, key=lambda r: r["id"]))
    if sent["more"]:
        lines.append(Content.styled(_("older ones: superviser outbox list --objective {ref}").format(ref=ref), "dim"))
    return Content("\n").join(lines)


def _choice(row: dict) -> str:
    """"#2 WeCom → Finance: failed" (the reasons are on the objective's screen)."""
    return _("#{id} {channel} → {unit}: {status}").format(id=row["id"], channel=channel_label(row["channel"]),
                                                        unit=text.one_line(row["unit"] or ""),
                                                        status=status_label(row["status"]))


def requeue_form(rows: list[dict], ref: str | None = None) -> FormScreen:
    """Queue one of ``rows`` (failed or unknown) again: the first is chosen unless another is."""
    action = ACTIONS["deliver.requeue"]
    chosen = Field("message", N_("message"), "choice", required=True,
                   choices=tuple((str(r["id"]), _choice(r)) for r in rows))
    intro = render.code_marks(_("The next `superviser deliver` sends it again, tries counted afresh. A message whose "
                                "delivery is unknown may have arrived: ask the unit first."))
    title = f"{_(action.title)} · {ref}" if ref else _(action.title)
    return FormScreen(title, [chosen], lambda s, v: action.perform(s, v["message"], {}), intro=intro,
                      submit_label=_(action.submit), initial={"message": str(rows[0]["id"])})


class DeliveriesScreen(RoleKeys, ListScreen):
    """The messages that failed for good or whose delivery is unknown, newest first."""

    BINDINGS = [Binding("Q", "requeue", N_("Queue again"), id="deliveries.requeue")]
    ROLE_STEPS = {"requeue": "deliver.requeue"}

    def __init__(self):
        super().__init__(_("Failed deliveries"))

    def make_table(self) -> PagedTable:
        def fetch(session, offset: int, limit: int) -> Page:
            rows = outbox.messages(session.db, status=TROUBLE, limit=limit, offset=offset)
            total = sum(outbox.trouble(session.db).values()) if offset == 0 else None
            return Page(rows, total)

        columns = [Column("status", _("status"), 18), Column("objective", _("objective"), 12),
                   Column("unit", _("unit"), None, hide_below=90), Column("channel", _("channel"), 9),
                   Column("to", _("to"), None, hide_below=110), Column("reason", _("reason"), None, min_width=12, grow=2),
                   Column("queued", _("queued"), 16, hide_below=130)]

        def cells(row: dict) -> list:
            status = Text(f"{SYMBOLS[row['status']]} {status_label(row['status'])}", style=_style(row["status"]),
                          no_wrap=True, overflow="ellipsis")
            return [status, render.plain(row["objective"] or _("digest")), render.plain(row["unit"] or ""),
                    render.plain(channel_label(row["channel"])), render.plain(row["recipient"]),
                    render.plain(row["last_error"] or ""), render.plain(dates.moment(row["queued_at"]))]

        return PagedTable(columns, cells, Source(fetch, key=lambda r: str(r["id"])), id="list")

    def on_paged_table_chosen(self, message: PagedTable.Chosen) -> None:
        if message.row["objective"]:
            self.app.open_objective(message.row["objective"])

    def action_requeue(self) -> None:
        row = self.table.selected()
        if row is not None:
            self.app.push_screen(requeue_form([row], row["objective"]))
