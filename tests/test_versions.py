"""Versions as Meta documents them: a call to a version that is no longer usable, including one older
than any the YAML lists, is served by the oldest usable version (data/guide.yaml
graph_api.expired_version_calls), and facebook-api-version names the version that answered."""

from __future__ import annotations

import datetime as dt

import pytest
from werkzeug.test import Client

import guide_data
from mockgraph import GraphMock, demo

TODAY = dt.date(2026, 11, 29)
HEADERS = {"Authorization": f"Bearer {demo.token_value('healthy')}"}


def oldest_usable(guide: dict) -> str:
    usable = [
        v
        for v in guide["graph_api"]["versions"]
        if v["released"] and v["released"] <= TODAY and (v["available_until"] is None or TODAY < v["available_until"])
    ]
    return min(usable, key=lambda v: v["released"])["version"]


def test_the_rule_is_sourced(guide):
    rule = guide["graph_api"]["expired_version_calls"]
    assert rule["source"].startswith("https://developers.facebook.com/") and "defaulted" in rule["says"]


@pytest.mark.parametrize("version", ["v2.0", "v9.0", "v17.0"])
def test_a_version_older_than_any_listed_is_served_by_the_oldest_usable_one(guide, version):
    listed = [v["version"] for v in guide["graph_api"]["versions"]]
    assert version not in listed
    response = Client(GraphMock(today=TODAY)).get(f"/{version}/{demo.OWN_PHONE}", headers=HEADERS)
    assert response.status_code == 200
    assert response.headers["facebook-api-version"] == oldest_usable(guide)


def test_an_expired_listed_version_is_served_by_the_oldest_usable_one(guide):
    expired = next(v["version"] for v in guide["graph_api"]["versions"] if v["available_until"] and v["available_until"] <= TODAY)
    response = Client(GraphMock(today=TODAY)).get(f"/{expired}/{demo.OWN_PHONE}", headers=HEADERS)
    assert response.status_code == 200 and response.headers["facebook-api-version"] == oldest_usable(guide)


def test_the_pinned_version_answers_as_itself_and_an_unreleased_one_is_unknown():
    client = Client(GraphMock(today=TODAY))
    pinned = guide_data.pinned_version()
    assert client.get(f"/{pinned}/{demo.OWN_PHONE}", headers=HEADERS).headers["facebook-api-version"] == pinned
    future = client.get(f"/v99.0/{demo.OWN_PHONE}", headers=HEADERS)
    assert future.status_code == 400 and future.get_json()["error"]["code"] == 2500
