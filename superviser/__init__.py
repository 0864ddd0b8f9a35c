"""superviser: supervision and follow-up (督查督办) for an office.

This package is the core: domain rules, the SQLite store, the services that perform
each step together with its log entry, exports and the CLI. It never imports Textual;
the terminal app lives in the separate ``screens`` package.
"""


def __getattr__(name: str) -> str:
    # The version is the installed distribution's (pyproject.toml is its one source), read
    # only when asked: importing importlib.metadata costs every command about 35 ms.
    if name == "__version__":
        from importlib.metadata import version

        return version("superviser")
    raise AttributeError(f"module 'superviser' has no attribute {name!r}")
