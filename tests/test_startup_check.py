"""snippets/startup_check.py against mockgraph: the success path, every failure the guide names,
the right credential named when Graph refuses the debug_token call itself, and no secret in any
exception, repr, traceback or log record on any of those paths. Network failures and odd answers:
test_hostile_matrix.py."""

from __future__ import annotations

import logging
import traceback

import pytest

from mockgraph import DEMO_APP, token_value
from snippets import startup_check
from support.credentials import secrets_of

pytestmark = pytest.mark.examples  # the example job: every snippet run against the mock


def run_check(base_url: str, token_name: str, caplog, app_secret: str = DEMO_APP.secret):
    """Run the check with DEBUG logging on (urllib3 logs URLs there); return the exception or None."""
    caplog.set_level(logging.DEBUG)
    try:
        startup_check.check_whatsapp_token(token_value(token_name), DEMO_APP.id, app_secret, base_url=base_url, deadline=10)
    except Exception as exc:  # noqa: BLE001 - the test inspects whatever the snippet raised
        return exc
    return None


def assert_no_secret_leaks(exc, caplog, token_name: str, app_secret: str = DEMO_APP.secret):
    texts = [record.getMessage() for record in caplog.records]
    if exc is not None:
        texts += [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    for secret in secrets_of(token_value(token_name), app_secret):
        for text in texts:
            assert secret not in text, f"a secret leaked into: {text[:300]}"


def test_the_required_scopes_are_the_permissions_a_typical_integration_needs(guide):
    assert startup_check.REQUIRED_SCOPES == {p["name"] for p in guide["permissions"] if p["typical_integration"]}


@pytest.mark.parametrize("token_name", ["healthy", "expiring", "embedded-signup", "full-access"])
def test_a_usable_token_passes_and_returns_debug_token_data(proof_mock, caplog, token_name):
    caplog.set_level(logging.DEBUG)
    data = startup_check.check_whatsapp_token(token_value(token_name), DEMO_APP.id, DEMO_APP.secret, base_url=proof_mock.base_url)
    assert data["is_valid"] is True and data["app_id"] == DEMO_APP.id
    assert startup_check.REQUIRED_SCOPES <= set(data["scopes"])
    assert_no_secret_leaks(None, caplog, token_name)


FAILURES = {
    "messaging-only": ("TokenProblem", ["lacks whatsapp_business_management", "Generate a new token"]),
    "management-only": ("TokenProblem", ["lacks whatsapp_business_messaging", "Generate a new token"]),
    "expired": ("TokenProblem", ["not valid", "subcode 463", "Generate a new token"]),
    "invalid": ("TokenProblem", ["not valid", "subcode 467", "Generate a new token"]),
    "declined": ("TokenProblem", ["whatsapp_business_messaging: declined", "whatsapp_business_management: expired"]),
    "other-app": ("AppCredentialsProblem", ["Graph error 100", "another app than META_APP_ID", "META_APP_SECRET"]),
}


@pytest.mark.parametrize("token_name", FAILURES)
def test_each_token_failure_raises_the_documented_exception_with_what_to_do(proof_mock, caplog, token_name):
    exception, phrases = FAILURES[token_name]
    exc = run_check(proof_mock.base_url, token_name, caplog)
    assert type(exc).__name__ == exception, f"{token_name}: got {exc!r}"
    assert isinstance(exc, PermissionError)  # documented: TokenProblem (and its subclass) is a PermissionError
    for phrase in phrases:
        assert phrase in str(exc)
    assert ".." not in str(exc), f"double punctuation: {exc}"
    assert_no_secret_leaks(exc, caplog, token_name)


def test_a_wrong_app_secret_names_the_app_credentials_not_the_token(proof_mock, caplog):
    """Graph's 190 on debug_token concerns the app token that asks: regenerating the WhatsApp token
    would not help, so the message names META_APP_ID and META_APP_SECRET."""
    wrong_secret = DEMO_APP.secret[::-1]  # built at run time, so only a leak can put it in the traceback
    exc = run_check(proof_mock.base_url, "healthy", caplog, app_secret=wrong_secret)
    assert isinstance(exc, startup_check.AppCredentialsProblem), repr(exc)
    assert exc.code == 190 and "META_APP_ID and META_APP_SECRET" in str(exc)
    assert "generate a new" not in str(exc).lower()
    assert_no_secret_leaks(exc, caplog, "healthy", wrong_secret)


def test_without_appsecret_proof_the_demo_app_refuses_the_call(proof_mock, guide):
    import requests

    version = guide["graph_api"]["pinned_version"]
    response = requests.get(
        f"{proof_mock.base_url}/{version}/me/permissions",
        headers={"Authorization": f"Bearer {token_value('healthy')}"},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 100
    assert "appsecret_proof" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("behaviour", "phrase"),
    [("html-502", "HTTP 502 with no JSON (text/html)"), ("500-graph-code-2", "retry later"), ("503-plain", "HTTP 503")],
)
def test_proxy_pages_and_server_errors_raise_graph_unavailable(hostile_server, caplog, behaviour, phrase):
    exc = run_check(hostile_server(behaviour).base_url, "healthy", caplog)
    assert isinstance(exc, startup_check.GraphUnavailable) and isinstance(exc, RuntimeError), repr(exc)
    assert phrase in str(exc)
    assert_no_secret_leaks(exc, caplog, "healthy")


def test_the_deadline_bounds_a_silent_server_without_leaking_the_url(hostile_server, caplog):
    import time

    server = hostile_server("read-timeout")
    began = time.monotonic()
    with pytest.raises(startup_check.GraphUnavailable) as caught:
        startup_check.check_whatsapp_token(
            token_value("healthy"), DEMO_APP.id, DEMO_APP.secret, base_url=server.base_url, deadline=0.5
        )
    assert time.monotonic() - began < 1.2
    assert "deadline" in str(caught.value) or "read timeout" in str(caught.value)
    assert caught.value.__context__ is None and caught.value.__cause__ is None
    assert_no_secret_leaks(caught.value, caplog, "healthy")


def test_connection_refused_raises_graph_unavailable_without_leaking_the_url(closed_port_url, caplog):
    exc = run_check(closed_port_url, "healthy", caplog)
    assert isinstance(exc, startup_check.GraphUnavailable), repr(exc)
    assert "refused" in str(exc) and "retry" in str(exc).lower()
    assert exc.__context__ is None
    assert_no_secret_leaks(exc, caplog, "healthy")


def test_urllib3_debug_logs_show_the_path_but_mask_secrets(proof_mock, caplog):
    run_check(proof_mock.base_url, "healthy", caplog)
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("urllib3")]
    assert any("/debug_token?input_token=***" in line for line in lines), lines


def test_every_demo_token_is_covered_by_this_file():
    from mockgraph import DEMO_TOKENS

    covered = set(FAILURES) | {"healthy", "expiring", "embedded-signup", "no-assets", "full-access"}
    assert covered == set(DEMO_TOKENS), "a demo token was added: add its expected outcome here"
