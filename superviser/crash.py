"""What happens to an error nobody expected (a bug): its traceback goes to the error log
in the user's log directory, and the person is told, in one line, where it is.

The CLI's catch-all and the app's handlers call ``record``; nothing else prints a
traceback.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

from superviser import clock, text
from superviser.i18n import _

KEEP_BYTES = 1_000_000  # the log is started afresh (the old one kept as .1) past this size


def log_path() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir("superviser", appauthor=False)) / "errors.log"


def record(error: BaseException | None, where: str = "", *, details: str = "",
           command: list[str] | None = None) -> Path | None:
    """Append ``error`` with its traceback (or ``details``, a traceback already rendered) to the
    error log; its path, or None if it could not be written (then the details go to standard
    error, rather than be lost)."""
    from superviser import __version__

    if error is not None:
        details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    argv = _outline(sys.argv[1:] if command is None else command)
    entry = (f"--- {clock.stamp()} superviser {__version__} pid {os.getpid()} {where}\n"
             f"command: {argv}\n{details.rstrip()}\n\n")
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.exists() and path.stat().st_size > KEEP_BYTES:
            os.replace(path, path.with_suffix(".log.1"))
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(handle, "a", encoding="utf-8", errors="backslashreplace") as f:
            f.write(entry)
    except OSError:
        sys.stderr.write(entry)
        return None
    return path


def _outline(argv: list[str]) -> str:
    """The command as the log keeps it: its words and option names, not the values (a
    webhook's token, a secret, a note's text do not belong in a log file)."""
    shown, words = [], 0
    for arg in argv:
        if arg.startswith("-") and len(arg) > 1:
            shown.append(text.one_line(arg.split("=", 1)[0]) + ("=…" if "=" in arg else ""))
        elif words < 2 and arg.isidentifier():
            shown.append(arg)
            words += 1
        else:
            shown.append("…")
    return " ".join(shown)


def said(error: BaseException | None, path: Path | None) -> str:
    """The one line that tells the person what happened and where the details are (``error``
    None: the app stopped)."""
    what = (_("the app stopped on an unexpected error") if error is None
            else _("an unexpected error ({kind})").format(kind=type(error).__name__))
    if path is None:
        return _("{what}; this is a bug, its details are above").format(what=what)
    return _("{what}; this is a bug, its details are in {path}").format(what=what, path=text.one_line(str(path)))
