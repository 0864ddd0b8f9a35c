"""Turning core data into what the screens show. User text only ever becomes
plain ``Text``/``Content`` (never markup), with control characters removed."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.content import Content

from superviser import dates, lifecycle, lights, text
from superviser.i18n import _

# Hex rather than ANSI names: Textual passes ANSI red through its theme and a 16-colour
# terminal then shows it magenta. These become bright red, yellow and green there.
RED, YELLOW, GREEN = "#E5484D", "#F2C94C", "#3FB950"
_COLOUR = {"red": f"bold {RED}", "yellow": f"bold {YELLOW}", "green": GREEN, "grey": "dim", "alert": f"bold {RED}",
           "waiting": f"bold {YELLOW}", "done": GREEN}
# With NO_COLOR, Textual greys every colour by its brightness, and red and green turn dark grey
# on a dark background. Weight stands in for colour there; symbols and words carry the meaning.
_MONOCHROME = {"red": "bold", "yellow": "bold", "green": "", "grey": "dim", "alert": "bold", "waiting": "bold",
               "done": ""}
STYLES = dict(_COLOUR)


def use_colour(on: bool) -> None:
    """Colours, or their stand-ins when the terminal or the person asks for none."""
    STYLES.clear()
    STYLES.update(_COLOUR if on else _MONOCHROME)


def plain(value) -> Text:
    """User text for a table cell: one line, no markup, cut with an ellipsis."""
    return Text(text.one_line(value), no_wrap=True, overflow="ellipsis")


def content(value) -> Content:
    """User text for a Static: no markup, control characters removed, newlines kept."""
    return Content(text.clean(value))


def code_marks(message: str) -> Content:
    """A message written with Markdown's `code` marks, as the CLI's messages are: the marks
    taken out and what they enclose in bold, since a terminal shows them as they are."""
    parts = message.split("`")
    return Content.assemble(*((part, "bold") if i % 2 else part for i, part in enumerate(parts)))


def light(colour: str, *, word: bool = True, set_by_office: bool = False) -> Text:
    """The light as a symbol and a word, so it never depends on colour alone; marked
    when the office set it (the objective says why)."""
    label = f"{lights.SYMBOLS[colour]} {lights.label(colour)}" if word else lights.SYMBOLS[colour]
    cell = Text(label, style=STYLES[colour], no_wrap=True, overflow="ellipsis")
    if set_by_office:
        cell.append(f" {lights.SET_MARK}", style="bold")
    return cell


def light_width(*, marked: bool = True) -> int:
    """The width of a light column in the reader's language: its heading or its widest light
    ("▲ yellow ✎", "● 红灯 ✎"), whichever is wider; no wider, so that the titles have the rest."""
    mark = f" {lights.SET_MARK}" if marked else ""
    return max(cell_len(_("light")), *(cell_len(f"{lights.SYMBOLS[c]} {lights.label(c)}{mark}") for c in lights.LIGHT_LABELS))


def status(value: str) -> Text:
    return Text(lifecycle.status_label(value), no_wrap=True, overflow="ellipsis")


def due(row: dict, *, short: bool = True) -> Text:
    """"in 3 days" / "2 days late" while the office waits; the date otherwise."""
    if row["status"] in lifecycle.AWAITED:
        phrase = dates.relative_deadline(row["deadline"], short=short)
        style = STYLES["alert"] if row["deadline"] < dates.clock.today().isoformat() else ""
        return Text(phrase, style=style, no_wrap=True, overflow="ellipsis")
    return Text(row["deadline"], style="dim", no_wrap=True)


def percent_bar(value: int, width: int = 6) -> Text:
    filled = round(width * max(0, min(100, value)) / 100)
    bar = Text("█" * filled, style=STYLES["done"])
    bar.append("░" * (width - filled), style="dim")
    bar.append(f"{value:>4}%")
    return bar


def number(value, *, dim_zero: bool = True) -> Text:
    shown = "–" if value in (None, "") else str(value)
    return Text(shown, justify="right", style="dim" if dim_zero and value in (0, None, "") else "")


def log_line(entry: dict, headline: str, *, numbered: bool = False) -> Content:
    """A step of the supervision log on one line: its number if ``numbered``, when, who, what
    (``headline``, superviser/describe.py) and its detail (an objective's registration has its
    title there, shown already)."""
    line = Content.assemble(*([(f"#{entry['seq']} ", "dim")] if numbered else []), (dates.moment(entry["at"]), "dim"),
                            "  ", (text.one_line(entry["actor"]), "bold"), "  ", Content(headline))
    if entry["detail"] and entry["action"] != "objective.add":
        line = Content.assemble(line, " — ", Content(text.one_line(entry["detail"])))
    return line
