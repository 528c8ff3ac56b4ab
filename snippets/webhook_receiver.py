"""A WhatsApp webhook endpoint fit for the internet. Standard library only; put it behind HTTPS.

    WHATSAPP_VERIFY_TOKEN=... META_APP_SECRET=... python webhook_receiver.py 8080

Public API (copy graph_errors.py and graph_error_actions.json beside this file):

    server = make_server(port, verify_token, app_secret,
                         on_message=print_message, on_status=print_status, host="")
    server.serve_forever()

- on_message(message: dict) is called for every entry[].changes[].value.messages[] item.
- on_status(status: dict, decision: graph_errors.Decision | None) is called for every
  entry[].changes[].value.statuses[] item (sent, delivered, read, failed...). For a `failed`
  status, `decision` is graph_errors.classify(status["errors"][0]): what to do about the failure.
  For the other statuses it is None. No status is dropped.

What it does with each request, in this order:

1. A GET is Meta's verification request: the challenge is echoed only for our verify token.
2. A POST larger than MAX_BODY (1 MB) is refused with 413 before its body is read (by its
   Content-Length, or while reading a chunked body); a POST with neither gets 411.
3. The X-Hub-Signature-256 header is checked over the raw body (403 if it does not match).
4. A signed event that is not JSON, or lacks the fields read here, gets 400 and is logged
   without its content (events carry customers' phone numbers and messages).
5. The handlers run; only when all of them returned is the event acknowledged with 200. A handler
   that raises gets 500, so Meta delivers the event again: make handlers idempotent (use the
   message or status `id` to skip what you already handled).

Each connection must deliver its request within REQUEST_DEADLINE (10 s); at most MAX_CONNECTIONS
(32) are served at once and more get 503 at once, so idle or slow clients cannot exhaust threads
or memory.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

try:  # imported as a package module (python -m snippets.webhook_receiver, or from your code)
    from . import graph_errors
except ImportError:  # run as a script beside graph_errors.py (python webhook_receiver.py)
    import graph_errors  # type: ignore[no-redef,import-not-found]

MAX_BODY = 1_000_000  # bytes; Meta's notifications are a few kilobytes
REQUEST_DEADLINE = 10.0  # seconds for a client to send its whole request
MAX_CONNECTIONS = 32

log = logging.getLogger("webhook_receiver")

MessageHandler = Callable[[dict[str, Any]], None]
StatusHandler = Callable[[dict[str, Any], "graph_errors.Decision | None"], None]


def subscription_challenge(query: str, verify_token: str) -> str | None:
    """Meta's verification GET: echo hub.challenge only if the verify token is ours."""
    params = parse_qs(query)
    mode = params.get("hub.mode", [""])[0]
    token = params.get("hub.verify_token", [""])[0]
    if mode == "subscribe" and hmac.compare_digest(token.encode(), verify_token.encode()):
        return params.get("hub.challenge", [""])[0]
    return None


def signature_is_valid(body: bytes, header: str | None, app_secret: str) -> bool:
    """X-Hub-Signature-256 is "sha256=" + HMAC-SHA256(raw body, app secret). Compare in constant time,
    over the raw bytes: re-serialised JSON would not match."""
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), (header or "").encode())


class MalformedEvent(ValueError):
    """A signed event without the shape this receiver reads. The text names the field, never its content."""


def _items(value: dict[str, Any], key: str, where: str, required: tuple[str, ...]) -> list[dict[str, Any]]:
    items = value.get(key, [])
    if not isinstance(items, list):
        raise MalformedEvent(f"{where}.{key} is not a list")
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not all(isinstance(item.get(field), str) for field in required):
            raise MalformedEvent(f"{where}.{key}[{index}] lacks {' or '.join(required)}")
    return items


