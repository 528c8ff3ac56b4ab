"""The operation -> permission map in data/guide.yaml covers Meta's OpenAPI spec exactly, states
nothing without a source, and is what mockgraph enforces, row by row."""

from __future__ import annotations

import re

import pytest
import requests

import guide_data
from guide_data import NOT_STATED, required_permissions
from support.site_pages import pages

OPERATIONS = guide_data.load()["operations"]
METHODS = ("get", "post", "delete", "put", "patch")


def spec_operations(spec) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in spec["paths"].items() for method in item if method in METHODS}


def test_every_operation_in_metas_spec_has_exactly_one_entry(spec):
    in_spec = spec_operations(spec)
    in_yaml = {(o["op"].split(" ", 1)[0], o["spec_path"]) for o in OPERATIONS if o["spec_path"] is not None}
    missing = sorted(in_spec - in_yaml)
    unknown = sorted(in_yaml - in_spec)
    assert not missing, f"operations in Meta's spec with no entry in data/guide.yaml operations: {missing}"
    assert not unknown, f"operations in data/guide.yaml that Meta's spec lacks (set spec_path: null and cite the page): {unknown}"
    assert len(in_spec) == 113, "Meta's v23.0 spec had 113 operations; a new spec needs a review of the map"


def test_the_spec_path_and_the_guides_path_name_the_same_route(spec):
    """`op` is the spec path with readable id names: same method, same number of segments, same edges."""
    for operation in OPERATIONS:
        if operation["spec_path"] is None:
            continue
        method, path = operation["op"].split(" ", 1)
        assert method.lower() in spec["paths"][operation["spec_path"]], operation["id"]
        ours = path.strip("/").split("/")
        theirs = operation["spec_path"].replace("/{Version}", "").strip("/").split("/")
        assert len(ours) == len(theirs), operation["id"]
        for mine, meta in zip(ours, theirs):
            assert mine.startswith("{") == meta.startswith("{"), operation["id"]
            if not mine.startswith("{"):
                assert mine == meta, operation["id"]


def test_operations_outside_the_spec_cite_the_meta_page_that_documents_them():
    outside = [o for o in OPERATIONS if o["spec_path"] is None]
    assert {o["op"] for o in outside} >= {"GET /debug_token", "GET /me/permissions"}
    for operation in outside:
        assert operation.get("source", "").startswith("https://developers.facebook.com/"), operation["id"]


def test_an_unstated_permission_is_never_presented_as_a_fact():
    for operation in OPERATIONS:
        if operation["permissions"] == NOT_STATED:
            assert "source" not in operation and "says" not in operation, operation["id"]
            assert operation["inference"]["permissions"], operation["id"]
            assert operation["confidence"] == "L", f"{operation['id']}: an inference cannot be more than low confidence"
        else:
            assert "inference" not in operation, operation["id"]


def test_where_the_spec_text_names_a_permission_the_map_says_the_same(spec):
    """Every permission Meta's spec names for an operation (description or 403 text) is in the map."""
    named = re.compile(r"\b(whatsapp_business_messaging|whatsapp_business_management)\b")
    by_key = {(o["op"].split(" ", 1)[0], o["spec_path"]): o for o in OPERATIONS}
    checked = 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            texts = [operation.get("description", "")]
            forbidden = operation.get("responses", {}).get("403", {})
            texts.append(forbidden.get("description", ""))
            for example in forbidden.get("content", {}).get("application/json", {}).get("examples", {}).values():
                texts += [example.get("summary", ""), str(example.get("value", ""))]
            stated = set(named.findall(" ".join(texts)))
            if stated:
                checked += 1
                entry = by_key[(method.upper(), path)]
                assert entry["permissions"] != NOT_STATED, f"{entry['id']}: the spec states {stated}"
                assert stated <= set(entry["permissions"]), f"{entry['id']}: the spec states {stated}"
    assert checked >= 8, "the spec states a permission for at least 8 operations"


def test_a_broken_entry_fails_validation_with_its_location():
    import copy

    data = copy.deepcopy(guide_data.load())
    data["operations"][0]["permissions"] = NOT_STATED
    data["operations"][0].pop("inference", None)
    with pytest.raises(guide_data.DataError, match=r"operations\[0\]"):
        guide_data.validate(data)


GATED = [o for o in OPERATIONS if o["mock"] != "not a Graph call" and required_permissions(o)]


def call_row(base_url: str, operation: dict, token: str) -> requests.Response:
    from mockgraph import objects

    method, template = operation["op"].split(" ", 1)
    url = f"{base_url}/{guide_data.pinned_version()}{objects.concrete_path(template)}"
    return requests.request(method, url, headers={"Authorization": f"Bearer {token}"}, timeout=5)


def test_every_row_the_mock_routes_is_gated_except_the_token_calls():
    ungated = {o["id"] for o in OPERATIONS if o["mock"] != "not a Graph call"} - {o["id"] for o in GATED}
    # The token calls need no permission (generating a system user's token is gated by the caller's
    # role, not a scope); the code exchange needs no token at all (client secret).
    assert ungated == {"debugToken", "getUserPermissions", "exchangeEmbeddedSignupCode", "generateSystemUserToken"}


