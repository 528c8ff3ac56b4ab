"""The GitHub workflows as they will run on GitHub: valid against GitHub's schema (offline), every
action pinned to a commit, no token left in the workspace, least privilege per job, the Meta
credentials reachable from one step only, the browser from Debian's package, Meta's spec pinned
and hash-checked, each workflow installing its own hashed requirements set, Dependabot keeping
all of it fresh, and zizmor's audit clean."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.openapi import OPENAPI_SPEC
from support.paths import ROOT

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
DEPENDABOT = GITHUB / "dependabot.yml"
SPEC_RECORD = ROOT / "data" / "meta_openapi.yaml"
LIVE_ENVIRONMENT = "meta-live"
SHA_PIN = re.compile(r"uses:\s*(?P<action>[\w.-]+/[\w./-]+)@(?P<ref>\S+)(?:\s+#\s*(?P<comment>.*))?$")


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as True
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, job, step


def by_name(name: str) -> dict:
    return load(GITHUB / "workflows" / name)


def test_the_three_workflows_are_there():
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "drift.yml", "pages.yml"]


@pytest.mark.parametrize(
    ("path", "schema"),
    [*((p, "vendor.github-workflows") for p in WORKFLOWS), (DEPENDABOT, "vendor.dependabot")],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_validates_offline_against_githubs_schema(path, schema):
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment(path):
    lines = [line.strip().removeprefix("- ") for line in path.read_text(encoding="utf-8").splitlines()]
    uses = [line for line in lines if line.startswith("uses:")]
    assert uses, f"{path.name} uses no action at all"
    for line in uses:
        pin = SHA_PIN.fullmatch(line)
        assert pin, f"{path.name}: cannot read `{line}`"
        # A tag or branch can be moved to other code; a commit cannot.
        assert re.fullmatch(r"[0-9a-f]{40}", pin["ref"]), f"{path.name}: pin {pin['action']} to a 40-character commit SHA"
        assert pin["comment"] and re.fullmatch(r"v\d+\.\d+\.\d+", pin["comment"]), (
            f"{path.name}: say which release {pin['action']}@{pin['ref'][:7]} is, as `# vX.Y.Z`"
        )


def test_an_action_is_pinned_to_the_same_commit_in_every_workflow():
    """A half-done bump (one workflow moved, another not) would run two versions side by side."""
    pins: dict[str, set[tuple[str, str]]] = {}
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if pin := SHA_PIN.fullmatch(line.strip().removeprefix("- ")):
                pins.setdefault(pin["action"], set()).add((pin["ref"], pin["comment"]))
    assert {action: refs for action, refs in pins.items() if len(refs) > 1} == {}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_do_not_leave_the_token_in_the_workspace(path):
    checkouts = [step for _, _, step in steps(load(path)) if step.get("uses", "").startswith("actions/checkout@")]
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, f"{path.name}: {step}"


# What each job may ask for, and nothing more. Only the Pages deployment writes anything.
ALLOWED_PERMISSIONS = {
    ("ci.yml", "test"): {"contents": "read"},
    ("pages.yml", "build"): {"contents": "read", "pages": "read"},
    ("pages.yml", "deploy"): {"pages": "write", "id-token": "write"},
    ("drift.yml", "drift"): {"contents": "read"},
    ("drift.yml", "live"): {"contents": "read"},
}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_default_permissions_and_each_job_asks_only_for_what_it_needs(path):
    data = load(path)
    assert data["permissions"] == {}, f"{path.name}: grant nothing at the top; jobs ask for their own"
    for job_id, job in data["jobs"].items():
        assert job.get("permissions") == ALLOWED_PERMISSIONS[(path.name, job_id)], f"{path.name}: job {job_id}"


def test_the_meta_credentials_reach_one_step_only_from_the_meta_live_environment():
    with_secrets = []
    for path in WORKFLOWS:
        data = load(path)
        assert "secrets." not in json.dumps(data.get("env", {})), f"{path.name}: no secrets in workflow-wide env"
        for job_id, job in data["jobs"].items():
            assert "secrets." not in json.dumps(job.get("env", {})), f"{path.name}: no secrets in job {job_id}'s env"
            for step in job.get("steps", []):
                if "secrets." in json.dumps(step):
                    with_secrets.append((path.name, job_id, job, step))
    assert len(with_secrets) == 1, [(name, job_id, step.get("name")) for name, job_id, _, step in with_secrets]
    name, job_id, job, step = with_secrets[0]
    assert (name, job_id) == ("drift.yml", "live")
    assert job["environment"] == LIVE_ENVIRONMENT
    assert "--live" in step["run"]
    # Exactly the variables the live tests read, each from the environment's secret of that name.
    from test_live import NEEDED

    expected = {*NEEDED, "WHATSAPP_LIVE_TEST_RECIPIENT"}
    assert step["env"] == {variable: f"${{{{ secrets.{variable} }}}}" for variable in expected}


def test_the_ci_job_runs_ci_run_in_a_debian_container_so_the_browser_is_debians():
    job = by_name("ci.yml")["jobs"]["test"]
    image = job["container"]["image"] if isinstance(job["container"], dict) else job["container"]
    assert re.search(r"(bookworm|trixie)", image), f"{image} is not a Debian image; Ubuntu's chromium is a snap"
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs == ["bash .ci/run"], "CI runs the same script as a developer, nothing beside it"
    assert not any("apt-get" in run for run in runs)


def test_ci_run_installs_debians_chromium_requires_the_browser_and_audits_the_workflows():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"apt-get install .*\bchromium\b", script)
    assert "REQUIRE_BROWSER=1" in script
    audit = re.search(r"^[^#\n]*zizmor --offline \.github/\s*$", script, re.MULTILINE)
    assert audit, ".ci/run must audit the workflows with `zizmor --offline .github/`"
    assert audit.start() < script.index("-m pytest"), "the audit runs before the tests"


def run_browser_fixture(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """A one-test session that asks test_browser.py's `browser` fixture for the browser."""
    probe = tmp_path / "test_probe.py"
    probe.write_text("from test_browser import browser  # noqa: F401\n\n\ndef test_probe(browser):\n    pass\n")
    base = {k: v for k, v in os.environ.items() if k not in {"REQUIRE_BROWSER", "CHROMIUM_PATH"}}
    base["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tests"), str(ROOT)])
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rs",
            "-c",
            os.devnull,
            "--rootdir",
            str(tmp_path),
            str(probe),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**base, **env},
    )


