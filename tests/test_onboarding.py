"""Onboarding a customer business as a Tech Provider: exchange the Embedded Signup code, subscribe
the app to the WABA's webhooks, and the test number's allowed-recipient list (131030). Every
snippet runs unchanged against mockgraph; only the base URL differs."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from mockgraph import DEMO_APP, OTHER_APP, serve, token_value
from mockgraph.demo import CUSTOMER_WABAS, OWN_WABA
from mockgraph.onboarding import CODE_PREFIX
from snippets import exchange_code as exchange
from snippets import graph_errors
from snippets import subscribe_app as subscribe
from support.credentials import env_without_credentials, secrets_of
from support.paths import ROOT

pytestmark = pytest.mark.examples


@pytest.fixture
def fresh_mock():
    """A mock of its own: codes are single-use and subscriptions change state."""
    running = serve(strict=True)
    yield running
    running.stop()


def test_a_code_is_exchanged_once_for_a_business_token_that_reaches_the_customer_waba(fresh_mock):
    token = exchange.exchange_code(CODE_PREFIX + "a1", DEMO_APP.id, DEMO_APP.secret, base_url=fresh_mock.base_url)
    assert token == token_value("embedded-signup")
    # The token is usable: it reads the customer WABA's subscriptions (none yet).
    assert subscribe.subscribed_app_ids(CUSTOMER_WABAS[0], token, base_url=fresh_mock.base_url) == []
    with pytest.raises(exchange.ExchangeFailed, match="has been used"):
        exchange.exchange_code(CODE_PREFIX + "a1", DEMO_APP.id, DEMO_APP.secret, base_url=fresh_mock.base_url)


@pytest.mark.parametrize(
    ("code", "app_id", "secret", "message"),
    [
        ("not-a-code", DEMO_APP.id, DEMO_APP.secret, "Invalid verification code"),
        (CODE_PREFIX + "b2", DEMO_APP.id, OTHER_APP.secret, "client secret"),
        (CODE_PREFIX + "b3", "123", DEMO_APP.secret, "application ID"),
    ],
)
def test_a_refused_exchange_says_why_and_never_shows_the_code_or_secret(fresh_mock, code, app_id, secret, message):
    with pytest.raises(exchange.ExchangeFailed, match=message) as caught:
        exchange.exchange_code(code, app_id, secret, base_url=fresh_mock.base_url)
    for hidden in (code, secret):
        assert hidden not in str(caught.value)
        assert hidden not in repr(caught.value.__cause__) + repr(caught.value.__context__)


def test_an_empty_input_is_named_before_any_call():
    with pytest.raises(exchange.ExchangeFailed, match="app_secret is empty"):
        exchange.exchange_code("c", "1", "", base_url="http://127.0.0.1:9")


def test_an_unreachable_or_broken_graph_fails_within_the_deadline_without_secrets(closed_port_url, hostile_server):
    """The everyday failures, read as a reader would: whether the code is still good, and whether a
    subscription may have been made. The hostile-server matrix covers every other behaviour."""
    code = CODE_PREFIX + "unreachable-c"
    with pytest.raises(exchange.ExchangeFailed, match="never left: the same code can be tried again") as caught:
        exchange.exchange_code(code, DEMO_APP.id, DEMO_APP.secret, base_url=closed_port_url)
    assert caught.value.retryable and not caught.value.sent
    silent = hostile_server("read-timeout")
    began = time.monotonic()
    with pytest.raises(graph_errors.MayHaveTakenEffect, match="start a new signup") as caught:
        exchange.exchange_code(code, DEMO_APP.id, DEMO_APP.secret, base_url=silent.base_url, deadline=0.5)
    assert time.monotonic() - began < 1.5 and not caught.value.retryable
    assert len(silent.received) == 1, "a code that may have been spent is never sent again"
    for hidden in (code, DEMO_APP.secret):
        assert hidden not in str(caught.value) + repr(caught.value)
    proxy = hostile_server("html-502")
    with pytest.raises(graph_errors.MayHaveTakenEffect, match="HTTP 502 with no JSON") as caught:
        subscribe.subscribe_app(OWN_WABA, token_value("healthy"), base_url=proxy.base_url)
    assert proxy.posts() == 1
    assert "subscribed_app_ids()" in str(caught.value)


def test_subscribing_the_app_makes_it_appear_in_the_wabas_subscribed_apps(fresh_mock):
    token = token_value("embedded-signup")
    waba = CUSTOMER_WABAS[1]
    assert DEMO_APP.id not in subscribe.subscribed_app_ids(waba, token, base_url=fresh_mock.base_url)
    subscribe.subscribe_app(waba, token, base_url=fresh_mock.base_url)
    subscribe.subscribe_app(waba, token, base_url=fresh_mock.base_url)  # mockgraph, like a set, adds it once
    assert subscribe.subscribed_app_ids(waba, token, base_url=fresh_mock.base_url) == [DEMO_APP.id]


def test_subscribing_needs_management_permission_and_access_to_the_waba(fresh_mock):
    with pytest.raises(subscribe.GraphCallFailed, match="whatsapp_business_management") as caught:
        subscribe.subscribe_app(OWN_WABA, token_value("messaging-only"), base_url=fresh_mock.base_url)
    assert caught.value.code == 200
    with pytest.raises(subscribe.GraphCallFailed) as caught:
        subscribe.subscribe_app(CUSTOMER_WABAS[0], token_value("healthy"), base_url=fresh_mock.base_url)
    assert caught.value.code == 200  # the own business's system user has no access to a customer's WABA


def run_script(name: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "snippets" / name)],
        env={**env_without_credentials(), **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_scripts_run_as_readers_run_them_and_print_no_secret(fresh_mock):
    env = {"GRAPH_API_BASE": fresh_mock.base_url, "META_APP_ID": DEMO_APP.id, "META_APP_SECRET": DEMO_APP.secret}
    result = run_script("exchange_code.py", {**env, "EMBEDDED_SIGNUP_CODE": CODE_PREFIX + "d4"})
    assert result.returncode == 0, result.stderr
    token = token_value("embedded-signup")
    assert f"...{token[-4:]}" in result.stdout
    for secret in secrets_of(token):
        assert secret not in result.stdout + result.stderr
    result = run_script("subscribe_app.py", {**env, "WHATSAPP_TOKEN": token, "WHATSAPP_WABA_ID": CUSTOMER_WABAS[0]})
    assert result.returncode == 0, result.stderr
    assert "Subscribed app" in result.stdout
    result = run_script("subscribe_app.py", {**env, "WHATSAPP_TOKEN": token, "WHATSAPP_WABA_ID": CUSTOMER_WABAS[0]})
    assert "already subscribed" in result.stdout
    assert token not in result.stdout + result.stderr


def test_the_scripts_name_missing_variables():
    result = run_script("exchange_code.py", {"META_APP_ID": "1"})
    assert result.returncode == 2
    assert "EMBEDDED_SIGNUP_CODE" in result.stderr and "META_APP_SECRET" in result.stderr


def test_the_test_number_sends_to_an_allowed_recipient_and_explains_131030_for_others(mock):
    from mockgraph.onboarding import TEST_PHONE, UNLISTED_RECIPIENT
    from snippets import send_from_test_number as test_number

    token = token_value("healthy")
    assert test_number.send_hello_world(TEST_PHONE, "+15550100123", token, base_url=mock.base_url).startswith("wamid.")
    with pytest.raises(test_number.RecipientNotAllowed, match="API Setup > To") as caught:
        test_number.send_hello_world(TEST_PHONE, UNLISTED_RECIPIENT, token, base_url=mock.base_url)
    assert caught.value.code == 131030 and token not in str(caught.value)
    # The allow list belongs to the test number only: the registered number reaches anyone.
    from mockgraph.demo import OWN_PHONE

    assert test_number.send_hello_world(OWN_PHONE, UNLISTED_RECIPIENT, token, base_url=mock.base_url).startswith("wamid.")


def test_the_test_number_script_exits_1_with_the_fix(mock):
    from mockgraph.onboarding import TEST_PHONE, UNLISTED_RECIPIENT

    token = token_value("healthy")
    env = {
        "GRAPH_API_BASE": mock.base_url,
        "WHATSAPP_TOKEN": token,
        "WHATSAPP_PHONE_NUMBER_ID": TEST_PHONE,
        "WHATSAPP_TEST_RECIPIENT": UNLISTED_RECIPIENT,
    }
    result = run_script("send_from_test_number.py", env)
    assert result.returncode == 1
    assert "not on the test number's allowed list" in result.stderr
    assert token not in result.stdout + result.stderr
