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
        rotate_system_user_token,
        send_from_test_number,
        sender,
        share_credit_line,
        startup_check,
        subscribe_app,
    )

    modules = (graph_http, graph_call, sender, startup_check, doctor, exchange_code, subscribe_app, send_from_test_number)
    modules += (register_phone, extend_user_token, share_credit_line, rotate_system_user_token)
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


def test_the_python_version_the_snippets_state_is_the_one_the_tools_check():
    """Every Python snippet that states a minimum version states the one ruff (per-file target) and
    .ci/run's strict mypy check: a statement no tool checks would drift."""
    import re

    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    target = config["tool"]["ruff"]["per-file-target-version"]["snippets/**"]  # e.g. "py310"
    version = f"{target[2]}.{target[3:]}"
    ci_run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    excluded = "snippets/" + re.escape(READERS_OWN_TEST)
    assert f"mypy --strict --python-version {version} --exclude '{excluded}' snippets/" in ci_run
    stated = {
        p.name: re.findall(r"Needs Python (\d+\.\d+)\+", p.read_text(encoding="utf-8")) for p in (ROOT / "snippets").glob("*.py")
    }
    assert {name: found for name, found in stated.items() if found and found != [version]} == {}
    assert sum(bool(found) for found in stated.values()) >= 8, "the statements moved: update this test"


# A reader's own test suite (docs/offline-testing.md): it uses mockgraph's pytest plugin by design,
# so it is the one file here allowed to import mockgraph (.ci/run's strict mypy excludes it too).
READERS_OWN_TEST = "integration_offline.py"


def test_snippet_imports_point_one_way():
    """What readers copy imports only its siblings and the packages it names: never mockgraph,
    guide_data or the tests, and no two snippets import each other (a cycle)."""
    import ast
    import graphlib

    graph: dict[str, set[str]] = {}
    for path in (ROOT / "snippets").glob("*.py"):
        if path.name == READERS_OWN_TEST:
            continue
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else [alias.name for alias in node.names]
                imported |= {name.removeprefix("snippets.").split(".")[0] for name in names}
                if node.level == 0 and node.module == "snippets":
                    imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
        assert not imported & {"mockgraph", "guide_data", "guide_macros", "support", "tests"}, path.name
        graph[path.stem] = {name for name in imported if (ROOT / "snippets" / f"{name}.py").is_file()}
    order = list(graphlib.TopologicalSorter(graph).static_order())  # raises CycleError on a cycle
    assert order.index("graph_errors") < order.index("graph_http") < order.index("graph_call") < order.index("startup_check")


def test_importing_a_snippet_does_no_work_behind_the_readers_back():
    """Importing reads no file and touches no logger: the tables load on first use, and the urllib3
    log filter goes on at the first request (a fresh interpreter, so nothing is imported yet)."""
    program = """
import io, logging, pathlib, sys
opened = []
def spy(self, *args, **kwargs):
    if "snippets" in self.parts:  # the snippets' own files (not, say, a package's metadata)
        opened.append(self.name)
    return io.open(self, *args, **kwargs)
pathlib.Path.open = spy
import snippets.doctor, snippets.sender, snippets.startup_check, snippets.exchange_code
import snippets.subscribe_app, snippets.send_from_test_number, snippets.on_status
print(opened, logging.getLogger("urllib3.connectionpool").filters)
"""
    result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] []"
