"""Functional tests of the HTTP API, on SQLite and on PostgreSQL.

The tests of this module share one database per backend; each one works on SMEs, partners and
(SME, partner) pairs of its own, so none depends on another's order.
"""

from __future__ import annotations

import contextlib
import csv
import io
from datetime import datetime
from typing import Any

import openpyxl
import pandas as pd
import pytest
from sqlalchemy.exc import SQLAlchemyError

from api.schemas import TrackedLead
from recommender import NotFoundError
from recommender.profiles import LoadedProfiles, validate_rows

from .conftest import (
    CLUSTER_A,
    CLUSTER_B,
    MAX_UPLOAD_BYTES,
    SME_X,
    World,
    partner_body,
    sme_body,
    unique,
)

V1 = "/api/v1"
PARTNER_COLUMNS = [
    "id",
    "name",
    "country",
    "city",
    "org_type",
    "description",
    "sectors",
    "language",
]
SME_COLUMNS = [
    "id",
    "name",
    "country",
    "cluster",
    "description",
    "target_markets",
    "sectors",
    "seeking",
    "language",
]


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


def _upload(name: str, rows: list[dict[str, str]], columns: list[str]) -> dict[str, Any]:
    """A multipart upload of rows as CSV or XLSX, chosen by the file name."""
    frame = pd.DataFrame(rows, columns=columns)
    if name.endswith(".xlsx"):
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False)
        data = buffer.getvalue()
    else:
        data = frame.to_csv(index=False).encode("utf-8")
    return {"files": {"file": (name, data, "application/octet-stream")}}


def _partner_row(partner_id: str, **overrides: str) -> dict[str, str]:
    body = partner_body(partner_id)
    return {**body, "sectors": ";".join(body["sectors"]), **overrides}


def _sme_row(sme_id: str, **overrides: str) -> dict[str, str]:
    body = sme_body(sme_id, description=f"Parking sensors for smart cities ({sme_id}).")
    row = {k: ";".join(v) if isinstance(v, list) else v for k, v in body.items()}
    return {**row, **overrides}


# --- health ------------------------------------------------------------------------------------


def test_health_and_readiness(world: World) -> None:
    assert world.client.get("/healthz").json()["status"] == "ok"
    ready = world.client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready"
    assert body["smes"] == world.workspace.store.count("sme")
    assert body["partners"] == world.workspace.store.count("partner")
    assert body["model"] == world.workspace.embedder.name


# --- SMEs and partners: CRUD, pages, filters ---------------------------------------------------


