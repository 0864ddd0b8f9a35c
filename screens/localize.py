"""Binding descriptions in the user's language.

Bindings are declared once, at import, with English message ids (``N_``); each
node translates its own copy when it is created, so the language can be chosen
after the modules are imported (and changed between tests).
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import BindingsMap

from superviser.i18n import _


def localize_bindings(node) -> None:
    # Textual copies the class's merged bindings into ``node._bindings`` per instance.
    node._bindings = BindingsMap.from_keys(
        {
            key: [replace(b, description=_(b.description) if b.description else "") for b in bindings]
            for key, bindings in node._bindings.key_to_bindings.items()
        }
    )


class Localized:
    """Mixin for screens and widgets whose bindings show in the footer or help."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        localize_bindings(self)
