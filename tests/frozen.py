"""Run the CLI (or any module's ``main``) in this process with the clock frozen, for tests
that need real processes:

    python -m tests.frozen 2026-11-20T09:00:00Z -- --db office.db urge 2026-001.1
    python -m tests.frozen 2026-11-20T09:00:00Z --module tests.concurrent_worker -- ARGS...

Production has no such switch: the clock is the system's (superviser/clock.py).
"""

import runpy
import sys

from superviser import clock


def main(argv: list[str]) -> None:
    moment, rest = argv[0], argv[1:]
    module = "superviser.cli"
    if rest[:1] == ["--module"]:
        module, rest = rest[1], rest[2:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    clock.freeze(clock.parse_stamp(moment))
    if module == "superviser.cli":
        from superviser.cli import main as cli

        cli(rest)
    else:
        sys.argv = [module, *rest]
        runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
