"""data/guide.yaml loads, validates, and a broken copy fails with a message naming file, key and problem."""

import copy

import pytest
import yaml

import guide_data
from support.project import build_site, copy_project


def write_broken(tmp_path, guide, mutate):
    broken = copy.deepcopy(guide)
    mutate(broken)
    path = tmp_path / "guide.yaml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    return path


def test_the_data_file_loads_and_pins_a_released_version(guide):
    versions = {v["version"]: v for v in guide["graph_api"]["versions"]}
    assert versions[guide["graph_api"]["pinned_version"]]["released"] is not None


@pytest.mark.parametrize(
    ("mutate", "key_path", "problem"),
    [
        (lambda d: d["access_types"][1].pop("app_review"), "access_types[1]", "'app_review' is a required property"),
        (
            lambda d: d["permissions"][0].update(typical_integration="yes"),
            "permissions[0].typical_integration",
            "'yes' is not of type 'boolean'",
        ),
        (
            lambda d: d["permissions"][1].update(name="whatsapp_busines_management"),
            "permissions[1].name",
            "'whatsapp_busines_management' is not one of",
        ),
        (lambda d: d.update(last_verified="last week"), "last_verified", "YYYY-MM-DD"),
        (lambda d: d["graph_api"].update(pinned_version="v99.0"), "graph_api.pinned_version", "not in graph_api.versions"),
        (lambda d: d["permissions"][0]["endpoints"].append("FETCH /{waba-id}"), "permissions[0].endpoints[2]", "does not match"),
        (lambda d: d["webhooks"]["max_payload"].update(megabytes=1), "webhooks.max_payload", "differs from the figure"),
        (lambda d: d["webhooks"]["redelivery"].update(days=99), "webhooks.redelivery", "days differs from the figure"),
        (lambda d: d["webhooks"]["facts"][0].update(sources=["https://example.com/"]), "webhooks.facts[0]", "not a Meta page"),
    ],
    ids=[
        "missing-key",
        "wrong-type",
        "unknown-permission",
        "bad-date",
        "unlisted-pin",
        "bad-endpoint",
        "cap-vs-quote",
        "redelivery-vs-quote",
        "fact-source",
    ],
)
def test_a_broken_data_file_fails_with_a_message_naming_file_key_and_problem(tmp_path, guide, mutate, key_path, problem):
    path = write_broken(tmp_path, guide, mutate)
    with pytest.raises(guide_data.DataError) as caught:
        guide_data.load(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"{key_path}: " in message
    assert problem in message


def test_unparsable_yaml_and_missing_file_are_reported_with_the_path(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("permissions: [unclosed", encoding="utf-8")
    with pytest.raises(guide_data.DataError, match="bad.yaml: not valid YAML"):
        guide_data.load(bad)
    with pytest.raises(guide_data.DataError, match="missing.yaml: cannot read"):
        guide_data.load(tmp_path / "missing.yaml")


def test_the_build_fails_on_broken_data(tmp_path, guide):
    """The site build reads the same validation: a typo in the data is a red build, not a wrong page."""
    project = copy_project(tmp_path / "project")
    write_broken(project / "data", guide, lambda d: d["permissions"][0].update(name="whatsapp_messaging"))
    result = build_site(project, tmp_path / "site")
    assert result.returncode != 0
    assert "permissions[0].name" in result.stderr and "guide.yaml" in result.stderr
