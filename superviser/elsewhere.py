"""Work done in a forked child while this process goes on: the other core, for pure Python
work (no database of this process) whose result is small beside the time it takes.

The child starts with this process's memory as it is (a fork copies nothing until it is
written), so it is given nothing to read; it sends its result back pickled through a pipe and
leaves with ``os._exit``, running none of this process's clean-up (its open files, its
database connections, its buffered output are this process's). Where a fork is unsafe (other
threads: the app's workers, or a library's, hold locks a child would inherit held) or
impossible, the work is done here at once; if the child fails, here again when its result is
asked for, so that the error is this process's own.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Elsewhere(Generic[T]):
    """``work()``, begun now in a child; ``result()`` waits for it, ``close()`` lets it go (its
    owner closes it once done with it)."""

    def __init__(self, work: Callable[[], T], *, yielding: bool = False):
        """``yielding``: the child lets other work (this process, another child) have the cores
        first: its result is wanted later than theirs."""
        self._work = work
        self._pid: int | None = None
        self._pipe: int | None = None
        self._done: tuple[T] | None = None
        self._failed: Exception | None = None
        self._leaving: int | None = None  # a child that sent its result, not yet waited for
        if hasattr(os, "fork") and _alone():
            receiving, sending = os.pipe()
            _widen(sending)
            try:
                self._pid = os.fork()
            except OSError:  # (no process to be had: too many, or no memory) done here instead
                os.close(receiving)
            else:
                if self._pid == 0:
                    _child(work, receiving, sending, yielding)
                self._pipe = receiving
            os.close(sending)
        if self._pid is None:  # done now, where it was begun (before a write lock, not while others wait)
            try:
                self._done = (work(),)
            except Exception as error:  # noqa: BLE001 - met when its result is asked for, as a child's failure is
                self._failed = error

    def result(self) -> T:
        if self._failed is not None:
            raise self._failed
        if self._done is None:
            self._done = self._receive() or (self._work(),)
        return self._done[0]

    def close(self) -> None:
        """Let the child go: stopped if it has not sent its result (the plan changed), and
        waited for."""
        pipe, pid = self._take()
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            finally:
                os.close(pipe)
                os.waitpid(pid, 0)
        leaving, self._leaving = self._leaving, None
        if leaving is not None:
            os.waitpid(leaving, 0)

    def _take(self) -> tuple[int, int | None]:
        """The child's pipe and pid, this object no longer holding them (whatever happens next:
        an interrupt while its result is read must not leave a descriptor number to close again)."""
        pipe, pid = self._pipe, self._pid
        self._pipe = self._pid = None
        return (pipe, pid) if pipe is not None else (-1, None)

    def _receive(self) -> tuple[T] | None:
        """The child's result, in a tuple (it may be None); None if there is no child or it failed."""
        pipe, pid = self._take()
        if pid is None:
            return None
        try:
            with os.fdopen(pipe, "rb") as reading:
                try:  # read as it comes (not all at once and then decoded: twice the memory of a large result)
                    done, value = pickle.load(reading)
                except Exception:  # noqa: BLE001 - it died before it sent it all
                    done, value = False, None
        finally:
            # A child of a large process takes milliseconds to leave once it has sent its result
            # (its memory is unmapped): waited for then only if it has (else by close()).
            if os.waitpid(pid, os.WNOHANG) == (0, 0):
                self._leaving = pid
        return (value,) if done else None


YIELDING = 19  # a yielding child's niceness: the scheduler gives it a core when nothing else wants one

# A pipe holds 64 kB: a child sending a result of megabytes would wait for this process to read
# each 64 kB, and this process for the child to wake up and write the next, when it reads them.
PIPE_BYTES = 1 << 20  # (what Linux lets any process ask for)


def _widen(pipe: int) -> None:
    """Let ``pipe`` hold ``PIPE_BYTES``, where the system allows it."""
    try:
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):  # not Linux, or a lower limit: the pipe as it is
        pass


def _alone() -> bool:
    """Whether this process runs a single thread, of Python or not (a C library's, a watchdog's):
    a fork copies only the caller, so a lock another thread holds stays held in the child."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # not Linux
        return threading.active_count() == 1


def _child(work: Callable, receiving: int, sending: int, yielding: bool) -> None:
    try:
        os.close(receiving)
        if yielding:
            os.nice(YIELDING)
        with os.fdopen(sending, "wb") as pipe:
            try:
                result = work()
            except BaseException:  # noqa: BLE001 - the parent does the work itself, and meets the error there
                pickle.dump((False, None), pipe)
            else:
                pickle.dump((True, result), pipe, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(0)
