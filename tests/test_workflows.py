"""The GitHub Actions workflows validate offline against the GitHub-workflow schema bundled in
check-jsonschema, pin their actions by version and ask for least privilege."""

import re
import subprocess
import sys

import pytest
import yaml

from support.paths import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def load(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_validates_offline_against_the_github_schema(path):
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_and_permissions_are_least_privilege(path):
    data = load(path)
    assert data["permissions"] == {"contents": "read"}
    for step_uses in re.findall(r"uses:\s*(\S+)", path.read_text(encoding="utf-8")):
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+\.\d+\.\d+", step_uses), f"{path.name}: pin {step_uses} to a version"
    for job in data["jobs"].values():
        for permission, level in job.get("permissions", {}).items():
            assert (permission, level) in {("pages", "write"), ("id-token", "write"), ("contents", "read")}


def test_the_workflows_cover_ci_pages_and_the_weekly_drift_run():
    by_name = {p.name: load(p) for p in WORKFLOWS}
    assert {"push", "pull_request"} <= set(by_name["ci.yml"]["on"])
    assert "bash .ci/run" in (ROOT / ".github/workflows/ci.yml").read_text()
    pages = (ROOT / ".github/workflows/pages.yml").read_text()
    assert by_name["pages.yml"]["on"]["push"]["branches"] == ["main"] and "actions/deploy-pages@" in pages
    assert "mkdocs build --strict" in pages
    drift = by_name["drift.yml"]
    assert "schedule" in drift["on"] and "workflow_dispatch" in drift["on"]
    text = (ROOT / ".github/workflows/drift.yml").read_text()
    assert 'DRIFT_STRICT: "1"' in text and "-m drift" in text and "--live" in text and "secrets.WHATSAPP_TOKEN" in text
