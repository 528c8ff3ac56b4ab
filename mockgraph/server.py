"""Serve GraphMock over real HTTP on 127.0.0.1 in a background thread (tests, the doctor's --mock,
the CLI), with waitress: werkzeug's development server cannot bound a chunked body, closes every
connection, and answers malformed requests with HTML or not at all (issue 13).

Transport limits, all answered in Graph's error shape: bodies over limits.MAX_BODY get 413 before
they are read (waitress checks Content-Length at once and stops buffering a chunked body at the
cap); request lines and headers over 64 KB get 431; malformed requests get 400; a connection idle
or stalled for CHANNEL_TIMEOUT seconds is closed. Nothing logs a query string (it carries tokens).
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import warnings
from dataclasses import dataclass
from typing import Any

from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import ErrorTask
from werkzeug.serving import WSGIRequestHandler

from mockgraph.app import GraphMock
from mockgraph.errors import GraphError, envelope, trace_id
from mockgraph.limits import MAX_BODY

MAX_HEADER_BYTES = 64 * 1024
CHANNEL_TIMEOUT = 5  # seconds a connection may sit idle or stalled mid-request before it is closed
BACKLOG = 1024  # listen queue: holds a burst of a few hundred clients connecting at once
# Two worker threads: the app holds the GIL while it runs, so more threads only contend for it
# (measured with send buffering below: 4 threads were no faster than 2, with a longer p99).
# No handler blocks: webhook deliveries run in their own threads.
THREADS = 2
# waitress's default (1 byte) has each worker thread send the response head and then the body
# itself, two syscalls while it holds the task; buffering up to this many bytes lets the main loop
# send a whole small answer in one write once the task is done: about 1.5x the reads and sends per
# second in `python -m benchmarks --mock-only` on 2 cores. Larger answers still stream, and
# waitress's outbuf watermarks still bound what one connection may buffer. waitress 3 deprecates
# the setting (without a replacement), so it is passed only while waitress still knows it, with
# its warning silenced: a reader's `-W error` test run must not fail on the mock's start.
SEND_BYTES = 18000


class GraphErrorTask(ErrorTask):
    """waitress's answer to a request it refuses (too large, malformed), in Graph's error shape."""

    def execute(self):
        request: Any = self.request
        problem = request.error  # a waitress.utilities.Error
        reason = f"{problem.reason}: {problem.body}".rstrip(": ")
        error = GraphError(100, f"(#100) {reason}", type="GraphMethodException", details=reason)
        body = json.dumps(envelope(error, trace_id("-", "-", reason.encode()))).encode()
        self.status = f"{problem.code} {problem.reason}"
        self.response_headers = [*self.response_headers, ("Content-Type", "application/json; charset=UTF-8")]
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class GraphChannel(HTTPChannel):
    error_task_class = GraphErrorTask


class AccessLog:
    """One line per request on stderr: method, path without its query string, status."""

    def __init__(self, app: GraphMock) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        def logged_start(status, headers, exc_info=None):
            print(f'mockgraph: "{environ["REQUEST_METHOD"]} {environ.get("PATH_INFO", "")}" {status.split()[0]}', file=sys.stderr)
            return start_response(status, headers, exc_info)

        return self.app(environ, logged_start)


class PathOnlyLog(WSGIRequestHandler):
    """For werkzeug test servers (conftest's fault server): log requests without their query string."""

    protocol_version = "HTTP/1.1"

    def log_request(self, code="-", size="-"):
        path = self.path.split("?", 1)[0]
        self.log("info", '"%s %s" %s', self.command, path, getattr(code, "value", code))


@dataclass
class RunningMock:
    app: GraphMock
    server: Any  # waitress's TcpWSGIServer (its type stubs lack the attributes used here)
    thread: threading.Thread
    stopping: threading.Event

    @property
    def port(self) -> int:
        return int(self.server.effective_port)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stop the loop, let running requests finish, then close every socket: in that order, so
        no worker thread touches a descriptor after it was closed (and possibly reused)."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        self.thread.join(timeout=5)
        self.server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        wasyncore.close_all(self.server._map, ignore_all=True)


def _loop(server: Any, stopping: threading.Event) -> None:
    # waitress's own run() loops until its socket map is empty; this loop also ends on request, and
    # the short poll timeout only bounds how long stop() waits (events wake the poll at once).
    while not stopping.is_set():
        wasyncore.loop(timeout=0.05, use_poll=True, map=server._map, count=1)


def serve(app: GraphMock | None = None, port: int = 0, quiet: bool = False, **options) -> RunningMock:
    """Start the mock (port 0 = a free port) and return once it accepts connections.

    quiet=True keeps the access log off (for tools that embed the mock, like the doctor)."""
    app = app or GraphMock(**options)
    logging.getLogger("waitress").setLevel(logging.ERROR)  # its info lines are not for readers
    tuning: dict[str, Any] = {"send_bytes": SEND_BYTES} if hasattr(Adjustments, "send_bytes") else {}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "send_bytes", DeprecationWarning)
        server: Any = create_server(
            app if quiet else AccessLog(app),
            host="127.0.0.1",
            port=port,
            threads=THREADS,
            backlog=BACKLOG,
            channel_timeout=CHANNEL_TIMEOUT,
            cleanup_interval=1,
            max_request_body_size=MAX_BODY,
            max_request_header_size=MAX_HEADER_BYTES,
            ident="mockgraph",
            clear_untrusted_proxy_headers=True,
            **tuning,
        )
    server.channel_class = GraphChannel  # waitress builds each connection from this class
    stopping = threading.Event()
    thread = threading.Thread(target=_loop, args=(server, stopping), name="mockgraph", daemon=True)
    thread.start()
    return RunningMock(app, server, thread, stopping)
