"""A table fed one page at a time from the core: it never holds every row.

A screen gives it columns and a ``Source``: a function that returns a page of
rows and the total for an offset. The table loads the next page when the cursor
nears the end, reloads in place (keeping the cursor on the same row) when data
changes, and sizes its columns to the terminal: fixed columns keep their width; the
free-text columns share the rest, each as wide as its widest cell loaded so far needs
(measured in cells: CJK takes two) or its part of the room by its weight, whichever is less,
and the title takes what is then left; a cell wider than its column is cut with an ellipsis.
Columns that may hide give way, the least needed first, while the free text would be
narrower than its least.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable

from screens.workers import background
from superviser.session import Session


@dataclass
class Column:
    key: str
    label: str
    width: int | None = None  # None: free text, sharing the width the fixed columns leave
    min_width: int = 8  # free text: the least it gets before a column that may hide gives way
    grow: int = 1  # free text: its weight in sharing the room (a title's is larger); the heaviest takes what is left
    justify: str = "left"
    hide_below: int = 0  # hidden when the table is narrower than this
    heading_lines: int = 1  # a number's column: its heading may wrap, so the column fits the numbers

    def __post_init__(self) -> None:
        # A fixed column is never narrower than its heading: headings are longer in some
        # languages ("en plazo" for "on time"), and a cut heading says nothing. One whose
        # heading may wrap is as narrow as its words allow in so many lines.
        if self.width is not None:
            longest = max(cell_len(word) for word in self.label.split() or [""])
            width = max(self.width, longest if self.heading_lines > 1 else cell_len(self.label))
            while len(self.heading(width)) > self.heading_lines:
                width += 1
            self.width = width

    def heading(self, width: int) -> list[str]:
        return [line.plain for line in Content(self.label).wrap(width)] or [""]


@dataclass
class Page:
    rows: list[dict]
    total: int | None  # None: unchanged (later pages do not count again)


@dataclass
class Source:
    """Where rows come from. ``fetch(session, offset, limit) -> Page``."""

    fetch: Callable[[Session, int, int], Page]
    key: Callable[[dict], str] = field(default=lambda row: str(row["id"]))
    counted: Callable[[dict], bool] = field(default=lambda row: True)  # False: a heading, not a row


def _cell_width(cell) -> int:
    """The cells a table cell's text takes (CJK two each)."""
    if isinstance(cell, Text):
        return cell.cell_len
    if isinstance(cell, Content):
        return cell.cell_length
    return cell_len(str(cell))