def test_sme_create_read_update_delete(world: World) -> None:
    sme_id = unique("sme-crud")
    body = sme_body(sme_id)
    created = world.post(f"{V1}/smes", "advisor_own", json=body)
    assert created.status_code == 201, created.text
    assert created.json() == body
    assert world.post(f"{V1}/smes", "admin", json=body).status_code == 409
    assert world.get(f"{V1}/smes/{sme_id}", "advisor_own").json() == body

    changed = world.patch(
        f"{V1}/smes/{sme_id}", "advisor_own", json={"name": "Renamed", "target_markets": ["SG"]}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json() == {**body, "name": "Renamed", "target_markets": ["SG"]}
    assert world.get(f"{V1}/smes/{sme_id}").json()["name"] == "Renamed"
    listed = world.get(f"{V1}/smes?cluster={CLUSTER_A}&limit=500").json()
    assert sme_id in _ids(listed["items"])

    assert world.delete(f"{V1}/smes/{sme_id}", "advisor_own").status_code == 204
    assert world.get(f"{V1}/smes/{sme_id}").status_code == 404
    assert world.delete(f"{V1}/smes/{sme_id}").status_code == 404
    assert sme_id not in _ids(world.get(f"{V1}/smes?limit=500").json()["items"])


def test_sme_pages_and_filters(world: World) -> None:
    everything = world.get(f"{V1}/smes?limit=500").json()
    ids = _ids(everything["items"])
    assert everything["total"] == len(ids) == world.workspace.store.count("sme")
    assert ids == sorted(ids)
    paged: list[str] = []
    for offset in range(0, len(ids), 5):
        page = world.get(f"{V1}/smes?offset={offset}&limit=5").json()
        assert page["total"] == len(ids)
        assert (page["offset"], page["limit"]) == (offset, 5)
        paged += _ids(page["items"])
    assert paged == ids
    assert world.get(f"{V1}/smes?offset={len(ids)}").json()["items"] == []

    bwcon = world.get(f"{V1}/smes?cluster={CLUSTER_B}").json()
    assert bwcon["items"] and {s["cluster"] for s in bwcon["items"]} == {CLUSTER_B}
    german = world.get(f"{V1}/smes?country=de").json()
    assert german["items"] and {s["country"] for s in german["items"]} == {"DE"}
    for bad in ("limit=0", "limit=501", "offset=-1", "country=FRA"):
        assert world.get(f"{V1}/smes?{bad}").status_code == 422, bad


def test_partner_create_read_update_delete(world: World) -> None:
    partner_id = unique("p-crud")
    body = partner_body(partner_id)
    created = world.post(f"{V1}/partners", "advisor_other", json=body)
    assert created.status_code == 201, created.text
    assert created.json() == body
    assert world.post(f"{V1}/partners", json=body).status_code == 409
    assert world.get(f"{V1}/partners/{partner_id}", "sme_self").json() == body

    changed = world.patch(
        f"{V1}/partners/{partner_id}", "advisor_own", json={"org_type": "investor"}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json() == {**body, "org_type": "investor"}
    investors = world.get(f"{V1}/partners?org_type=investor&limit=500").json()
    assert partner_id in _ids(investors["items"])

    assert world.delete(f"{V1}/partners/{partner_id}").status_code == 204
    assert world.get(f"{V1}/partners/{partner_id}").status_code == 404
    assert world.delete(f"{V1}/partners/{partner_id}").status_code == 404


def test_partner_pages_and_filters(world: World) -> None:
    everything = world.get(f"{V1}/partners?limit=500").json()
    ids = _ids(everything["items"])
    assert everything["total"] == len(ids) == world.workspace.store.count("partner")
    paged: list[str] = []
    for offset in range(0, len(ids), 7):
        paged += _ids(world.get(f"{V1}/partners?offset={offset}&limit=7").json()["items"])
    assert paged == ids

    chinese = world.get(f"{V1}/partners?country=CN&limit=500").json()
    assert chinese["total"] == len(chinese["items"]) > 0
    assert {p["country"] for p in chinese["items"]} == {"CN"}
    research = world.get(f"{V1}/partners?org_type=research&limit=500").json()["items"]
    assert research and {p["org_type"] for p in research} == {"research"}
    for city in ("Laval", "laval", "LAVAL"):
        found = world.get(f"{V1}/partners?city={city}").json()["items"]
        assert found and {p["city"] for p in found} == {"Laval"}, city
    both = world.get(f"{V1}/partners?country=US&org_type=public_authority").json()["items"]
    assert both and all(p["country"] == "US" and p["org_type"] == "public_authority" for p in both)


# --- the index follows the database ------------------------------------------------------------


def test_a_deleted_partner_never_appears_again(world: World) -> None:
    x = world.get(f"{V1}/smes/{SME_X}").json()
    twin_id = unique("p-twin")
    twin = partner_body(
        twin_id,
        description=x["description"],
        sectors=x["sectors"],
        language=x["language"],
        org_type="public_authority",
    )
    assert world.post(f"{V1}/partners", json=twin).status_code == 201
    leads = world.get(f"{V1}/smes/{SME_X}/leads?top=10").json()["results"]
    assert twin_id in _ids(leads), "a partner with the SME's own text should be a top lead"
    query = x["description"][:300]
    assert twin_id in _ids(world.get(f"{V1}/search", params={"q": query}).json()["results"])
    moved = world.post(f"{V1}/leads/{SME_X}/{twin_id}/status", json={"status": "shortlisted"})
    assert moved.status_code == 200

    assert world.delete(f"{V1}/partners/{twin_id}").status_code == 204

    leads = world.get(f"{V1}/smes/{SME_X}/leads?top=200").json()["results"]
    assert twin_id not in _ids(leads)
    for market in ("US", "CA", "CN", "SG"):
        found = world.get(f"{V1}/search", params={"q": query, "top": 200, "market": market})
        assert twin_id not in _ids(found.json()["results"])
    assert twin_id not in {row["partner_id"] for row in world.get(f"{V1}/leads").json()["items"]}
    assert twin_id not in world.get(f"{V1}/leads/export").text
    assert twin_id not in world.get(f"{V1}/smes/{SME_X}/leads/export?top=200").text
    assert world.get(f"{V1}/partners/{twin_id}").status_code == 404
    assert world.get(f"{V1}/partners/{twin_id}/smes").status_code == 404
    assert world.get(f"{V1}/leads/{SME_X}/{twin_id}").status_code == 404


def test_an_edited_sme_is_re_embedded_alone_and_its_leads_follow(world: World) -> None:
    scooters = world.get(f"{V1}/partners/p-us-003").json()  # Lumen Ride: e-scooter fleets
    charging = world.get(f"{V1}/partners/p-us-004").json()  # Foothill: residential charging
    sme_id = unique("sme-edit")
    body = sme_body(
        sme_id,
        description=f"{scooters['description']} ({sme_id})",
        sectors=scooters["sectors"],
        target_markets=["US"],
        seeking=[],
    )
    assert world.post(f"{V1}/smes", json=body).status_code == 201
    before = world.get(f"{V1}/smes/{sme_id}/leads").json()["results"]
    assert before[0]["id"] == "p-us-003"
    world.workspace.state()
    embedded = world.workspace.embedder.embedded_count

    edit = {"description": f"{charging['description']} ({sme_id})", "sectors": charging["sectors"]}
    assert world.patch(f"{V1}/smes/{sme_id}", json=edit).status_code == 200
    assert world.workspace.embedder.embedded_count == embedded + 1
    world.workspace.state()  # the index rebuild after the edit embeds nothing more
    assert world.workspace.embedder.embedded_count == embedded + 1

    after = world.get(f"{V1}/smes/{sme_id}/leads").json()["results"]
    assert after[0]["id"] == "p-us-004"
    assert _ids(after) != _ids(before)
    world.delete(f"{V1}/smes/{sme_id}")


# --- bulk import -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_partner_import_is_all_or_nothing_with_every_problem(world: World, suffix: str) -> None:
    good, other = unique("p-imp"), unique("p-imp")
    rows = [
        _partner_row(good),  # row 2
        _partner_row(unique("p-imp"), country="FR"),  # row 3
        _partner_row(unique("p-imp"), org_type="spaceship"),  # row 4
        _partner_row(unique("p-imp"), name=""),  # row 5
        _partner_row(good, name="Same id again"),  # row 6
        _partner_row(unique("p-imp"), city=""),  # row 7
        _partner_row(other),  # row 8
    ]
    name = f"partners.{suffix}"
    before = world.workspace.store.count("partner")
    answer = world.post(
        f"{V1}/partners/import", "advisor_own", **_upload(name, rows, PARTNER_COLUMNS)
    )
    assert answer.status_code == 422, answer.text
    problems = answer.json()["problems"]
    assert {(p["row"], p["column"]) for p in problems} == {
        (3, "country"),
        (4, "org_type"),
        (5, "name"),
        (6, "id"),
        (7, "city"),
    }
    assert all(p["file"] == name and p["reason"] for p in problems)
    assert "nothing" in answer.json()["detail"]
    assert world.workspace.store.count("partner") == before
    assert world.get(f"{V1}/partners/{good}").status_code == 404

    valid = [rows[0], rows[6]]
    done = world.post(
        f"{V1}/partners/import", "advisor_own", **_upload(name, valid, PARTNER_COLUMNS)
    )
    assert done.status_code == 200, done.text
    assert done.json()["added"] == 2
    assert world.get(f"{V1}/partners/{good}").status_code == 200
    assert world.get("/readyz").json()["partners"] == before + 2
    for partner_id in (good, other):
        world.delete(f"{V1}/partners/{partner_id}")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_sme_import_is_all_or_nothing_with_every_problem(world: World, suffix: str) -> None:
    good = unique("sme-imp")
    rows = [
        _sme_row(good),  # row 2
        _sme_row(unique("sme-imp"), country="XX"),  # row 3
        _sme_row(unique("sme-imp"), target_markets="US;FR"),  # row 4
        _sme_row(unique("sme-imp"), seeking="aliens"),  # row 5
        _sme_row(unique("sme-imp"), language="english"),  # row 6
        _sme_row(unique("sme-imp"), description=""),  # row 7
    ]
    name = f"smes.{suffix}"
    before = world.workspace.store.count("sme")
    answer = world.post(f"{V1}/smes/import", "advisor_own", **_upload(name, rows, SME_COLUMNS))
    assert answer.status_code == 422, answer.text
    problems = answer.json()["problems"]
    assert {(p["row"], p["column"]) for p in problems} == {
        (3, "country"),
        (4, "target_markets"),
        (5, "seeking"),
        (6, "language"),
        (7, "description"),
    }
    assert all(p["file"] == name and p["reason"] for p in problems)
    assert world.workspace.store.count("sme") == before

    done = world.post(f"{V1}/smes/import", "advisor_own", **_upload(name, rows[:1], SME_COLUMNS))
    assert done.status_code == 200, done.text
    assert (done.json()["added"], done.json()["embedded"]) == (1, 1)
    assert world.get(f"{V1}/smes/{good}", "advisor_own").json()["cluster"] == CLUSTER_A
    world.delete(f"{V1}/smes/{good}")


def test_an_advisor_imports_only_its_own_clusters_smes(world: World) -> None:
    mine, theirs = unique("sme-imp"), unique("sme-imp")
    rows = [_sme_row(mine, cluster=CLUSTER_B), _sme_row(theirs, cluster=CLUSTER_A)]
    answer = world.post(f"{V1}/smes/import", "advisor_other", **_upload("s.csv", rows, SME_COLUMNS))
    assert answer.status_code == 422
    assert [(p["row"], p["column"]) for p in answer.json()["problems"]] == [(3, "cluster")]
    assert world.get(f"{V1}/smes/{mine}").status_code == 404
    ok = world.post(f"{V1}/smes/import", "advisor_other", **_upload("s.csv", rows[:1], SME_COLUMNS))
    assert ok.status_code == 200, ok.text
    world.delete(f"{V1}/smes/{mine}")
    replace = world.post(
        f"{V1}/smes/import?replace=true", "advisor_other", **_upload("s.csv", rows[:1], SME_COLUMNS)
    )
    assert replace.status_code == 403


def test_an_advisor_cannot_take_over_another_clusters_sme(world: World) -> None:
    """Advisors write their own cluster's SMEs only: not by import, create or update."""
    x = world.workspace.store.get("sme", SME_X)
    hijack = _sme_row(SME_X, name="Taken over", cluster=CLUSTER_B)
    answer = world.post(
        f"{V1}/smes/import", "advisor_other", **_upload("smes.csv", [hijack], SME_COLUMNS)
    )
    after = world.workspace.store.get("sme", SME_X)
    if after != x:  # undo, so the other tests keep their SME X
        world.workspace.import_loaded([_loaded_sme(x)])
    assert (after.cluster, after.name) == (x.cluster, x.name), (
        f"SERVICE BUG: POST /api/v1/smes/import as the advisor of {CLUSTER_B!r} with a row "
        f"whose id is {SME_X!r} (an SME of {CLUSTER_A!r}) and cluster {CLUSTER_B!r} answered "
        f"{answer.status_code} {answer.text} and overwrote the SME (now cluster "
        f"{after.cluster!r}, name {after.name!r}); expected a 4xx and no change"
    )
    assert answer.status_code in (404, 409, 422), answer.text
    created = world.post(
        f"{V1}/smes", "advisor_other", json=sme_body(SME_X, cluster=CLUSTER_B, name="Taken over")
    )
    assert 400 <= created.status_code < 500
    assert world.workspace.store.get("sme", SME_X) == x
    for role in ("advisor_own", "sme_self"):
        moved = world.patch(f"{V1}/smes/{SME_X}", role, json={"cluster": CLUSTER_B})
        assert moved.status_code == 403, role
    assert world.workspace.store.get("sme", SME_X) == x


def _loaded_sme(record: Any) -> LoadedProfiles:
    """A stored SME as an importable batch (to restore one a failing test changed)."""
    data = {k: list(v) if isinstance(v, tuple) else v for k, v in vars(record).items()}
    data.pop("extra")
    return validate_rows([data], "sme", "restore")


def test_an_upload_over_the_limit_is_413(world: World) -> None:
    rows = [_partner_row(unique("p-big"), description="x" * 400) for _ in range(1000)]
    upload = _upload("big.csv", rows, PARTNER_COLUMNS)
    assert len(upload["files"]["file"][1]) > MAX_UPLOAD_BYTES
    before = world.workspace.store.count("partner")
    answer = world.post(f"{V1}/partners/import", **upload)
    assert answer.status_code == 413, answer.text
    assert str(MAX_UPLOAD_BYTES) in answer.json()["detail"]
    assert world.workspace.store.count("partner") == before
    assert world.post(f"{V1}/smes/import", **upload).status_code == 413


# --- bad input ---------------------------------------------------------------------------------


UNKNOWN_FIELDS = [
    ("POST", "/smes", sme_body("sme-unknown-field")),
    ("PATCH", f"/smes/{SME_X}", {"name": "Atsukè"}),
    ("POST", "/partners", partner_body("p-unknown-field")),
    ("PATCH", "/partners/p-us-001", {"city": "Pittsburgh"}),
    ("POST", f"/leads/{SME_X}/p-us-001/status", {"status": "shortlisted"}),
    ("POST", f"/leads/{SME_X}/p-us-001/notes", {"text": "hello"}),
    ("PUT", f"/smes/{SME_X}/feedback/p-us-001", {"interesting": True}),
]


@pytest.mark.parametrize(
    ("method", "path", "body"), UNKNOWN_FIELDS, ids=[f"{m} {p}" for m, p, _ in UNKNOWN_FIELDS]
)
def test_unknown_json_fields_are_rejected(
    world: World, method: str, path: str, body: dict[str, Any]
) -> None:
    answer = world.request(method, V1 + path, json={**body, "colour": "blue"})
    assert answer.status_code == 422, answer.text
    assert "colour" in answer.text
    assert world.get(f"{V1}/smes/sme-unknown-field").status_code == 404
    assert world.get(f"{V1}/partners/p-unknown-field").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        f"/smes/{SME_X}/leads",
        f"/smes/{SME_X}/leads/export",
        "/partners/p-us-001/smes",
        "/search?q=parking",
    ],
)
def test_top_is_capped(world: World, path: str) -> None:
    sep = "&" if "?" in path else "?"
    assert world.get(f"{V1}{path}{sep}top=200").status_code == 200
    for top in (201, 100000, 0, -1):
        answer = world.get(f"{V1}{path}{sep}top={top}")
        assert answer.status_code == 422, (top, answer.text)
        assert "top" in answer.text


