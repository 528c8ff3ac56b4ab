"""snippets/share_credit_line.py: a Solution Partner shares its credit line with a customer's WABA,
with its own system user token (business_management), once."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mockgraph import GraphMock, serve, token_value
from mockgraph.demo import CUSTOMER_WABAS, PORTFOLIO_ADMIN
from mockgraph.objects import SAMPLE_IDS
from snippets import graph_errors
from snippets import share_credit_line as share
from support.credentials import env_without_credentials, secrets_of
from support.paths import ROOT

pytestmark = pytest.mark.examples
CREDIT_LINE = SAMPLE_IDS["extended-credit-id"]
SYSTEM_TOKEN = token_value(PORTFOLIO_ADMIN.name)  # a system user token with business_management


@pytest.fixture(scope="module")
def partner_mock():
    running = serve(GraphMock(extra_tokens=[PORTFOLIO_ADMIN]), quiet=True)
    yield running
    running.stop()


def test_the_credit_line_is_shared_with_the_customers_waba(partner_mock):
    config = share.share_credit_line(CREDIT_LINE, CUSTOMER_WABAS[0], "USD", SYSTEM_TOKEN, base_url=partner_mock.base_url)
    assert config.isdigit()
    again = share.share_credit_line(CREDIT_LINE, CUSTOMER_WABAS[0], "USD", SYSTEM_TOKEN, base_url=partner_mock.base_url)
    assert again == config  # the mock answers one allocation per line and WABA


def test_without_business_management_graph_refuses_with_code_200(partner_mock):
    token = token_value("healthy")  # both WhatsApp permissions, not business_management
    with pytest.raises(share.SharingFailed) as caught:
        share.share_credit_line(CREDIT_LINE, CUSTOMER_WABAS[0], "USD", token, base_url=partner_mock.base_url)
    assert caught.value.code == 200 and not isinstance(caught.value, graph_errors.MayHaveTakenEffect)
    for secret in secrets_of(token):
        assert secret not in str(caught.value) + repr(caught.value)


def test_a_bad_currency_is_named_before_the_call_and_a_foreign_waba_by_graph(partner_mock):
    with pytest.raises(share.SharingFailed, match="ISO 4217"):
        share.share_credit_line(CREDIT_LINE, CUSTOMER_WABAS[0], "usd", SYSTEM_TOKEN, base_url="http://127.0.0.1:9")
    with pytest.raises(share.SharingFailed, match="waba_id") as caught:
        share.share_credit_line(CREDIT_LINE, "200000000000999", "USD", SYSTEM_TOKEN, base_url=partner_mock.base_url)
    assert caught.value.code == 100


def test_an_answer_lost_on_the_way_is_never_sent_again(hostile_server):
    silent = hostile_server("read-timeout")
    with pytest.raises(graph_errors.MayHaveTakenEffect, match="may have been shared"):
        share.share_credit_line(CREDIT_LINE, CUSTOMER_WABAS[0], "USD", SYSTEM_TOKEN, base_url=silent.base_url, deadline=0.5)
    assert len(silent.received) == 1


def test_the_script_shares_and_prints_no_secret(partner_mock):
    env = {
        **env_without_credentials(),
        "GRAPH_API_BASE": partner_mock.base_url,
        "WHATSAPP_SYSTEM_TOKEN": SYSTEM_TOKEN,
        "META_CREDIT_LINE_ID": CREDIT_LINE,
        "WHATSAPP_WABA_ID": CUSTOMER_WABAS[1],
    }
    script = [sys.executable, str(ROOT / "snippets" / "share_credit_line.py")]
    result = subprocess.run(script, env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert f"Shared the credit line with WABA {CUSTOMER_WABAS[1]}" in result.stdout
    for secret in secrets_of(SYSTEM_TOKEN):
        assert secret not in result.stdout + result.stderr
