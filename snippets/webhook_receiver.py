"""A WhatsApp webhook endpoint fit for the internet: verify, store durably, answer 200, then handle.
Standard library only; put it behind HTTPS.

    WHATSAPP_VERIFY_TOKEN=... META_APP_SECRET=... python webhook_receiver.py 8080 [--inbox PATH]
    python webhook_receiver.py --inbox PATH --dead-letters          # list them, one JSON line each
    python webhook_receiver.py --inbox PATH --replay KEY [KEY...]   # or --replay-all

Copy these files together: webhook_receiver.py, webhook_events.py (keys), webhook_inbox.py (the
SQLite inbox), webhook_worker.py (hooks, retries), graph_errors.py and graph_error_actions.json.
`--inbox postgresql://...` uses webhook_inbox_pg.py instead (needs psycopg 3): several receivers
can then share one inbox.

What it does with each request, in this order:

1. A GET is Meta's verification request: the challenge is echoed only for our verify token.
2. A POST larger than MAX_BODY (Meta: payloads "can be up to 3 MB") is refused with 413 before its
   body is read (by its Content-Length, or while reading a chunked body); one with neither gets 411.
3. The X-Hub-Signature-256 header is checked over the raw body (403 if it does not match).
4. A signed event that is not JSON, or lacks the fields read here, gets 400 and is logged
   without its content (events carry customers' phone numbers and messages).
5. The raw body and its events (webhook_events.parse_event) are appended to the inbox and
   committed to disk; only then the answer is 200, however long the hooks take. If the inbox
   cannot store it, the answer is 503 and Meta delivers it again.
6. Workers hand each event to its hook once per key (webhook_worker.py); a field without a hook
   is logged by name, once per notification that carries it ("unhandled webhook field").

Each connection must deliver its request within REQUEST_DEADLINE (10 s); at most MAX_CONNECTIONS
(32) are served at once and more get 503 at once, so idle or slow clients cannot exhaust threads
or memory. SIGTERM stops accepting, lets each worker finish its event, flushes and exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import logging
import os
import re
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

try:  # imported as a package module (python -m snippets.webhook_receiver, or from your code)
    from .webhook_events import MalformedEvent, parse_event
    from .webhook_inbox import SQLiteInbox, default_path
    from .webhook_worker import Hooks, Inbox, Workers
except ImportError:  # run as a script beside the other files (python webhook_receiver.py)
    from webhook_events import MalformedEvent, parse_event  # type: ignore[no-redef,import-not-found]
    from webhook_inbox import SQLiteInbox, default_path  # type: ignore[no-redef,import-not-found]
    from webhook_worker import Hooks, Inbox, Workers  # type: ignore[no-redef,import-not-found]

# Meta: "Webhook payloads can be up to 3 MB" (data/guide.yaml, webhooks.max_payload). 3 MiB, so
# that either reading of "MB" fits.
MAX_BODY = 3 * 1024 * 1024
REQUEST_DEADLINE = 10.0  # seconds for a client to send its whole request
MAX_CONNECTIONS = 32

log = logging.getLogger("webhook_receiver")


def subscription_challenge(query: str, verify_token: str) -> str | None:
    """Meta's verification GET: echo hub.challenge only if the verify token is ours. A missing or
    empty hub.verify_token never matches, not even an empty verify token of ours."""
    params = {name: values[0] for name, values in parse_qs(query).items()}  # blank values are dropped
    token = params.get("hub.verify_token")
    if params.get("hub.mode") == "subscribe" and token is not None and hmac.compare_digest(token.encode(), verify_token.encode()):
        return params.get("hub.challenge", "")
    return None


def signature_is_valid(body: bytes, header: str | None, app_secret: str) -> bool:
    """X-Hub-Signature-256 is "sha256=" + HMAC-SHA256(raw body, app secret). Compare in constant time,
    over the raw bytes: re-serialised JSON would not match."""
    if header is None:  # no signature at all
        return False
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.encode())


class WebhookServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer with a cap on concurrent connections and a per-request deadline."""

    daemon_threads = True
    request_queue_size = 128  # the listen backlog: room for a burst of Meta's deliveries

    def __init__(
        self,
        address: tuple[str, int],
        verify_token: str,
        app_secret: str,
        inbox: Inbox,
        workers: Workers,
        max_body: int = MAX_BODY,
        max_connections: int = MAX_CONNECTIONS,
        request_deadline: float = REQUEST_DEADLINE,
    ) -> None:
        super().__init__(address, WebhookHandler)
        self.verify_token, self.app_secret = verify_token, app_secret
        self.inbox, self.workers = inbox, workers
        self.max_body, self.request_deadline = max_body, request_deadline
        self._slots = threading.BoundedSemaphore(max_connections)
        # Connections still sending their request, each with the time.monotonic() by which it must be in.
        self._reading_until: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        threading.Thread(target=self._reap, name="webhook-reaper", daemon=True).start()
        workers.start()

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
            self._reading_until[request] = time.monotonic() + self.request_deadline
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

    def lift_request_deadline(self, request: socket.socket) -> None:
        """The request is fully read: its deadline no longer applies while the handlers run."""
        with self._lock:
            self._reading_until.pop(request, None)

    def _release(self, request: socket.socket) -> None:
        self.lift_request_deadline(request)
        self._slots.release()

    def _reap(self) -> None:
        # A socket timeout bounds each read; this bounds the whole request, against one-byte drips.
        while not self._closed.wait(0.2):
            now = time.monotonic()
            with self._lock:
                late = [sock for sock, until in self._reading_until.items() if until < now]
                for sock in late:
                    del self._reading_until[sock]
            for sock in late:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def server_close(self) -> None:
        """Stop listening, let each worker finish the event it holds, close the inbox."""
        self._closed.set()
        super().server_close()
        self.workers.stop()
        self.inbox.close()


