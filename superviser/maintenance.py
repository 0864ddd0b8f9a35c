"""Backups and the health check (``doctor``)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from superviser import audit, files, identity, quantities, schema, store
from superviser.errors import InvalidInput
from superviser.i18n import N_, _, aside, joined
from superviser.progress import Progress, shares
from superviser.store import Database

# SQLite releases before this one carry the WAL-reset bug that can corrupt a
# database written by several processes at once.
SAFE_SQLITE = (3, 51, 3)


def backup(db: Database, path: str | os.PathLike, *, force: bool = False, progress: Progress | None = None) -> dict:
    """Copy the database to ``path`` with SQLite's online backup, privately (superviser/files.py),
    and audit the copy; an existing file is replaced only with ``force``. ``progress`` hears how
    far the copy and its audit have got (superviser/progress.py)."""
    copying, auditing = shares(progress, 1, 2)
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
            db.conn.backup(destination, pages=1024,
                           progress=(lambda _status, left, total: copying(total - left, total)) if copying else None)
            # A copy is read alone: out of WAL, so it is one file, whole, wherever it is moved.
            destination.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.DatabaseError as error:
            raise files.explain(error, target) from None
        finally:
            destination.close()
        copy = store.connect(staged, migrate=False)
        try:
            result = audit.run(copy, progress=auditing)
            copy.conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.conn.close()
        files.place(staged, target, overwrite=force)
    finally:
        staged.unlink(missing_ok=True)
    return {"path": files.shown(target), "size": target.stat().st_size, "entries": result.entries,
            "hash": result.head_hash[:16]}


def _mode(path: Path) -> str:
    return stat.filemode(path.stat().st_mode)


def diagnose(path: Path) -> list[dict]:
    checks: list[dict] = []

    def add(name: str, level: str, detail: str) -> None:  # name: the check's msgid, its key for scripts
        checks.append({"check": name, "name": _(name), "level": level, "detail": detail})

    version = sqlite3.sqlite_version_info
    text = sqlite3.sqlite_version
    if version < SAFE_SQLITE:
        add(N_("SQLite"), "warn", _("{version} is linked; versions before 3.51.3 have the WAL-reset bug that can corrupt "
                                   "a database written by several processes; upgrade Python's SQLite").format(version=text))
    else:
        add(N_("SQLite"), "ok", text)
    if not path.exists():
        add(N_("database"), "fail", _("no database at {path}").format(path=path))
        return checks
    add(N_("database"), "ok", aside(str(path), quantities.size(path.stat().st_size)))
    try:
        db = store.connect(path)
    except Exception as error:  # noqa: BLE001 - doctor reports every failure rather than stopping at the first
        add(N_("schema"), "fail", str(error))
        return checks
    mode = db.conn.execute("PRAGMA journal_mode").fetchone()[0]
    add(N_("journal mode"), "ok" if mode == "wal" else "fail", mode)
    synchronous = db.conn.execute("PRAGMA synchronous").fetchone()[0]
    add(N_("synchronous"), "ok", {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[synchronous])
    add(N_("foreign keys"), "ok" if db.conn.execute("PRAGMA foreign_keys").fetchone()[0] else "fail", "on")
    add(N_("schema"), "ok", _("version {n} ({names})").format(n=schema.version_of(db), names=", ".join(schema.applied_names(db))))

    _permissions(path, add)
    _said(N_("outbox"), lambda: _outbox(db, add), add)
    quick = db.conn.execute("PRAGMA quick_check").fetchone()[0]
    add(N_("integrity"), "ok" if quick == "ok" else "fail", quick)
    result = audit.run(db)
    if result.ok:
        add(N_("log"), "ok", _("{n} entries, head {hash}; every table agrees with it").format(
            n=quantities.count(result.entries), hash=result.head_hash))
    else:
        add(N_("log"), "fail", "; ".join(result.problems))
    _said(N_("checkpoint"), lambda: _checkpoint(db, add), add)
    _said(N_("SSH keys"), lambda: _keys(db, path, add), add)
    return checks


def _said(name: str, check, add) -> None:
    """``check``, or what the database said if it could not be read (a table dropped or damaged
    around the program: the log check above names it; the others go on)."""
    try:
        check()
    except sqlite3.DatabaseError as error:
        add(name, "fail", str(error))


_OTHERS = stat.S_IRWXG | stat.S_IRWXO


def _permissions(path: Path, add) -> None:
    """The database, its WAL files and its folder reachable by its owner only (README, "Deployment"):
    anyone else who can write the file can change the record around the program."""
    owner = path.stat().st_uid
    detail = _("file {file}, folder {folder}, owned by {owner}").format(
        file=_mode(path), folder=_mode(path.parent), owner=identity.account_name(owner))
    open_to = [p.name for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
               if p.exists() and p.stat().st_mode & _OTHERS]
    if path.parent.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not path.parent.stat().st_mode & stat.S_ISVTX:
        open_to.append(path.parent.name + "/")
    if open_to:
        add(N_("permissions"), "warn", detail + " — " + _(
            "{files} can be reached by others than the owner, who could change the record around the program: "
            "chmod 600 the files and 700 the folder, and let people in through the service account "
            "(README, Deployment)").format(files=", ".join(open_to)))
    else:
        add(N_("permissions"), "ok", detail + " — " + _("private to its owner"))


def _checkpoint(db: Database, add) -> None:
    """The latest signed checkpoint: still held by the log, signed by this server's key, and how old."""
    from superviser import checkpoints, clock, dates, notes

    latest = checkpoints.latest(db)
    if latest is None:
        add(N_("checkpoint"), "warn", _("none signed yet; sign one daily from cron: superviser checkpoint"))
        return
    problems = checkpoints.log_problems(db, [checkpoints.parse(latest["note"])])
    if problems:
        add(N_("checkpoint"), "fail", problems[0][1])
        return
    age = (clock.now() - clock.parse_stamp(latest["made_at"])).days
    detail = _("size {size}, signed {when}").format(
        size=quantities.count(latest["size"]), when=aside(dates.moment(latest["made_at"]), dates.ago(latest["made_at"])))
    key = notes.key_path()
    if not key.exists():
        add(N_("checkpoint"), "warn", detail + " — " + _("this account has no signing key at {path}").format(path=key))
    elif key.stat().st_mode & _OTHERS:
        add(N_("checkpoint"), "fail", detail + " — " + _("the signing key {path} can be read by others: chmod 600").format(
            path=key))
    elif str(checkpoints.own_verifier(db)) != latest["key"]:
        add(N_("checkpoint"), "warn", detail + " — " + _("signed with another key than this account's"))
    else:
        add(N_("checkpoint"), "warn" if age > 7 else "ok", detail)


