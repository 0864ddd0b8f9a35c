"""Files the program writes (exports, backups, summaries), and what goes wrong with files.

A file is written beside its target under a temporary name, private to its owner, and
put in place only when it is whole; it never replaces a file that is there unless the
person asked for that (``overwrite``). In a setgid folder (the shared install, see
README "Deployment") the group may read it too, as the folder says.

``explain`` turns an OS or SQLite failure into the user's words: a read-only place,
a full disk, a file that is not a database. ``shown`` is a path as a message may print
it: raw escapes and bytes that are not UTF-8 never reach the terminal.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path

from superviser import text
from superviser.errors import DiskFull, InvalidInput, ReadOnly, StoreError
from superviser.i18n import N_, _

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


def shown(path: str | os.PathLike | None) -> str:
    """A path for a message: control characters removed, undecodable bytes as �."""
    return text.one_line(os.fspath(path)) if path is not None else ""


def mode_for(folder: Path) -> int:
    """Private, or readable by the group in a setgid folder."""
    try:
        shared = folder.stat().st_mode & stat.S_ISGID
    except OSError:
        shared = False
    return 0o640 if shared else 0o600


def free_name(path: Path) -> Path:
    """``path``, or ``name (2).ext`` and so on if it is taken."""
    candidate, n = path, 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
    return candidate


def refuse_existing(path: Path, option: str = "--force") -> None:
    if path.exists() or path.is_symlink():
        raise InvalidInput("path", _("{path} exists; choose another name, or add {option} to replace it").format(
            path=shown(path), option=option), N_("file"))


def check_folder(target: Path) -> None:
    """Refuse ``target`` if its folder is not there, or is a file."""
    folder = target.parent
    if folder.is_dir():
        return
    if folder.exists():
        raise InvalidInput("path", _("{folder} is a file, not a folder").format(folder=shown(folder)), N_("file"))
    raise InvalidInput("path", _("the folder {folder} does not exist").format(folder=shown(folder)), N_("file"))


def stage(target: Path) -> Path:
    """An empty private file beside ``target``, to be filled and then ``place``d."""
    check_folder(target)
    import tempfile  # (here: most commands write no file)

    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=".superviser-", suffix=target.suffix)
    except OSError as error:
        raise explain(error, target) from None
    os.fchmod(handle, mode_for(target.parent))
    os.close(handle)
    return Path(name)


def place(staged: Path, target: Path, *, overwrite: bool = False) -> None:
    """Put the whole file in place: atomically, and never over another file unless ``overwrite``."""
    try:
        if overwrite:
            os.replace(staged, target)
            return
        os.link(staged, target)  # fails if the name is taken, even by a file made a moment ago
    except FileExistsError:
        raise InvalidInput("path", _("{path} exists; choose another name").format(path=shown(target)),
                           N_("file")) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise explain(error, target) from None
        # No hard links here (some network or FAT file systems): create the name exclusively.
        _copy_exclusive(staged, target)
    staged.unlink(missing_ok=True)


def _copy_exclusive(staged: Path, target: Path) -> None:
    try:
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode_for(target.parent))
    except FileExistsError:
        raise InvalidInput("path", _("{path} exists; choose another name").format(path=shown(target)),
                           N_("file")) from None
    with os.fdopen(handle, "wb") as out, staged.open("rb") as source:
        while chunk := source.read(1 << 20):
            out.write(chunk)


def write_new(target: Path, data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``target`` privately; never over an existing file unless ``overwrite``."""
    staged = stage(target)
    try:
        try:
            staged.write_bytes(data)
        except OSError as error:
            raise explain(error, target) from None
        place(staged, target, overwrite=overwrite)
    finally:
        staged.unlink(missing_ok=True)
    return target


def _read_only_place(path: Path) -> bool:
    for place_ in (path, path.parent):
        try:
            if os.statvfs(place_).f_flag & os.ST_RDONLY:
                return True
        except OSError:
            continue
    return False


def _full(path: Path) -> bool:
    try:
        info = os.statvfs(path.parent if not path.is_dir() else path)
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < 64 * 1024


def explain(error: BaseException, path: str | os.PathLike | None) -> BaseException:
    """The user's words for ``error`` about ``path`` (a database or a file we write), or
    ``error`` itself when it is none of the failures a person can fix."""
    where = Path(path) if path is not None else None
    name = shown(path) if path is not None else _("the database")
    if isinstance(error, OSError):
        if error.errno in _FULL:
            return DiskFull(_("{path}: the disk is full; nothing was written. Free some space and try again").format(
                path=name))
        if error.errno == errno.EROFS or (where is not None and error.errno in _READ_ONLY and _read_only_place(where)):
            return ReadOnly(_("{path}: the place is read-only; nothing was written").format(path=name))
        if error.errno in (errno.EACCES, errno.EPERM):
            return ReadOnly(_("{path}: permission denied; nothing was written").format(path=name))
        if error.errno in (errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG):
            return InvalidInput("path", _("{path}: {problem}").format(path=name, problem=os.strerror(error.errno)),
                                N_("file"))
        return error
    if not isinstance(error, sqlite3.DatabaseError):
        return error
    message = str(error).lower()
    if "disk is full" in message or (where is not None and "disk i/o error" in message and _full(where)):
        return DiskFull(_("{path}: the disk is full; nothing was written. Free some space and try again").format(
            path=name))
    if "readonly" in message or "read-only" in message or "unable to open" in message:
        if where is not None and (_read_only_place(where) or not os.access(where.parent, os.W_OK)
                                  or (where.exists() and not os.access(where, os.W_OK))):
            return ReadOnly(_("{path}: the database or its folder can't be written here (superviser writes its "
                              "-wal and -shm files beside it); nothing was written").format(path=name))
        if where is not None and where.exists() and not os.access(where, os.R_OK):
            return ReadOnly(_("{path}: permission denied; ask the owner of the database").format(path=name))
    if "not a database" in message or "encrypted" in message or "malformed" in message:
        return StoreError(_("{path} is not a superviser database ({error})").format(path=name, error=error))
    return error
