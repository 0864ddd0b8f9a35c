"""A delivery that did not happen, and whether trying again could help."""

from __future__ import annotations


class DeliveryError(Exception):
    """``reason`` is for people (never holds a secret); ``permanent`` when retrying cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
