"""Label/value lines (an objective's, a decision's, a unit's channels', the review's): the
labels padded to one width, and a value too long for its line wrapped under itself, not
under the labels (a hanging indent), at whatever width the widget has."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static

from superviser import text


class Facts(Static):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pairs: list[tuple[str, Content]] | None = None  # None: what it was given to show first

    def show(self, pairs: list[tuple[str, Content | str]]) -> None:
        """Empty values are left out; user text is shown as text, on one line before wrapping."""
        self._pairs = [(label, value if isinstance(value, Content) else Content(text.one_line(value)))
                       for label, value in pairs if value not in (None, "")]
        self.refresh(layout=True)

    def _lines(self, width: int) -> Content:
        pairs = self._pairs or []
        indent = max((cell_len(label) for label, _value in pairs), default=0) + 2
        lines = []
        for label, value in pairs:
            wrapped = value.wrap(width - indent) if width > indent + 8 else [value]  # too narrow: let it wrap as it may
            lines.append(Content.assemble((label + " " * (indent - cell_len(label)), "dim"), wrapped[0]))
            lines += [Content.assemble(" " * indent, line) for line in wrapped[1:]]
        return Content("\n").join(lines)

    def render(self):
        return super().render() if self._pairs is None else self._lines(self.content_size.width)

    def get_content_height(self, container, viewport, width: int) -> int:
        # the lines at the width the layout offers, not at the width it had before
        if self._pairs is None:
            return super().get_content_height(container, viewport, width)
        return self._lines(width).get_height(self.styles, width)