def test_text_length_limits(world: World) -> None:
    long_sme = sme_body(unique("sme-long"), description="x" * 10_001)
    assert world.post(f"{V1}/smes", json=long_sme).status_code == 422
    long_name = partner_body(unique("p-long"), name="n" * 501)
    assert world.post(f"{V1}/partners", json=long_name).status_code == 422
    note = {"text": "n" * 5001}
    assert world.post(f"{V1}/leads/{SME_X}/p-us-001/notes", json=note).status_code == 422
    assert world.get(f"{V1}/search", params={"q": "q" * 2001}).status_code == 422
    assert world.get(f"{V1}/search", params={"q": "   "}).status_code == 422


NUL_INPUTS = [
    ("GET", "/smes", {"cluster": "a\x00b"}),
    ("GET", "/smes", {"country": "\x00"}),
    ("GET", "/partners", {"city": "a\x00b"}),
    ("GET", "/partners", {"org_type": "a\x00b"}),
    ("GET", "/leads", {"sme_id": "a\x00b"}),
    ("GET", "/leads", {"cluster": "a\x00b"}),
    ("GET", "/search", {"q": "parking\x00"}),
    ("POST", "/smes", sme_body("sme-nul\x00id")),
    ("POST", "/smes", sme_body("sme-nul-name", name="a\x00b")),
    ("POST", "/partners", partner_body("p-nul-name", name="a\x00b")),
    ("PATCH", f"/smes/{SME_X}", {"description": "a\x00b"}),
    ("POST", f"/leads/{SME_X}/p-us-002/notes", {"text": "a\x00b"}),
]