def test_a_missing_browser_fails_the_run_when_required_and_is_never_quietly_skipped(tmp_path):
    missing = tmp_path / "no-such-chromium"
    required = run_browser_fixture(tmp_path, CHROMIUM_PATH=str(missing), REQUIRE_BROWSER="1")
    assert required.returncode == 1 and f"REQUIRE_BROWSER=1 but {missing} is missing" in required.stdout, required.stdout
    optional = run_browser_fixture(tmp_path, CHROMIUM_PATH=str(missing))
    assert optional.returncode == 0 and "1 skipped" in optional.stdout, optional.stdout
    assert f"no browser at {missing}" in optional.stdout, "the skip names the path it looked at"


def test_the_spec_checkout_is_pinned_to_the_recorded_commit_beside_the_project():
    record = yaml.safe_load(SPEC_RECORD.read_text(encoding="utf-8"))
    checkouts = [s["with"] for _, _, s in steps(by_name("ci.yml")) if s.get("uses", "").startswith("actions/checkout@")]
    spec = [w for w in checkouts if w.get("repository") == record["repository"]]
    assert len(spec) == 1
    assert spec[0]["ref"] == record["commit"], "check out the commit data/meta_openapi.yaml records"
    (project,) = [w["path"] for w in checkouts if "repository" not in w]
    # The tests read ../shared/meta-openapi/<file> relative to the project checkout.
    assert (Path(project).parent / "shared" / "meta-openapi") == Path(spec[0]["path"])
    assert OPENAPI_SPEC.name == record["file"]


def test_the_spec_the_tests_read_is_the_one_recorded():
    record = yaml.safe_load(SPEC_RECORD.read_text(encoding="utf-8"))
    if not OPENAPI_SPEC.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but Meta's spec is missing at {OPENAPI_SPEC}: check the workflow's spec checkout")
        pytest.skip(f"Meta's OpenAPI spec not found at {OPENAPI_SPEC}; put ../shared beside the checkout")
    digest = hashlib.sha256(OPENAPI_SPEC.read_bytes()).hexdigest()
    assert digest == record["sha256"], (
        f"{OPENAPI_SPEC} has sha256 {digest}, data/meta_openapi.yaml records {record['sha256']}: a new spec is a "
        "reviewed change of the record and ci.yml's ref"
    )


def pip_installs(name: str) -> list[str]:
    return [s["run"] for _, _, s in steps(by_name(name)) if "pip install" in s.get("run", "")]


