"""The webhook receiver's acknowledgements while its hooks are slow, measured over real HTTP.

snippets/webhook_receiver.py runs in its own process (its SQLite inbox in a temporary directory)
with hooks that take HOOK_SECONDS each; client threads post signed notifications as fast as the
receiver answers. Reported: acknowledged events per second, p50/p99 time to the 200, and how many
hooks had finished when the last 200 came (the acknowledgement must not wait for them).
"""

from __future__ import annotations

import http.client
import json
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from mockgraph import DEMO_APP, webhooks

ROOT = Path(__file__).resolve().parent.parent
HOOK_SECONDS = 1.0
EVENTS, CLIENTS = 2000, 8
SERVE = """
import sys, time
from snippets import webhook_receiver
from snippets.webhook_worker import Hooks
slow = lambda *args: time.sleep({hook})
server = webhook_receiver.make_server(int(sys.argv[1]), "bench-token", {secret!r}, Hooks(on_message=slow, on_status=slow),
                                      inbox=sys.argv[2], host="127.0.0.1", report=lambda event: None)
server.serve_forever()
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bodies() -> list[bytes]:
    return [
        json.dumps(webhooks.text_message_event(f"bench {n}", timestamp=1800000000 + n), separators=(",", ":")).encode()
        for n in range(EVENTS)
    ]


def measure() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        code = SERVE.format(hook=HOOK_SECONDS, secret=DEMO_APP.secret)
        with open(Path(tmp) / "receiver.log", "wb") as log:
            server = subprocess.Popen(
                [sys.executable, "-c", code, str(port), str(Path(tmp) / "inbox.sqlite3")], cwd=ROOT, stdout=log, stderr=log
            )
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("the receiver did not start") from None
                    time.sleep(0.05)
            bodies = _bodies()
            latencies: list[float] = []
            statuses: list[int] = []
            lock = threading.Lock()

            def client(part: list[bytes]) -> None:
                for body in part:
                    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": webhooks.signature(body)}
                    start = time.perf_counter()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    connection.request("POST", "/webhook", body=body, headers=headers)
                    status = connection.getresponse().status
                    elapsed = time.perf_counter() - start
                    connection.close()
                    with lock:
                        latencies.append(elapsed)
                        statuses.append(status)

            threads = [threading.Thread(target=client, args=(bodies[n::CLIENTS],)) for n in range(CLIENTS)]
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - began
        finally:
            server.kill()
            server.wait(timeout=10)
        with sqlite3.connect(Path(tmp) / "inbox.sqlite3") as db:
            handled = db.execute("SELECT count(*) FROM events WHERE state = 'done'").fetchone()[0]
    latencies.sort()
    return {
        "events": EVENTS,
        "clients": CLIENTS,
        "hook_seconds": HOOK_SECONDS,
        "acknowledged": statuses.count(200),
        "acks_per_second": round(statuses.count(200) / wall),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1),
        "seconds": round(wall, 1),
        "handled_when_the_last_was_acknowledged": handled,
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
