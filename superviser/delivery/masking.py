"""Secrets shown without being given away: a webhook address carries its access
token, so people see ``https://qyapi.weixin.qq.com/…key=ab…9f``, never the whole."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit


def mask(value: str | None) -> str:
    """``ab…9f``: enough to tell two secrets apart, too little to use one."""
    if not value:
        return ""
    return f"{value[:2]}…{value[-2:]}" if len(value) > 8 else "…"


def mask_url(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    shown = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/…"
    query = parse_qsl(parts.query, keep_blank_values=True)
    if query:
        name, value = query[-1]
        return f"{shown}{name}={mask(value)}"
    last = parts.path.rstrip("/").rpartition("/")[2]
    return f"{shown}{mask(last)}"


def scrub(text: str, *secrets: str | None) -> str:
    """``text`` with every secret (and its URL-quoted form) replaced by its mask."""
    from urllib.parse import quote, quote_plus

    for secret in secrets:
        if not secret:
            continue
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            text = text.replace(form, mask(secret))
    return text