def _nul_case(case: tuple[str, str, dict[str, Any]]) -> str:
    method, path, body = case
    field = next(k for k, v in body.items() if "\x00" in str(v))
    return f"{method} {path} {field}"


@pytest.mark.parametrize(("method", "path", "body"), NUL_INPUTS, ids=map(_nul_case, NUL_INPUTS))
def test_a_nul_character_is_never_a_server_error(
    world: World, method: str, path: str, body: dict[str, Any]
) -> None:
    x = world.workspace.store.get("sme", SME_X)
    sent = {"params": body} if method == "GET" else {"json": body}
    answer = world.request(method, V1 + path, **sent)
    for side, record_id in (
        ("sme", "sme-nul\x00id"),
        ("sme", "sme-nul-name"),
        ("partner", "p-nul-name"),
    ):
        # PostgreSQL cannot even look up an id holding NUL (nothing was stored under it).
        with contextlib.suppress(NotFoundError, SQLAlchemyError):
            world.workspace.delete_profile(side, record_id)  # type: ignore[arg-type]
    if world.workspace.store.get("sme", SME_X) != x:
        world.workspace.import_loaded([_loaded_sme(x)])
    assert answer.status_code < 500, (
        f"SERVICE BUG on {world.backend}: {method} /api/v1{path} with {body!r} "
        f"answered {answer.status_code} {answer.text!r}; expected a 4xx (PostgreSQL text "
        "cannot hold NUL, so it must be rejected as invalid input, not reach the database)"
    )


