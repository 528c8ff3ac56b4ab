"""Shell examples run for real (bash + curl) against mockgraph, host rewritten, and print exactly
the JSON the page shows beside them."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mockgraph import token_value
from support.credentials import secrets_of
from support.goldens import check_golden
from support.paths import ROOT, SNIPPETS
from support.shell_examples import as_shown, response_pairs, run_shell_example

pytestmark = pytest.mark.examples  # the example job: every snippet run against the mock


@pytest.fixture(autouse=True)
def _curl():
    assert shutil.which("curl"), "the shell examples need curl: apt-get install -y curl"
    assert shutil.which("jq"), "the send examples build their JSON with jq: apt-get install -y jq"


@pytest.mark.parametrize(
    ("script", "response", "token_name", "scenario"), response_pairs(), ids=[r.name for _, r, _, _ in response_pairs()]
)
def test_shell_example_prints_the_json_shown_on_the_page(request, mock, script, response, token_name, scenario):
    result = run_shell_example(script, mock.base_url, token_name, scenario)
    check_golden(request.config, response, as_shown(result.stdout), equal=lambda a, b: json.loads(a) == json.loads(b))
    shown = json.loads(response.read_text(encoding="utf-8"))
    # --fail-with-body: a Graph error makes curl exit 22 (a script notices) and still prints the error.
    assert result.returncode == (22 if "error" in shown else 0), result.stderr


def test_every_response_file_is_shown_on_a_page_and_every_shell_example_has_one():
    # The pages, and the worked examples the generated error pages include (guide_macros/error_notes/).
    sources = [*(ROOT / "docs").rglob("*.md"), *(ROOT / "guide_macros" / "error_notes").glob("*.md")]
    pages = "".join(p.read_text(encoding="utf-8") for p in sources)
    pairs = response_pairs()
    for script, response, _, _ in pairs:
        assert script.is_file(), f"{response.name} names a script that does not exist"
        assert f'--8<-- "snippets/responses/{response.name}"' in pages, f"{response.name} is not shown anywhere"
    api_scripts = {p.name for p in SNIPPETS.glob("*.sh") if "graph.facebook.com" in p.read_text(encoding="utf-8")}
    assert api_scripts == {script.name for script, _, _, _ in pairs}


def test_env_setup_exports_every_variable_the_examples_read():
    script = (SNIPPETS / "env_setup.sh").read_text(encoding="utf-8")
    names = ["WHATSAPP_TOKEN", "META_APP_ID", "META_APP_SECRET", "WHATSAPP_WABA_ID", "WHATSAPP_PHONE_NUMBER_ID"]
    result = subprocess.run(
        ["bash", "-c", script + "\n" + "".join(f'printf "%s\\n" "${n}";' for n in names)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0
    assert all(result.stdout.splitlines()), "env_setup.sh leaves a variable empty"
    used = " ".join(p.read_text(encoding="utf-8") for p in SNIPPETS.glob("*.*"))
    for name in names[:4]:
        assert name in used


@pytest.mark.parametrize("script", ["send_hello_world.sh", "send_text.sh"])
def test_a_quote_in_the_recipient_cannot_inject_json(mock, script):
    """The recipient travels as one JSON string whatever it contains (jq --arg), never as JSON text."""
    hostile = '+15550100123", "type": "image", "image": {"link": "https://attacker.example/x.png'
    mock.app.journal.clear()
    result = run_shell_example(SNIPPETS / script, mock.base_url, "healthy", env={"WHATSAPP_TEST_RECIPIENT": hostile})
    sent = [body for method, path, body in mock.app.journal if method == "POST" and path.endswith("/messages")]
    assert len(sent) == 1, result.stderr
    assert sent[0]["to"] == hostile
    assert sent[0]["type"] in ("template", "text") and "image" not in sent[0]


@pytest.mark.parametrize("script", sorted({s.name for s, _, _, _ in response_pairs()}))
def test_secrets_never_appear_in_a_command_line(mock, script, tmp_path):
    """The token and app secret reach curl through file descriptors, not arguments that any user
    of the machine can read in the process list: a curl stand-in records every argument it gets."""
    real_curl = shutil.which("curl")
    recorder = tmp_path / "curl"
    recorder.write_text(f'#!/bin/bash\nprintf "%s\\n" "$@" >> "{tmp_path}/argv"\nexec {real_curl} "$@"\n')
    recorder.chmod(0o755)
    path = f"{tmp_path}{os.pathsep}{os.environ['PATH']}"
    result = run_shell_example(SNIPPETS / script, mock.base_url, "healthy", env={"PATH": path})
    argv = Path(tmp_path / "argv").read_text(encoding="utf-8")
    assert "--max-time" in argv, result.stderr  # the stand-in really ran
    for secret in secrets_of(token_value("healthy")):
        assert secret not in argv
