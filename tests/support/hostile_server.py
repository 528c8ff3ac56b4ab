"""Servers that misbehave the way networks, proxies and Graph do, on loopback raw sockets.

A HostileServer answers every request with one named behaviour from BEHAVIOURS and records what
it received (method, path, headers, body), so tests can count POSTs. Each instance has its own
state: tests create one per case through the `hostile_server` factory fixture in conftest.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from mockgraph import DEMO_APP

WABA_ID, PHONE_ID = "200000000000001", "300000000000001"
HOSTILE_BUSINESS_TOKEN = "PLACEHOLDER-business-token-from-a-hostile-server"  # never a real token shape
HOSTILE_SYSTEM_USER_TOKEN = "PLACEHOLDER-system-user-token-from-a-hostile-server"
HOLD_SECONDS = 5.0  # how long "silent" behaviours keep a connection open; far past any test deadline


@dataclass
class Received:
    method: str
    path: str  # with the query string
    headers: dict[str, str]
    body: bytes


def healthy(request: Received) -> tuple[int, dict]:
    """What Graph answers a healthy System User token, per path."""
    path = request.path.split("?", 1)[0]
    if path.endswith("/debug_token"):
        scopes = ["whatsapp_business_management", "whatsapp_business_messaging"]
        data = {"app_id": DEMO_APP.id, "type": "SYSTEM_USER", "application": DEMO_APP.name, "expires_at": 0}
        data |= {"is_valid": True, "scopes": scopes, "granular_scopes": [{"scope": s} for s in scopes]}
        return 200, {"data": data}
    if path.endswith("/me/permissions"):
        return 200, {"data": [{"permission": "whatsapp_business_messaging", "status": "granted"}]}
    if path.endswith("/oauth/access_token"):  # an Embedded Signup code exchanged
        return 200, {"access_token": HOSTILE_BUSINESS_TOKEN, "token_type": "bearer"}
    if request.method == "POST" and path.endswith("/access_tokens"):  # a system user's next token
        return 200, {"access_token": HOSTILE_SYSTEM_USER_TOKEN}
    if request.method == "POST" and path.endswith("/register"):  # a number registered
        return 200, {"success": True}
    if path.endswith("/subscribed_apps"):
        if request.method == "POST":
            return 200, {"success": True}
        return 200, {"data": [{"whatsapp_business_api_data": {"id": DEMO_APP.id, "name": DEMO_APP.name}}]}
    if request.method == "POST" and path.endswith("/messages"):
        contacts = [{"input": "+15550100123", "wa_id": "15550100123"}]
        return 200, {"messaging_product": "whatsapp", "contacts": contacts, "messages": [{"id": "wamid.HOSTILE0001"}]}
    return 200, {"id": path.rsplit("/", 1)[-1]}


def graph_error(code: int, subcode: int | None = None, message: str = "Graph says no.") -> dict:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AhostileTrace"}
    error["error_data"] = {"messaging_product": "whatsapp", "details": message}
    if subcode:
        error["error_subcode"] = subcode
    return {"error": error}


def response(status: int, body: bytes | str | dict | list | None, headers: dict[str, str] | None = None) -> bytes:
    if body is None or isinstance(body, (dict, list)):
        payload, kind = json.dumps(body).encode(), "application/json"
    else:
        payload, kind = (body.encode() if isinstance(body, str) else body or b""), "text/html"
    lines = [f"HTTP/1.1 {status} Hostile", f"Content-Type: {kind}", f"Content-Length: {len(payload)}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


class Connection:
    """What a behaviour can do with one client connection."""

    def __init__(self, sock: socket.socket, server: HostileServer) -> None:
        self.sock, self.server = sock, server

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def drip(self, data: bytes, every: float = 0.1) -> None:
        for byte in data:
            if self.server.stopping.wait(every):
                return
            self.sock.sendall(bytes([byte]))

    def hold(self) -> None:
        self.server.stopping.wait(HOLD_SECONDS)

    def reset(self) -> None:
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


Behaviour = Callable[[Received, Connection, int], None]  # (request, connection, index of this request)


def answer(status: int, body: object, headers: dict[str, str] | None = None) -> Behaviour:
    return lambda request, conn, n: conn.send(response(status, body, headers))  # type: ignore[arg-type]


def per_path(on_debug_token: Behaviour, otherwise: Behaviour) -> Behaviour:
    def behave(request: Received, conn: Connection, n: int) -> None:
        (on_debug_token if "/debug_token" in request.path else otherwise)(request, conn, n)

    return behave


def first_then_healthy(first: Behaviour) -> Behaviour:
    """The first request of each path gets `first`, later ones a healthy answer."""

    def behave(request: Received, conn: Connection, n: int) -> None:
        path = request.path.split("?", 1)[0]
        if sum(1 for r in conn.server.received if r.path.split("?", 1)[0] == path) == 1:
            first(request, conn, n)
        else:
            conn.send(response(*healthy(request)))

    return behave


def ok(request: Received, conn: Connection, n: int) -> None:
    conn.send(response(*healthy(request)))


def echo(request: Received, conn: Connection, n: int) -> None:
    """A gateway that echoes the whole request (query string and Authorization header) in its error."""
    seen = f"{request.method} {request.path} " + " ".join(f"{k}: {v}" for k, v in request.headers.items())
    conn.send(response(400, graph_error(100, message=f"Gateway saw: {seen}")))


def drip_body(request: Received, conn: Connection, n: int) -> None:
    body = json.dumps(healthy(request)[1]).encode() + b" " * 200
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    conn.send(head)
    conn.drip(body)


def drip_headers(request: Received, conn: Connection, n: int) -> None:
    conn.drip(response(*healthy(request)))


def huge(request: Received, conn: Connection, n: int) -> None:
    body = b'{"data": [' + b'"x",' * 750_000 + b'"x"]}'  # 3 MB of valid JSON
    conn.send(response(200, body))


def reset_after_request(request: Received, conn: Connection, n: int) -> None:
    conn.reset()


def close_after_request(request: Received, conn: Connection, n: int) -> None:
    pass  # closing without a word: the client sees the connection end


def silent(request: Received, conn: Connection, n: int) -> None:
    conn.hold()


def redirect(status: int) -> Behaviour:
    def behave(request: Received, conn: Connection, n: int) -> None:
        location = f"{conn.server.redirect_target}{request.path}"
        conn.send(response(status, b"", {"Location": location}))

    return behave


PLAIN_HTML_502 = "<html><body><h1>502 Bad Gateway</h1></body></html>"

BEHAVIOURS: dict[str, Behaviour] = {
    "healthy": ok,
    "reset-after-request": reset_after_request,
    "close-after-request": close_after_request,
    "read-timeout": silent,
    "drip-body-1-byte": drip_body,
    "drip-headers-1-byte": drip_headers,
    "html-502": answer(502, PLAIN_HTML_502),
    "non-json-200": answer(200, "OK, forwarded"),
    "empty-200": answer(200, b""),
    "empty-object-200": answer(200, {}),
    "json-list-200": answer(200, [{"id": "wamid.X"}]),
    "json-null-200": answer(200, None),
    "wrong-types-200": answer(200, {"data": {"is_valid": "yes", "app_id": 1, "scopes": "all"}, "messages": [{"id": 7}]}),
    "missing-keys-200": answer(200, {"data": {"is_valid": True}, "messages": [{}]}),
    "error-null-200": answer(200, {"error": None}),
    "redirect-301": redirect(301),
    "redirect-302": redirect(302),
    "redirect-307": redirect(307),
    "huge-body-200": huge,
    "429-retry-after-15": answer(429, graph_error(4), {"Retry-After": "15"}),
    "429-retry-after-3600": answer(429, graph_error(4), {"Retry-After": "3600"}),
    "429-plain": answer(429, "Too Many Requests"),
    "500-graph-code-2": answer(500, graph_error(2)),
    "500-plain": answer(500, b""),
    "502-graph-code-2": answer(502, graph_error(2)),
    "502-plain-html": answer(502, PLAIN_HTML_502),
    "503-graph-code-2": answer(503, graph_error(2)),
    "503-plain": answer(503, b""),
    "throttled-forever-130429": answer(400, graph_error(130429)),
    "190-463-expired": per_path(
        answer(200, {"data": {"is_valid": False, "error": {"code": 190, "subcode": 463, "message": "Expired."}}}),
        answer(401, graph_error(190, 463)),
    ),
    "190-467-invalid": per_path(
        answer(200, {"data": {"is_valid": False, "error": {"code": 190, "subcode": 467, "message": "Invalid."}}}),
        answer(401, graph_error(190, 467)),
    ),
    "190-on-debug-token": per_path(answer(400, graph_error(190, message="Invalid OAuth access token.")), ok),
    "200-with-subcode": answer(200, graph_error(100, 33)),
    "code-10": answer(403, graph_error(10)),
    "code-100": answer(400, graph_error(100)),
    "code-131047": answer(400, graph_error(131047)),
    "code-131026": answer(400, graph_error(131026)),
    "echoing-gateway": echo,
}


def throttled_once(code: int) -> Behaviour:
    return first_then_healthy(answer(400, graph_error(code)))


@dataclass
class HostileServer:
    """One misbehaving server on 127.0.0.1. `tls_garbage=True` answers every connection with bytes
    that are not TLS, for clients that speak https to it."""

    behaviour: Behaviour
    tls_garbage: bool = False
    host: str = "127.0.0.1"
    redirect_target: str = "http://127.0.0.2:9"
    received: list[Received] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.listener = socket.create_server((self.host, 0))
        self.listener.settimeout(0.5)
        self.port = self.listener.getsockname()[1]
        self.clients: list[socket.socket] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._accept, daemon=True, name="hostile-server")
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls_garbage else 'http'}://{self.host}:{self.port}"

    def posts(self) -> int:
        return sum(1 for r in self.received if r.method == "POST")

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            with self.lock:
                self.clients.append(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            sock.settimeout(HOLD_SECONDS)
            if self.tls_garbage:
                sock.recv(4096)
                sock.sendall(b"\x15\x03\x03\x00\x02garbage, not a TLS record\r\n" * 4)
                return
            request = _read_request(sock)
            if request is None:
                return
            with self.lock:
                self.received.append(request)
                index = len(self.received)
            self.behaviour(request, Connection(sock, self), index)
        except OSError:
            pass
        finally:
            sock.close()

    def stop(self) -> None:
        self.stopping.set()
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() below at once (Linux)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for sock in self.clients:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self.thread.join(timeout=2)


def _read_request(sock: socket.socket) -> Received | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        return None
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    length = int(headers.get("Content-Length", headers.get("content-length", "0")) or 0)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return Received(parts[0], parts[1], headers, body)


def closed_port() -> int:
    """A loopback port where nothing listens: connection refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Callable[[], bool], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