def test_an_advisor_with_a_long_cluster_name_can_work_its_leads(world: World) -> None:
    cluster = "Cluster " + "x" * 300  # cluster names may be up to 500 characters
    sme_id = unique("sme-longcluster")
    assert world.post(f"{V1}/smes", json=sme_body(sme_id, cluster=cluster)).status_code == 201
    token = world.workspace.tokens.create("advisor", cluster=cluster)
    moved = world.client.post(
        f"{V1}/leads/{sme_id}/p-us-001/status",
        headers={"Authorization": f"Bearer {token}"},
        json={"status": "shortlisted"},
    )
    world.delete(f"{V1}/smes/{sme_id}")
    assert moved.status_code == 200, (
        f"SERVICE BUG on {world.backend}: POST /api/v1/leads/{{id}}/p-us-001/status by an "
        f"advisor of a {len(cluster)}-character cluster answered {moved.status_code} "
        f"{moved.text!r}; the history's actor ('advisor:<cluster>#<id>') overflows "
        "lead_events.actor VARCHAR(200) on PostgreSQL"
    )


# --- the lead pipeline -------------------------------------------------------------------------


def test_a_lead_walks_the_pipeline_with_history_and_notes(world: World) -> None:
    sme_id, partner_id = "sme-ksh", "p-cn-014"
    lead = f"{V1}/leads/{sme_id}/{partner_id}"
    fresh = world.get(lead, "advisor_own").json()
    assert (fresh["status"], fresh["history"], fresh["updated_at"]) == ("suggested", [], None)

    steps = ["shortlisted", "contacted", "meeting", "agreement"]
    for step in steps:
        answer = world.post(f"{lead}/status", "advisor_own", json={"status": step})
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == step
    noted = world.post(f"{lead}/notes", "admin", json={"text": "Signed an MoU in Shanghai."})
    assert noted.status_code == 201

    state = world.get(lead, "advisor_own").json()
    assert state["status"] == "agreement"
    moves = [e for e in state["history"] if e["kind"] == "status"]
    assert [(e["old_value"], e["new_value"]) for e in moves] == list(
        zip(["suggested", *steps[:-1]], steps, strict=True)
    )
    assert all(e["actor"].startswith(f"advisor:{CLUSTER_A}#") for e in moves)
    assert [(n["actor"].split("#")[0], n["new_value"]) for n in state["notes"]] == [
        ("admin", "Signed an MoU in Shanghai.")
    ]
    times = [datetime.fromisoformat(e["at"]) for e in state["history"]]
    assert times == sorted(times)
    assert datetime.fromisoformat(state["updated_at"]) >= times[0]
    tracked = world.get(f"{V1}/leads?status=agreement&sme_id={sme_id}", "advisor_own").json()
    assert [(r["partner_id"], r["status"]) for r in tracked["items"]] == [(partner_id, "agreement")]
    leads = world.get(f"{V1}/smes/{sme_id}/leads?top=200&market=CN", "advisor_own").json()
    assert {r["id"]: r["status"] for r in leads["results"]}.get(partner_id) in (None, "agreement")


