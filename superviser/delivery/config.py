"""Delivery settings: a TOML file in the user's config directory, never the database
(the mail password stays with the account that sends).

    ~/.config/superviser/delivery.toml

    [mail]
    host = "smtp.example.org"
    port = 587
    security = "starttls"        # "ssl" (port 465), or "none" (a relay on this machine only)
    username = "office@example.org"
    password_file = "~/.config/superviser/smtp-password"   # or: password = "…"
    sender = "General Office <office@example.org>"

    [delivery]
    max_attempts = 5             # then the message is kept as failed, with its reason
    backoff_seconds = 60         # 1, 2, 4, 8 minutes between tries
"""

from __future__ import annotations

import ipaddress
import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from superviser.errors import InvalidInput
from superviser.i18n import _

SECURITIES = ("starttls", "ssl", "none")


def default_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("superviser", appauthor=False)) / "delivery.toml"


@dataclass(frozen=True)
class Mail:
    host: str
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""
    timeout: float = 30.0


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    mail: Mail | None = None
    max_attempts: int = 5
    backoff_seconds: int = 60
    lease_seconds: int = 600  # a message left "sending" longer than this: its sender died
    batch: int = 20
    robot_timeout: float = 15.0
    allow_http_loopback: bool = False  # for tests: robots on http://127.0.0.1


def _problem(path: Path, key: str, problem: str) -> InvalidInput:
    return InvalidInput(key, problem, label=f"{path.name}: {key}")


def _number(path: Path, table: dict, section: str, key: str, default, low: float, high: float):
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise _problem(path, f"{section}.{key}", _("must be a number from {low} to {high}").format(low=low, high=high))
    return value


def _text(path: Path, table: dict, section: str, key: str, default: str = "") -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise _problem(path, f"{section}.{key}", _("must be text in quotes"))
    return value


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load(path: str | os.PathLike | None = None) -> Config:
    """The settings in ``path`` (default: the user's config file); defaults if there is none."""
    given = path is not None
    path = Path(path).expanduser() if path is not None else default_path()
    if not path.exists():
        if given:
            raise InvalidInput("config", _("no file at {path}").format(path=path), label="--config")
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InvalidInput("config", str(error), label=path.name) from None
    mail_table = data.get("mail")
    delivery = data.get("delivery", {})
    if not isinstance(delivery, dict) or (mail_table is not None and not isinstance(mail_table, dict)):
        raise InvalidInput("config", _("[mail] and [delivery] must be tables"), label=path.name)
    mail = _mail(path, mail_table) if mail_table else None
    return Config(
        path=path,
        mail=mail,
        max_attempts=int(_number(path, delivery, "delivery", "max_attempts", 5, 1, 100)),
        backoff_seconds=int(_number(path, delivery, "delivery", "backoff_seconds", 60, 0, 86400)),
        lease_seconds=int(_number(path, delivery, "delivery", "lease_seconds", 600, 10, 86400)),
        batch=int(_number(path, delivery, "delivery", "batch", 20, 1, 1000)),
        robot_timeout=float(_number(path, delivery, "delivery", "robot_timeout", 15, 1, 300)),
        allow_http_loopback=delivery.get("allow_http_loopback", False) is True,
    )


def _mail(path: Path, table: dict) -> Mail:
    host = _text(path, table, "mail", "host")
    if not host:
        raise _problem(path, "mail.host", _("must not be empty"))
    security = _text(path, table, "mail", "security", "starttls")
    if security not in SECURITIES:
        raise _problem(path, "mail.security", _("must be one of: {choices}").format(choices=", ".join(SECURITIES)))
    if security == "none" and not is_loopback(host):
        raise _problem(path, "mail.security", _("\"none\" sends in clear text; only for a mail relay on this machine"))
    password = _text(path, table, "mail", "password")
    password_file = _text(path, table, "mail", "password_file")
    if password or password_file:
        _private(path if password else Path(password_file).expanduser())
    if password_file:
        try:
            password = Path(password_file).expanduser().read_text(encoding="utf-8").strip()
        except OSError as error:
            raise _problem(path, "mail.password_file", error.strerror or str(error)) from None
    sender = _text(path, table, "mail", "sender", _text(path, table, "mail", "username"))
    if not sender:
        raise _problem(path, "mail.sender", _("must not be empty (the From address)"))
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
    return Mail(host=host, port=int(_number(path, table, "mail", "port", default_port, 1, 65535)), security=security,
                username=_text(path, table, "mail", "username"), password=password, sender=sender,
                timeout=float(_number(path, table, "mail", "timeout", 30, 1, 600)))


def _private(path: Path) -> None:
    """A file holding the mail password must be its owner's alone."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # reported when it is read
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidInput("config", _("{path} holds the mail password and others can read it; chmod 600 {path}").format(
            path=path), label=path.name)


def check_webhook(url: str, config: Config, field: str = "webhook", label: str | None = None) -> None:
    """A robot's address must be https (http only to this machine, when the config allows it)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and config.allow_http_loopback and is_loopback(parts.hostname):
        return
    raise InvalidInput(field, _("must be an address starting with https://"), label=label)
