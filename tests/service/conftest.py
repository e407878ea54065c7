"""Fixtures of the HTTP tests: a scratch database (a SQLite file or a PostgreSQL database), a
workspace holding a subset of the bundled data, a token for every kind of caller, and a
TestClient with the app's lifespan running.

Worlds are module-scoped: each test module gets its own database per backend, and the tests
in a module create the objects they change, so they do not depend on each other's order.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from databases import BACKENDS, scratch_database
from fastapi.testclient import TestClient

from api.main import create_app
from recommender import BUNDLED_DATA, Settings, Workspace
from recommender.embedding.backends import HashingEmbedder

CLUSTER_A = "Mov'eo"  # the cluster of advisor_own, sme_self and sme_other
CLUSTER_B = "bwcon"  # the cluster of advisor_other
CLUSTER_C = "Piemonte Innova"  # nobody's cluster but the admin's
SMES_BY_CLUSTER: dict[str, list[str]] = {
    CLUSTER_A: ["sme-atsuke", "sme-clem", "sme-ksh", "sme-autonomia"],
    CLUSTER_B: ["sme-parksense", "sme-standard-development", "sme-voltdepot", "sme-konvoi"],
    CLUSTER_C: ["sme-parksmart", "sme-sinapsi", "sme-binario", "sme-andiamo"],
}
SME_X = "sme-atsuke"  # sme_self; targets US, CA, CN and SG
SME_Y = "sme-clem"  # sme_other, same cluster as X
SME_B = "sme-parksense"  # an SME of advisor_other's cluster
SME_C = "sme-parksmart"  # an SME of a cluster without an advisor token
ALL_SMES = [s for ids in SMES_BY_CLUSTER.values() for s in ids]
PARTNERS_PER_MARKET = 15
MAX_UPLOAD_BYTES = 256 * 1024
BAD_TOKEN = "cm_this-token-was-never-issued"
ROLES = (
    "none",
    "bad",
    "revoked",
    "admin",
    "advisor_own",
    "advisor_other",
    "sme_self",
    "sme_other",
)


def unique(prefix: str) -> str:
    """A fresh id, so tests sharing a module's database never collide."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def sme_body(sme_id: str, cluster: str = CLUSTER_A, **overrides: Any) -> dict[str, Any]:
    """A valid SME creation body."""
    return {
        "id": sme_id,
        "name": f"Test SME {sme_id}",
        "country": "FR",
        "cluster": cluster,
        "description": "Smart parking sensors that detect free parking spaces in real time.",
        "target_markets": ["US", "CA"],
        "sectors": ["parking", "smart city"],
        "seeking": ["public_authority"],
        "language": "en",
        **overrides,
    }


def partner_body(partner_id: str, **overrides: Any) -> dict[str, Any]:
    """A valid partner creation body."""
    return {
        "id": partner_id,
        "name": f"Test Partner {partner_id}",
        "country": "US",
        "city": "Boston",
        "org_type": "public_authority",
        "description": "The city parking office pilots parking sensors on its streets.",
        "sectors": ["parking"],
        "language": "en",
        **overrides,
    }


@dataclass
class World:
    """One running app on one database, with a token per role."""

    client: TestClient
    workspace: Workspace
    settings: Settings
    database_url: str
    tokens: dict[str, str]
    mission: dict[str, Any] = field(default_factory=dict)  # a finished plan, once one is made

    @property
    def backend(self) -> str:
        return "postgresql" if self.database_url.startswith("postgresql") else "sqlite"

    def headers(self, role: str) -> dict[str, str]:
        if role == "none":
            return {}
        if role == "bad":
            return {"Authorization": f"Bearer {BAD_TOKEN}"}
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def request(self, method: str, path: str, role: str = "admin", **kwargs: Any) -> httpx.Response:
        return self.client.request(method, path, headers=self.headers(role), **kwargs)

    def get(self, path: str, role: str = "admin", **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, role, **kwargs)

    def post(self, path: str, role: str = "admin", **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, role, **kwargs)

    def patch(self, path: str, role: str = "admin", **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, role, **kwargs)

    def put(self, path: str, role: str = "admin", **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, role, **kwargs)

    def delete(self, path: str, role: str = "admin", **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, role, **kwargs)


# --- databases ---------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A scratch database: a SQLite file, or a PostgreSQL database dropped afterwards (the
    test fails, not skips, when the PostgreSQL server is down)."""
    with scratch_database(request.param, tmp_path_factory.mktemp("db")) as url:
        yield url


# --- data and worlds ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def subset_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """12 bundled SMEs from 3 clusters and 15 bundled partners per market, as CSV files."""
    folder = tmp_path_factory.mktemp("subset")
    smes = pd.read_csv(BUNDLED_DATA / "smes.csv", dtype=str, keep_default_na=False)
    partners = pd.read_csv(BUNDLED_DATA / "partners.csv", dtype=str, keep_default_na=False)
    smes = smes[smes["id"].isin(ALL_SMES)]
    assert len(smes) == len(ALL_SMES)
    partners = (
        partners.sort_values("id").groupby("country", group_keys=False).head(PARTNERS_PER_MARKET)
    )
    smes.to_csv(folder / "smes.csv", index=False)
    partners.to_csv(folder / "partners.csv", index=False)
    return folder / "smes.csv", folder / "partners.csv"


def open_world(
    database_url: str, home: Path, files: tuple[Path, Path], **settings: Any
) -> Iterator[World]:
    """Import the subset, create the tokens, and run the app until the caller is done."""
    chosen = Settings(
        home=home,
        database_url=database_url,
        embedding_backend="hashing",
        max_upload_bytes=MAX_UPLOAD_BYTES,
        **settings,
    )
    workspace = Workspace(chosen, embedder=HashingEmbedder())
    try:
        workspace.import_files(*files)
        tokens = {
            "admin": workspace.tokens.create("admin", label="tests"),
            "advisor_own": workspace.tokens.create("advisor", cluster=CLUSTER_A),
            "advisor_other": workspace.tokens.create("advisor", cluster=CLUSTER_B),
            "sme_self": workspace.tokens.create("sme", sme_id=SME_X),
            "sme_other": workspace.tokens.create("sme", sme_id=SME_Y),
            "revoked": workspace.tokens.create("admin", label="revoked"),
        }
        revoked = next(t for t in workspace.tokens.list() if t["label"] == "revoked")
        workspace.tokens.revoke(int(str(revoked["id"])))
        app = create_app(chosen, workspace)
        # 5xx must come back as responses the tests can assert on, not as raised exceptions.
        with TestClient(app, raise_server_exceptions=False) as client:
            yield World(client, workspace, chosen, database_url, tokens)
    finally:
        workspace.close()


@pytest.fixture(scope="module")
def world(
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    subset_files: tuple[Path, Path],
) -> Iterator[World]:
    """The app on this module's database, holding the subset."""
    yield from open_world(database_url, tmp_path_factory.mktemp("home"), subset_files)
