"""Backups and the health check (``doctor``)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from sqlite_utils import Database

from superviser import audit, files, schema, store
from superviser.errors import InvalidInput
from superviser.i18n import N_, _

# SQLite releases before this one carry the WAL-reset bug that can corrupt a
# database written by several processes at once.
SAFE_SQLITE = (3, 51, 3)


def backup(db: Database, path: str | os.PathLike, *, force: bool = False) -> dict:
    """Copy the database to ``path`` with SQLite's online backup, privately (superviser/files.py),
    and audit the copy; an existing file is replaced only with ``force``."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise InvalidInput("path", _("{path} is a folder; give the backup's file name").format(path=files.shown(target)),
                           N_("file"))
    if not force:
        files.refuse_existing(target)
    if target.resolve() == Path(store.path_of(db)).resolve():
        raise InvalidInput("path", _("that is the database itself"), N_("file"))
    staged = files.stage(target)
    try:
        destination = sqlite3.connect(str(staged))
        try:
            db.conn.backup(destination, pages=1024)
            pages = destination.execute("PRAGMA page_count").fetchone()[0]
            # A copy is read alone: out of WAL, so it is one file, whole, wherever it is moved.
            destination.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.DatabaseError as error:
            raise files.explain(error, target) from None
        finally:
            destination.close()
        copy = store.connect(staged, migrate=False)
        try:
            result = audit.run(copy)
            copy.conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.conn.close()
        files.place(staged, target, overwrite=force)
    finally:
        staged.unlink(missing_ok=True)
    return {"path": files.shown(target), "pages": pages, "entries": result.entries, "hash": result.head_hash[:16]}


def _mode(path: Path) -> str:
    return stat.filemode(path.stat().st_mode)


def diagnose(path: Path) -> list[dict]:
    checks: list[dict] = []

    def add(name: str, level: str, detail: str) -> None:
        checks.append({"name": name, "level": level, "detail": detail})

    version = sqlite3.sqlite_version_info
    text = sqlite3.sqlite_version
    if version < SAFE_SQLITE:
        add(_("SQLite"), "warn", _("{version} is linked; versions before 3.51.3 have the WAL-reset bug that can corrupt "
                                   "a database written by several processes; upgrade Python's SQLite").format(version=text))
    else:
        add(_("SQLite"), "ok", text)
    if not path.exists():
        add(_("database"), "fail", _("no database at {path}").format(path=path))
        return checks
    add(_("database"), "ok", str(path))
    try:
        db = store.connect(path)
    except Exception as error:  # doctor reports every failure rather than stopping at the first
        add(_("schema"), "fail", str(error))
        return checks
    mode = db.conn.execute("PRAGMA journal_mode").fetchone()[0]
    add(_("journal mode"), "ok" if mode == "wal" else "fail", mode)
    add(_("synchronous"), "ok", {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[db.conn.execute("PRAGMA synchronous").fetchone()[0]])
    add(_("foreign keys"), "ok" if db.conn.execute("PRAGMA foreign_keys").fetchone()[0] else "fail", "on")
    add(_("schema"), "ok", _("version {n} ({names})").format(n=schema.version_of(db), names=", ".join(schema.applied_names(db))))

    folder = path.parent
    file_mode = path.stat().st_mode
    folder_mode = folder.stat().st_mode
    shared = bool(file_mode & stat.S_IWGRP)
    detail = _("file {file} (group {group}), folder {folder}").format(
        file=_mode(path), group=_group_name(path.stat().st_gid), folder=_mode(folder))
    if shared and not (folder_mode & stat.S_IWGRP and folder_mode & stat.S_ISGID):
        add(_("permissions"), "warn", detail + " — " + _(
            "for a shared install the folder must be group-writable and setgid (chmod 2770) so the -wal and -shm files "
            "are shared too"))
    elif file_mode & stat.S_IROTH:
        add(_("permissions"), "warn", detail + " — " + _("anyone on the server can read the database; chmod o-rwx"))
    else:
        add(_("permissions"), "ok", detail + (" — " + _("shared with the group") if shared else " — " + _("private to its owner")))
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        if shared and side.exists() and not side.stat().st_mode & stat.S_IWGRP:
            add(_("permissions"), "fail", _("{file} is not group-writable; other members of the group cannot write").format(file=side.name))

    quick = db.conn.execute("PRAGMA quick_check").fetchone()[0]
    add(_("integrity"), "ok" if quick == "ok" else "fail", quick)
    result = audit.run(db)
    if result.ok:
        add(_("log"), "ok", _("{n} entries, head {hash}").format(n=result.entries, hash=result.head_hash))
    else:
        add(_("log"), "fail", "; ".join(result.problems))
    return checks


def _group_name(gid: int) -> str:
    try:
        import grp

        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError):
        return str(gid)
