"""snippets/register_phone.py: register a customer's number with its two-step PIN, once, and say
clearly what went wrong without ever showing the token or the PIN."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mockgraph import serve, token_value
from mockgraph.demo import CUSTOMER_PHONES, CUSTOMER_WABAS, OWN_PHONE
from snippets import graph_errors
from snippets import register_phone as register
from support.credentials import env_without_credentials, secrets_of
from support.paths import ROOT

pytestmark = pytest.mark.examples
PIN = "135790"


@pytest.fixture
def fresh_mock():
    running = serve(strict=True)
    yield running
    running.stop()


def test_the_customers_number_is_registered_with_the_business_token(fresh_mock):
    phone = CUSTOMER_PHONES[CUSTOMER_WABAS[0]]
    register.register_phone(phone, PIN, token_value("embedded-signup"), base_url=fresh_mock.base_url)
    assert phone in fresh_mock.app.registered
    sent = [body for method, path, body in fresh_mock.app.journal if path.endswith("/register")]
    assert sent == [{"messaging_product": "whatsapp", "pin": PIN}]


@pytest.mark.parametrize("pin", ["12345", "1234567", "12a456", "", 123456])
def test_a_pin_that_is_not_six_digits_is_refused_before_any_call(pin):
    with pytest.raises(register.RegistrationFailed, match="six-digit two-step verification PIN") as caught:
        register.register_phone(OWN_PHONE, pin, token_value("healthy"), base_url="http://127.0.0.1:9")
    assert not caught.value.sent and (not isinstance(pin, str) or not pin or pin not in str(caught.value))


def test_a_refusal_carries_the_decision_and_never_the_token_or_pin(fresh_mock):
    token = token_value("messaging-only")  # registering needs whatsapp_business_management
    with pytest.raises(register.RegistrationFailed) as caught:
        register.register_phone(OWN_PHONE, PIN, token, base_url=fresh_mock.base_url)
    assert caught.value.code == 200 and not isinstance(caught.value, graph_errors.MayHaveTakenEffect)
    assert "whatsapp_business_management" in str(caught.value)
    for hidden in (PIN, *secrets_of(token)):
        assert hidden not in str(caught.value) + repr(caught.value)


def test_an_answer_lost_on_the_way_is_never_sent_again(hostile_server):
    silent = hostile_server("read-timeout")
    with pytest.raises(graph_errors.MayHaveTakenEffect, match="may have been registered"):
        register.register_phone(OWN_PHONE, PIN, token_value("healthy"), base_url=silent.base_url, deadline=0.5)
    assert len(silent.received) == 1


def run_script(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "snippets" / "register_phone.py")],
        env={**env_without_credentials(), **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_script_registers_and_prints_no_secret(fresh_mock):
    token = token_value("healthy")
    env = {"GRAPH_API_BASE": fresh_mock.base_url, "WHATSAPP_TOKEN": token, "WHATSAPP_PHONE_NUMBER_ID": OWN_PHONE}
    result = run_script({**env, "WHATSAPP_REGISTRATION_PIN": PIN})
    assert result.returncode == 0, result.stderr
    assert f"Registered phone number {OWN_PHONE}" in result.stdout
    for hidden in (PIN, *secrets_of(token)):
        assert hidden not in result.stdout + result.stderr
    missing = run_script({"WHATSAPP_TOKEN": token})
    assert missing.returncode == 2 and "WHATSAPP_REGISTRATION_PIN" in missing.stderr
