"""User key remapping: ``keymap.toml`` in the user's config directory.

    [keymap]
    "objective.urge" = "U"
    "app.help" = "f1,question_mark"

The names are the binding ids shown on the help screen (``?``).
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_dir
from textual.app import App
from textual.binding import Binding
from textual.widget import Widget

from superviser.i18n import _

# What the help screen suggests: a key no screen uses, so following it takes nobody's key.
EXAMPLE = '[keymap]\n"objective.urge" = "U"'


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
        return {}, _("{file}: [keymap] must map binding ids to key names").format(file=file)
    return dict(keymap), None


def check(keymap: dict[str, str], app: type[App]) -> str | None:
    """What Textual would let pass without a word: a binding id nothing has (the line does
    nothing), and a key given to a binding that another on the same screen, or the app, already
    answers to (one of the two loses it). None when there is nothing to say."""
    groups = _groups(app)
    known = {binding.id for group in groups for binding in group}
    found = [_("no key has the id {id}").format(id=name) for name in keymap if name not in known]
    for group in groups:
        for binding in group:
            if not binding.id or not keymap.get(binding.id):
                continue
            for key in sorted(_keys(keymap, binding) - _keys({}, binding)):  # its own keys take nothing
                for other in group:
                    if other.id != binding.id and key in _keys(keymap, other):
                        found.append(_("{key} for {id} is already the key of {other}").format(
                            key=key, id=binding.id, other=other.id or other.action))
    if not found:
        return None
    return "\n".join([f"{path()}:", *dict.fromkeys(found)])


def _keys(keymap: dict[str, str], binding: Binding) -> set[str]:
    """The keys ``binding`` answers to with ``keymap``, named as Textual names them ("?" is
    question_mark). An empty entry changes nothing, as in Textual."""
    keys = (binding.id and keymap.get(binding.id)) or binding.key
    return {b.key for b in Binding.make_bindings([Binding(k, "") for k in keys.split(",") if k.strip()])}


def _groups(app: type[App]) -> list[list[Binding]]:
    """The bindings that answer together: each screen's (or widget's) own and inherited ones,
    with the app's. Every module of the app is imported to find them."""
    import importlib
    import pkgutil

    import screens
    import screens.widgets

    for package in (screens, screens.widgets):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
    everywhere = _bindings(app) + [Binding(app.COMMAND_PALETTE_BINDING, "command_palette")]
    return [_bindings(cls) + everywhere for cls in _subclasses(Widget) if cls.__module__.startswith("screens.")]


def _bindings(cls: type) -> list[Binding]:
    return [b if isinstance(b, Binding) else Binding(*b)
            for klass in reversed(cls.__mro__) for b in vars(klass).get("BINDINGS", [])]


def _subclasses(cls: type[Widget]) -> set[type[Widget]]:
    found: set[type[Widget]] = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found
