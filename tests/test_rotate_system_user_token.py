"""snippets/rotate_system_user_token.py: the next 60-day token for a system user, made once with an
admin system user's token; the new token lands only where the operator asked, and no token,
secret or proof appears in any message."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time

import pytest
import requests

import guide_data
from mockgraph import DEMO_APP, OTHER_APP, GraphMock, serve, token_value
from mockgraph.objects import SAMPLE_IDS
from mockgraph.system_user_tokens import ADMIN_SYSTEM_USER, EMPLOYEE_SYSTEM_USER
from snippets import graph_errors
from snippets import rotate_system_user_token as rotate
from support.credentials import env_without_credentials, secrets_of
from support.hostile_server import closed_port
from support.paths import ROOT

pytestmark = pytest.mark.examples
SYSTEM_USER = SAMPLE_IDS["system-user-id"]  # the demo system user behind the "expiring" token
ADMIN = token_value(ADMIN_SYSTEM_USER.name)
SIXTY_DAYS = 60 * 86400


@pytest.fixture(scope="module")
def portfolio_mock():
    running = serve(GraphMock(extra_tokens=[ADMIN_SYSTEM_USER, EMPLOYEE_SYSTEM_USER]), quiet=True)
    yield running
    running.stop()


def debug(base_url: str, token: str) -> dict:
    """What debug_token says about a token, asked with the app token (as the page tells readers to)."""
    return requests.get(
        f"{base_url}/{guide_data.pinned_version()}/debug_token",
        params={"input_token": token},
        headers={"Authorization": f"Bearer {DEMO_APP.id}|{DEMO_APP.secret}"},
        timeout=5,
    ).json()["data"]


def assert_hidden(text: str, *tokens: str, app_secret: str = DEMO_APP.secret) -> None:
    for token in tokens:
        for secret in secrets_of(token, app_secret):
            assert secret not in text


def test_the_new_token_is_a_valid_60_day_token_of_the_same_system_user(portfolio_mock):
    new = rotate.rotate_system_user_token(SYSTEM_USER, ADMIN, DEMO_APP.id, DEMO_APP.secret, base_url=portfolio_mock.base_url)
    assert new.token not in (ADMIN, token_value("expiring")) and new.token not in repr(new)
    answer = debug(portfolio_mock.base_url, new.token)
    assert answer["is_valid"] is True and answer["type"] == "SYSTEM_USER" and answer["user_id"] == SYSTEM_USER
    assert set(answer["scopes"]) == set(rotate.WHATSAPP_SCOPES)
    # An expiring token, not a non-expiring one (expires_at 0): the mock dates a live token's issue
    # to the previous day, so "60 days" reads as 58 to 60 days from now.
    assert 58 * 86400 < answer["expires_at"] - time.time() <= SIXTY_DAYS
    # The new token works for the WhatsApp calls the old one made.
    phone = requests.get(
        f"{portfolio_mock.base_url}/{guide_data.pinned_version()}/{SAMPLE_IDS['phone-number-id']}",
        headers={"Authorization": f"Bearer {new.token}"},
        timeout=5,
    )
    assert phone.status_code == 200, phone.text


def test_a_system_user_can_rotate_its_own_token_while_it_is_valid(portfolio_mock):
    own = token_value("expiring")
    new = rotate.rotate_system_user_token(SYSTEM_USER, own, DEMO_APP.id, DEMO_APP.secret, base_url=portfolio_mock.base_url)
    assert debug(portfolio_mock.base_url, new.token)["is_valid"] is True


@pytest.mark.parametrize(
    ("caller", "app_secret", "scopes", "code", "says"),
    [
        (ADMIN, OTHER_APP.secret, rotate.WHATSAPP_SCOPES, 100, "Invalid appsecret_proof"),  # the wrong app secret
        (token_value(EMPLOYEE_SYSTEM_USER.name), DEMO_APP.secret, rotate.WHATSAPP_SCOPES, 200, "Permissions error"),
        (ADMIN, DEMO_APP.secret, (), 100, "parameter scope is required"),  # no scope at all
        (ADMIN, DEMO_APP.secret, ("whatsapp_business_messagin",), 3962, "permission is not valid"),  # a typo
        (token_value("expired"), DEMO_APP.secret, rotate.WHATSAPP_SCOPES, 190, "Session has expired"),
    ],
    ids=["wrong-app-secret", "non-admin-token", "missing-scope", "misspelt-scope", "expired-token"],
)
def test_a_refused_rotation_says_why_made_nothing_and_shows_no_secret(portfolio_mock, caller, app_secret, scopes, code, says):
    with pytest.raises(rotate.RotationFailed, match=says) as caught:
        rotate.rotate_system_user_token(SYSTEM_USER, caller, DEMO_APP.id, app_secret, scopes, base_url=portfolio_mock.base_url)
    assert caught.value.code == code and not isinstance(caught.value, graph_errors.MayHaveTakenEffect)
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert_hidden(str(caught.value) + repr(caught.value), caller, app_secret=app_secret)


def test_an_empty_input_is_named_before_any_call():
    with pytest.raises(rotate.RotationFailed, match="Empty: app_secret. Pass"):
        rotate.rotate_system_user_token(SYSTEM_USER, ADMIN, DEMO_APP.id, "", base_url=f"http://127.0.0.1:{closed_port()}")


def test_a_network_failure_says_whether_a_token_may_have_been_made(hostile_server):
    with pytest.raises(rotate.RotationFailed) as refused:
        rotate.rotate_system_user_token(
            SYSTEM_USER, ADMIN, DEMO_APP.id, DEMO_APP.secret, base_url=f"http://127.0.0.1:{closed_port()}", deadline=0.5
        )
    assert refused.value.sent is False
    silent = hostile_server("read-timeout")
    with pytest.raises(graph_errors.MayHaveTakenEffect, match="A token may have been made: run again") as lost:
        rotate.rotate_system_user_token(SYSTEM_USER, ADMIN, DEMO_APP.id, DEMO_APP.secret, base_url=silent.base_url, deadline=0.5)
    assert lost.value.retryable is False and len(silent.received) == 1  # one POST, never repeated


def script_env(base_url: str) -> dict[str, str]:
    return {
        **env_without_credentials(),
        "GRAPH_API_BASE": base_url,
        "WHATSAPP_SYSTEM_USER_ID": SYSTEM_USER,
        "WHATSAPP_ADMIN_TOKEN": ADMIN,
        "META_APP_ID": DEMO_APP.id,
        "META_APP_SECRET": DEMO_APP.secret,
    }


def run_script(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    script = [sys.executable, str(ROOT / "snippets" / "rotate_system_user_token.py"), *args]
    return subprocess.run(script, env=env, capture_output=True, text=True, timeout=30)


def test_the_script_writes_the_token_to_a_file_only_its_owner_can_read(portfolio_mock, tmp_path):
    target = tmp_path / "whatsapp-token"
    target.write_text("the old token\n")
    os.chmod(target, 0o644)  # an existing file with loose permissions is replaced, not reused
    result = run_script(script_env(portfolio_mock.base_url), "--out", str(target))
    assert result.returncode == 0, result.stderr
    new = target.read_text().strip()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert debug(portfolio_mock.base_url, new)["is_valid"] is True
    assert f"...{new[-4:]}" in result.stderr and "revoke the old token" in result.stderr
    assert_hidden(result.stdout + result.stderr, new, ADMIN)
    assert [p.name for p in tmp_path.iterdir()] == ["whatsapp-token"]  # no temporary file left behind


def test_the_script_prints_the_token_only_when_asked_and_then_on_stdout_alone(portfolio_mock):
    asked = run_script(script_env(portfolio_mock.base_url), "--print")
    assert asked.returncode == 0, asked.stderr
    new = asked.stdout.strip()
    assert debug(portfolio_mock.base_url, new)["is_valid"] is True
    assert_hidden(asked.stderr, new, ADMIN)
    unasked = run_script(script_env(portfolio_mock.base_url))
    assert unasked.returncode == 2 and "--out" in unasked.stderr and unasked.stdout == ""


def test_the_script_names_missing_variables_and_a_refusal_without_a_traceback(portfolio_mock):
    env = script_env(portfolio_mock.base_url)
    del env["WHATSAPP_SYSTEM_USER_ID"]
    missing = run_script(env, "--print")
    assert missing.returncode == 2 and "Set WHATSAPP_SYSTEM_USER_ID in the environment" in missing.stderr
    refused = run_script({**script_env(portfolio_mock.base_url), "META_APP_SECRET": OTHER_APP.secret}, "--print")
    assert refused.returncode == 1 and "Invalid appsecret_proof" in refused.stderr and refused.stdout == ""
    assert "Traceback" not in missing.stderr + refused.stderr
    assert_hidden(refused.stderr, ADMIN, app_secret=OTHER_APP.secret)


def test_every_permission_the_guide_lists_can_be_asked_for(portfolio_mock, guide):
    """The mock's valid scopes are the guide's permissions (data/guide.yaml), not a list of its own."""
    scopes = tuple(p["name"] for p in guide["permissions"] + guide["optional_permissions"])
    base = portfolio_mock.base_url
    new = rotate.rotate_system_user_token(SYSTEM_USER, ADMIN, DEMO_APP.id, DEMO_APP.secret, scopes, base_url=base)
    assert set(debug(base, new.token)["scopes"]) == set(scopes)
