"""The receiver under fire: over 2,000 signed events (messages and statuses, duplicates, batches of
several changes) sent by mockgraph's Meta-like sender, which delivers again until it gets a 200,
while the receiver is SIGKILLed at random moments and restarted. Afterwards every event was handled
(by key), none lost; duplicates and redeliveries once; a second handling only for events that were
in flight at a kill (at most one per worker per kill). A hook that raises is retried, dead-lettered,
then replayed. Memory stays flat. Once on SQLite (one receiver), once on PostgreSQL (two receivers
sharing one inbox). Seeded, loopback only, every wait bounded."""

from __future__ import annotations

import collections
import json
import os
import queue
import random
import subprocess
import sys
import threading
import time

import pytest

from mockgraph import webhooks
from mockgraph.demo import OWN_PHONE, OWN_WABA
from support.paths import ROOT
from support.receiver_process import ReceiverProcess

pytestmark = [pytest.mark.slow, pytest.mark.examples]

SEED = int(os.environ.get("FAULT_SEED", "20261129"))
MESSAGES, STATUSED, POISON = 1200, 300, 3  # 1,200 messages, 300 of them with sent/delivered/read: 2,100 events
WORKERS, KILLS, SENDERS = 4, 6, 8
DEADLINE = int(os.environ.get("FAULT_DEADLINE", "240"))  # seconds for the whole run


def value_with(key: str, item: dict) -> dict:
    metadata = {"display_phone_number": "15550100001", "phone_number_id": OWN_PHONE}
    return {"messaging_product": "whatsapp", "metadata": metadata, key: [item]}


