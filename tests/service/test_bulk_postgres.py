"""An advisor's SME import larger than PostgreSQL's 65,535 bound parameters per statement."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pandas as pd
import pytest
from databases import scratch_database
from fastapi.testclient import TestClient

from api.main import create_app
from recommender import Settings, Workspace
from recommender.embedding.backends import HashingEmbedder

from .conftest import CLUSTER_A

ROWS = 70_000


def _smes(rows: int) -> bytes:
    frame = pd.DataFrame(
        {
            "id": [f"sme-bulk-{i:06d}" for i in range(rows)],
            "name": [f"Bulk SME {i}" for i in range(rows)],
            "country": "FR",
            "cluster": CLUSTER_A,
            "description": [
                f"Fleet telematics for delivery vans, reference {i}." for i in range(rows)
            ],
            "target_markets": "US;CA",
            "sectors": "logistics",
            "seeking": "distributor",
            "language": "en",
        }
    )
    return frame.to_csv(index=False).encode()


@pytest.mark.slow
def test_an_advisors_import_of_70000_smes_on_postgresql(tmp_path: Path) -> None:
    data = _smes(ROWS)
    with scratch_database("postgresql", tmp_path) as url:
        settings = Settings(
            home=tmp_path / "home",
            database_url=url,
            embedding_backend="hashing",
            max_upload_bytes=len(data) + 1,
        )
        workspace = Workspace(settings, embedder=HashingEmbedder())
        try:
            token = workspace.tokens.create("advisor", cluster=CLUSTER_A)
            with TestClient(
                create_app(settings, workspace), raise_server_exceptions=False
            ) as client:
                started = time.perf_counter()
                answer = client.post(
                    "/api/v1/smes/import",
                    headers={"Authorization": f"Bearer {token}"},
                    files={"file": ("smes.csv", io.BytesIO(data), "text/csv")},
                )
                took = time.perf_counter() - started
                assert answer.status_code == 200, answer.text[:500]
                assert answer.json()["added"] == ROWS, took
                # Once more: every row now exists and is checked against the advisor's cluster.
                again = client.post(
                    "/api/v1/smes/import",
                    headers={"Authorization": f"Bearer {token}"},
                    files={"file": ("smes.csv", io.BytesIO(data), "text/csv")},
                )
                assert again.status_code == 200, again.text[:500]
                assert again.json()["unchanged"] == ROWS
            assert workspace.store.count("sme") == ROWS
        finally:
            workspace.close()
