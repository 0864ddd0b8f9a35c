"""What the commands share: the database/session, output, and option types."""

from __future__ import annotations

import json
import sys
from functools import cached_property
from typing import TYPE_CHECKING, overload

import click

from superviser import identity, store, text
from superviser.i18n import _

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.text import Text

    from superviser.session import Result, Session


class Env:
    """The command line's context: where the database is and who is acting."""

    def __init__(self, db: str | None, demo: bool = False, as_login: str | None = None):
        self.demo = demo
        self.as_login = as_login
        self.path = store.demo_path() if demo and not db else store.resolve_path(db)

    @cached_property
    def login(self) -> str:
        """Who is acting, as the system proves it (superviser/identity.py)."""
        return identity.acting_login(self.path, as_login=self.as_login)

    @cached_property
    def db(self) -> store.Database:
        db = store.connect(self.path)
        self.login  # noqa: B018 (decided for a read too: it refuses a misused --as)
        return db

    @cached_property
    def session(self) -> Session:
        from superviser.session import Session

        return Session(self.db, self.login)


pass_env = click.make_pass_decorator(Env)


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help=_("Print JSON (see README for the shape)."))(f)


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def emit_page(items: list, total: int | None, offset: int = 0) -> None:
    """A list as JSON: the page's items, how many match in all, and whether more follow."""
    more = None if total is None else offset + len(items) < total
    emit_json({"items": items, "total": total, "more": more})


def report(result: Result, as_json: bool = False) -> None:
    """Print what a step did."""
    if as_json:
        emit_json({"ok": True, "message": result.message, "seq": result.seq, "ref": result.ref,
                   "version": result.objective["version"] if result.objective else None})
    else:
        click.echo(result.message + (f"  (#{result.seq})" if result.seq else ""))


def console():
    """A Rich console that never interprets markup in what it prints. Piped output
    is not cut to 80 columns: a long title is the reader's business there."""
    import os

    from rich.console import Console

    class Printed(Console):
        def on_broken_pipe(self) -> None:  # the reader left (| head): as for click.echo (cli/root.py), not exit 1
            self.quiet = True
            raise BrokenPipeError

    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", 0)) or 200
    return Printed(markup=False, highlight=False, emoji=False, soft_wrap=False, width=width)


def table(columns: list[tuple[str, dict]], rows: Sequence[Sequence[str | Text]], title: str | None = None) -> None:
    """Print rows as a table; every cell is plain text (user text is never markup)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    cells = [[cell if isinstance(cell, Text) else Text(text.one_line(cell)) for cell in row] for row in rows]
    grid = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False, expand=False)
    natural = [max([Text(name).cell_len] + [row[i].cell_len for row in cells]) for i, (name, _o) in enumerate(columns)]
    free = _free_widths(columns, natural, console().width)
    for i, (name, options) in enumerate(columns):
        if "max_width" in options:  # free text: gives way first when the terminal is narrow
            options = {"min_width": 6, **options, "max_width": free[i]}
        else:  # codes, dates, numbers: never cut
            options = {"min_width": natural[i], **options}
        grid.add_column(name, no_wrap=True, overflow="ellipsis", **options)
    for row in cells:
        grid.add_row(*row)
    console().print(grid)


def _free_widths(columns: list[tuple[str, dict]], natural: list[int], width: int) -> dict[int, int]:
    """The free-text columns' widths, sharing what the others leave of the line. Rich, left to fit
    a table of unwrapped columns to the terminal, narrows them all alike: a short column (the
    log's #, who) vanished, and the last was cut at the edge."""
    wants = {i: min(natural[i], options["max_width"]) for i, (_n, options) in enumerate(columns) if "max_width" in options}
    rules = 3 * (len(columns) - 1) + 2  # the box's edges, and a rule and padding between columns
    left = width - rules - sum(natural[i] for i in range(len(columns)) if i not in wants)
    if left < 6 * len(wants):  # the codes alone fill the line: Rich's cut, as before, for want of better
        return {i: options["max_width"] for i, (_n, options) in enumerate(columns) if "max_width" in options}
    shares: dict[int, int] = {}
    narrowest_first = sorted(wants, key=wants.__getitem__)  # what a narrow one leaves goes to the wider
    for k, i in enumerate(narrowest_first):
        shares[i] = max(6, min(wants[i], left // (len(narrowest_first) - k)))
        left -= shares[i]
    return shares


@overload
def read_text(value: str) -> str: ...
@overload
def read_text(value: str | None) -> str | None: ...
def read_text(value: str | None) -> str | None:
    """``-`` reads the text from standard input."""
    if value == "-":
        return sys.stdin.read()
    return value


