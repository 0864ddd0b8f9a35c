"""User key remapping: ``keymap.toml`` in the user's config directory.

    [keymap]
    "objective.urge" = "u"
    "app.help" = "f1,question_mark"

The names are the binding ids shown on the help screen (``?``).
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_dir


def path() -> Path:
    return Path(user_config_dir("superviser", appauthor=False)) / "keymap.toml"


def load(file: Path | None = None) -> tuple[dict[str, str], str | None]:
    """The keymap, and a problem to report (or None)."""
    file = file or path()
    if not file.exists():
        return {}, None
    import tomllib  # only when there is a keymap: the app's first frame does not wait for it

    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        return {}, f"{file}: {error}"
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        return {}, f"{file}: [keymap] must map binding ids to key names"
    return dict(keymap), None
