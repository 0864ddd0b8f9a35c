"""Setting up the office: init, demo, units, people, settings."""

from __future__ import annotations

import click

from superviser.actions import ACTIONS
from superviser.cli import build
from superviser.cli.common import Env, emit_json, emit_page, json_option, pass_env, report, table
from superviser.i18n import _


def commands() -> list[click.Command]:
    """The commands, built in the language of this run (so their help is in it)."""
    @click.command(
        help=_("Create a new database, with you (or --director) as its director."),
        epilog=_("\b\nExample:\n  superviser --db /srv/office/superviser.db init --name \"Wang Fang\""),
    )
    @click.option("--director", metavar="LOGIN", help=_("The director's login (default: yours)."))
    @click.option("--name", metavar="NAME", help=_("The director's name (default: the login)."))
    @pass_env
    def init(env: Env, director: str | None, name: str | None) -> None:
        from superviser.services import org

        login = director or env.login
        org.init(env.path, login, name)
        click.echo(_("created {path}; {login} is its director").format(path=env.path, login=login))

    @click.command(
        help=_(
            "Fill a new database with a realistic demo office (units, people, two dozen decisions with "
            "objectives in every state, months of history)."
        ),
        epilog=_("\b\nExample:\n  superviser --db /tmp/demo.db demo"),
    )
    @pass_env
    def demo(env: Env) -> None:
        from superviser import demo as demo_data
        from superviser.cli.progress import shown

        if env.path.exists() and env.path.stat().st_size > 0:
            raise click.UsageError(
                _("{path} already holds data; the demo office goes into a new database").format(path=env.path))
        with shown(_("Creating the demo office")) as progress:
            demo_data.build_office(env.path, env.login, progress)
        click.echo(_("demo office created in {path}").format(path=env.path))

    @click.group(help=_("Units: the departments, teams and subordinate bodies, as a tree."))
    def unit() -> None:
        pass

    @unit.command(
        "list", help=_("List the units as a tree, with each unit's scorecard."),
        epilog=_("\b\nExample:\n  superviser unit list --json"),
    )
    @json_option
    @pass_env
    def unit_list(env: Env, as_json: bool) -> None:
        from rich.text import Text

        from superviser import text
        from superviser.read import units

        cards = units.scorecards(env.db)
        if as_json:
            emit_page(cards, len(cards))
            return
        rows: list[list[str | Text]] = []
        for card in cards:
            lead, co = card["lead"], card["co"]
            rate = "–" if lead["on_time_rate"] is None else f"{lead['on_time_rate']}%"
            rows.append([
                Text("  " * card["depth"] + text.one_line(card["name"])), str(lead["open"]), str(lead["overdue"]), rate,
                f"{lead['avg_delay']:g}", str(lead["urges"]), str(co["open"]), str(co["overdue"]),
            ])
        table(
            [(_("unit"), {}), (_("open"), {"justify": "right"}), (_("overdue"), {"justify": "right"}),
             (_("on time"), {"justify": "right"}), (_("avg delay"), {"justify": "right"}), (_("urges"), {"justify": "right"}),
             (_("co open"), {"justify": "right"}), (_("co overdue"), {"justify": "right"})],
            rows,
        )
        click.echo(units.explained())  # (what the figures cover, as the Units screen says)

    @click.group(help=_("People: who is who, by login, with their role and unit."))
    def person() -> None:
        pass

    @person.command("list", help=_("List the people."), epilog=_("\b\nExample:\n  superviser person list --json"))
    @click.option("--all", "show_all", is_flag=True, help=_("Include deactivated people."))
    @json_option
    @pass_env
    def person_list(env: Env, show_all: bool, as_json: bool) -> None:
        from superviser.read.people import people
        from superviser.roles import role_label

        rows = people(env.db, include_inactive=show_all)
        if as_json:
            emit_page(rows, len(rows))
            return
        table(
            [(_("login"), {}), (_("name"), {}), (_("role"), {}), (_("unit"), {}), (_("active"), {})],
            [[r["login"], r["name"], role_label(r["role"]), r["unit"] or "", _("yes") if r["active"] else _("no")] for r in rows],
        )

    @click.command(
        help=_("Show the settings, or change one (director only)."),
        epilog=_("\b\nExamples:\n  superviser settings\n  superviser settings light.near_days 5"),
        # A rule's points are signed (score.late -2): a value starting with "-" is the value, not an option.
        context_settings={"ignore_unknown_options": True},
    )
    @click.argument("key", required=False)
    @click.argument("value", required=False)
    @json_option
    @pass_env
    def settings(env: Env, key: str | None, value: str | None, as_json: bool) -> None:
        from superviser.services import org

        if key is not None:
            if value is None:
                raise click.UsageError(_("give a value for {key}").format(key=key))
            report(org.setting_set(env.session, key, value), as_json)
            return
        current = dict(env.db.conn.execute("SELECT key, value FROM settings ORDER BY key"))
        if as_json:
            emit_json(current)
            return
        table([(_("setting"), {}), (_("value"), {"justify": "right"}), (_("meaning"), {})],
              [[k, v, _(org.SETTINGS.get(k, ""))] for k, v in current.items()])
    unit.add_command(build.command(ACTIONS["unit.add"], "add"))
    unit.add_command(build.command(ACTIONS["unit.edit"], "edit"))
    person.add_command(build.command(ACTIONS["person.add"], "add"))
    person.add_command(build.command(ACTIONS["person.edit"], "edit"))
    person.add_command(build.command(ACTIONS["person.contact"], "contact"))
    return [init, demo, unit, person, settings]
