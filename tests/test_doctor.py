"""python -m snippets.doctor: the right verdict and exit status for every demo token, JSON that
parses, no secret on any output path, and the page shows the command's real output."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys

import pytest

from guide_data.site import site_url
from mockgraph import DEMO_APP, DEMO_TOKENS, token_value
from mockgraph.demo import OWN_PHONE
from mockgraph.doctor_demo import main as demo_doctor
from snippets.doctor import main as doctor_main
from support import site_links
from support.credentials import demo_environment, env_without_credentials, secrets_of
from support.goldens import check_golden
from support.paths import ROOT
from support.shell_examples import SNIPPETS

pytestmark = pytest.mark.examples  # the example job: every snippet run against the mock

EXPECTED_EXIT = {
    "healthy": 0,
    "expiring": 0,
    "embedded-signup": 0,
    "messaging-only": 1,
    "management-only": 1,
    "expired": 1,
    "invalid": 1,
    "declined": 1,
    "other-app": 1,
    "no-assets": 1,
    "full-access": 0,
}


def doctor(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the doctor's main() in this process (fast), with exactly this environment."""
    return captured(doctor_main, args, env)


def demo(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m mockgraph doctor ARGS` in this process: the doctor against a demo token."""
    return captured(demo_doctor, args, env)


def captured(main, args: tuple[str, ...], env: dict | None) -> subprocess.CompletedProcess:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args), environ=env or {})
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def assert_no_secrets(result: subprocess.CompletedProcess, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in result.stdout and secret not in result.stderr


def test_every_demo_token_has_an_expected_verdict():
    assert set(EXPECTED_EXIT) == set(DEMO_TOKENS)


@pytest.mark.parametrize("name", list(EXPECTED_EXIT))
def test_verdict_and_exit_status_for_each_demo_token(name):
    result = demo("--demo-token", name, "--json")
    assert result.returncode == EXPECTED_EXIT[name], result.stdout + result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["exit_code"] == result.returncode
    assert verdict["status"] == ("healthy" if result.returncode == 0 else "problems")
    assert bool(verdict["problems"]) == (result.returncode == 1)
    for problem in verdict["problems"]:
        assert problem["fix"] and problem["guide"].startswith(site_url())
    assert_no_secrets(result, secrets_of(token_value(name)))
    text = demo("--demo-token", name)
    assert text.returncode == result.returncode
    assert f"exit {result.returncode}" in text.stdout
    assert_no_secrets(text, secrets_of(token_value(name)))


def test_specific_findings():
    declined = json.loads(demo("--demo-token", "declined", "--json").stdout)
    assert declined["permissions"] == {"whatsapp_business_management": "expired", "whatsapp_business_messaging": "declined"}
    signup = json.loads(demo("--demo-token", "embedded-signup", "--json").stdout)
    assert signup["targets"]["whatsapp_business_messaging"] == list(DEMO_TOKENS["embedded-signup"].targets)
    assert signup["warnings"] and "expires" in signup["warnings"][0]["what"]
    healthy = json.loads(demo("--json").stdout)
    assert healthy["token"]["expires"] == "never" and not healthy["warnings"]
    assert healthy["assets"]["waba"]["access"] == "ok"
    no_assets = json.loads(demo("--demo-token", "no-assets", "--json").stdout)
    assert "cannot reach" in no_assets["problems"][0]["what"]
    expired = json.loads(demo("--demo-token", "expired", "--json").stdout)
    assert expired["token"]["expires"] == "expired"


def test_reads_credentials_from_the_environment_against_a_running_mock(mock):
    result = doctor("--json", env=demo_environment(mock.base_url))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["assets"]["phone_number"] == {"id": OWN_PHONE, "access": "ok"}


def test_missing_environment_is_exit_2_naming_the_variables():
    result = doctor()
    assert result.returncode == 2
    assert "WHATSAPP_TOKEN, META_APP_ID, META_APP_SECRET" in result.stderr and "python -m mockgraph doctor" in result.stderr
    verdict = json.loads(doctor("--json").stdout)  # JSON on this path too
    assert verdict["exit_code"] == 2 and "WHATSAPP_TOKEN" in verdict["reason"]
    unknown = demo("--demo-token", "no-such-token", "--json")
    assert unknown.returncode == 2 and "healthy" in json.loads(unknown.stdout)["reason"]  # names the choices


@pytest.mark.parametrize("where", ["closed-port", "proxy-html", "bad-app-secret"])
def test_could_not_check_is_exit_2_and_leaks_nothing(mock, hostile_server, closed_port_url, where):
    secret = DEMO_APP.secret if where != "bad-app-secret" else DEMO_APP.secret[::-1]
    base = {"closed-port": closed_port_url, "proxy-html": None, "bad-app-secret": mock.base_url}[where]
    env = {
        "GRAPH_API_BASE": base or hostile_server("html-502").base_url,
        "WHATSAPP_TOKEN": token_value("healthy"),
        "META_APP_ID": DEMO_APP.id,
        "META_APP_SECRET": secret,
    }
    for args in ((), ("--json",)):
        result = doctor(*args, env=env)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "could-not-check" in result.stdout
        assert_no_secrets(result, secrets_of(token_value("healthy"), secret))
    if where == "bad-app-secret":  # Graph refused the app token: the doctor names the app's credentials
        assert "META_APP_SECRET" in json.loads(result.stdout)["reason"]


def test_the_doctor_uses_public_functions_and_imports_nothing_from_mockgraph():
    """What a reader copies carries no test scaffolding: the demo seam is on mockgraph's side
    (python -m mockgraph doctor), and no private name of another snippet is used."""
    import ast

    tree = ast.parse((SNIPPETS / "doctor.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith("mockgraph"), f"line {node.lineno}: the doctor imports mockgraph"
        if isinstance(node, ast.Import):
            assert not any(alias.name.startswith("mockgraph") for alias in node.names), f"line {node.lineno}"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "startup_check":
            assert not node.attr.startswith("_"), f"line {node.lineno}: private startup_check.{node.attr}"


def test_guide_links_point_at_real_sections(site, monkeypatch):
    """Every link the doctor prints, for every demo token, lands on the section of the built guide that
    holds the content: not a missing id, not a "Moved to other pages" pointer."""
    from snippets import doctor as doctor_module

    monkeypatch.delenv("SITE_URL", raising=False)
    assert doctor_module.DEFAULT_SITE_URL == site_url(), "the doctor's default must be mkdocs.yml's"
    operations_page = (site / "endpoint-permissions" / "index.html").read_text(encoding="utf-8")
    links, needs = set(), set()
    for name in DEMO_TOKENS:
        verdict = json.loads(demo("--demo-token", name, "--json").stdout)
        for item in verdict["problems"] + verdict["warnings"]:
            assert item.get("guide"), f"{name}: {item['what']!r} gives the reader no link"
            links.add(item["guide"])
            if "needs" in item:
                needs.add(item["needs"]["guide"])
    assert needs, "a refused call (the no-assets token) must link to the permission it needs"
    assert any("/errors/200/" in link for link in links), "a missing permission must lead to error 200's page"
    for link in links:
        assert link.startswith(doctor_module.DEFAULT_SITE_URL), link
        assert "#" in link, f"{link}: name the section"
        why = site_links.problem(site, "index.html", link, doctor_module.DEFAULT_SITE_URL)
        assert why is None, why
    for link in needs:
        url, _, anchor = link.partition("#")
        assert url == doctor_module.DEFAULT_SITE_URL + "endpoint-permissions/", link
        assert f'id="{anchor}"' in operations_page, f"{link} leads nowhere"


def test_the_command_line_entry_point_works():
    """Real runs of both entry points: `python -m mockgraph doctor` (exit status and JSON) and
    `python -m snippets.doctor` without credentials (exit 2, naming the variables)."""
    clean = env_without_credentials()
    for command in (["mockgraph", "doctor", "--demo-token", "expiring", "--json"], ["snippets.doctor", "--json"]):
        result = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=60, env=clean)
        if command[0] == "mockgraph":
            assert result.returncode == 0 and json.loads(result.stdout)["warnings"]
            assert "asking debug_token" in result.stderr
        else:
            assert result.returncode == 2 and "WHATSAPP_TOKEN" in json.loads(result.stdout)["reason"]


def test_the_page_shows_the_real_output(request, site):
    script = SNIPPETS / "doctor.sh"
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    result = subprocess.run(["bash", str(script)], cwd=ROOT, capture_output=True, text=True, env=env, timeout=60)
    check_golden(request.config, SNIPPETS / "output" / "doctor.management-only.txt", result.stdout)
    assert "doctor.management-only.txt" in (site / "troubleshooting" / "index.html").read_text()


def test_links_follow_site_url_read_from_the_environment_given_to_main():
    published = "https://guide.example.org/whatsapp/"
    for site in (published, published.rstrip("/")):
        verdict = json.loads(demo("--demo-token", "no-assets", "--json", env={"SITE_URL": site}).stdout)
        links = [p["guide"] for p in verdict["problems"]] + [p["needs"]["guide"] for p in verdict["problems"]]
        assert links and all(link.startswith(published) and "//whatsapp-" not in link for link in links), links
    bad = demo("--json", env={"SITE_URL": "guide.example.org"})
    assert bad.returncode == 2 and "SITE_URL" in json.loads(bad.stdout)["reason"]
    assert "SITE_URL must be" in bad.stderr


def test_a_refused_asset_names_the_permission_the_operation_map_gives():
    """no-assets: Graph answers 200 on the WABA and the phone number; the doctor names what each
    call needs, as the shipped map says, with its basis and a link to the operation's row."""
    from snippets.doctor import DEFAULT_SITE_URL

    operations = json.loads((SNIPPETS / "operation_permissions.json").read_text(encoding="utf-8"))["operations"]
    verdict = json.loads(demo("--demo-token", "no-assets", "--json").stdout)
    named = {p["needs"]["operation"]: p["needs"] for p in verdict["problems"]}
    assert set(named) == {"GET /{waba-id}", "GET /{phone-number-id}"}
    for operation, needs in named.items():
        entry = operations[operation]
        assert needs["permissions"] == entry["permissions"] and needs["stated_by_meta"] == entry["stated"]
        assert needs["guide"] == f"{DEFAULT_SITE_URL}endpoint-permissions/#op-{entry['id']}"
        for permission in entry["permissions"]:
            assert permission in needs["says"]
    text = demo("--demo-token", "no-assets").stdout
    assert "needs      GET /{waba-id} needs whatsapp_business_management (Meta states this)." in text


def test_the_permission_wording_says_and_or_or_and_whose_claim_it_is():
    from snippets.doctor import load_operations, permission_needed

    operations = load_operations()

    all_of = next(op for op, e in operations.items() if e["all_required"] and len(e["permissions"]) > 1)
    any_of = next(op for op, e in operations.items() if not e["all_required"] and len(e["permissions"]) > 1)
    inferred = next(op for op, e in operations.items() if not e["stated"] and e["permissions"])
    assert " and ".join(operations[all_of]["permissions"]) in permission_needed(all_of)["says"]
    assert " or ".join(operations[any_of]["permissions"]) in permission_needed(any_of)["says"]
    assert "the guide's inference; Meta does not state it" in permission_needed(inferred)["says"]
    assert permission_needed("GET /debug_token") is None  # the map names no permission for it
    assert permission_needed("GET /no/such/operation") is None
