"""snippets/startup_check.py against mockgraph: the success path, every failure the guide names,
and no secret in any exception, repr, traceback or log record on any of those paths."""

from __future__ import annotations

import logging
import traceback

import pytest

import guide_data
from mockgraph import DEMO_APP, token_value
from support.credentials import secrets_of
from support.snippet_modules import import_snippet

PINNED = guide_data.pinned_version()

pytestmark = pytest.mark.examples  # the example job: every snippet run against the mock


def run_check(module, token_name: str, caplog, **kwargs):
    """Run the check with DEBUG logging on (urllib3 logs URLs there); return the exception or None."""
    caplog.set_level(logging.DEBUG)
    try:
        module.check_whatsapp_token(token_value(token_name), DEMO_APP.id, DEMO_APP.secret, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the test inspects whatever the snippet raised
        return exc
    return None


def assert_no_secret_leaks(exc, caplog, token_name: str):
    texts = [record.getMessage() for record in caplog.records]
    if exc is not None:
        texts += [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    for secret in secrets_of(token_value(token_name)):
        for text in texts:
            assert secret not in text, f"a secret leaked into: {text[:300]}"


@pytest.fixture
def check(proof_mock):
    """The snippet, pointed at a mock whose app requires appsecret_proof."""
    return import_snippet("startup_check", proof_mock.base_url)


def test_the_required_scopes_are_the_permissions_a_typical_integration_needs(check, guide):
    assert check.REQUIRED_SCOPES == {p["name"] for p in guide["permissions"] if p["typical_integration"]}


@pytest.mark.parametrize("token_name", ["healthy", "expiring", "embedded-signup"])
def test_a_usable_token_passes_and_returns_debug_token_data(check, caplog, token_name):
    caplog.set_level(logging.DEBUG)
    data = check.check_whatsapp_token(token_value(token_name), DEMO_APP.id, DEMO_APP.secret)
    assert data["is_valid"] is True and data["app_id"] == DEMO_APP.id
    assert check.REQUIRED_SCOPES <= set(data["scopes"])
    assert_no_secret_leaks(None, caplog, token_name)


FAILURES = {
    "messaging-only": (lambda m: m.TokenProblem, ["lacks whatsapp_business_management", "Generate a new token"]),
    "management-only": (lambda m: m.TokenProblem, ["lacks whatsapp_business_messaging", "Generate a new token"]),
    "expired": (lambda m: m.TokenProblem, ["not valid", "subcode 463", "Generate a new token"]),
    "invalid": (lambda m: m.TokenProblem, ["not valid", "subcode 467", "Generate a new token"]),
    "declined": (lambda m: m.TokenProblem, ["whatsapp_business_messaging: declined", "whatsapp_business_management: expired"]),
    "other-app": (lambda m: m.TokenProblem, ["another app", "use that app's ID and secret"]),
}


@pytest.mark.parametrize("token_name", FAILURES)
def test_each_token_failure_raises_the_documented_exception_with_what_to_do(check, caplog, token_name):
    exception, phrases = FAILURES[token_name]
    exc = run_check(check, token_name, caplog)
    assert isinstance(exc, exception(check)), f"{token_name}: got {exc!r}"
    assert isinstance(exc, PermissionError)  # documented: TokenProblem is a PermissionError
    for phrase in phrases:
        assert phrase in str(exc)
    assert_no_secret_leaks(exc, caplog, token_name)


def test_wrong_app_secret_is_reported_as_a_token_problem(check, caplog):
    caplog.set_level(logging.DEBUG)
    wrong_secret = DEMO_APP.secret[::-1]  # built at run time, so only a leak can put it in the traceback
    with pytest.raises(check.TokenProblem, match="Graph error 190") as caught:
        check.check_whatsapp_token(token_value("healthy"), DEMO_APP.id, wrong_secret)
    assert wrong_secret not in "".join(traceback.format_exception(caught.value))
    assert not [r for r in caplog.records if wrong_secret in r.getMessage()]


def test_without_appsecret_proof_the_demo_app_refuses_the_call(proof_mock):
    import requests

    response = requests.get(
        f"{proof_mock.base_url}/{PINNED}/me/permissions",
        headers={"Authorization": f"Bearer {token_value('healthy')}"},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 100
    assert "appsecret_proof" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("mode", "phrase"),
    [("html502", "non-JSON body (text/html"), ("json500", "retry with backoff"), ("empty503", "HTTP 503")],
)
def test_proxy_pages_and_server_errors_raise_graph_unavailable(fault_server, caplog, mode, phrase):
    fault_server.mode = mode
    module = import_snippet("startup_check", fault_server.base_url)
    exc = run_check(module, "healthy", caplog)
    assert isinstance(exc, module.GraphUnavailable) and isinstance(exc, RuntimeError), repr(exc)
    assert phrase in str(exc)
    assert_no_secret_leaks(exc, caplog, "healthy")


def test_a_timeout_raises_graph_unavailable_without_leaking_the_url(fault_server, caplog):
    fault_server.mode = "slow"
    module = import_snippet("startup_check", fault_server.base_url)
    exc = run_check(module, "healthy", caplog, timeout=0.3)
    assert isinstance(exc, module.GraphUnavailable), repr(exc)
    assert "no answer within 0.3 s" in str(exc)
    assert exc.__context__ is None and exc.__cause__ is None  # requests' URL-bearing exception is not attached
    assert_no_secret_leaks(exc, caplog, "healthy")


def test_connection_refused_raises_graph_unavailable_without_leaking_the_url(closed_port_url, caplog):
    module = import_snippet("startup_check", closed_port_url)
    exc = run_check(module, "healthy", caplog)
    assert isinstance(exc, module.GraphUnavailable), repr(exc)
    assert "ConnectionError" in str(exc) and "retry" in str(exc).lower()
    assert exc.__context__ is None
    assert_no_secret_leaks(exc, caplog, "healthy")


def test_urllib3_debug_logs_show_the_path_but_mask_secrets(check, caplog):
    run_check(check, "healthy", caplog)
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("urllib3")]
    assert any("/debug_token?input_token=***" in line for line in lines), lines


def test_every_demo_token_is_covered_by_this_file():
    from mockgraph import DEMO_TOKENS

    covered = set(FAILURES) | {"healthy", "expiring", "embedded-signup", "no-assets"}
    assert covered == set(DEMO_TOKENS), "a demo token was added: add its expected outcome here"
