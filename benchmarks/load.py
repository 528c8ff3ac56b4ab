"""A bounded load on mockgraph from separate processes (so the client does not share the GIL)."""

from __future__ import annotations

import http.client
import multiprocessing
import time

import guide_data
from mockgraph import serve, token_value
from mockgraph.demo import OWN_WABA


def _client(port: int, count: int, results) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {token_value('healthy')}"}
    path = f"/{guide_data.pinned_version()}/{OWN_WABA}"  # the version comes from the YAML, like every URL
    latencies = []
    for _ in range(count):
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status
        latencies.append(time.perf_counter() - start)
    results.put(latencies)


def measure(processes: int = 2, requests_each: int = 1500) -> dict:
    """Requests per second and p99 latency for GET /{waba-id} with keep-alive connections."""
    running = serve(quiet=True)
    try:
        results = multiprocessing.Queue()
        workers = [
            multiprocessing.Process(target=_client, args=(running.server.server_port, requests_each, results))
            for _ in range(processes)
        ]
        start = time.perf_counter()
        for worker in workers:
            worker.start()
        latencies = sorted(lat for _ in workers for lat in results.get(timeout=120))
        for worker in workers:
            worker.join(timeout=30)
        elapsed = time.perf_counter() - start
    finally:
        running.stop()
    return {
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
    }
