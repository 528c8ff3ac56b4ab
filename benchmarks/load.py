"""mockgraph under load and under attack, measured over real HTTP.

Throughput: client processes (so they do not share the mock's GIL) with keep-alive connections,
each sending GET /{waba-id} (a read) or a text message (a send); reports requests per second and
p50/p99 latency. Start-up: from `python -m mockgraph` to its first answer. Attacks: the mock
runs as `python -m mockgraph` in its own process; its peak resident memory (VmHWM) is read before
and after a chunked-body attack and a 200 MB body, the two that used to grow it without limit.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import socket
import subprocess
import sys
import time
from pathlib import Path

import guide_data
from mockgraph import GraphMock, serve, token_value
from mockgraph.demo import OWN_PHONE, OWN_WABA, RECENT_WRITERS

SEND_BODY = json.dumps(
    {"messaging_product": "whatsapp", "to": "+" + sorted(RECENT_WRITERS)[0], "type": "text", "text": {"body": "Hi"}}
)


def _client(port: int, version: str, kind: str, count: int, results) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {token_value('healthy')}"}
    if kind == "send":
        method, path, body = "POST", f"/{version}/{OWN_PHONE}/messages", SEND_BODY
        headers["Content-Type"] = "application/json"
    else:
        method, path, body = "GET", f"/{version}/{OWN_WABA}", None
    latencies = []
    for _ in range(count):
        start = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"mockgraph answered {response.status}")
        latencies.append(time.perf_counter() - start)
    results.put(latencies)


def measure(kind: str = "read", processes: int = 4, requests_each: int = 1500) -> dict:
    """Requests per second and p50/p99 latency over keep-alive connections, one per client process:
    kind "read" is GET /{waba-id}, "send" a text message (POST /{phone-number-id}/messages, validated
    against the spec's schema). The send limits are lifted: this measures the mock, not Meta's 80 msg/s."""
    running = serve(GraphMock(throughput_mps=10**9, pair_limit=10**9), quiet=True)
    version = guide_data.pinned_version()
    try:
        results: multiprocessing.Queue = multiprocessing.Queue()
        workers = [
            multiprocessing.Process(target=_client, args=(running.port, version, kind, requests_each, results))
            for _ in range(processes)
        ]
        start = time.perf_counter()
        for worker in workers:
            worker.start()
        latencies = sorted(lat for _ in workers for lat in results.get(timeout=120))
        elapsed = time.perf_counter() - start
        for worker in workers:
            worker.join(timeout=30)
    finally:
        running.stop()
    return {
        "kind": kind,
        "requests": len(latencies),
        "connections": processes,
        "requests_per_second": round(len(latencies) / elapsed),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
    }


def startup(runs: int = 5) -> dict:
    """Seconds from `python -m mockgraph --port 0` to its first answered request (median of runs),
    and the in-process GraphMock() construction time."""
    version = guide_data.pinned_version()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "mockgraph", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        try:
            port = int(process.stdout.readline().split(" at ")[1].split()[0].rsplit(":", 1)[1])  # type: ignore[union-attr]
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", f"/{version}/{OWN_WABA}", headers={"Authorization": f"Bearer {token_value('healthy')}"})
            connection.getresponse().read()
            times.append(time.perf_counter() - start)
        finally:
            process.terminate()
            process.wait(timeout=10)
    start = time.perf_counter()
    GraphMock()
    return {
        "process_to_first_answer_s": round(sorted(times)[len(times) // 2], 2),
        "app_construct_s": round(time.perf_counter() - start, 3),
    }


def _memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


def _attack(port: int, head: bytes, body_bytes: int) -> float:
    """Send a request head and up to body_bytes of body; seconds until the mock answered or closed."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(head)
        sent, block = 0, b"x" * 65536
        try:
            while sent < body_bytes:
                sock.sendall(block)
                sent += len(block)
        except OSError:
            pass  # the mock answered and closed before taking the whole body: the point of the limit
        try:
            while sock.recv(65536):
                pass
        except OSError:
            pass
    return round(time.monotonic() - start, 2)


def attacks() -> dict:
    """Peak memory growth of a separate mock process under the chunk attack and a 200 MB body."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mockgraph", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        port = int(process.stdout.readline().split(" at ")[1].split()[0].rsplit(":", 1)[1])  # type: ignore[union-attr]
        version = guide_data.pinned_version()
        baseline = _memory_kib(process.pid, "VmHWM")
        head = f"POST /{version}/{OWN_PHONE}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        chunk_s = _attack(port, (head + "Transfer-Encoding: chunked\r\n\r\nfffffffffff\r\n").encode(), 50 << 20)
        big_s = _attack(port, (head + f"Content-Length: {200 << 20}\r\n\r\n").encode(), 200 << 20)
        peak = _memory_kib(process.pid, "VmHWM")
    finally:
        process.terminate()
        process.wait(timeout=10)
    return {
        "chunk_attack_s": chunk_s,
        "big_body_s": big_s,
        "baseline_mib": round(baseline / 1024, 1),
        "peak_growth_mib": round((peak - baseline) / 1024, 1),
    }
