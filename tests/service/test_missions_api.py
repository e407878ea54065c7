"""POST /api/v1/missions: a plan runs in the background; status and files come back."""

from __future__ import annotations

import io
import time
from typing import Any

import pandas as pd
import pytest
import yaml

from recommender import BUNDLED_DATA

from .conftest import CLUSTER_A, SMES_BY_CLUSTER, World

V1 = "/api/v1"


def _mission(**overrides: Any) -> dict[str, Any]:
    spec = yaml.safe_load((BUNDLED_DATA / "missions" / "china-2019.yaml").read_text())
    spec["dates"] = [str(d) for d in spec["dates"]]
    spec["exclude"] = []
    return {**spec, "time_limit": 10, **overrides}


def _wait(world: World, job_id: str, role: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = world.get(f"{V1}/missions/{job_id}", role).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    pytest.fail(f"mission {job_id} did not finish in 120 s")


@pytest.mark.slow
def test_an_advisor_plans_a_mission_for_its_cluster_and_downloads_the_agenda(
    world: World,
) -> None:
    answer = world.post(f"{V1}/missions", "advisor_own", json=_mission())
    assert answer.status_code == 202, answer.text
    job = _wait(world, answer.json()["id"], "advisor_own")
    assert job["status"] == "done", job
    assert job["summary"]["solver_status"] in ("OPTIMAL", "FEASIBLE")
    names = {f["name"] for f in job["files"]}
    assert {"agenda.csv", "agenda.xlsx", "leads.xlsx", "report.html", "manifest.json"} <= names

    agenda = world.get(f"{V1}/missions/{job['id']}/files/agenda.csv", "advisor_own")
    assert agenda.status_code == 200
    frame = pd.read_csv(io.StringIO(agenda.text))
    assert {"sme_id", "partner_id", "day", "slot", "fit"} <= set(frame.columns)
    assert len(frame) == job["summary"]["meetings"] > 0
    # Only the advisor's own SMEs were planned.
    assert set(frame["sme_id"]) <= set(SMES_BY_CLUSTER[CLUSTER_A])
    assert not frame.duplicated(["sme_id", "day", "slot"]).any()

    # Another cluster's advisor and SMEs cannot see it; a path outside the plan is refused.
    assert world.get(f"{V1}/missions/{job['id']}", "advisor_other").status_code == 404
    assert world.get(f"{V1}/missions/{job['id']}", "sme_self").status_code == 403
    outside = world.get(f"{V1}/missions/{job['id']}/files/../job.json", "advisor_own")
    assert outside.status_code == 404
    listed = world.get(f"{V1}/missions", "advisor_other").json()
    assert job["id"] not in {j["id"] for j in listed}


def test_an_invalid_mission_is_refused_naming_the_key(world: World) -> None:
    answer = world.post(f"{V1}/missions", "admin", json=_mission(markets=["FR"]))
    assert answer.status_code == 422
    assert "markets" in {p["column"] for p in answer.json()["problems"]}
    other = world.post(f"{V1}/missions", "advisor_own", json=_mission(smes=["sme-parksense"]))
    assert other.status_code == 422  # an SME of another cluster is unknown to this advisor
    assert world.post(f"{V1}/missions", "sme_self", json=_mission()).status_code == 403
