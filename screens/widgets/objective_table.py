"""The objectives table used by every list of objectives."""

from __future__ import annotations

from collections.abc import Callable

from screens import render
from screens.widgets.paged_table import Column, Page, PagedTable, Source
from superviser.i18n import _
from superviser.read import objectives
from superviser.read.objectives import Filter


def columns(*, with_status: bool = False) -> list[Column]:
    cols = [
        Column("light", _("light"), render.light_width()),
        Column("ref", _("ref"), 12),
        # Free text, both: the title has twice the lead unit's share of the room, and each no
        # more than its longest needs (a unit's name is often short; in Chinese, always).
        Column("title", _("title"), None, min_width=12, grow=2),
        Column("lead", _("lead unit"), None, min_width=13, hide_below=66),
        Column("due", _("due"), 13),
    ]
    if with_status:
        cols.insert(4, Column("status", _("status"), 12, hide_below=110))
    cols.append(Column("pct", "%", 4, justify="right", hide_below=90))
    return cols


def cells(row: dict, *, with_status: bool = False) -> list:
    out = [render.light(row["light"], set_by_office=row["set_by_office"]), render.plain(row["ref"]), render.plain(row["title"]),
           render.plain(row["lead_unit"]), render.due(row)]
    if with_status:
        out.insert(4, render.status(row["status"]))
    out.append(render.number(row["percent"], dim_zero=False))
    return out


def source(make_filter: Callable[[], Filter], order: str = "deadline", *, count: bool = True) -> Source:
    """Objectives matching the filter ``make_filter()`` returns at fetch time;
    ``count=False`` when someone else knows the total (the dashboard's counts)."""

    def fetch(session, offset: int, limit: int) -> Page:
        rows, total = objectives.page(session.db, make_filter(), limit=limit, offset=offset, order=order,
                                      count=count and offset == 0)
        return Page(rows, total)

    return Source(fetch=fetch, key=lambda row: row["ref"])


class ObjectiveTable(PagedTable):
    def __init__(self, make_filter: Callable[[], Filter], *, order: str = "deadline", with_status: bool = True,
                 count: bool = True, **kwargs):
        super().__init__(columns(with_status=with_status), lambda row: cells(row, with_status=with_status),
                         source(make_filter, order, count=count), **kwargs)