class PagedTable(DataTable):
    """Rows of one kind, a page at a time; Enter posts ``Chosen`` with the row."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g", "scroll_top", "First", show=False, id="list.first"),
        Binding("G", "scroll_bottom", "Last", show=False, id="list.last"),
    ]

    PAGE = 40  # about a tall terminal's worth of rows; more load as the cursor nears the end

    class Chosen(Message):
        def __init__(self, table: PagedTable, row: dict):
            super().__init__()
            self.table = table
            self.row = row

    class Loaded(Message):
        def __init__(self, table: PagedTable, total: int):
            super().__init__()
            self.table = table
            self.total = total

    def __init__(self, columns: list[Column], render: Callable[[dict], list], source: Source | None = None, *,
                 page: int | None = None, first: Page | None = None, width: int | None = None,
                 aligned: list[PagedTable] | None = None, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        if page:
            self.PAGE = page
        self._first = first  # rows already fetched: shown in the very first frame
        self._expected_width = width  # the width its first layout will give it, if the screen knows
        self.started_fresh = False
        self._columns = columns
        self._cells = render  # a row -> its cells (not _render: that is Widget's)
        self.source = source
        self.rows_loaded: list[dict] = []
        self.total: int | None = 0  # None: not counted, and more rows may follow
        self.exhausted = False
        self._widths: list[int] = []
        self._visible: list[int] = list(range(len(columns)))
        self._needs: dict[int, int] = self._headings_need()  # free-text column -> cells its widest cell takes
        # The first rows' cells, made once: measured now (the columns are built once, as wide
        # as these rows need) and shown as they are when the table starts (the first frame).
        self._first_cells = [render(row) for row in first.rows] if first is not None else None
        if self._first_cells is not None:
            self._measure(self._first_cells, fresh=True)
        # Tables with the same columns, one above the other (the dashboard's panels): each
        # free-text column as wide as the widest of theirs needs, so that the columns line up.
        self._aligned = aligned if aligned is not None else []
        self._aligned.append(self)
        self._built_width = 0  # the width the columns were last built for
        self._loading = False
        self._generation = 0
        self._style_signature: tuple | None = None

    def notify_style_update(self) -> None:
        """Keep the rendered cells when the table's styles did not change.

        Textual applies a screen's CSS again each time the screen comes back (every
        section switch), and DataTable then renders every visible cell anew: about 90 ms
        for a page at 120x40. Focus, hover, classes and the theme are what its cells' looks
        depend on (the stylesheet itself does not change while the app runs)."""
        signature = (self.app.theme, frozenset(self.get_pseudo_classes()), frozenset(self.classes))
        if signature == self._style_signature:
            super(DataTable, self).notify_style_update()  # the widget's own caches only
            return
        self._style_signature = signature
        super().notify_style_update()

    # --- sizing -------------------------------------------------------------------------

    def _layout(self, width: int) -> tuple[list[int], list[int]]:
        """Which columns show at this width, and how wide each is."""
        columns = self._columns
        visible = [i for i, c in enumerate(columns) if width >= c.hide_below]
        while True:
            shown = [columns[i] for i in visible]
            gaps = 2 * len(shown)  # cell padding
            fixed = sum(c.width or 0 for c in shown)
            spare = max(0, width - fixed - gaps - 1)  # 1: the vertical scrollbar
            flexible = [i for i in visible if columns[i].width is None]
            # Longer headings (Spanish) leave the free text too little: the column that hides
            # first at narrower widths gives way.
            optional = [i for i in visible if columns[i].hide_below]
            if not flexible or not optional or spare >= sum(columns[i].min_width for i in flexible):
                break
            visible.remove(max(optional, key=lambda i: columns[i].hide_below))
        shares = self._share(spare, flexible)
        return visible, [shares[i] if i in shares else columns[i].width or 0 for i in visible]

    def _share(self, spare: int, flexible: list[int]) -> dict[int, int]:
        """The free-text columns' widths out of ``spare`` cells: each first up to its least
        (or what its cells need, if less), then up to what its cells need, a cell at a time to
        the one narrowest for its weight; the heaviest (the title) takes what is left. Down to
        4 cells each: a narrow terminal cuts titles short rather than scrolling sideways."""
        columns = self._columns
        need = {i: max(4, *(table._needs.get(i, 0) for table in self._aligned)) for i in flexible}
        widths = dict.fromkeys(flexible, 4)
        left = spare - 4 * len(flexible)
        for cap in ({i: min(need[i], max(4, columns[i].min_width)) for i in flexible}, need):
            while left > 0:
                short = [i for i in flexible if widths[i] < cap[i]]
                if not short:
                    break
                narrowest = min(short, key=lambda i: widths[i] / columns[i].grow)
                widths[narrowest] += 1
                left -= 1
        if left > 0 and flexible:
            widths[max(flexible, key=lambda i: columns[i].grow)] += left
        return widths

    def _headings_need(self) -> dict[int, int]:
        return {i: cell_len(c.label) for i, c in enumerate(self._columns) if c.width is None}

    def _measure(self, rendered: list[list], *, fresh: bool = False) -> None:
        """What the free-text columns' cells need, in cells (the headings' too); ``fresh``:
        these rows replace those measured before."""
        if fresh:
            self._needs = self._headings_need()
        for cells in rendered:
            for i in self._needs:
                self._needs[i] = max(self._needs[i], _cell_width(cells[i]))

    def _build_columns(self, width: int | None = None) -> None:
        self._built_width = width or self.size.width or 80
        self._visible, self._widths = self._layout(self._built_width)
        self.clear(columns=True)
        shown = [self._columns[i] for i in self._visible]
        headings = [c.heading(width) if c.heading_lines > 1 else [c.label] for c, width in zip(shown, self._widths)]
        self.header_height = max((len(lines) for lines in headings), default=1)
        for column, width, heading in zip(shown, self._widths, headings):
            label = Text("\n".join(heading), no_wrap=True, overflow="ellipsis", justify=column.justify, style="bold")
            self.add_column(label, width=width, key=column.key)
        self._add(self.rows_loaded)

    def _fit(self) -> bool:
        """After measuring: build the columns again where what the rows need changes their
        widths, here and in the tables aligned with this one; True if this one was built."""
        for table in self._aligned:
            if table is not self:
                table._relayout()
        return self._relayout()

    def _relayout(self) -> bool:
        """Build the columns again if they would now be other widths (keeping the cursor's
        row); True if it did."""
        width = self.size.width or self._built_width
        if not self._widths or self._layout(width) == (self._visible, self._widths):
            return False
        keep = self.cursor_row
        self._build_columns(width)
        if self.row_count:
            self.move_cursor(row=min(max(keep, 0), self.row_count - 1), animate=False)
        return True

    def on_resize(self, event: events.Resize) -> None:
        # The size now, not the event's: a first layout may be followed by another (a scrollbar
        # its container found it needs) before the table hears of the first.
        if not self._widths:
            self._start()
        else:
            self._relayout()

    def on_mount(self) -> None:
        # A table mounted on a new screen has no size until the first layout. One whose width
        # is known (it spans the screen: the terminal's; or its screen worked it out) gets
        # its columns and rows now, so the first layout finds the rows (and the scrollbar they
        # need) and the first frame is the last. Others wait for their size: columns built for
        # a wrong guess would render every cell twice.
        width = self.size.width or self._expected_width or (self.app.size.width if self.parent is self.screen else 0)
        if width:
            self._start(width)

    def _start(self, width: int | None = None) -> None:
        self._build_columns(width)
        if self._first is not None:
            self.preload(self._first)
            self._first = self._first_cells = None
        # The size it scrolls over now, not when it is next idle (DataTable works it out then,
        # the same for rows one line high): a first layout then gives its rows their scrollbar.
        self.virtual_size = Size(sum(column.get_render_width(self) for column in self.columns.values()),
                                 self.row_count + (self.header_height if self.show_header else 0))

    # --- rows -----------------------------------------------------------------------------
    def _add(self, rows: list[dict], rendered: list[list] | None = None) -> None:
        if not self._widths:
            return  # no columns yet: the rows are kept and added when they are built
        key = self.source.key if self.source else (lambda row: str(id(row)))
        for row, cells in zip(rows, rendered if rendered is not None else map(self._cells, rows)):
            self.add_row(*[cells[i] for i in self._visible], key=key(row))

    def selected(self) -> dict | None:
        if not self.rows_loaded or self.cursor_row < 0 or self.cursor_row >= len(self.rows_loaded):
            return None
        return self.rows_loaded[self.cursor_row]

    def reload(self) -> None:
        """Fetch from the top again, as many rows as are shown now, keeping the cursor's row."""
        if self.source is None:
            return
        self._generation += 1
        keep = self.selected()
        keep_key = self.source.key(keep) if keep else None
        limit = max(self.PAGE, self.loaded)
        self._fetch(0, limit, replace=True, keep_key=keep_key, generation=self._generation)

    def start_with(self, page: Page) -> None:
        """Before mounting: show these rows in the first frame instead of fetching."""
        self._first = page
        self.started_fresh = True

    def preload(self, page: Page) -> None:
        """Show a first page that was fetched elsewhere (the dashboard's prefetch)."""
        self._generation += 1
        self._show(page, True, None, self._generation)

    @background("page")
    def _fetch(self, offset: int, limit: int, *, replace: bool, keep_key: str | None = None, generation: int = 0) -> None:
        page = self.app.backend.call(lambda session: self.source.fetch(session, offset, limit))
        self.app.call_from_thread(self._show, page, replace, keep_key, generation)

    def _show(self, page: Page, replace: bool, keep_key: str | None, generation: int) -> None:
        if generation != self._generation:
            return  # a newer reload is on its way
        self._loading = False
        requested = max(self.PAGE, self.loaded) if replace else self.PAGE
        self.exhausted = len([r for r in page.rows if (self.source.counted if self.source else bool)(r)]) < requested
        if page.total is not None:
            self.total = page.total
        elif self.exhausted:  # uncounted: the end is where a page comes back short
            self.total = (0 if replace else self.loaded) + len(page.rows)
        elif replace:
            self.total = None  # a later page keeps the count the first one brought
        if replace:
            self.rows_loaded = list(page.rows)
            made = self._first_cells if page is self._first else None
            rendered = made if made is not None else [self._cells(row) for row in self.rows_loaded]
            self._measure(rendered, fresh=True)
            self.clear()
            if not self._fit():  # built again, with the rows, if they need other widths
                self._add(self.rows_loaded, rendered)
            keys = [self.source.key(r) for r in self.rows_loaded]
            if keep_key in keys:
                self.move_cursor(row=keys.index(keep_key), animate=False)
        else:
            # Someone may have written since the first page: a row that moved down a place
            # comes again; it is shown once.
            key = self.source.key if self.source else (lambda row: str(id(row)))
            shown = {key(row) for row in self.rows_loaded}
            fresh = [row for row in page.rows if key(row) not in shown]
            rendered = [self._cells(row) for row in fresh]
            self.rows_loaded += fresh
            self._measure(rendered)
            if not self._fit():
                self._add(fresh, rendered)
        self.post_message(self.Loaded(self, self.total))

    @property
    def loaded(self) -> int:
        """Rows loaded so far (headings not counted): the offset of the next page."""
        counted = self.source.counted if self.source else (lambda row: True)
        return sum(1 for row in self.rows_loaded if counted(row))

    def _more(self) -> None:
        if self._loading or self.source is None or self.exhausted or (self.total is not None and self.loaded >= self.total):
            return
        self._loading = True
        self._fetch(self.loaded, self.PAGE, replace=False, generation=self._generation)

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        if new.row >= len(self.rows_loaded) - 10:
            self._more()

    def action_scroll_bottom(self) -> None:
        super().action_scroll_bottom()
        self._more()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.selected()
        if row is not None:
            self.post_message(self.Chosen(self, row))
