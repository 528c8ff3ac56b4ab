"""The demo world a reader explores: one object of every kind the operation map names, listed by
`python -m mockgraph --list-ids`, and the full-access token in `--list-tokens`."""

from __future__ import annotations

import re

from werkzeug.test import Client

import guide_data
from mockgraph import GraphMock, demo
from mockgraph.__main__ import main


def listed(capsys, option: str) -> dict[str, list[str]]:
    assert main([option]) == 0
    return {line.split("\t")[0]: line.split("\t")[1:] for line in capsys.readouterr().out.splitlines()}


def test_list_ids_names_an_existing_object_of_every_kind_the_map_names(capsys, guide):
    ids = listed(capsys, "--list-ids")
    kinds = {k for o in guide["operations"] for k in re.findall(r"\{([a-z-]+)\}", o["op"])}
    mock = GraphMock()
    for kind in kinds:
        name = kind.removesuffix("-id")
        assert name in ids, f"--list-ids has no {name}"
        assert mock.objects.exists(kind, ids[name][0]), f"{name} {ids[name][0]} is not a demo object"


def test_every_get_on_a_listed_object_answers_with_the_full_access_token(capsys, guide):
    ids = {name: value[0] for name, value in listed(capsys, "--list-ids").items()}
    tokens = listed(capsys, "--list-tokens")
    assert tokens["full-access"][0] == demo.token_value("full-access")
    client = Client(GraphMock())
    for operation in guide["operations"]:
        method, template = operation["op"].split(" ", 1)
        if method != "GET" or operation["mock"] == "not a Graph call" or not operation["spec_path"]:
            continue
        path = re.sub(r"\{([a-z-]+)\}", lambda m: ids[m.group(1).removesuffix("-id")], template)
        query = {"business": ids["business"], "business_id": ids["business"], "user_wa_id": "15550100123"}
        response = client.get(
            f"/{guide_data.pinned_version()}{path}",
            query_string=query,
            headers={"Authorization": f"Bearer {tokens['full-access'][0]}"},
        )
        assert response.status_code == 200, (operation["id"], response.get_data(as_text=True)[:300])
