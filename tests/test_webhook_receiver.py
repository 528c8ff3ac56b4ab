"""snippets/webhook_receiver.py receiving mockgraph's deliveries: the verification handshake, signed
events stored and acknowledged before any hook runs, each event handled once per key, statuses
passed on with graph_errors' decision, calls kept away from on_status, errors and unknown fields
logged, failing hooks retried then dead-lettered and replayed, unsigned or tampered events refused,
and no verify token or customer content in its log. Attacks: test_hostile_receiver.py; kills and
restarts: test_webhook_faults.py."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from mockgraph import DEMO_APP, webhooks
from mockgraph.demo import OWN_PHONE, OWN_WABA
from snippets import graph_errors, webhook_receiver
from snippets.webhook_worker import Hooks
from support.paths import ROOT
from support.receiver_process import ReceiverProcess

pytestmark = pytest.mark.examples  # the example job: every snippet run against the mock

VERIFY_TOKEN = "demo-verify-token-3b1f"
# What a reader copies together (the receiver's docstring lists them).
RECEIVER_FILES = [
    "webhook_receiver.py",
    "webhook_events.py",
    "webhook_inbox.py",
    "webhook_worker.py",
    "graph_errors.py",
    "graph_error_actions.json",
]


class Recorder:
    """Hooks that record what they get; `fail_on` makes on_status raise for that status."""

    def __init__(self, fail_on: str | None = None, slow: float = 0.0):
        self.messages, self.statuses, self.calls, self.errors, self.changes = [], [], [], [], []
        self.fail_on, self.slow, self.reported = fail_on, slow, []

    def hooks(self, *, changes: bool = True) -> Hooks:
        return Hooks(
            on_message=self.on_message,
            on_status=self.on_status,
            on_call=self.calls.append,
            on_error=self.errors.append,
            on_change=(lambda field, value: self.changes.append((field, value))) if changes else None,
        )

    def on_message(self, message):
        time.sleep(self.slow)
        self.messages.append(message)

    def on_status(self, status, decision):
        if status["status"] == self.fail_on:
            raise RuntimeError("the database is down")
        self.statuses.append((status, decision))


def wait_for(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the workers"
        time.sleep(0.02)


@pytest.fixture
def receiver(tmp_path):
    """start(recorder, **options) -> the URL of a receiver whose workers call the recorder's hooks."""
    servers = []

    def start(recorder: Recorder, changes: bool = True, **options) -> str:
        options.setdefault("inbox", str(tmp_path / f"inbox{len(servers)}.sqlite3"))
        server = webhook_receiver.make_server(
            0,
            VERIFY_TOKEN,
            DEMO_APP.secret,
            recorder.hooks(changes=changes),
            host="127.0.0.1",
            report=recorder.reported.append,
            **options,
        )
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/webhook"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def change(field: str, value: dict) -> dict:
    return {"object": "whatsapp_business_account", "entry": [{"id": OWN_WABA, "changes": [{"value": value, "field": field}]}]}


def status_event(*statuses: dict) -> dict:
    """A `statuses` notification in the shape of Meta's webhook reference."""
    metadata = {"display_phone_number": "15550100001", "phone_number_id": OWN_PHONE}
    return change("messages", {"messaging_product": "whatsapp", "metadata": metadata, "statuses": list(statuses)})


def status(state: str, message_id: str = "wamid.STATUS1", **extra) -> dict:
    return {"id": message_id, "status": state, "timestamp": "1767225600", "recipient_id": "15550100123", **extra}


def test_the_verification_handshake_echoes_the_challenge_only_for_our_token(receiver, caplog):
    caplog.set_level(logging.DEBUG)
    url = receiver(Recorder())
    response, challenge = webhooks.verify(url, VERIFY_TOKEN)
    assert response.status_code == 200 and response.text == challenge
    response, _ = webhooks.verify(url, "somebody-elses-token")
    assert response.status_code == 403
    ours = [r.getMessage() for r in caplog.records if r.name == "webhook_receiver"]  # not the test client's
    assert "GET /webhook -> 200" in ours and "GET /webhook -> 403" in ours
    assert not [line for line in ours if VERIFY_TOKEN in line]


