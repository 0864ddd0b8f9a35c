"""When the app itself fails (a bug in a screen): the terminal is given back as it was, the
traceback goes to the error log, one line says where, and the exit is not 0."""

import os
import select
import struct
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT

SABOTAGED = """
import sys
import screens.dashboard as dashboard

def broken(self):
    raise ZeroDivisionError("a bug in a screen")

dashboard.DashboardScreen.refresh_data = broken
from superviser.cli import main
main(sys.argv[1:])
"""


def in_a_terminal(args: list[str], env: dict, timeout: float = 60) -> tuple[int, str]:
    """Run Python with ``args`` on a pseudo-terminal of 80x24; its exit code and all it wrote."""
    import fcntl
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen([sys.executable, *args], stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                               start_new_session=True)
    os.close(slave)
    output, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if not ready:
            if process.poll() is not None:
                break
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    try:
        code = process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the app did not stop")
    return code, output.decode("utf-8", "replace")


@pytest.mark.slow
def test_a_crash_of_the_app_is_logged_and_never_exits_0(office, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), SUPERVISER_USER="boss", TERM="xterm-256color",
               XDG_STATE_HOME=str(tmp_path / "state"))
    code, shown = in_a_terminal(["-c", SABOTAGED, "--db", str(office.path)], env)
    log = tmp_path / "state" / "superviser" / "log" / "errors.log"
    assert code == 70
    assert "ZeroDivisionError" in log.read_text(encoding="utf-8")
    tail = shown[shown.rfind("\x1b[?1049l"):]  # after the app left the alternate screen: the terminal is back
    assert "\x1b[?1049l" in shown and "the app stopped on an unexpected error" in tail and str(log) in tail
    assert "Traceback" not in shown and "ZeroDivisionError" not in shown
