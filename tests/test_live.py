"""Live contract mode: `pytest --live` runs the read-only examples against graph.facebook.com and
checks that the real answers have the shapes mockgraph returns (same keys and types, recursively)
and that the facebook-api-version header equals the pin. It sends a message only when
WHATSAPP_LIVE_TEST_RECIPIENT names a test recipient. GRAPH_API_BASE can point it elsewhere (the
normal suite points it at mockgraph to prove the mode works)."""

from __future__ import annotations

import os

import pytest
import requests

import guide_data
from mockgraph import DEMO_APP, serve, token_value
from mockgraph.demo import OWN_PHONE, OWN_WABA
from support.shapes import shape_differences

pytestmark = pytest.mark.live

NEEDED = ("WHATSAPP_TOKEN", "META_APP_ID", "META_APP_SECRET", "WHATSAPP_WABA_ID", "WHATSAPP_PHONE_NUMBER_ID")
PINNED = guide_data.pinned_version()


@pytest.fixture(scope="module")
def live():
    missing = [name for name in NEEDED if not os.environ.get(name)]
    if missing:
        pytest.skip(f"live contract tests need {', '.join(missing)} in the environment")
    return {
        "base": os.environ.get("GRAPH_API_BASE", "https://graph.facebook.com"),
        "token": os.environ["WHATSAPP_TOKEN"],
        "app_token": f"{os.environ['META_APP_ID']}|{os.environ['META_APP_SECRET']}",
        "waba": os.environ["WHATSAPP_WABA_ID"],
        "phone": os.environ["WHATSAPP_PHONE_NUMBER_ID"],
    }


@pytest.fixture(scope="module")
def reference():
    running = serve(quiet=True)
    yield {
        "base": running.base_url,
        "token": token_value("healthy"),
        "app_token": f"{DEMO_APP.id}|{DEMO_APP.secret}",
        "waba": OWN_WABA,
        "phone": OWN_PHONE,
    }
    running.stop()


READ_ONLY = {
    "debug_token": lambda c: ("GET", "/debug_token", {"input_token": c["token"]}, c["app_token"], None),
    "me_permissions": lambda c: ("GET", "/me/permissions", None, c["token"], None),
    "phone_number": lambda c: ("GET", f"/{c['phone']}", None, c["token"], None),
    "waba_phone_numbers": lambda c: ("GET", f"/{c['waba']}/phone_numbers", None, c["token"], None),
    "message_templates": lambda c: ("GET", f"/{c['waba']}/message_templates", None, c["token"], None),
}


def fetch(context, request):
    method, path, params, bearer, body = request(context)
    response = requests.request(
        method,
        f"{context['base']}/{PINNED}{path}",
        params=params,
        json=body,
        headers={"Authorization": f"Bearer {bearer}"},
        timeout=20,
    )
    return response


@pytest.mark.parametrize("name", list(READ_ONLY))
def test_real_answers_have_the_mocks_shape_and_the_pinned_version(live, reference, name):
    real = fetch(live, READ_ONLY[name])
    assert real.headers.get("facebook-api-version") == PINNED, (
        f"Graph answered with version {real.headers.get('facebook-api-version')}, not the pinned {PINNED}"
    )
    assert real.status_code == 200, f"{name}: HTTP {real.status_code}: {real.text[:500]}"
    mock = fetch(reference, READ_ONLY[name])
    assert mock.status_code == 200
    problems = shape_differences(mock.json(), real.json())
    assert not problems, f"{name}: mockgraph has drifted from Graph:\n" + "\n".join(problems)


def test_sending_a_template_has_the_mocks_shape(live, reference):
    recipient = os.environ.get("WHATSAPP_LIVE_TEST_RECIPIENT")
    if not recipient:
        pytest.skip("no WHATSAPP_LIVE_TEST_RECIPIENT: live mode sends no message")

    def send(c):
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": recipient,
            "type": "template",
            "template": {"name": "hello_world", "language": {"policy": "deterministic", "code": "en_US"}},
        }
        return "POST", f"/{c['phone']}/messages", None, c["token"], body

    real, mock = fetch(live, send), fetch(reference, send)
    assert real.status_code == 200, real.text[:500]
    assert not shape_differences(mock.json(), real.json())