class WebhookHandler(BaseHTTPRequestHandler):
    server: WebhookServer

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.request_deadline)  # per read; the reaper bounds the request

    def do_GET(self) -> None:
        challenge = subscription_challenge(urlsplit(self.path).query, self.server.verify_token)
        self.server.lift_request_deadline(self.request)
        self._reply(200 if challenge is not None else 403, challenge or "verify token mismatch")

    # --8<-- [start:acknowledge]
    def do_POST(self) -> None:
        body = self._read_body()
        self.server.lift_request_deadline(self.request)
        if body is None:
            return  # already answered
        if not signature_is_valid(body, self.headers.get("X-Hub-Signature-256"), self.server.app_secret):
            self._reply(403, "bad signature")
            return
        try:
            events = parse_event(json.loads(body))
        except (ValueError, RecursionError) as exc:  # MalformedEvent, or not JSON
            reason = str(exc) if isinstance(exc, MalformedEvent) else "not JSON"
            log.warning("refused a signed event: %s", reason)  # the reason, never the content
            self._reply(400, "malformed event")
            return
        if self.server.workers.hooks.on_change is None:  # no hook for other fields: say so, store nothing
            for field in sorted({e.field for e in events if e.kind == e.field}):
                log.info("unhandled webhook field %r: acknowledged, not stored (set on_change to handle it)", field)
            events = [e for e in events if e.kind != e.field]
        try:
            self.server.inbox.append(body, events)
        except Exception as exc:  # noqa: BLE001 - not stored means not acknowledged: Meta delivers it again
            log.error("could not store an event (%s); answered 503", type(exc).__name__)
            self._reply(503, "try again")
            return
        self.server.workers.wake()
        self._reply(200, "ok")

    # --8<-- [end:acknowledge]

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
    hooks: Hooks | None = None,
    *,
    inbox: Inbox | str | None = None,
    workers: int = 4,
    host: str = "",
    max_body: int = MAX_BODY,
    max_connections: int = MAX_CONNECTIONS,
    request_deadline: float = REQUEST_DEADLINE,
    **worker_options: Any,
) -> WebhookServer:
    """A server ready for serve_forever() (port 0: a free port, see server.server_address), its
    workers running. `inbox`: an inbox object, a SQLite path (default ./webhook-inbox.sqlite3) or a
    postgresql:// DSN. worker_options: max_tries, retry_base, report (see webhook_worker.Workers)."""
    store = open_inbox(inbox)
    pool = Workers(store, hooks or Hooks(), workers, **worker_options)
    return WebhookServer((host, port), verify_token, app_secret, store, pool, max_body, max_connections, request_deadline)


def open_inbox(inbox: Inbox | str | None, *, lock: bool = True) -> Inbox:
    if inbox is None or isinstance(inbox, str):
        where = inbox or default_path()
        if where.startswith(("postgresql://", "postgres://")):
            try:
                from .webhook_inbox_pg import PostgresInbox
            except ImportError:
                from webhook_inbox_pg import PostgresInbox  # type: ignore[no-redef,import-not-found]
            return PostgresInbox(where)
        return SQLiteInbox(where, lock=lock)
    return inbox


def main(argv: list[str], verify_token: str | None, app_secret: str | None) -> int:
    """The command line; the credentials come from the environment (see the __main__ block)."""
    parser = argparse.ArgumentParser(description="Receive WhatsApp webhooks into a durable inbox, then handle them.")
    parser.add_argument("port", nargs="?", type=int, default=8080)
    parser.add_argument("--inbox", help="SQLite file (default ./webhook-inbox.sqlite3) or a postgresql:// DSN")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--dead-letters", action="store_true", help="list dead letters (one JSON line each) and exit")
    parser.add_argument("--replay", nargs="+", metavar="KEY", help="make these dead letters due again and exit")
    parser.add_argument("--replay-all", action="store_true", help="make every dead letter due again and exit")
    args = parser.parse_args(argv)
    if args.dead_letters or args.replay or args.replay_all:  # beside a running receiver: no lock taken
        store = open_inbox(args.inbox, lock=False)
        if args.dead_letters:
            for letter in store.dead_letters():
                print(json.dumps(letter), flush=True)
        else:
            print(f"{store.replay(None if args.replay_all else args.replay)} dead letters due again", flush=True)
        store.close()
        return 0
    missing = [name for name, value in (("WHATSAPP_VERIFY_TOKEN", verify_token), ("META_APP_SECRET", app_secret)) if not value]
    if missing or not verify_token or not app_secret:
        raise SystemExit(f"Set {', '.join(missing)} in the environment first (never in code).")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    # on_change set: every field is stored and reported; replace the hooks with your own code.
    hooks = Hooks(on_change=lambda field, value: None)
    server = make_server(args.port, verify_token, app_secret, hooks, inbox=args.inbox, workers=args.workers)
    # SIGTERM (systemd, Docker): stop accepting, finish what the workers hold, flush, exit 0.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    log.info("listening on port %d", server.server_address[1])
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    server.server_close()
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], os.environ.get("WHATSAPP_VERIFY_TOKEN"), os.environ.get("META_APP_SECRET")))
