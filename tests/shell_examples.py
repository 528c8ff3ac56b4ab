"""Run the site's shell examples for real (bash + curl) with only the host rewritten."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from mockgraph import DEMO_APP, token_value
from mockgraph.demo import OWN_PHONE, OWN_WABA

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
RESPONSES = SNIPPETS / "responses"
TEST_RECIPIENT = "+15550100123"  # 555-01xx numbers are reserved for fiction


def example_env(token_name: str) -> dict[str, str]:
    return {
        **os.environ,
        "WHATSAPP_TOKEN": token_value(token_name),
        "META_APP_ID": DEMO_APP.id,
        "META_APP_SECRET": DEMO_APP.secret,
        "WHATSAPP_PHONE_NUMBER_ID": OWN_PHONE,
        "WHATSAPP_WABA_ID": OWN_WABA,
        "WHATSAPP_TEST_RECIPIENT": TEST_RECIPIENT,
    }


def run_shell_example(script: Path, base_url: str, token_name: str) -> subprocess.CompletedProcess:
    text = script.read_text(encoding="utf-8").replace("https://graph.facebook.com", base_url)
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", text],
        env=example_env(token_name), capture_output=True, text=True, timeout=30,
    )


def response_pairs() -> list[tuple[Path, Path, str]]:
    """responses/<script>.<demo-token>.json is the output of snippets/<script>.sh for that token."""
    pairs = []
    for response in sorted(RESPONSES.glob("*.json")):
        script_name, token_name = response.stem.split(".", 1)
        pairs.append((SNIPPETS / f"{script_name}.sh", response, token_name))
    return pairs
