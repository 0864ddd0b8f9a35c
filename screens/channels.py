"""A unit's channels (Units → c): its mailbox and group robots, masked as the CLI shows them
(``superviser channel list``), who else its messages reach by mail, and its language. The
director adds and removes channels and sets the language, through the declared steps."""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Label, Select

from screens import render
from screens.forms import FormScreen
from screens.objectives import ListScreen
from screens.role_keys import RoleKeys
from screens.widgets.facts import Facts
from screens.widgets.paged_table import Column, Page, PagedTable, Source
from superviser import refs
from superviser.actions import ACTIONS
from superviser.delivery.labels import channel_label
from superviser.fields import Field
from superviser.i18n import LANGUAGES, N_, _, joined
from superviser.read import contacts

# Which of the channel's fields each kind takes (the service refuses the others).
FIELDS_OF = {"mail": {"address"}, "wecom": {"webhook"}, "dingtalk": {"webhook", "secret"},
             "feishu": {"webhook", "secret"}}
REQUIRED_OF = {"mail": ("address",), "wecom": ("webhook",), "dingtalk": ("webhook",), "feishu": ("webhook",)}
_HINTS = {"webhook": N_("the robot's address holds its key: typed unseen, shown masked once saved"),
          "secret": N_("DingTalk and Feishu robots sign with it; never shown again")}


def language_name(code: str | None) -> str:
    return LANGUAGES.get(code, code) if code else _("the sender's language")


def fetch_unit(session, unit_id: int, search: str, offset: int, limit: int) -> tuple[Page, dict]:
    """The unit's channels (masked), its language and the people its messages reach by mail."""
    from superviser.delivery.outbox import targets

    rows = contacts.channels(session.db, unit_id)
    if search:
        needle = search.lower()
        rows = [r for r in rows if needle in f"{r['kind']} {r['target']} {r['label']}".lower()]
    unit = refs.unit(session.db, unit_id)
    people = [t for t in targets(session.db, unit_id) if t["login"]]
    return Page(rows[offset:offset + limit], len(rows)), {"name": unit["name"], "lang": unit["lang"], "people": people}


class ChannelForm(FormScreen):
    """A new channel: the fields its kind takes, the others out of sight (and not sent)."""

    def on_mount(self) -> None:
        self._show_kind(self.query_one("#field-kind", Select).value)

    @on(Select.Changed, "#field-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        self._show_kind(event.value)

    def _show_kind(self, kind) -> None:
        wanted = FIELDS_OF.get(kind, set())
        for key in ("address", "webhook", "secret"):
            for part in self.query(f"#label-{key}, #field-{key}, #hint-{key}"):
                part.display = key in wanted
            if key in REQUIRED_OF.get(kind, ()):  # required for this kind: marked as the form marks them
                field = next(f for f in self.fields if f.key == key)
                self.query_one(f"#label-{key}", Label).update(Content(_(field.label) + " *"))
            if key not in wanted:
                self.query_one(f"#error-{key}").set_class(False, "-shown")
        self.call_after_refresh(self._fit)

    def raw(self, f: Field):
        if f.key in ("address", "webhook", "secret") and not self.query_one(f"#field-{f.key}").display:
            return ""
        return super().raw(f)


class ChannelsScreen(RoleKeys, ListScreen):
    BINDINGS = [
        Binding("a", "add", N_("New channel"), id="channels.add"),
        Binding("delete", "remove", N_("Remove channel"), id="channels.remove"),
        Binding("l", "language", N_("Language"), id="channels.language"),
    ]
    ROLE_STEPS = {"add": "channel.add", "remove": "channel.remove", "language": "unit.lang"}

    def __init__(self, unit_id: int, unit_name: str):
        super().__init__(_("Channels · {unit}").format(unit=unit_name))
        self.unit_id = unit_id
        self.unit = {"name": unit_name, "lang": None, "people": []}

    def above_table(self) -> ComposeResult:
        yield Facts(Content(_("loading…")), id="channel-facts")

    def make_table(self) -> PagedTable:
        def fetch(session, offset: int, limit: int) -> Page:
            page, unit = fetch_unit(session, self.unit_id, self.search, offset, limit)
            self.app.call_from_thread(self._show_unit, unit)
            return page

        columns = [Column("id", "#", 4, justify="right"), Column("kind", _("channel"), 10),
                   Column("target", _("to"), None, min_width=16), Column("secret", _("secret"), 8),
                   Column("label", _("label"), 20, hide_below=100), Column("added", _("added"), 10, hide_below=110)]

        def cells(row: dict) -> list:
            return [render.number(row["id"], dim_zero=False), render.plain(channel_label(row["kind"])),
                    render.plain(row["target"]), render.plain(row["secret"] or "–"), render.plain(row["label"]),
                    render.plain(row["created_at"][:10])]

        return PagedTable(columns, cells, Source(fetch, key=lambda r: str(r["id"])), id="list")

    def _show_unit(self, unit: dict) -> None:
        self.unit = unit
        reached = (joined(f"{p['login']} <{p['recipient']}>" for p in unit["people"])
                   or _("no liaison or head with a mail address (People → c)"))
        self.query_one("#channel-facts", Facts).show([
            (_("language"), language_name(unit["lang"])),
            (_("also by mail"), reached),
        ])

    # --- the director's steps ----------------------------------------------------------------
    def action_add(self) -> None:
        action = ACTIONS["channel.add"]
        fields = [replace(f, hint=_HINTS.get(f.key, f.hint)) for f in action.fields if f.key != "unit"]
        self.app.push_screen(ChannelForm(
            _("New channel · {unit}").format(unit=self.unit["name"]), fields,
            lambda s, v: action.perform(s, None, {**v, "unit": str(self.unit_id)})))

    def action_remove(self) -> None:
        row = self.table.selected()
        if row is None:
            return
        action = ACTIONS["channel.remove"]
        intro = _("{channel} {target} of {unit}: its address and secret are erased, what it had queued is "
                  "cancelled.").format(channel=channel_label(row["kind"]), target=row["target"], unit=self.unit["name"])
        self.app.push_screen(FormScreen(_("Remove channel {id}").format(id=row["id"]), [],
                                        lambda s, v: action.perform(s, str(row["id"]), v), intro=intro,
                                        submit_label=_(action.submit)))

    def action_language(self) -> None:
        action = ACTIONS["unit.lang"]
        self.app.push_screen(FormScreen(
            _("Language · {unit}").format(unit=self.unit["name"]), action.fields,
            lambda s, v: action.perform(s, str(self.unit_id), {"lang": v["lang"] or ""}),
            intro=_("The language of {unit}'s messages and printed notices.").format(unit=self.unit["name"]),
            initial={"lang": self.unit["lang"] or ""}))