def test_a_slow_hook_does_not_delay_the_acknowledgement_and_runs_once(receiver):
    recorder = Recorder(slow=1.0)
    url = receiver(recorder)
    payload = webhooks.text_message_event("Where is my order?")
    began = time.monotonic()
    assert [webhooks.deliver(url, payload).status_code for _ in range(3)] == [200, 200, 200]  # one event, redelivered
    assert time.monotonic() - began < 1.0, "the 200 waited for the hook"
    wait_for(lambda: recorder.reported)
    time.sleep(0.3)
    assert recorder.messages == payload["entry"][0]["changes"][0]["value"]["messages"]  # once, not three times
    (event,) = recorder.reported
    assert (event.kind, event.id) == ("message", recorder.messages[0]["id"])


def test_every_status_is_passed_on_and_a_failed_one_with_its_decision(receiver):
    recorder = Recorder()
    failure = {"code": 131026, "title": "Message undeliverable", "error_data": {"details": "Not on WhatsApp."}}
    event = status_event(status("sent"), status("delivered"), status("failed", "wamid.STATUS2", errors=[failure]))
    assert webhooks.deliver(receiver(recorder, workers=1), event).status_code == 200
    wait_for(lambda: len(recorder.statuses) == 3)
    assert [(s["id"], s["status"]) for s, _ in recorder.statuses] == [
        ("wamid.STATUS1", "sent"),
        ("wamid.STATUS1", "delivered"),
        ("wamid.STATUS2", "failed"),
    ]
    decisions = [d for _, d in recorder.statuses]
    assert decisions[:2] == [None, None]
    assert decisions[2] == graph_errors.classify(failure)
    assert decisions[2].code == 131026 and not decisions[2].retryable


def test_call_statuses_reach_on_call_never_on_status(receiver):
    recorder = Recorder()
    ringing = {"id": "wacid.CALL1", "type": "call", "status": "RINGING", "timestamp": "1767225600", "recipient_id": "15550100123"}
    connect = {"id": "wacid.CALL1", "event": "connect", "from": "15550100123", "to": "15550100001"}
    assert (
        webhooks.deliver(
            receiver(recorder), change("calls", {"messaging_product": "whatsapp", "statuses": [ringing], "calls": [connect]})
        ).status_code
        == 200
    )
    wait_for(lambda: len(recorder.calls) == 2)
    assert recorder.statuses == []
    assert sorted(c.get("status") or c.get("event") for c in recorder.calls) == ["RINGING", "connect"]


def test_top_level_errors_reach_on_error_and_are_logged_by_code_only(receiver, caplog):
    caplog.set_level(logging.INFO)
    recorder = Recorder()
    error = {"code": 131000, "title": "Something went wrong", "message": "Something went wrong", "error_data": {"details": "x"}}
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550100001", "phone_number_id": OWN_PHONE},
        "errors": [error],
    }
    assert webhooks.deliver(receiver(recorder), change("messages", value)).status_code == 200
    wait_for(lambda: recorder.errors)
    assert recorder.errors == [error]
    assert [e.kind for e in recorder.reported] == ["error"]


def documented_fields(guide, spec) -> list[str]:
    """Every field Meta documents: its Webhooks reference (in the YAML) and its OpenAPI spec's Change.field."""
    in_spec = spec["components"]["schemas"]["Change"]["properties"]["field"]["enum"]
    return sorted(set(guide["webhooks"]["fields"]) | set(in_spec))


def event_for(field: str) -> dict:
    if field == "messages":
        return webhooks.text_message_event(f"hello {field}")
    if field == "calls":
        return change(field, {"messaging_product": "whatsapp", "calls": [{"id": "wacid.C1", "event": "connect"}]})
    return change(field, {"example": field})


def test_every_documented_field_without_a_hook_is_logged_by_name(receiver, caplog, guide, spec):
    caplog.set_level(logging.INFO)
    url = receiver(Recorder(), changes=False)
    fields = documented_fields(guide, spec)
    for field in fields:
        assert webhooks.deliver(url, event_for(field)).status_code == 200
    logged = [r.getMessage() for r in caplog.records if "unhandled webhook field" in r.getMessage()]
    assert sorted(line.split("'")[1] for line in logged) == sorted(set(fields) - {"messages", "calls"})


