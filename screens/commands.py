"""The command palette (ctrl+p): jump to any decision, objective or unit by
reference or title, and Textual's own commands in the person's language. Titles
are user text: they are shown as plain text, and the match highlighting is
applied to that text, never parsed as markup."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen

from superviser import refs, text
from superviser.errors import SuperviserError
from superviser.i18n import _
from superviser.read import decisions, objectives, units
from superviser.read.objectives import Filter

LIMIT = 8


def highlight(matcher, candidate: str) -> Content:
    """Like ``Matcher.highlight``, but the candidate stays plain text."""
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if not score:
        return content
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize("bold underline", offset, offset + 1)
    return content


class JumpProvider(Provider):
    """Decisions, objectives and units, found by the core's search."""

    def _find(self, query: str) -> list[tuple[str, str, str]]:
        def work(session):
            found = _exact(session.db, query)
            for row in objectives.list_objectives(session.db, Filter(search=query), limit=LIMIT, order="updated"):
                found.append(("objective", row["ref"], f"{row['ref']}  {text.one_line(row['title'])}"))
            for row in decisions.list_decisions(session.db, search=query, limit=LIMIT // 2):
                found.append(("decision", row["ref"], f"{row['ref']}  {text.one_line(row['title'])}"))
            for unit in units.search(session.db, query, LIMIT // 2):
                found.append(("unit", str(unit["id"]), text.one_line(unit["name"])))
            return list(dict.fromkeys(found))  # the exact reference once, first

        return self.app.backend.call(work)

    async def search(self, query: str) -> Hits:
        query = query.strip()
        if not query:
            return
        matcher = self.matcher(query)
        for label, action in self._commands():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, highlight(matcher, label), action, text=label, help=_("command"))
        kinds = {"objective": _("objective"), "decision": _("decision"), "unit": _("unit")}
        for kind, key, label in await asyncio.to_thread(self._find, query):
            score = matcher.match(label) or 0.5  # the core found it (full-text), even if not fuzzily
            yield Hit(score, highlight(matcher, label), self._opener(kind, key, label), text=label, help=kinds[kind])

    def _commands(self) -> list[tuple[str, object]]:
        app = self.app
        return [
            (_("Start the daily review"), app.start_review),
            (_("New decision"), lambda: _new_decision(app)),
            (_("People"), lambda: _people(app)),
            (_("Go to the dashboard"), lambda: app.switch_mode("dashboard")),
            (_("Go to decisions"), lambda: app.switch_mode("decisions")),
            (_("Go to units"), lambda: app.switch_mode("units")),
            (_("Go to deadlines"), lambda: app.switch_mode("deadlines")),
            (_("Go to the log"), lambda: app.switch_mode("log")),
        ]

    async def discover(self) -> Hits:
        for label, action in self._commands():
            yield DiscoveryHit(label, action, help=_("command"))

    def _opener(self, kind: str, key: str, label: str):
        app = self.app
        if kind == "objective":
            return lambda: app.open_objective(key)
        if kind == "decision":
            return lambda: app.open_decision(key)
        return lambda: app.open_objectives(Filter(unit=int(key)), label)


def system_commands(app, screen: Screen) -> Iterator[SystemCommand]:
    """Textual's system commands in the person's language (Textual's own are in English). Help
    is the app's help screen, whose keys are translated, in place of Textual's key panel."""
    yield SystemCommand(_("Help"), _("Keys on this screen"), app.action_help)
    yield SystemCommand(_("Theme"), _("Change the colours"), app.action_change_theme)
    yield SystemCommand(_("Quit"), _("Quit superviser"), app.action_quit)
    if screen.maximized is not None:
        yield SystemCommand(_("Minimize"), _("Show the whole screen again"), screen.action_minimize)
    elif screen.focused is not None and screen.focused.allow_maximize:
        yield SystemCommand(_("Maximize"), _("Let the part in focus fill the screen"), screen.action_maximize)
    yield SystemCommand(_("Screenshot"), _("Save a picture of the screen (SVG)"),
                        lambda: app.set_timer(0.1, app.deliver_screenshot))  # once the palette has closed


def _exact(db, query: str) -> list[tuple[str, str, str]]:
    """The objective or decision whose reference is exactly what was typed: first,
    whatever else the search finds (it lists the newest matches)."""
    for kind, find in (("objective", refs.objective), ("decision", refs.decision)):
        try:
            row = find(db, query)
        except SuperviserError:
            continue
        if row["ref"] == query:
            return [(kind, row["ref"], f"{row['ref']}  {text.one_line(row['title'])}")]
    return []


def _people(app) -> None:
    from screens.people import PeopleScreen

    app.push_screen(PeopleScreen())


def _new_decision(app) -> None:
    from screens.register import new_decision

    new_decision(app)
