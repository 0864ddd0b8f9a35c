"""The app's background work: database reads and writes in thread workers that never take
the app down.

``@background(group)`` is Textual's ``@work`` in a thread, exclusive in its group, with
``exit_on_error=False``; whatever the work raises goes to the one handler,
``SuperviserApp.worker_failed``: a refusal is shown in the core's words, anything else (a
bug) is written to the error log and the person is told where, and the app carries on.
"""

from __future__ import annotations

import functools

from textual import work


def background(group: str, *, exclusive: bool = True):
    def decorate(method):
        @functools.wraps(method)
        def guarded(node, *args, **kwargs):
            try:
                return method(node, *args, **kwargs)
            except Exception as error:  # noqa: BLE001 - handed to the app, which shows or logs it
                failed(node.app, error)
                return None

        return work(thread=True, exclusive=exclusive, group=group, exit_on_error=False)(guarded)

    return decorate


def failed(app, error: Exception) -> None:
    """From a thread: hand ``error`` to the app's one handler (or, if the app has closed
    meanwhile, to the error log when it is a bug)."""
    try:
        app.call_from_thread(app.worker_failed, error)
    except RuntimeError:  # the app has closed meanwhile: nobody to tell but the log
        from superviser import crash
        from superviser.errors import SuperviserError

        if not isinstance(error, SuperviserError):
            crash.record(error, "app worker")
