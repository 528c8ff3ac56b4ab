"""Run GraphMock on 127.0.0.1 in a background thread (tests, the doctor's --mock, the CLI)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from mockgraph.app import GraphMock


class PathOnlyLog(WSGIRequestHandler):
    """Log requests without their query string: it carries input_token and appsecret_proof."""

    protocol_version = "HTTP/1.1"  # keep-alive, as graph.facebook.com offers

    def log_request(self, code="-", size="-"):
        path = self.path.split("?", 1)[0]
        self.log("info", '"%s %s" %s', self.command, path, getattr(code, "value", code))


class NoLog(PathOnlyLog):
    def log_request(self, code="-", size="-"):
        pass


@dataclass
class RunningMock:
    app: GraphMock
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve(app: GraphMock | None = None, port: int = 0, quiet: bool = False, **options) -> RunningMock:
    """Start the mock (port 0 = a free port) and return once it accepts connections.

    quiet=True keeps the access log off (for tools that embed the mock, like the doctor)."""
    app = app or GraphMock(**options)
    handler = NoLog if quiet else PathOnlyLog
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=handler)
    # A short poll interval: stop() returns within 50 ms instead of the default half second.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="mockgraph", daemon=True)
    thread.start()
    return RunningMock(app, server, thread)