def notifications(rng: random.Random) -> tuple[list[dict], set[tuple]]:
    """The notifications to send (shuffled, 1-4 changes each, 10% of them twice) and the event keys expected."""
    changes, expected = [], set()
    for n in range(MESSAGES + POISON):
        message_id = f"wamid.F{n:05d}" + ("POISON" if n >= MESSAGES else "")
        message = {
            "from": "15550100123",
            "id": message_id,
            "timestamp": str(1767225600 + n),
            "type": "text",
            "text": {"body": f"m{n}"},
        }
        changes.append({"field": "messages", "value": value_with("messages", message)})
        expected.add(("message", message_id, None))
        if n < STATUSED:
            for state in ("sent", "delivered", "read"):
                status = {"id": message_id, "status": state, "timestamp": str(1767225600 + n), "recipient_id": "15550100123"}
                changes.append({"field": "messages", "value": value_with("statuses", status)})
                expected.add(("status", message_id, state))
    rng.shuffle(changes)
    payloads, i = [], 0
    while i < len(changes):
        size = rng.choice([1, 1, 1, 2, 3, 4])
        payloads.append({"object": "whatsapp_business_account", "entry": [{"id": OWN_WABA, "changes": changes[i : i + size]}]})
        i += size
    payloads += rng.sample(payloads, len(payloads) // 10)  # the same notification again, later
    rng.shuffle(payloads)
    return payloads, expected


def wait_for(condition, until: float, what: str) -> bool:
    while not condition():
        if time.monotonic() > until:
            return False
        time.sleep(0.1)
    return True


def run_faults(tmp_path, inbox: str, receiver_count: int) -> None:
    rng = random.Random(SEED)
    until = time.monotonic() + DEADLINE
    flag = tmp_path / "database-is-back"
    script = ROOT / "tests" / "support" / "fault_receiver.py"
    receivers = [
        ReceiverProcess(tmp_path, inbox, workers=WORKERS, name=f"receiver{r}", script=script, env={"FAULT_FLAG": str(flag)})
        for r in range(receiver_count)
    ]
    for receiver in receivers:
        receiver.start()
    payloads, expected = notifications(rng)
    assert len(expected) >= 2000
    work: queue.Queue = queue.Queue()
    for n, payload in enumerate(payloads):
        work.put((n, payload))
    stop = threading.Event()
    policy = webhooks.RetryPolicy(first_delay=15, max_delay=60, timescale=0.005)  # 75 ms, then doubling
    undelivered: list[int] = []

    def sender(number: int) -> None:
        target = receivers[number % receiver_count]  # each sender talks to one receiver, as a load balancer would
        post = webhooks.Sender(target.url, policy=policy, duplicate_rate=0.05, seed=SEED + number)
        while not stop.is_set():
            try:
                n, payload = work.get_nowait()
            except queue.Empty:
                return
            if post.send(payload, stop)[-1] != 200:
                undelivered.append(n)

    threads = [threading.Thread(target=sender, args=(s,), daemon=True) for s in range(SENDERS)]
    try:
        for thread in threads:
            thread.start()
        for k in range(KILLS):  # at random moments, while events arrive and hooks run
            time.sleep(rng.uniform(0.3, 1.2))
            victim = receivers[k % receiver_count]
            victim.kill()
            time.sleep(rng.uniform(0.0, 0.3))
            victim.start()
        for thread in threads:
            thread.join(max(0.0, until - time.monotonic()))
        assert not any(t.is_alive() for t in threads), "the senders did not finish in time"
        assert undelivered == [], "a notification never got its 200"

        # The poison messages' hook raised until it was dead-lettered: replay once the database is back.
        command = [sys.executable, str(ROOT / "snippets" / "webhook_receiver.py"), "--inbox", inbox]

        def dead() -> list[str]:
            out = subprocess.run([*command, "--dead-letters"], capture_output=True, text=True, timeout=60, check=True).stdout
            return out.splitlines()

        assert wait_for(lambda: len(dead()) == POISON, until, "the poison messages in the dead letters"), dead()
        # Each was tried at least max_tries (3) times and failed with the hook's error. A kill while a
        # poison event was claimed counts as a try too (a hook that crashes the process must not loop
        # for ever), so a run whose kill lands there reports 4 or more.
        letters = [json.loads(line) for line in dead()]
        assert all(3 <= d["tries"] <= 3 + KILLS and "RuntimeError" in d["error"] for d in letters), letters
        flag.touch()
        replayed = subprocess.run([*command, "--replay-all"], capture_output=True, text=True, timeout=60, check=True)
        assert replayed.stdout == f"{POISON} dead letters due again\n"

        def handled() -> collections.Counter:
            return collections.Counter((h["handled"], h["id"], h.get("status")) for r in receivers for h in r.handled())

        if not wait_for(lambda: set(handled()) >= expected, until, "every event handled"):
            lost = expected - set(handled())
            pytest.fail(f"{len(lost)} events never handled, e.g. {sorted(lost, key=str)[:5]}")

        # Memory stays flat: 1,000 more events through a receiver that has warmed up.
        target = receivers[0]
        before = target.rss_kb()
        more = [webhooks.text_message_event(f"more {n}", timestamp=1800000000 + n) for n in range(1000)]
        for chunk in range(0, 1000, 4):
            assert webhooks.Sender(target.url, policy=policy).send(webhooks.batch(more[chunk : chunk + 4]))[-1] == 200
        more_ids = {p["entry"][0]["changes"][0]["value"]["messages"][0]["id"] for p in more}
        assert wait_for(lambda: more_ids <= {key[1] for key in handled()}, until, "the 1,000 more events handled")
        grown = target.rss_kb() - before
        assert grown < 20_000, f"the receiver grew by {grown} kB over 1,000 events"
    finally:
        stop.set()
        for receiver in receivers:
            receiver.stop()

    counts = handled()
    assert set(counts) >= expected, f"lost: {sorted(expected - set(counts))[:5]}"
    twice = {key for key, count in counts.items() if count > 1}
    assert all(counts[key] == 2 for key in twice), "an event was handled three times"
    assert len(twice) <= WORKERS * KILLS, f"{len(twice)} events handled twice after {KILLS} kills of {WORKERS} workers"
    # A second handling only for events in flight when a run was killed: within one run no event
    # repeats, and every repeated event was handled in a run that ended in a kill.
    runs = [(run, n < len(parsed) - 1) for r in receivers for parsed in [r.runs()] for n, run in enumerate(parsed)]
    for run, _killed in runs:
        keys = [(h["handled"], h["id"], h.get("status")) for h in run]
        assert len(keys) == len(set(keys)), "an event was handled twice within one run"
    in_killed_runs = {(h["handled"], h["id"], h.get("status")) for run, killed in runs if killed for h in run}
    assert twice <= in_killed_runs, f"handled twice but not in a killed run: {sorted(twice - in_killed_runs, key=str)[:5]}"
    if receiver_count == 1:  # one process: runs follow each other, so each kill's repeats can be counted
        seen: set = set()
        for run, killed in runs:
            keys = {(h["handled"], h["id"], h.get("status")) for h in run}
            if killed:
                again = (keys - seen) & twice
                assert len(again) <= WORKERS, f"one kill left {len(again)} events to handle again ({WORKERS} workers)"
            seen |= keys
    logs = "".join(r.stderr_path.read_text() for r in receivers)
    assert "15550100123" not in logs and "Traceback" not in logs


def test_sqlite_one_receiver_killed_six_times_loses_nothing(tmp_path):
    run_faults(tmp_path, str(tmp_path / "inbox.sqlite3"), receiver_count=1)


def test_postgres_two_receivers_killed_six_times_lose_nothing(tmp_path, postgres_dsn):
    run_faults(tmp_path, postgres_dsn, receiver_count=2)
