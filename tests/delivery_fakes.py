"""Real servers on this machine standing in for the outside world: an SMTP server
(aiosmtpd) and an HTTP server that answers like the WeCom, DingTalk and Feishu robots,
checking the access token and verifying the signatures as those platforms do."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """aiosmtpd on 127.0.0.1:``port``; ``messages`` holds what it received, parsed."""

    def __init__(self, port: int | None = None, refuse: set[str] = frozenset()):
        from aiosmtpd.controller import Controller

        self.port = port or free_port()
        self.messages: list = []
        self.refuse = set(refuse)
        outer = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address in outer.refuse:
                    return "550 no such mailbox"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                outer.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
                return "250 Message accepted"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class RobotServer:
    """One HTTP server for the three robots, told the tokens and secrets it knows:
    ``/cgi-bin/webhook/send?key=K`` (WeCom), ``/robot/send?access_token=T&timestamp=&sign=``
    (DingTalk), ``/open-apis/bot/v2/hook/T`` (Feishu). ``fail`` makes the next N requests
    answer HTTP 500; ``delay`` slows every answer (to make senders overlap)."""

    def __init__(self, secrets: dict[str, str | None] | None = None, delay: float = 0.0):
        self.secrets = dict(secrets or {})  # token → signing secret (None: not signed)
        self.received: list[dict] = []
        self.fail = 0
        self.delay = delay
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                status, answer = outer.answer(self.path, body)
                if outer.delay:
                    time.sleep(outer.delay)
                data = json.dumps(answer).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            daemon_threads = True  # a slow answer to a killed client does not hold the test up
            block_on_close = False

            def handle_error(self, request, client_address):
                pass  # a client that went away (the killed sender): nothing to report

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"

    def answer(self, path: str, body: dict) -> tuple[int, dict]:
        with self.lock:
            if self.fail:
                self.fail -= 1
                return 500, {"error": "try later"}
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/cgi-bin/webhook/send":
            ok = query.get("key") in self.secrets
            result = {"errcode": 0, "errmsg": "ok"} if ok else {"errcode": 93000, "errmsg": "invalid webhook url"}
            platform, text = "wecom", body.get("text", {}).get("content")
        elif parts.path == "/robot/send":
            token = query.get("access_token")
            ok = token in self.secrets and self.dingtalk_ok(self.secrets[token], query)
            result = {"errcode": 0, "errmsg": "ok"} if ok else {"errcode": 310000, "errmsg": "sign not match"}
            platform, text = "dingtalk", body.get("text", {}).get("content")
        elif parts.path.startswith("/open-apis/bot/v2/hook/"):
            token = parts.path.rpartition("/")[2]
            ok = token in self.secrets and self.feishu_ok(self.secrets[token], body)
            result = {"code": 0, "msg": "success"} if ok else {"code": 19021, "msg": "sign match fail"}
            platform, text = "feishu", body.get("content", {}).get("text")
        else:
            return 404, {"error": "not found"}
        if ok:
            with self.lock:
                self.received.append({"platform": platform, "path": path, "body": body, "text": text})
        return 200, result

    @staticmethod
    def dingtalk_ok(secret: str | None, query: dict) -> bool:
        if secret is None:
            return "sign" not in query
        stamp = query.get("timestamp", "")
        expected = base64.b64encode(hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest())
        # parse_qs already decoded the sign once, as DingTalk's server does.
        return hmac.compare_digest(expected.decode(), query.get("sign", "")) and stamp.isdigit()

    @staticmethod
    def feishu_ok(secret: str | None, body: dict) -> bool:
        if secret is None:
            return "sign" not in body
        stamp = body.get("timestamp", "")
        expected = base64.b64encode(hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
        return hmac.compare_digest(expected, body.get("sign", ""))

    def __enter__(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def config_text(*, smtp_port: int | None = None, max_attempts: int = 3, backoff: int = 60, lease: int = 600,
                batch: int = 20) -> str:
    mail = (f'[mail]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\n'
            f'sender = "General Office <office@example.org>"\ntimeout = 5\n\n') if smtp_port else ""
    return (mail + f"[delivery]\nmax_attempts = {max_attempts}\nbackoff_seconds = {backoff}\nlease_seconds = {lease}\n"
            f"batch = {batch}\nrobot_timeout = 5\nallow_http_loopback = true\n")