def test_an_invalid_jump_is_a_conflict(world: World) -> None:
    lead = f"{V1}/leads/sme-autonomia/p-us-010"
    jump = world.post(f"{lead}/status", "advisor_own", json={"status": "agreement"})
    assert jump.status_code == 409, jump.text
    assert "suggested" in jump.json()["detail"] and "agreement" in jump.json()["detail"]
    assert world.get(lead).json()["status"] == "suggested"
    assert world.post(f"{lead}/status", json={"status": "won"}).status_code == 422
    # Declining is allowed from anywhere, and a declined lead can be reopened.
    assert world.post(f"{lead}/status", json={"status": "declined"}).json()["status"] == "declined"
    assert world.post(f"{lead}/status", json={"status": "meeting"}).status_code == 409
    assert world.post(f"{lead}/status", json={"status": "shortlisted"}).status_code == 200
    history = world.get(lead).json()["history"]
    assert [e["new_value"] for e in history] == ["declined", "shortlisted"]


def test_the_lead_list_filters_by_status_cluster_and_market(world: World) -> None:
    pairs = {
        (SME_X, "p-us-011"): ["shortlisted", "contacted"],  # Mov'eo, US
        ("sme-voltdepot", "p-ca-002"): ["shortlisted"],  # bwcon, CA
        ("sme-binario", "p-cn-002"): ["shortlisted", "contacted", "meeting"],  # Piemonte, CN
    }
    for (sme_id, partner_id), steps in pairs.items():
        for step in steps:
            moved = world.post(f"{V1}/leads/{sme_id}/{partner_id}/status", json={"status": step})
            assert moved.status_code == 200, moved.text

    def listed(query: str, role: str = "admin") -> set[tuple[str, str]]:
        body = world.get(f"{V1}/leads?{query}", role).json()
        assert body["total"] == len(body["items"])
        return {(r["sme_id"], r["partner_id"]) for r in body["items"]} & set(pairs)

    assert listed("") == set(pairs)
    assert listed("status=contacted") == {(SME_X, "p-us-011")}
    assert listed("status=contacted&status=meeting") == {
        (SME_X, "p-us-011"),
        ("sme-binario", "p-cn-002"),
    }
    assert listed(f"cluster={CLUSTER_B}") == {("sme-voltdepot", "p-ca-002")}
    assert listed("market=CN") == {("sme-binario", "p-cn-002")}
    assert listed("market=US&status=contacted") == {(SME_X, "p-us-011")}
    assert listed("market=US&status=meeting") == set()
    assert listed("", "advisor_own") == {(SME_X, "p-us-011")}
    assert listed("", "advisor_other") == {("sme-voltdepot", "p-ca-002")}
    body = world.get(f"{V1}/leads?cluster={CLUSTER_B}").json()
    assert {r["cluster"] for r in body["items"]} == {CLUSTER_B}
    assert all(r["market"] == "CN" for r in world.get(f"{V1}/leads?market=CN").json()["items"])
    assert world.get(f"{V1}/leads?status=won").status_code == 422
    assert world.get(f"{V1}/leads?market=FR").status_code == 422


