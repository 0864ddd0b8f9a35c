"""Who is acting: decided once, from what the system proves, never from what a caller says.

On an office server one service account owns the database and people reach it
in one of two ways (README, "Deployment"):

- over SSH with their own key, whose ``authorized_keys`` line forces
  ``superviser shell --as LOGIN``: the key fixes the login;
- with sudo, as the service account: sudo says who they are in ``SUDO_USER``.

Otherwise a person is the account they run as. ``SUPERVISER_USER`` is honoured
only for someone working on a database file they own themselves (a personal or
demo database, tests), where naming another login grants nothing they could not
already do to the file. ``LOGNAME`` and ``USER`` are never read: anyone can set
them.
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Mapping
from pathlib import Path

from superviser.errors import Forbidden
from superviser.i18n import _


def account_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def owner_uid(db_path: Path) -> int | None:
    """The account that owns the database (the caller, for a database not made yet; None
    when the caller may not even look at it)."""
    probe = Path(db_path)
    try:
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        return probe.stat().st_uid if probe.exists() else os.getuid()
    except PermissionError:
        return None


def sudo_user(environ: Mapping[str, str] | None = None, uid: int | None = None) -> str | None:
    """The invoking login when this process was started by sudo as another account. sudo
    sets SUDO_USER and SUDO_UID itself (with env_reset, the default, the caller can't)."""
    environ = os.environ if environ is None else environ
    uid = os.getuid() if uid is None else uid
    user, sudo_uid = environ.get("SUDO_USER"), environ.get("SUDO_UID")
    if user and sudo_uid and sudo_uid.isdigit() and int(sudo_uid) != uid:
        return user
    return None


_confined: str | None = None


def confine(how: str | None) -> None:
    """Mark this process as acting for a person through the service account (``ssh`` or
    ``sudo``): it must not write files on the server for them (the app asks ``confined()``)."""
    global _confined
    _confined = how


def confined() -> str | None:
    return _confined


def acting_login(db_path: Path, *, as_login: str | None = None, environ: Mapping[str, str] | None = None,
                 uid: int | None = None) -> str:
    """The login this process acts as on the database at ``db_path``."""
    environ = os.environ if environ is None else environ
    uid = os.getuid() if uid is None else uid
    owns = owner_uid(db_path) == uid
    if as_login is not None:
        if not owns or sudo_user(environ, uid):
            raise Forbidden(_(
                "--as is only for the service account that owns the database (this is {account}); "
                "ask the director to add your SSH key with `superviser keys add`").format(account=account_name(uid)))
        return as_login
    if owns:
        invoker = sudo_user(environ, uid)
        if invoker:
            return invoker
        claimed = environ.get("SUPERVISER_USER")
        if claimed and "SUDO_USER" not in environ:
            return claimed
    return account_name(uid)
