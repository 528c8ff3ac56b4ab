"""Run the site's shell examples for real (bash + curl) with only the host rewritten."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from mockgraph import DEMO_APP, token_value
from mockgraph.demo import OUTSIDE_WINDOW_RECIPIENT, OWN_PHONE, OWN_WABA
from mockgraph.onboarding import TEST_PHONE, UNLISTED_RECIPIENT
from support.paths import SNIPPETS

RESPONSES = SNIPPETS / "responses"
REGISTRATION_PIN = "246810"  # a demo two-step verification PIN
TEST_RECIPIENT = "+15550100123"  # 555-01xx numbers are reserved for fiction; this one wrote recently
# Named situations a response file can add to its name: responses/<script>.<token>.<scenario>.json
SCENARIOS = {
    "outside-window": {"WHATSAPP_TEST_RECIPIENT": OUTSIDE_WINDOW_RECIPIENT},
    "wrong-id": {"WHATSAPP_PHONE_NUMBER_ID": "300000000000999"},
    # the App Dashboard's test number sending to a number not on its allowed list (131030)
    "test-number": {"WHATSAPP_PHONE_NUMBER_ID": TEST_PHONE, "WHATSAPP_TEST_RECIPIENT": UNLISTED_RECIPIENT},
}


def example_env(token_name: str, scenario: str | None = None) -> dict[str, str]:
    return {
        **os.environ,
        "WHATSAPP_TOKEN": token_value(token_name),
        "META_APP_ID": DEMO_APP.id,
        "META_APP_SECRET": DEMO_APP.secret,
        "WHATSAPP_PHONE_NUMBER_ID": OWN_PHONE,
        "WHATSAPP_WABA_ID": OWN_WABA,
        "WHATSAPP_TEST_RECIPIENT": TEST_RECIPIENT,
        "WHATSAPP_REGISTRATION_PIN": REGISTRATION_PIN,
        **SCENARIOS.get(scenario, {}),
    }


MAX_TIME = "--max-time 30"  # what every curl example says; tests may shorten it


def run_shell_example(
    script: Path,
    base_url: str,
    token_name: str,
    scenario: str | None = None,
    max_time: float | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Run the script as shown, with only the host (and, if given, curl's --max-time) rewritten."""
    text = script.read_text(encoding="utf-8").replace("https://graph.facebook.com", base_url)
    if max_time is not None:
        assert MAX_TIME in text, f"{script.name} has no {MAX_TIME}"
        text = text.replace(MAX_TIME, f"--max-time {max_time:g}")
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", text],
        env={**example_env(token_name, scenario), **(env or {})},
        capture_output=True,
        text=True,
        timeout=40,
    )


def response_pairs() -> list[tuple[Path, Path, str, str | None]]:
    """responses/<script>.<demo-token>[.<scenario>].json is the output of snippets/<script>.sh for
    that demo token (and scenario)."""
    pairs = []
    for response in sorted(RESPONSES.glob("*.json")):
        script_name, token_name, *scenario = response.stem.split(".")
        assert not scenario or scenario[0] in SCENARIOS, f"{response.name}: unknown scenario {scenario[0]}"
        pairs.append((SNIPPETS / f"{script_name}.sh", response, token_name, scenario[0] if scenario else None))
    return pairs


def as_shown(stdout: str) -> str:
    """A shell example's JSON output as its response file holds it (indented, UTF-8)."""
    return json.dumps(json.loads(stdout), indent=2, ensure_ascii=False) + "\n"