# --- exports -----------------------------------------------------------------------------------


def test_the_lead_list_exports_as_csv_and_xlsx(world: World) -> None:
    world.post(f"{V1}/leads/sme-clem/p-ca-009/status", json={"status": "shortlisted"})
    for role in ("admin", "advisor_own"):
        listed = world.get(f"{V1}/leads", role).json()["items"]
        expected = [(r["sme_id"], r["partner_id"], r["status"]) for r in listed]
        assert expected

        as_csv = world.get(f"{V1}/leads/export?format=csv", role)
        assert as_csv.status_code == 200
        assert as_csv.headers["content-type"].startswith("text/csv")
        assert "attachment" in as_csv.headers["content-disposition"]
        frame = pd.read_csv(
            io.StringIO(as_csv.content.decode("utf-8-sig")), dtype=str, keep_default_na=False
        )
        assert list(frame.columns) == list(TrackedLead.model_fields)
        assert list(zip(frame.sme_id, frame.partner_id, frame.status, strict=True)) == expected

        as_xlsx = world.get(f"{V1}/leads/export?format=xlsx", role)
        assert as_xlsx.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
        assert sheet is not None
        header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert header == list(TrackedLead.model_fields)
        # Laid out for people: header row frozen, columns sized to their content.
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["B"].width > sheet.column_dimensions["I"].width > 0
        sme, partner, status = (header.index(c) for c in ("sme_id", "partner_id", "status"))
        got = [(r[sme], r[partner], r[status]) for r in rows]
        assert got == expected
    status = world.get(f"{V1}/leads/export?status=shortlisted&format=csv").text
    assert set(pd.read_csv(io.StringIO(status)).status) == {"shortlisted"}
    assert world.get(f"{V1}/leads/export?format=pdf").status_code == 422


