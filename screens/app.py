"""Placeholder until the app lands (issue 3)."""


def run(session, start=None) -> int:
    print("The terminal app is not built yet; use the subcommands (superviser --help).")
    return 0
