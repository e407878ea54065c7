"""schemathesis drives the app from its own OpenAPI schema: no input gives a 5xx, and every
answer matches the schema (body and status code). SQLite only: the database does not change
what the schema promises, and the functional tests cover PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app

from .conftest import World, open_world

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fuzzed(
    tmp_path_factory: pytest.TempPathFactory, subset_files: tuple[Path, Path]
) -> Iterator[World]:
    home = tmp_path_factory.mktemp("fuzz")
    yield from open_world(f"sqlite:///{home / 'clustermatch.sqlite'}", home, subset_files)


# The schema does not depend on the data: read it from an app that is never started (starting
# one without settings would open the default data folder and load the default model).
schema = schemathesis.openapi.from_dict(create_app().openapi())


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_the_promises_of_its_schema(case: Any, fuzzed: World) -> None:
    case.call_and_validate(
        app=fuzzed.client.app,
        headers=fuzzed.headers("admin"),
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
    )
