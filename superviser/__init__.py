"""superviser: supervision and follow-up (督查督办) for an office.

This package is the core: domain rules, the SQLite store, the services that perform
each step together with its log entry, exports and the CLI. It never imports Textual;
the terminal app lives in the separate ``screens`` package.
"""

__version__ = "0.1.0"
