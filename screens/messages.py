"""Messages the screens and the app exchange."""

from __future__ import annotations

from textual.message import Message

from screens.backend import Change
from superviser.session import Result


class DataChanged(Message):
    """Someone (here or in another session) changed data: these log entries are new."""

    def __init__(self, changes: list[Change]):
        super().__init__()
        self.changes = changes

    def touches(self, objective_id: int | None = None) -> bool:
        return objective_id is None or any(c.objective_id == objective_id for c in self.changes)


class Progressed(Message):
    """Long work in a worker has got this far (the core's ``progress(done, total)``)."""

    def __init__(self, done: int, total: int):
        super().__init__()
        self.done = done
        self.total = total


class StepDone(Message):
    """A step went through: the core's confirmation and the log entry it wrote."""

    def __init__(self, result: Result):
        super().__init__()
        self.result = result
