"""Shell examples run for real (bash + curl) against mockgraph, host rewritten, and print exactly
the JSON the page shows beside them."""

import json
import shutil
import subprocess

import pytest

from support.goldens import check_golden
from support.paths import ROOT, SNIPPETS
from support.shell_examples import as_shown, response_pairs, run_shell_example

pytestmark = pytest.mark.examples  # the example job: every snippet run against the mock


@pytest.fixture(autouse=True)
def _curl():
    assert shutil.which("curl"), "the shell examples need curl: apt-get install -y curl"


@pytest.mark.parametrize(
    ("script", "response", "token_name", "scenario"), response_pairs(), ids=[r.name for _, r, _, _ in response_pairs()]
)
def test_shell_example_prints_the_json_shown_on_the_page(request, mock, script, response, token_name, scenario):
    result = run_shell_example(script, mock.base_url, token_name, scenario)
    assert result.returncode == 0, result.stderr
    check_golden(request.config, response, as_shown(result.stdout), equal=lambda a, b: json.loads(a) == json.loads(b))


def test_every_response_file_is_shown_on_a_page_and_every_shell_example_has_one():
    pages = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))
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