def parse_event(payload: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The (messages, statuses) of a notification, every item checked before any handler runs."""
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise MalformedEvent("the event has no entry list")
    messages: list[dict[str, Any]] = []
    statuses: list[dict[str, Any]] = []
    for e, entry in enumerate(payload["entry"]):
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if not isinstance(changes, list):
            raise MalformedEvent(f"entry[{e}] has no changes list")
        for c, change in enumerate(changes):
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                raise MalformedEvent(f"entry[{e}].changes[{c}] has no value object")
            where = f"entry[{e}].changes[{c}].value"
            found = _items(value, "messages", where, ("id", "type")), _items(value, "statuses", where, ("id", "status"))
            messages += found[0]
            statuses += found[1]
            if not any(found):
                log.info("event field %r carries no messages or statuses; not handled here", change.get("field"))
    return messages, statuses


def status_decision(status: dict[str, Any]) -> graph_errors.Decision | None:
    """For a `failed` status, what graph_errors says to do about its first error; None otherwise."""
    if status["status"] != "failed":
        return None
    errors = status.get("errors")
    return graph_errors.classify(errors[0] if isinstance(errors, list) and errors else None)


def print_message(message: dict[str, Any]) -> None:
    """The default on_message: one line per message, without the customer's number or text."""
    print(f"message {message['id']}: {message['type']}")


def print_status(status: dict[str, Any], decision: graph_errors.Decision | None) -> None:
    """The default on_status. Replace it to update your records; a `failed` one says what to do."""
    line = f"status {status['id']}: {status['status']}"
    if decision is not None:
        line += f" (code {decision.code}: {decision.action})"
    print(line)


class WebhookServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer with a cap on concurrent connections and a per-request deadline."""

    daemon_threads = True
    request_queue_size = 128  # the listen backlog: room for a burst of Meta's deliveries

    def __init__(
        self,
        address: tuple[str, int],
        verify_token: str,
        app_secret: str,
        on_message: MessageHandler,
        on_status: StatusHandler,
        max_body: int = MAX_BODY,
        max_connections: int = MAX_CONNECTIONS,
        request_deadline: float = REQUEST_DEADLINE,
    ) -> None:
        super().__init__(address, WebhookHandler)
        self.verify_token, self.app_secret = verify_token, app_secret
        self.on_message, self.on_status = on_message, on_status
        self.max_body, self.request_deadline = max_body, request_deadline
        self._slots = threading.BoundedSemaphore(max_connections)
        self._reading: dict[socket.socket, float] = {}  # connections still sending, and their deadlines
        self._lock = threading.Lock()
        self._closed = threading.Event()
        threading.Thread(target=self._reap, name="webhook-reaper", daemon=True).start()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):  # full: refuse now instead of queueing threads
            try:
                request.settimeout(1)
                request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 5\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        with self._lock:
            self._reading[request] = time.monotonic() + self.request_deadline
        try:
            super().process_request(request, client_address)
        except Exception:
            self._release(request)
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._release(request)

    def request_read(self, request: socket.socket) -> None:
        """The request is in: the deadline no longer applies while the handlers run."""
        with self._lock:
            self._reading.pop(request, None)

    def _release(self, request: socket.socket) -> None:
        self.request_read(request)
        self._slots.release()

    def _reap(self) -> None:
        # A socket timeout bounds each read; this bounds the whole request, against one-byte drips.
        while not self._closed.wait(0.2):
            now = time.monotonic()
            with self._lock:
                late = [sock for sock, deadline in self._reading.items() if deadline < now]
                for sock in late:
                    del self._reading[sock]
            for sock in late:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def server_close(self) -> None:
        self._closed.set()
        super().server_close()


class WebhookHandler(BaseHTTPRequestHandler):
    server: WebhookServer

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.request_deadline)  # per read; the reaper bounds the request

    def do_GET(self) -> None:
        challenge = subscription_challenge(urlsplit(self.path).query, self.server.verify_token)
        self.server.request_read(self.request)
        self._reply(200 if challenge is not None else 403, challenge or "verify token mismatch")

    def do_POST(self) -> None:
        body = self._read_body()
        self.server.request_read(self.request)
        if body is None:
            return  # already answered
        if not signature_is_valid(body, self.headers.get("X-Hub-Signature-256"), self.server.app_secret):
            self._reply(403, "bad signature")
            return
        try:
            messages, statuses = parse_event(json.loads(body))
        except (ValueError, RecursionError) as exc:  # MalformedEvent, or not JSON
            reason = str(exc) if isinstance(exc, MalformedEvent) else "not JSON"
            log.warning("refused a signed event: %s", reason)  # the reason, never the content
            self._reply(400, "malformed event")
            return
        try:
            for message in messages:
                self.server.on_message(message)
            for status in statuses:
                self.server.on_status(status, status_decision(status))
        except Exception as exc:  # noqa: BLE001 - any handler failure must make Meta redeliver
            log.error("a handler failed (%s); answered 500 so that Meta delivers the event again", type(exc).__name__)
            self._reply(500, "handler failed")
            return
        self._reply(200, "ok")

    def _read_body(self) -> bytes | None:
        """The raw body, or None after answering 411/413/400. Nothing over max_body is ever read."""
        limit = self.server.max_body
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked(limit)
        length = self.headers.get("Content-Length")
        if length is None:
            self._reply(411, "Content-Length required")
            return None
        if not (length.strip().isascii() and length.strip().isdecimal()):  # "²" is a digit to isdigit()
            self._reply(400, "bad Content-Length")
            return None
        if int(length) > limit:
            self._reply(413, f"body over {limit} bytes")
            return None
        body = self.rfile.read(int(length))
        if len(body) != int(length):
            self.close_connection = True
            return None  # the client went away mid-body
        return body

    def _read_chunked(self, limit: int) -> bytes | None:
        body = bytearray()
        while True:
            size_line = self.rfile.readline(100).split(b";")[0].strip()
            # Hex digits only: int(x, 16) also takes "-5", "+a", "0x10" and "1_0".
            if not re.fullmatch(rb"[0-9A-Fa-f]{1,8}", size_line):
                self._reply(400, "bad chunk")
                return None
            size = int(size_line, 16)
            if len(body) + size > limit:
                self._reply(413, f"body over {limit} bytes")
                return None
            if size == 0:
                self.rfile.readline(100)
                return bytes(body)
            chunk = self.rfile.read(size)
            if len(chunk) != size:
                self.close_connection = True
                return None
            body += chunk
            self.rfile.readline(100)  # the CRLF after each chunk

    def _reply(self, status: int, text: str) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        if status >= 400:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            pass  # the client left; nothing to tell it

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # The standard error page quotes the request line (query string and verify token included),
        # and a one-word request line would get no status line at all (HTTP/0.9): neither, here.
        self.request_version = "HTTP/1.0"
        super().send_error(code, None, None)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # The path only: the query string carries hub.verify_token.
        log.info("%s %s -> %s", getattr(self, "command", "-"), urlsplit(getattr(self, "path", "")).path, code)

    def log_error(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        # The arguments can hold the raw request line (query string included): log the kind of error only.
        log.warning("rejected a request: %s", format.split("%")[0].strip(" :'\"") or "malformed")


def make_server(
    port: int,
    verify_token: str,
    app_secret: str,
    on_message: MessageHandler = print_message,
    on_status: StatusHandler = print_status,
    host: str = "",
    max_body: int = MAX_BODY,
    max_connections: int = MAX_CONNECTIONS,
    request_deadline: float = REQUEST_DEADLINE,
) -> WebhookServer:
    """A server ready for serve_forever() (port 0: a free port, see server.server_address)."""
    return WebhookServer(
        (host, port), verify_token, app_secret, on_message, on_status, max_body, max_connections, request_deadline
    )


if __name__ == "__main__":
    missing = [name for name in ("WHATSAPP_VERIFY_TOKEN", "META_APP_SECRET") if not os.environ.get(name)]
    if missing:
        raise SystemExit(f"Set {', '.join(missing)} in the environment first (never in code).")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    make_server(port, os.environ["WHATSAPP_VERIFY_TOKEN"], os.environ["META_APP_SECRET"]).serve_forever()
