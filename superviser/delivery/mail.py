"""Mail through SMTP, with the standard library: STARTTLS (or TLS from the start),
a login if the config has one. The password is never put in a message or the log."""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime

from superviser import clock
from superviser.delivery.config import Config, Mail
from superviser.delivery.errors import DeliveryError
from superviser.delivery.masking import scrub
from superviser.i18n import _


def message_id(key: str) -> str:
    """The same for every try of one message, so a mail server can tell a repeat."""
    return f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@superviser>"


def build(settings: Mail, *, to: str, subject: str, body: str, key: str, reply_to: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = message_id(key)
    message["Auto-Submitted"] = "auto-generated"  # no out-of-office replies to a notice
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(body)
    return message


def configured(config: Config) -> Mail:
    """The mail settings, or why there is no mail."""
    if config.mail is None:
        raise DeliveryError(_("mail is not set up: add a [mail] section to {path}").format(
            path=config.path or "delivery.toml"))
    return config.mail


def send(settings: Mail, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    try:
        if settings.security == "ssl":
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with smtp:
            if settings.security == "starttls":
                smtp.starttls(context=context)
            if settings.username:
                smtp.login(settings.username, settings.password)
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _reply in error.recipients.values()]
        raise DeliveryError(_reason(settings, _("the mail server refused the address ({detail})").format(
            detail="; ".join(f"{code} {reply.decode('utf-8', 'replace')}" for code, reply in error.recipients.values()))),
            permanent=all(500 <= code < 600 for code in codes)) from None
    except smtplib.SMTPAuthenticationError as error:
        raise DeliveryError(_reason(settings, _("the mail server refused the login ({code})").format(
            code=error.smtp_code))) from None
    except smtplib.SMTPResponseException as error:
        reply = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
        raise DeliveryError(_reason(settings, _("the mail server answered {code} {reply}").format(
            code=error.smtp_code, reply=reply)), permanent=500 <= error.smtp_code < 600) from None
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(_reason(settings, _("could not reach the mail server {host}:{port} ({error})").format(
            host=settings.host, port=settings.port, error=error.strerror if isinstance(error, OSError) and error.strerror
            else error))) from None


def _reason(settings: Mail, reason: str) -> str:
    return scrub(" ".join(reason.split()), settings.password)
