"""Work done in a forked child: its result, or the work done here when a fork is unsafe or
the child fails; no child is left behind."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from superviser.elsewhere import Elsewhere


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def in_a_process(script: str) -> list[str]:
    """What ``script`` prints, run in a process of one thread of its own (a fork is safe there;
    the tests' own may have other threads)."""
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert ran.returncode == 0, ran.stderr
    return ran.stdout.split()


def test_the_work_is_done_in_a_child_and_its_result_comes_back():
    """In a process of one thread (a fresh one: the tests' may have others), as the command line is."""
    script = ("import os; from superviser.elsewhere import Elsewhere\n"
              "job = Elsewhere(lambda: (os.getpid(), [(1, 'ab bc c')]))\n"
              "pid, pairs = job.result()\n"
              "print(pid != os.getpid(), pairs == [(1, 'ab bc c')], job.result()[0] == pid)\n"
              "job.close()\n"
              "try:\n    os.waitpid(-1, os.WNOHANG)\nexcept ChildProcessError:\n    print('reaped')\n")
    assert in_a_process(script) == ["True", "True", "True", "reaped"]


def test_with_other_threads_it_is_done_here_at_once():
    """(The app's workers may hold locks a child would inherit held.)"""
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    calls = []
    try:
        job = Elsewhere(lambda: calls.append(os.getpid()) or os.getpid())
        assert calls == [os.getpid()]  # before its result is asked for: before a lock is taken
        assert job.result() == os.getpid() and len(calls) == 1
    finally:
        release.set()
        other.join()


def test_a_failing_child_leaves_the_work_to_this_process_which_meets_the_error():
    calls = []

    def work():
        calls.append(os.getpid())
        raise ValueError("no pairs")

    job = Elsewhere(work)
    with pytest.raises(ValueError, match="no pairs"):
        job.result()
    assert calls == [os.getpid()]  # the child's attempt was in its own memory
    job.close()
    assert no_children_left()


def test_a_result_not_wanted_is_let_go():
    job = Elsewhere(lambda: 42)
    job.close()
    assert no_children_left()
    job.close()  # twice: nothing more to do


def test_an_interrupt_while_the_result_is_read_leaves_no_descriptor_to_close_again(tmp_path):
    """(An import's clean-up lets the child go after a Ctrl-C: it must not close a file opened
    since, which may have been given the pipe's old number, SQLite's write-ahead log say.)"""
    script = ("import os, pickle, time\nfrom superviser import elsewhere\n"
              "job = elsewhere.Elsewhere(lambda: (time.sleep(0.2), 'x')[1])\n"
              "def interrupted(_pipe):\n    raise KeyboardInterrupt\n"
              "elsewhere.pickle.load = interrupted\n"
              "try:\n    job.result()\nexcept KeyboardInterrupt:\n    pass\n"
              f"other = os.open({str(tmp_path / 'other')!r}, os.O_RDWR | os.O_CREAT)\n"
              "job.close()\nos.fstat(other)\n"
              "late = elsewhere.Elsewhere(lambda: time.sleep(30))\nbegun = time.monotonic()\nlate.close()\n"
              "print(time.monotonic() - begun < 5)\n"
              "try:\n    os.waitpid(-1, os.WNOHANG)\nexcept ChildProcessError:\n    print('reaped')\n")
    assert in_a_process(script) == ["True", "reaped"]


def test_the_result_does_not_wait_for_the_child_to_leave_and_close_does():
    """A child of a large process takes a while to leave once it has sent its result (its
    memory is unmapped): the result is there as soon as it is sent; close() waits for it."""
    script = ("import os, time\nfrom superviser import elsewhere\n"
              "leave = os._exit\n"
              "elsewhere.os._exit = lambda code: (time.sleep(1), leave(code))\n"
              "job = elsewhere.Elsewhere(lambda: 42)\n"
              "time.sleep(0.2)\nbegun = time.monotonic()\n"
              "print(job.result() == 42, time.monotonic() - begun < 0.5)\n"
              "job.close()\n"
              "try:\n    os.waitpid(-1, os.WNOHANG)\nexcept ChildProcessError:\n    print('reaped')\n")
    assert in_a_process(script) == ["True", "True", "reaped"]


def test_a_result_of_most_of_a_megabyte_is_sent_whole_before_it_is_asked_for():
    """The pipe holds it: the child sends it and leaves without waiting for this process to read
    each 64 kB of it, and this process reads it in one go."""
    script = ("import os, time\nfrom superviser import elsewhere\n"
              "job = elsewhere.Elsewhere(lambda: 'x' * 900_000)\n"
              "time.sleep(1)\n"
              "print(os.waitpid(-1, os.WNOHANG)[0] != 0)\n")
    assert in_a_process(script) == ["True"]  # (the child has left: it is not blocked writing)


def test_a_yielding_child_lets_other_work_have_the_cores_first():
    """(The derived rows, wanted last, are worked out beside the entries' hashes, wanted first.)
    The process itself keeps its priority, also where the work is done here."""
    script = ("import os\nfrom superviser.elsewhere import Elsewhere\n"
              "mine = os.nice(0)\n"
              "job = Elsewhere(lambda: os.nice(0), yielding=True)\n"
              "print(job.result() == min(mine + 19, 19), os.nice(0) == mine)\n"
              "job.close()\n")
    assert in_a_process(script) == ["True", "True"]


def test_when_no_process_can_be_had_the_work_is_done_here_and_no_descriptor_is_left():
    """(Too many processes, or no memory for one: fork fails.)"""
    script = ("import os, errno\nfrom superviser.elsewhere import Elsewhere\n"
              "def refused():\n    raise OSError(errno.EAGAIN, 'Resource temporarily unavailable')\n"
              "os.fork = refused\nopen_before = sorted(os.listdir('/proc/self/fd'))\n"
              "job = Elsewhere(lambda: os.getpid())\n"
              "print(job.result() == os.getpid(), sorted(os.listdir('/proc/self/fd')) == open_before)\n"
              "job.close()\n")
    assert in_a_process(script) == ["True", "True"]
