"""snippets/extend_user_token.py: a short-lived user token for a long-lived one (about 60 days),
never for an expired token, and no token or secret in any message."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import requests

import guide_data
from mockgraph import DEMO_APP, OTHER_APP, serve, token_value
from snippets import extend_user_token as extend
from support.credentials import env_without_credentials, secrets_of
from support.paths import ROOT

pytestmark = pytest.mark.examples
SIXTY_DAYS = 60 * 86400


@pytest.fixture
def fresh_mock():
    running = serve(strict=True)
    yield running
    running.stop()


def test_a_user_token_becomes_a_long_lived_token_that_graph_accepts(fresh_mock):
    short = token_value("declined")  # a user token of the demo app
    extended = extend.extend_user_token(short, DEMO_APP.id, DEMO_APP.secret, base_url=fresh_mock.base_url)
    assert extended.token != short
    assert abs(extended.expires_at - (time.time() + SIXTY_DAYS)) < 86400  # "about 60 days"
    assert extended.token not in repr(extended)
    # debug_token, asked with the app token, sees a valid user token that expires.
    answer = requests.get(
        f"{fresh_mock.base_url}/{guide_data.pinned_version()}/debug_token",
        params={"input_token": extended.token},
        headers={"Authorization": f"Bearer {DEMO_APP.id}|{DEMO_APP.secret}"},
        timeout=5,
    ).json()["data"]
    assert answer["is_valid"] is True and answer["type"] == "USER" and answer["expires_at"] > 0


@pytest.mark.parametrize(
    ("token", "app_id", "secret", "message"),
    [
        ("expired", DEMO_APP.id, DEMO_APP.secret, "Session has expired"),  # log in again instead
        ("healthy", DEMO_APP.id, DEMO_APP.secret, "Only a user access token"),  # a system user token
        ("declined", DEMO_APP.id, OTHER_APP.secret, "client secret"),
    ],
)
def test_a_refused_extension_says_why_and_never_shows_a_secret(fresh_mock, token, app_id, secret, message):
    with pytest.raises(extend.ExtendFailed, match=message) as caught:
        extend.extend_user_token(token_value(token), app_id, secret, base_url=fresh_mock.base_url)
    for hidden in (*secrets_of(token_value(token)), secret):
        assert hidden not in str(caught.value) + repr(caught.value)


def test_an_empty_input_is_named_before_any_call():
    with pytest.raises(extend.ExtendFailed, match="app_secret is empty"):
        extend.extend_user_token("t", "1", "", base_url="http://127.0.0.1:9")


def test_the_script_prints_only_the_tokens_tail_and_its_expiry(fresh_mock):
    env = {
        **env_without_credentials(),
        "GRAPH_API_BASE": fresh_mock.base_url,
        "WHATSAPP_TOKEN": token_value("declined"),
        "META_APP_ID": DEMO_APP.id,
        "META_APP_SECRET": DEMO_APP.secret,
    }
    script = [sys.executable, str(ROOT / "snippets" / "extend_user_token.py")]
    result = subprocess.run(script, env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "expires in 60 days" in result.stdout
    for hidden in secrets_of(token_value("declined")):
        assert hidden not in result.stdout + result.stderr