def test_an_smes_leads_export_as_csv_and_xlsx(world: World) -> None:
    leads = world.get(f"{V1}/smes/{SME_X}/leads?top=50", "sme_self").json()["results"]
    as_csv = world.get(f"{V1}/smes/{SME_X}/leads/export?top=50&format=csv", "sme_self")
    assert as_csv.status_code == 200
    # A byte-order mark: Excel on Windows then reads the accents and CJK names as UTF-8.
    assert as_csv.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [r["partner_id"] for r in rows] == _ids(leads)
    assert [int(r["rank"]) for r in rows] == list(range(1, len(leads) + 1))
    assert [r["status"] for r in rows] == [lead["status"] for lead in leads]

    as_xlsx = world.get(f"{V1}/smes/{SME_X}/leads/export?top=50&format=xlsx", "sme_self")
    assert as_xlsx.status_code == 200
    frame = pd.read_excel(io.BytesIO(as_xlsx.content), dtype=str)
    assert list(frame["partner_id"]) == _ids(leads)
    assert list(frame["partner"]) == [lead["name"] for lead in leads]


# --- SME feedback ------------------------------------------------------------------------------


def test_sme_feedback_is_seen_by_the_sme_and_its_advisor(world: World) -> None:
    leads = world.get(f"{V1}/smes/{SME_X}/leads?top=10", "sme_self").json()["results"]
    liked, disliked = leads[0]["id"], leads[1]["id"]
    verdicts = {
        liked: {"interesting": True, "reason": "Exactly the ticketing authority we want."},
        disliked: {"interesting": False, "reason": "Too far from our market."},
    }
    for partner_id, verdict in verdicts.items():
        said = world.put(f"{V1}/smes/{SME_X}/feedback/{partner_id}", "sme_self", json=verdict)
        assert said.status_code == 200, (
            f"PUT /api/v1/smes/{SME_X}/feedback/{partner_id} as the SME answered "
            f"{said.status_code} {said.text!r}"
        )
        assert said.json()["interesting"] is verdict["interesting"]

    for role in ("sme_self", "advisor_own", "admin"):
        listed = world.get(f"{V1}/smes/{SME_X}/feedback", role)
        assert listed.status_code == 200
        seen = {f["partner_id"]: (f["interesting"], f["reason"]) for f in listed.json()}
        assert seen[liked] == (True, verdicts[liked]["reason"]), role
        assert seen[disliked] == (False, verdicts[disliked]["reason"]), role
    assert world.get(f"{V1}/smes/{SME_X}/feedback", "advisor_other").status_code == 404

    again = world.get(f"{V1}/smes/{SME_X}/leads?top=10", "advisor_own").json()["results"]
    interesting = {lead["id"]: lead["interesting"] for lead in again}
    assert interesting[liked] is True
    assert interesting[disliked] is False
    assert all(v is None for k, v in interesting.items() if k not in verdicts)

    changed = world.put(
        f"{V1}/smes/{SME_X}/feedback/{disliked}", "sme_self", json={"interesting": True}
    )
    assert changed.status_code == 200
    seen = {f["partner_id"]: f for f in world.get(f"{V1}/smes/{SME_X}/feedback").json()}
    assert (seen[disliked]["interesting"], seen[disliked]["reason"]) == (True, "")
    assert (
        world.put(
            f"{V1}/smes/{SME_X}/feedback/{liked}", "advisor_own", json={"interesting": False}
        ).status_code
        == 403
    )
    assert (
        world.put(
            f"{V1}/smes/{SME_X}/feedback/p-nope", "sme_self", json={"interesting": False}
        ).status_code
        == 404
    )
