"""The reference for the app's figures: a bare Textual app (Header, a 50-row DataTable,
Footer); ``p`` pushes a screen with another 50-row DataTable, ``escape`` pops it."""

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header


def table() -> DataTable:
    rows = DataTable()
    rows.add_columns("ref", "objective", "lead unit", "deadline", "status")
    rows.add_rows([(f"2026-{n:03d}.1", f"Inspect the drainage pumps, item {n}", "East Station", "2026-12-20", "assigned")
                   for n in range(50)])
    return rows


class Pushed(Screen):
    BINDINGS = [("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield table()
        yield Footer()


class Bare(App):
    BINDINGS = [("p", "push", "Push"), ("q", "quit", "Quit")]

    def action_push(self) -> None:
        self.push_screen(Pushed())  # a new screen each time, as a drill-down makes one

    def compose(self) -> ComposeResult:
        yield Header()
        yield table()
        yield Footer()


if __name__ == "__main__":
    Bare().run()