@pytest.mark.parametrize(
    ("name", "requirements"),
    [("pages.yml", "requirements.txt"), ("drift.yml", "requirements-dev.txt")],
)
def test_each_workflow_installs_its_own_set_with_hash_checking(name, requirements):
    # The pinned pip may be installed first, from its own hashed lines of the same file.
    pin = '"$RUNNER_TEMP/pip-pin.txt"'
    pip_first = f"grep -A2 '^pip==' {requirements} > {pin} && python -m pip install --require-hashes -r {pin}"
    installs = [run for run in pip_installs(name) if run != pip_first]
    assert installs and all(run == f"python -m pip install --require-hashes -r {requirements}" for run in installs), installs
    assert (ROOT / requirements).is_file(), f"{name} installs {requirements}, which does not exist"


def test_the_site_url_comes_from_this_repositorys_pages_settings():
    build = by_name("pages.yml")["jobs"]["build"]["steps"]
    (configure,) = [s for s in build if s.get("uses", "").startswith("actions/configure-pages@")]
    (mkdocs,) = [s for s in build if s.get("run", "").startswith("mkdocs build --strict")]
    assert mkdocs["env"]["SITE_URL"] == f"${{{{ steps.{configure['id']}.outputs.base_url }}}}"
    assert build.index(configure) < build.index(mkdocs)


def test_the_workflows_cover_ci_pages_and_the_weekly_drift_run():
    ci, pages, drift = by_name("ci.yml"), by_name("pages.yml"), by_name("drift.yml")
    assert {"push", "pull_request"} <= set(ci["on"])
    assert pages["on"]["push"]["branches"] == ["main"]
    assert pages["jobs"]["deploy"]["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for _, _, s in steps(pages))
    assert {"schedule", "workflow_dispatch"} <= set(drift["on"])
    (strict,) = [s for s in drift["jobs"]["drift"]["steps"] if "-m drift" in s.get("run", "")]
    assert strict["env"] == {"DRIFT_STRICT": "1"}


def test_dependabot_proposes_weekly_grouped_updates_for_every_requirements_file_and_the_actions():
    updates = yaml.safe_load(DEPENDABOT.read_text(encoding="utf-8"))["updates"]
    ecosystems = {update["package-ecosystem"] for update in updates}
    assert ecosystems == {"pip", "github-actions"}
    for update in updates:
        assert update["schedule"]["interval"] == "weekly"
        assert update["groups"], f"{update['package-ecosystem']}: group the updates into one PR"
    pip_dirs = {"/" + update["directory"].strip("/") for update in updates if update["package-ecosystem"] == "pip"}
    requirement_files = [p for p in ROOT.rglob("requirements*") if p.suffix in {".in", ".txt"} and ".venv" not in p.parts]
    assert requirement_files
    for path in requirement_files:
        directory = "/" + path.parent.relative_to(ROOT).as_posix().strip("./")
        assert directory in pip_dirs, f"{path.relative_to(ROOT)} is not watched by Dependabot"
    (actions,) = [update for update in updates if update["package-ecosystem"] == "github-actions"]
    assert actions["directory"] == "/"


def zizmor() -> str:
    """zizmor from $ZIZMOR, beside this Python (the venv CI builds from requirements-dev.txt), or PATH."""
    beside = Path(sys.executable).with_name("zizmor")
    found = os.environ.get("ZIZMOR") or (str(beside) if beside.exists() else shutil.which("zizmor"))
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("CI is set but zizmor is not installed: it comes with requirements-dev.txt")
    pytest.skip("zizmor is not installed (pip install -r requirements-dev.txt, or set ZIZMOR=/path/to/zizmor)")


def audit(*paths: Path) -> tuple[int, list[dict], str]:
    result = subprocess.run(
        [zizmor(), "--offline", "--format", "json", *map(str, paths)], capture_output=True, text=True, cwd=ROOT
    )
    return result.returncode, json.loads(result.stdout or "[]"), result.stderr


def test_zizmor_finds_nothing_in_the_workflows_or_dependabot():
    returncode, findings, stderr = audit(*WORKFLOWS, DEPENDABOT)
    assert findings == [] and returncode == 0, json.dumps(findings, indent=1)[:4000] or stderr


def test_zizmor_would_catch_a_tag_pinned_action_and_a_persisted_token(tmp_path):
    """The clean audit above means something: the same zizmor flags the two mistakes the workflows had."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    careless = workflows / "careless.yml"
    careless.write_text(
        "name: careless\non: push\npermissions: {}\njobs:\n  build:\n    name: build\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - uses: actions/checkout@v4.2.2\n",
        encoding="utf-8",
    )
    returncode, findings, _ = audit(careless)
    assert returncode != 0
    assert {"unpinned-uses", "artipacked"} <= {finding["ident"] for finding in findings}