@pytest.mark.parametrize("operation", GATED, ids=lambda o: o["id"])
def test_mockgraph_refuses_every_row_to_a_token_without_its_permission(mock, operation):
    """Error 200, in Meta's words for the permissions the map gives, for every operation the mock
    routes (tests/test_mock_permission_messages.py checks that each sentence is Meta's)."""
    from mockgraph import objects, permission_messages

    needed = required_permissions(operation)
    every = guide_data.requires_all(operation)
    response = call_row(mock.base_url, operation, objects.token_without(needed, every))
    error = response.json()["error"]
    assert response.status_code == 403, (operation["id"], response.text)
    assert error["code"] == 200
    assert error["message"] == permission_messages.missing_permission(needed, every)


@pytest.fixture(scope="module")
def admin_mock():
    """A mock that also knows the portfolio-admin token (every permission the map names)."""
    from mockgraph import GraphMock, serve
    from mockgraph.demo import PORTFOLIO_ADMIN

    running = serve(GraphMock(extra_tokens=[PORTFOLIO_ADMIN]), quiet=True)
    yield running
    running.stop()


@pytest.mark.parametrize("operation", [o for o in GATED if o["mock"] == "from spec"], ids=lambda o: o["id"])
def test_with_the_permission_a_row_answered_from_the_spec_is_answered(admin_mock, operation):
    """No row answers "does not simulate" any more; tests/test_spec_operations.py checks the bodies."""
    from mockgraph.demo import token_value

    response = call_row(admin_mock.base_url, operation, token_value("portfolio-admin"))
    assert "does not simulate" not in response.text
    # An empty body is refused naming the parameter it lacks (code 100), never with a permission error.
    assert response.status_code == 200 or response.json()["error"]["code"] == 100, response.text


def test_the_json_copy_for_tools_matches_the_yaml():
    """snippets/operation_permissions.json is what a tool without the YAML (the doctor) reads."""
    import json

    from guide_data import operation_permissions

    assert operation_permissions.MAP_FILE.read_text(encoding="utf-8") == operation_permissions.render(), (
        "snippets/operation_permissions.json is stale: run python -m guide_data.operation_permissions"
    )
    exported = json.loads(operation_permissions.MAP_FILE.read_text(encoding="utf-8"))["operations"]
    assert exported["POST /{phone-number-id}/messages"]["permissions"] == ["whatsapp_business_messaging"]
    assert len(exported) == len(OPERATIONS)


def test_the_reference_page_gives_every_operation_a_row_with_a_stable_anchor(site):
    import html as html_lib

    page = (site / "endpoint-permissions" / "index.html").read_text(encoding="utf-8")
    for operation in OPERATIONS:
        start = page.index(f'<tr id="op-{operation["id"]}">')
        row = page[start : page.index("</tr>", start)]
        method, path = operation["op"].split(" ", 1)
        assert method in row and html_lib.unescape(row.replace("<wbr>", "")).count(path) >= 1, operation["id"]
        if operation["permissions"] == NOT_STATED:
            assert "inferred</span>" in row and 'href="#inference-' in row, operation["id"]
        else:
            assert "inferred</span>" not in row
            for permission in operation["permissions"]:
                assert permission in row.replace("<wbr>", ""), operation["id"]
    guide_page = (site / "whatsapp-permissions-guide" / "index.html").read_text(encoding="utf-8")
    assert 'href="../endpoint-permissions/"' in guide_page, "the Permissions Guide no longer links to the map"


def test_the_permissions_table_links_each_endpoint_to_its_row(site, guide):
    """The Permissions Guide's endpoints lead into the map: each link lands on that operation's row."""
    by_op = {o["op"]: o for o in guide["operations"]}
    built = pages(site)
    guide_page, reference = built["whatsapp-permissions-guide/index.html"], built["endpoint-permissions/index.html"]
    links = {a.get_text(): a["href"] for a in guide_page.select("#permissions-table td a")}
    listed = {e for p in guide["permissions"] for e in p["endpoints"]}
    assert set(links) == listed
    for op, href in links.items():
        assert href == f"../endpoint-permissions/#op-{by_op[op]['id']}", op
        row = reference.find(id=f"op-{by_op[op]['id']}")
        assert row is not None and row.name == "tr", f"{op}: {href} leads nowhere"
        assert op.split(" ", 1)[1] in row.get_text(""), f"{op}: {href} lands on another operation's row"


def test_each_inference_is_explained_once_and_every_inferred_row_points_at_its_own_reason(site):
    """No reason sentence repeated per row: each row links to its numbered reason, printed once."""
    page = pages(site)["endpoint-permissions/index.html"]
    for operation in OPERATIONS:
        if "inference" not in operation:
            continue
        link = page.find(id=f"op-{operation['id']}").select_one('a[href^="#inference-"]')
        assert link is not None, operation["id"]
        reason = page.find(id=link["href"][1:]).find_parent("li").get_text(" ", strip=True)
        assert " ".join(operation["inference"]["reason"].split()) in " ".join(reason.split()), operation["id"]
        assert page.get_text().count(operation["inference"]["reason"]) == 1, "a reason is printed more than once"