def test_the_command_line_reports_every_documented_field_then_stops_cleanly_on_sigterm(tmp_path, guide, spec):
    """`python snippets/webhook_receiver.py PORT --inbox PATH`: one flushed JSON line per handled
    event, whatever the field; SIGTERM ends it with status 0; no customer content in its output."""
    process = ReceiverProcess(tmp_path, str(tmp_path / "inbox.sqlite3"))
    fields = documented_fields(guide, spec)
    process.start()
    try:
        for field in fields:
            assert webhooks.deliver(process.url, event_for(field)).status_code == 200
        wait_for(lambda: len(process.handled()) == len(fields))
        expected = {"messages": "message", "calls": "call"}
        assert sorted(line["handled"] for line in process.handled()) == sorted(expected.get(f, f) for f in fields)
        assert process.terminate() == 0
    finally:
        process.stop()
    output = process.stdout_path.read_text() + process.stderr_path.read_text()
    assert "hello messages" not in output and "15550100123" not in output and "Traceback" not in output


def test_sigterm_lets_a_running_hook_finish_then_exits_0(tmp_path):
    """systemd or Docker stopping the receiver while a hook runs: the hook completes, its line is
    written, the event is marked done (a restart does not handle it again), and the exit status is 0."""
    inbox = str(tmp_path / "inbox.sqlite3")
    script = ROOT / "tests" / "support" / "fault_receiver.py"
    process = ReceiverProcess(tmp_path, inbox, workers=1, script=script, env={"FAULT_HOOK_SECONDS": "1.5"})
    process.start()
    try:
        payload = webhooks.text_message_event("Please call me back")
        assert webhooks.deliver(process.url, payload).status_code == 200
        time.sleep(0.5)  # the hook is running
        began = time.monotonic()
        assert process.terminate() == 0
        assert time.monotonic() - began < 10
    finally:
        process.stop()
    message_id = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    assert process.handled() == [{"handled": "message", "id": message_id}]
    assert webhook_receiver.open_inbox(inbox, lock=False).dead_letters() == []
    import sqlite3

    with sqlite3.connect(inbox) as db:
        assert db.execute("SELECT state FROM events").fetchall() == [("done",)]


def test_a_field_without_a_hook_is_logged_once_by_name_and_acknowledged(receiver, caplog):
    caplog.set_level(logging.INFO)
    recorder = Recorder()
    url = receiver(recorder, changes=False)
    value = {"event": "APPROVED", "message_template_id": 1234, "message_template_name": "order_update"}
    assert webhooks.deliver(url, change("message_template_status_update", value)).status_code == 200
    lines = [r.getMessage() for r in caplog.records if "unhandled webhook field" in r.getMessage()]
    assert lines == [
        "unhandled webhook field 'message_template_status_update': acknowledged, not stored (set on_change to handle it)"
    ]


