"""A fresh PostgreSQL database per test, on the server named by WEBHOOK_TEST_POSTGRES_DSN (`.ci/run`
starts one with `.ci/postgres start`). Without it the tests skip and say what to set, except in
CI, where they fail: CI must run them."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

VARIABLE = "WEBHOOK_TEST_POSTGRES_DSN"


def database() -> Iterator[str]:
    import psycopg

    server = os.environ.get(VARIABLE)
    if not server:
        message = f"set {VARIABLE} to a PostgreSQL server (e.g. `export {VARIABLE}=$(.ci/postgres start)`)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL inbox tests: {message}")
        pytest.skip(message)
    name = "webhook_test_" + secrets.token_hex(4)
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")  # a generated name, never input
    parts = urlsplit(server)
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
