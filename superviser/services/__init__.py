"""Services: one function per step. Each validates its input first, then runs one
``BEGIN IMMEDIATE`` transaction that checks the objective's version, the actor's
role and the lifecycle, writes the change, and appends its log entry."""

from superviser.services.base import Result, Session

__all__ = ["Result", "Session"]