def test_a_failing_hook_is_retried_then_dead_lettered_then_replayed(receiver, tmp_path, caplog):
    """snippets/dead_letters.sh, run beside copies of the receiver's files, lists and replays them."""
    import shutil

    for name in [*RECEIVER_FILES, "dead_letters.sh"]:
        shutil.copy(ROOT / "snippets" / name, tmp_path / name)
    recorder = Recorder(fail_on="delivered")
    inbox = str(tmp_path / "webhook-inbox.sqlite3")
    url = receiver(recorder, inbox=inbox, max_tries=3, retry_base=0.05)
    assert webhooks.deliver(url, status_event(status("delivered"))).status_code == 200
    wait_for(lambda: webhook_receiver.open_inbox(inbox, lock=False).dead_letters())
    failures = [r.getMessage() for r in caplog.records if "RuntimeError" in r.getMessage()]
    assert len(failures) == 3 and "dead letters" in failures[-1]
    assert recorder.statuses == []
    recorder.fail_on = None  # the database is back: the operator lists the dead letters and replays them
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    result = subprocess.run(["bash", "dead_letters.sh"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    listed, replayed = result.stdout.splitlines()
    assert json.loads(listed) == {"key": "status:wamid.STATUS1:delivered", "kind": "status", "tries": 3, "error": "RuntimeError"}
    assert replayed == "1 dead letters due again"
    wait_for(lambda: recorder.statuses)
    assert [s["status"] for s, _ in recorder.statuses] == ["delivered"]


@pytest.mark.parametrize(
    "payload",
    [
        b"not json at all",
        b"[]",
        b'{"entry": "everything"}',
        b'{"entry": [{"changes": [{"field": "messages", "value": {"statuses": [{"status": "sent"}]}}]}]}',
        b'{"entry": [{"changes": [{"field": "messages", "value": {"messages": [{"from": "15550100123", "text": {"body": "Call me"}}]}}]}]}',  # noqa: E501
        b'{"entry": [{"changes": [{"value": {"messages": []}}]}]}',
    ],
    ids=["not-json", "a-list", "entry-not-a-list", "status-without-id", "message-without-id", "change-without-field"],
)
def test_a_signed_but_malformed_event_gets_400_and_its_content_is_not_logged(receiver, caplog, payload):
    caplog.set_level(logging.DEBUG)
    recorder = Recorder()
    headers = {"X-Hub-Signature-256": webhooks.signature(payload), "Content-Type": "application/json"}
    response = requests.post(receiver(recorder), data=payload, headers=headers, timeout=5)
    assert response.status_code == 400
    time.sleep(0.2)
    assert recorder.reported == []
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "refused a signed event" in logged
    assert "15550100123" not in logged and "Call me" not in logged


@pytest.mark.parametrize("how", ["wrong-secret", "tampered", "unsigned"])
def test_unsigned_or_tampered_events_are_refused(receiver, how):
    recorder = Recorder()
    url = receiver(recorder)
    payload = webhooks.text_message_event("Send me a refund")
    if how == "wrong-secret":
        response = webhooks.deliver(url, payload, app_secret="not-the-app-secret")
    else:
        body = json.dumps(payload, separators=(",", ":")).encode()
        signature = webhooks.signature(body)
        headers = {"X-Hub-Signature-256": signature} if how == "tampered" else {}
        response = requests.post(url, data=body.replace(b"refund", b"r3fund"), headers=headers, timeout=5)
    assert response.status_code == 403
    time.sleep(0.2)
    assert recorder.messages == []


def test_a_payload_of_metas_maximum_size_is_accepted(receiver, guide):
    """Meta: payloads "can be up to 3 MB"; the receiver must take one, whichever MB is meant."""
    megabytes = guide["webhooks"]["max_payload"]["megabytes"]
    assert webhook_receiver.MAX_BODY >= megabytes * 1024 * 1024
    recorder = Recorder()
    payload = webhooks.text_message_event("x" * (megabytes * 1024 * 1024 - 1024))
    assert webhooks.deliver(receiver(recorder), payload).status_code == 200
    wait_for(lambda: recorder.messages)


def test_the_signature_check_works_on_raw_bytes():
    body = b'{"a": 1}'
    header = webhooks.signature(body)
    assert webhook_receiver.signature_is_valid(body, header, DEMO_APP.secret)
    assert not webhook_receiver.signature_is_valid(b'{"a":1}', header, DEMO_APP.secret)  # re-serialised JSON
    assert not webhook_receiver.signature_is_valid(body, None, DEMO_APP.secret)


def test_the_delivered_payload_has_the_shape_of_metas_example(spec):
    """Meta's v23.0 schema for incoming messages reuses the outgoing Message schema, so not even the
    spec's own example validates against it; compare with that example's shape instead."""
    from support.shapes import shape_differences

    operation = spec["paths"]["/whatsapp/webhooks"]["post"]
    example = operation["requestBody"]["content"]["application/json"]["examples"]["Text Message"]["value"]
    ours = webhooks.text_message_event("Hello")
    assert shape_differences(example, ours) == [] and shape_differences(ours, example) == []


def test_the_end_to_end_script_receives_an_injected_message_and_stops_cleanly(tmp_path):
    """snippets/webhook_end_to_end.sh as the page shows it, run beside copies of the receiver's files."""
    import shutil

    from support.receiver_process import free_port

    for name in RECEIVER_FILES + ["webhook_end_to_end.sh"]:
        shutil.copy(ROOT / "snippets" / name, tmp_path / name)
    env = {
        **os.environ,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "META_APP_SECRET": DEMO_APP.secret,
        "PYTHONPATH": str(ROOT),  # for python -m mockgraph.inject
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    result = subprocess.run(
        ["bash", "webhook_end_to_end.sh", str(free_port())], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=90
    )
    assert result.returncode == 0, result.stderr[-2000:]
    delivered, handled = result.stdout.strip().splitlines()
    message_id = delivered.split()[1]
    assert json.loads(handled) == {"handled": "message", "id": message_id}
    assert "Where is my order?" not in result.stderr
