"""snippets/webhook_receiver.py as readers run it: `python snippets/webhook_receiver.py PORT --inbox ...`
in its own process, its stdout (the handled lines) and stderr (the log) written to files, never to
a pipe nobody reads. Used by the receiver's CLI tests, the fault tests and the benchmark."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from mockgraph import DEMO_APP
from support.paths import ROOT

VERIFY_TOKEN = "receiver-process-verify-token"
KILLED = "# killed"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ReceiverProcess:
    def __init__(
        self,
        workdir: Path,
        inbox: str,
        *,
        port: int | None = None,
        workers: int = 4,
        name: str = "receiver",
        script: Path = ROOT / "snippets" / "webhook_receiver.py",
        env: dict | None = None,
    ):
        self.workdir, self.inbox, self.workers, self.name, self.script = workdir, inbox, workers, name, script
        self.extra_env = env or {}
        self.port = port or free_port()
        self.stdout_path, self.stderr_path = workdir / f"{name}.out", workdir / f"{name}.err"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    def start(self, timeout: float = 20) -> None:
        env = {**os.environ, "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN, "META_APP_SECRET": DEMO_APP.secret, **self.extra_env}
        env["PYTHONPATH"] = str(ROOT)
        command = [sys.executable, str(self.script), str(self.port), "--inbox", self.inbox]
        with open(self.stdout_path, "ab") as out, open(self.stderr_path, "ab") as err:
            self.process = subprocess.Popen(
                [*command, "--workers", str(self.workers)], stdout=out, stderr=err, env=env, cwd=self.workdir
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while True:  # listening?
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name} did not start: {self.stderr_path.read_text()[-2000:]}") from None
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL, then a marker line in its output: the handled lines of each run stay apart."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        with open(self.stdout_path, "a", encoding="utf-8") as out:
            out.write("\n" + KILLED + "\n")

    def runs(self) -> list[list[dict]]:
        """The handled lines, one list per run (split at each kill)."""
        runs: list[list[dict]] = [[]]
        for line in self.stdout_path.read_text(encoding="utf-8").splitlines():
            if line == KILLED:
                runs.append([])
                continue
            try:
                runs[-1].append(json.loads(line))
            except ValueError:
                continue  # a line cut short by the kill
        return runs

    def terminate(self, timeout: float = 30) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def handled(self) -> list[dict]:
        """Every handled line so far (a line cut short by SIGKILL is skipped)."""
        lines = []
        for line in self.stdout_path.read_text(encoding="utf-8").splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
        return lines

    def rss_kb(self) -> int:
        assert self.process is not None
        for line in open(f"/proc/{self.process.pid}/status", encoding="ascii"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