def _keys(db: Database, path: Path, add) -> None:
    """The SSH keys the office manages: the file holds exactly them, and sshd will read it."""
    from superviser import sshkeys

    stored = sshkeys.rows(db)
    if not stored:
        return
    file = sshkeys.managed_file(db)
    in_sync = sorted(sshkeys.installed_lines(file)) == sorted(sshkeys.expected_lines(db, path))
    inactive = [r[0] for r in db.conn.execute(
        "SELECT k.login FROM ssh_keys k JOIN people p ON p.login = k.login WHERE p.active = 0")]
    problems = []
    if not in_sync:
        problems.append(_("{file} does not hold exactly the keys the office manages: superviser keys sync").format(
            file=file))
    if inactive:
        problems.append(_("keys of people no longer active: {logins} (superviser keys remove)").format(
            logins=joined(inactive)))
    if file.parent.exists() and file.parent.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        problems.append(_("{folder} is writable by others, so sshd ignores the keys in it: chmod 700").format(
            folder=file.parent))
    add(N_("SSH keys"), "warn" if problems else "ok",
        "; ".join(problems) or _("{n} keys, {file} in step").format(n=len(stored), file=file))


# Waiting longer than this, a message suggests that no sender runs (see README, "Delivery").
OUTBOX_STALE_SECONDS = 3600


def _outbox(db: Database, add) -> None:
    """Messages waiting, failed, and the oldest waiting (a sender that does not run shows here)."""
    from superviser import clock, dates
    from superviser.read.outbox import summary

    found = summary(db)
    counts = {key: quantities.count(n) for key, n in found.items() if isinstance(n, int)}
    detail = _("{queued} queued, {sending} being sent, {failed} failed, {sent} sent").format(**counts)
    if found["unknown"]:
        detail += _("; ") + _("{unknown} delivery unknown").format(**counts)
    level = "warn" if found["failed"] or found["unknown"] else "ok"
    oldest = found["oldest_waiting"]
    if oldest:
        detail += _("; ") + _("oldest waiting since {time}").format(time=aside(dates.moment(oldest), dates.ago(oldest)))
        if (clock.now() - clock.parse_stamp(oldest)).total_seconds() > OUTBOX_STALE_SECONDS:
            level = "warn"
            detail += " — " + _("is `superviser deliver` running (cron or a systemd timer)?")
    if found["failed"] or found["unknown"]:
        detail += " — " + _("see `superviser outbox list --status failed` (and --status unknown)")
    add(N_("outbox"), level, detail)
