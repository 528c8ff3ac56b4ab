"""The snippets as readers run them: `python snippets/<name>.py` with the environment of
env_setup.sh, against mockgraph; and a clear message, not a traceback, when a variable is missing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mockgraph import DEMO_APP, token_value
from mockgraph.demo import OWN_PHONE
from support.credentials import env_without_credentials
from support.paths import ROOT

pytestmark = pytest.mark.examples  # the example job: every snippet run against the mock

BASE_ENV = env_without_credentials()


def run(script: str, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "snippets" / script), *args],
        capture_output=True,
        text=True,
        env={**BASE_ENV, **env},
        timeout=60,
    )


@pytest.mark.parametrize("script", ["startup_check.py", "sender.py", "webhook_receiver.py"])
def test_a_missing_variable_is_named_and_nothing_crashes(script):
    result = run(script, {})
    assert result.returncode == 1
    assert "Set " in result.stderr and "in the environment" in result.stderr
    assert "Traceback" not in result.stderr


def test_startup_check_as_a_script(mock):
    env = {
        "GRAPH_API_BASE": mock.base_url,
        "WHATSAPP_TOKEN": token_value("healthy"),
        "META_APP_ID": DEMO_APP.id,
        "META_APP_SECRET": DEMO_APP.secret,
    }
    result = run("startup_check.py", env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Token OK: SYSTEM_USER token for app {DEMO_APP.id}, never expires."
    result = run("startup_check.py", {**env, "WHATSAPP_TOKEN": token_value("messaging-only")})
    assert result.returncode == 1 and "TokenProblem" in result.stderr and "lacks whatsapp_business_management" in result.stderr
    assert token_value("messaging-only") not in result.stderr
    # A failure is one clear line, not a traceback; a refused app secret names the app's credentials.
    result = run("startup_check.py", {**env, "META_APP_SECRET": "not-the-app-secret"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "META_APP_SECRET" in result.stderr
    assert "not-the-app-secret" not in result.stderr


def test_sender_as_a_script(mock):
    env = {
        "GRAPH_API_BASE": mock.base_url,
        "WHATSAPP_TOKEN": token_value("healthy"),
        "WHATSAPP_PHONE_NUMBER_ID": OWN_PHONE,
        "WHATSAPP_TEST_RECIPIENT": "+15550100123",
    }
    result = run("sender.py", env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Accepted: wamid.")


def test_only_the_main_blocks_read_the_environment():
    """Snippet functions take the base URL (and everything else) as parameters; only a script's
    `if __name__ == "__main__":` block reads os.environ, and nothing reloads a module."""
    import ast

    for path in sorted((ROOT / "snippets").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        main_blocks = [
            node
            for node in tree.body
            if isinstance(node, ast.If)
            and isinstance(node.test, ast.Compare)
            and ast.unparse(node.test) == "__name__ == '__main__'"
        ]
        allowed = {id(n) for block in main_blocks for n in ast.walk(block)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and ast.unparse(node) in ("os.environ", "os.getenv"):
                assert id(node) in allowed, f"{path.name}:{node.lineno} reads the environment outside __main__"
            if isinstance(node, ast.Attribute) and node.attr == "reload":
                raise AssertionError(f"{path.name}:{node.lineno} reloads a module")


def test_every_snippet_function_defaults_to_metas_host():
    """Where a function takes a base URL, its default is https://graph.facebook.com."""
    import inspect

    from snippets import (
        doctor,
        exchange_code,
        extend_user_token,
        graph_call,
        graph_http,
        register_phone,
        send_from_test_number,
        sender,
        share_credit_line,
        startup_check,
        subscribe_app,
    )

    modules = (graph_http, graph_call, sender, startup_check, doctor, exchange_code, subscribe_app, send_from_test_number)
    modules += (register_phone, extend_user_token, share_credit_line)
    for module in modules:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            parameter = inspect.signature(function).parameters.get("base_url")
            if parameter is not None and function.__module__ == module.__name__:
                assert parameter.default == "https://graph.facebook.com", f"{module.__name__}.{name}"


def test_the_python_snippets_take_the_version_pin_from_graph_http_only(guide):
    """One place to bump: a second version literal in a Python snippet would drift from graph_http's."""
    pinned = guide["graph_api"]["pinned_version"]
    naming = sorted(p.name for p in (ROOT / "snippets").glob("*.py") if f"/{pinned}" in p.read_text(encoding="utf-8"))
    assert naming == ["graph_http.py"]
