"""The command palette (ctrl+p): what the app can do from anywhere, a jump to any
decision, objective or unit by reference or title, and Textual's own commands, all in
the person's language. Titles are user text: they are shown as plain text, and the
match highlighting is applied to that text, never parsed as markup.

The commands are the keys that say what they do: a binding with a tooltip, on the app
(run there) or on a section's screen (run on that section, as its number then its key
would), its description the command's name and its tooltip the line under it. A key
whose step the person's role does not allow is not offered: the step is the one the
declaring class names in ``ROLE_STEPS`` (which RoleKeys also asks for its key bar)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from textual.actions import parse
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen

from superviser import actions, refs, text
from superviser.errors import SuperviserError
from superviser.i18n import _
from superviser.read import decisions, objectives, units
from superviser.read.objectives import Filter

LIMIT = 8


@dataclass(frozen=True)
class Command:
    binding: Binding
    owner: type            # the class that declares the key: the app, or a section's screen
    section: str | None    # the section whose screen runs it (None: the app)

    @property
    def step(self) -> str | None:
        """The step the key takes, if its role matters (the owner's ``ROLE_STEPS``)."""
        return getattr(self.owner, "ROLE_STEPS", {}).get(parse(self.binding.action)[1])


def _described(cls: type) -> list[Binding]:
    """The keys with a tooltip that the app's own classes declare, ``cls`` and those it
    inherits from (Textual's keys have tooltips of their own, in English only)."""
    return [b for klass in reversed(cls.__mro__) if klass.__module__.startswith("screens.")
            for b in vars(klass).get("BINDINGS", []) if isinstance(b, Binding) and b.tooltip]


def declared(app_class: type[App]) -> list[Command]:
    """Every key of the app and of its sections' screens that has a tooltip, each once (by
    its description: the same command on two sections is offered on the first)."""
    found = [Command(b, app_class, None) for b in _described(app_class)]
    for section, screen in app_class.MODES.items():
        # A screen's class, or a section's (screens/app.py: its module imported when first wanted).
        screen_class = screen if isinstance(screen, type) else screen.screen_class()  # type: ignore[union-attr]
        found += [Command(b, screen_class, section) for b in _described(screen_class)]
    unique: dict[str, Command] = {}
    for command in found:
        unique.setdefault(command.binding.description, command)
    return list(unique.values())


def offered(app, commands: list[Command]) -> list[Command]:
    """Those of ``commands`` this person's role allows."""
    return [c for c in commands if c.step is None or actions.role_refusal(c.step, app.person, app.login) is None]


def runner(app, command: Command) -> Callable:
    async def run() -> None:
        if command.section is None:
            await app.run_action(command.binding.action)
            return
        await app.switch_mode(command.section)
        await app.run_action(command.binding.action, app.screen_stack[0])  # the section's own screen

    return run


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
    """The app's commands (``declared``), and decisions, objectives and units, found by the
    core's search."""

    commands: list[tuple[str, str, Callable]]  # name, what it does, run: as startup found them

    async def startup(self) -> None:
        # Off the UI thread: it imports the sections' modules not yet imported.
        declaration = await asyncio.to_thread(declared, type(self.app))
        self.commands = [(_(c.binding.description), _(c.binding.tooltip), runner(self.app, c))
                         for c in offered(self.app, declaration)]

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
        for label, about, run in self.commands:
            # By its name; else by words of what it does ("ledger" finds Export), below the names.
            score = matcher.match(label) or (0.3 if query.casefold() in about.casefold() else 0)
            if score > 0:
                yield Hit(score, highlight(matcher, label), run, text=label, help=about)
        kinds = {"objective": _("objective"), "decision": _("decision"), "unit": _("unit")}
        for kind, key, label in await asyncio.to_thread(self._find, query):
            score = matcher.match(label) or 0.5  # the core found it (full-text), even if not fuzzily
            yield Hit(score, highlight(matcher, label), self._opener(kind, key, label), text=label, help=kinds[kind])

    async def discover(self) -> Hits:
        for label, about, run in self.commands:
            yield DiscoveryHit(label, run, help=about)

    def _opener(self, kind: str, key: str, label: str):
        app = self.app
        if kind == "objective":
            return lambda: app.open_objective(key)
        if kind == "decision":
            return lambda: app.open_decision(key)
        return lambda: app.open_objectives(Filter(unit=int(key)), label)


def system_commands(app, screen: Screen) -> Iterator[SystemCommand]:
    """Textual's system commands in the person's language (Textual's own are in English). Help
    and Quit are the app's keys (``declared``): help is the app's help screen, whose keys are
    translated, in place of Textual's key panel."""
    yield SystemCommand(_("Theme"), _("Change the colours"), app.action_change_theme)
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
