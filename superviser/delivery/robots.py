"""The group robots of WeCom (企业微信), DingTalk (钉钉) and Feishu (飞书): one HTTPS
POST of JSON each, with the standard library. DingTalk and Feishu sign each request
with the robot's secret (HMAC-SHA256 over the timestamp and the secret); the webhook
address itself holds the access token, so neither ever appears in a reason."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from urllib.parse import parse_qsl, urlencode, urlsplit

from superviser import clock
from superviser.delivery.errors import DeliveryError
from superviser.delivery.masking import scrub
from superviser.i18n import _

NAMES = {"wecom": "WeCom", "dingtalk": "DingTalk", "feishu": "Feishu"}


def dingtalk_sign(timestamp_ms: int, secret: str) -> str:
    """DingTalk: base64(HMAC-SHA256(key=secret, "timestamp\\nsecret"))."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(timestamp_s: int, secret: str) -> str:
    """Feishu: base64(HMAC-SHA256(key="timestamp\\nsecret", empty message))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def request(kind: str, webhook: str, secret: str | None, text: str, mentions: list[str]) -> tuple[str, dict]:
    """The address to POST to and the JSON to send."""
    now = clock.now()
    if kind == "wecom":
        body = {"msgtype": "text", "text": {"content": text, "mentioned_mobile_list": mentions}}
        return webhook, body
    if kind == "dingtalk":
        # DingTalk shows a mention only when the number is also in the text.
        content = text + ("\n" + " ".join(f"@{m}" for m in mentions) if mentions else "")
        body = {"msgtype": "text", "text": {"content": content}, "at": {"atMobiles": mentions, "isAtAll": False}}
        if secret:
            stamp = int(now.timestamp() * 1000)
            webhook += ("&" if "?" in webhook else "?") + urlencode({"timestamp": stamp, "sign": dingtalk_sign(stamp, secret)})
        return webhook, body
    if kind == "feishu":
        body = {"msg_type": "text", "content": {"text": text}}
        if secret:
            stamp = int(now.timestamp())
            body = {"timestamp": str(stamp), "sign": feishu_sign(stamp, secret), **body}
        return webhook, body
    raise ValueError(kind)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A robot's answer is never a redirect; following one could carry the token elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _secrets(webhook: str, secret: str | None) -> list[str]:
    parts = urlsplit(webhook)
    found = [webhook, secret or ""] + [value for _name, value in parse_qsl(parts.query) if len(value) > 8]
    last = parts.path.rstrip("/").rpartition("/")[2]
    return found + ([last] if len(last) > 8 else [])


def send(kind: str, webhook: str, secret: str | None, text: str, mentions: list[str], timeout: float) -> None:
    url, body = request(kind, webhook, secret, text, mentions)
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    post = urllib.request.Request(url, data=data, method="POST",
                                  headers={"Content-Type": "application/json; charset=utf-8"})
    name = NAMES[kind]
    hidden = _secrets(webhook, secret)

    def fail(reason: str, permanent: bool = False) -> DeliveryError:
        return DeliveryError(scrub(" ".join(reason.split()), *hidden), permanent=permanent)

    try:
        with _opener.open(post, timeout=timeout) as response:
            answer = response.read(65536)
    except urllib.error.HTTPError as error:
        permanent = 400 <= error.code < 500 and error.code not in (408, 429)
        raise fail(_("the {robot} robot answered HTTP {code} {reason}").format(
            robot=name, code=error.code, reason=error.reason), permanent) from None
    except urllib.error.URLError as error:
        raise fail(_("could not reach the {robot} robot ({error})").format(robot=name, error=error.reason)) from None
    except (OSError, ValueError) as error:
        raise fail(_("could not reach the {robot} robot ({error})").format(robot=name, error=error)) from None
    try:
        result = json.loads(answer.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise fail(_("the {robot} robot's answer is not JSON").format(robot=name)) from None
    if not isinstance(result, dict):
        raise fail(_("the {robot} robot's answer is not JSON").format(robot=name))
    # WeCom and DingTalk answer {"errcode": 0}; Feishu {"code": 0} (older robots: {"StatusCode": 0}).
    code = result.get("errcode", result.get("code", result.get("StatusCode")))
    if code != 0:
        message = result.get("errmsg", result.get("msg", result.get("StatusMessage", "")))
        raise fail(_("the {robot} robot refused the message: {code} {message}").format(
            robot=name, code=code, message=message))
