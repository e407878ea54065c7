"""Scratch databases for the storage and API tests: a SQLite file or a PostgreSQL database."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest

BACKENDS = ("sqlite", "postgresql")
PG_SERVER = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=5"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def pg_connect() -> psycopg.Connection[Any]:
    """An autocommit connection to the server's maintenance database; fails the test if down."""
    try:
        return psycopg.connect(PG_SERVER, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(
            "PostgreSQL is not reachable on 127.0.0.1:5432 (user postgres, trust auth); the "
            f"storage and API tests need it (CI starts it with .ci/run). Error: {exc}",
            pytrace=False,
        )


@contextmanager
def scratch_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'clustermatch.sqlite'}"
        return
    name = f"cm_test_{secrets.token_hex(6)}"
    with pg_connect() as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.format(name=name)
    finally:
        with pg_connect() as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
