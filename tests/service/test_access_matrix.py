"""The access matrix: every endpoint, every kind of caller, ids owned by someone else.

The table below is the specification; read it as "this caller, doing this, gets that status".
Placeholders in paths and bodies:

    {x}        SME X (cluster A), the sme_self token's company
    {y}        SME Y (cluster A), the sme_other token's company
    {b}        an SME of cluster B (advisor_other's cluster)
    {c}        an SME of cluster C (no advisor token)
    {p}        a partner (every role may read partners)
    {job}      a mission plan of cluster A, and {file} one of its files
    {victim}   a throw-away SME of cluster A, created just before the request
    {victim_p} a throw-away partner, created just before the request
    {new}      a fresh id for a create

Callers: none (no token), bad (a token never issued), revoked (a revoked admin token), admin,
advisor_own (cluster A), advisor_other (cluster B), sme_self (X), sme_other (Y).

Beyond the status, every response is checked for leaks: no SME the caller may not see appears
in it (by id or name), and no note or feedback written for another company does either.
Every 404 for an object that exists is compared with the 404 for an id that does not.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import openpyxl
import pytest

from recommender import NotFoundError

from .conftest import (
    CLUSTER_A,
    CLUSTER_B,
    ROLES,
    SME_B,
    SME_C,
    SME_X,
    SME_Y,
    World,
    partner_body,
    sme_body,
    unique,
)

P = "p-ca-007"  # Société de transport de Laval, CA, Laval, public_authority
MISSING_SME = "sme-does-not-exist"
V1 = "/api/v1"

# fmt: off
MATRIX: list[tuple[str, str, str, int]] = [
    # --- health: open to everyone ---------------------------------------------------------
    ("GET", "/healthz", "none", 200),
    ("GET", "/healthz", "bad", 200),
    ("GET", "/healthz", "revoked", 200),
    ("GET", "/healthz", "admin", 200),
    ("GET", "/healthz", "advisor_own", 200),
    ("GET", "/healthz", "advisor_other", 200),
    ("GET", "/healthz", "sme_self", 200),
    ("GET", "/healthz", "sme_other", 200),
    ("GET", "/readyz", "none", 200),
    ("GET", "/readyz", "bad", 200),
    ("GET", "/readyz", "revoked", 200),
    ("GET", "/readyz", "admin", 200),
    ("GET", "/readyz", "advisor_own", 200),
    ("GET", "/readyz", "advisor_other", 200),
    ("GET", "/readyz", "sme_self", 200),
    ("GET", "/readyz", "sme_other", 200),
    # --- who am I -------------------------------------------------------------------------
    ("GET", "/api/v1/me", "none", 401),
    ("GET", "/api/v1/me", "bad", 401),
    ("GET", "/api/v1/me", "revoked", 401),
    ("GET", "/api/v1/me", "admin", 200),
    ("GET", "/api/v1/me", "advisor_own", 200),
    ("GET", "/api/v1/me", "advisor_other", 200),
    ("GET", "/api/v1/me", "sme_self", 200),
    ("GET", "/api/v1/me", "sme_other", 200),
    # --- SMEs -----------------------------------------------------------------------------
    ("GET", "/api/v1/smes", "none", 401),
    ("GET", "/api/v1/smes", "bad", 401),
    ("GET", "/api/v1/smes", "revoked", 401),
    ("GET", "/api/v1/smes", "admin", 200),
    ("GET", "/api/v1/smes", "advisor_own", 200),
    ("GET", "/api/v1/smes", "advisor_other", 200),
    ("GET", "/api/v1/smes", "sme_self", 200),
    ("GET", "/api/v1/smes", "sme_other", 200),
    ("POST", "/api/v1/smes", "none", 401),
    ("POST", "/api/v1/smes", "bad", 401),
    ("POST", "/api/v1/smes", "revoked", 401),
    ("POST", "/api/v1/smes", "admin", 201),
    ("POST", "/api/v1/smes", "advisor_own", 201),
    ("POST", "/api/v1/smes", "advisor_other", 422),  # the body's cluster is not theirs
    ("POST", "/api/v1/smes", "sme_self", 403),
    ("POST", "/api/v1/smes", "sme_other", 403),
    ("GET", "/api/v1/smes/{x}", "none", 401),
    ("GET", "/api/v1/smes/{x}", "bad", 401),
    ("GET", "/api/v1/smes/{x}", "revoked", 401),
    ("GET", "/api/v1/smes/{x}", "admin", 200),
    ("GET", "/api/v1/smes/{x}", "advisor_own", 200),
    ("GET", "/api/v1/smes/{x}", "advisor_other", 404),
    ("GET", "/api/v1/smes/{x}", "sme_self", 200),
    ("GET", "/api/v1/smes/{x}", "sme_other", 404),
    ("GET", "/api/v1/smes/{b}", "admin", 200),
    ("GET", "/api/v1/smes/{b}", "advisor_own", 404),
    ("GET", "/api/v1/smes/{b}", "advisor_other", 200),
    ("GET", "/api/v1/smes/{b}", "sme_self", 404),
    ("GET", "/api/v1/smes/{c}", "admin", 200),
    ("GET", "/api/v1/smes/{c}", "advisor_own", 404),
    ("GET", "/api/v1/smes/{c}", "advisor_other", 404),
    ("PATCH", "/api/v1/smes/{x}", "none", 401),
    ("PATCH", "/api/v1/smes/{x}", "bad", 401),
    ("PATCH", "/api/v1/smes/{x}", "revoked", 401),
    ("PATCH", "/api/v1/smes/{x}", "admin", 200),
    ("PATCH", "/api/v1/smes/{x}", "advisor_own", 200),
    ("PATCH", "/api/v1/smes/{x}", "advisor_other", 404),
    ("PATCH", "/api/v1/smes/{x}", "sme_self", 200),
    ("PATCH", "/api/v1/smes/{x}", "sme_other", 404),
    ("PATCH", "/api/v1/smes/{b}", "advisor_own", 404),
    ("PATCH", "/api/v1/smes/{b}", "sme_self", 404),
    ("DELETE", "/api/v1/smes/{victim}", "none", 401),
    ("DELETE", "/api/v1/smes/{victim}", "bad", 401),
    ("DELETE", "/api/v1/smes/{victim}", "revoked", 401),
    ("DELETE", "/api/v1/smes/{victim}", "admin", 204),
    ("DELETE", "/api/v1/smes/{victim}", "advisor_own", 204),
    ("DELETE", "/api/v1/smes/{victim}", "advisor_other", 404),
    ("DELETE", "/api/v1/smes/{victim}", "sme_self", 403),  # role check: same for any id
    ("DELETE", "/api/v1/smes/{victim}", "sme_other", 403),
    ("DELETE", "/api/v1/smes/{b}", "advisor_own", 404),
    ("POST", "/api/v1/smes/import", "none", 401),
    ("POST", "/api/v1/smes/import", "bad", 401),
    ("POST", "/api/v1/smes/import", "revoked", 401),
    ("POST", "/api/v1/smes/import", "admin", 200),
    ("POST", "/api/v1/smes/import", "advisor_own", 200),
    ("POST", "/api/v1/smes/import", "advisor_other", 422),  # a row of another cluster
    ("POST", "/api/v1/smes/import", "sme_self", 403),
    ("POST", "/api/v1/smes/import", "sme_other", 403),
    # --- partners -------------------------------------------------------------------------
    ("GET", "/api/v1/partners", "none", 401),
    ("GET", "/api/v1/partners", "bad", 401),
    ("GET", "/api/v1/partners", "revoked", 401),
    ("GET", "/api/v1/partners", "admin", 200),
    ("GET", "/api/v1/partners", "advisor_own", 200),
    ("GET", "/api/v1/partners", "advisor_other", 200),
    ("GET", "/api/v1/partners", "sme_self", 200),
    ("GET", "/api/v1/partners", "sme_other", 200),
    ("POST", "/api/v1/partners", "none", 401),
    ("POST", "/api/v1/partners", "bad", 401),
    ("POST", "/api/v1/partners", "revoked", 401),
    ("POST", "/api/v1/partners", "admin", 201),
    ("POST", "/api/v1/partners", "advisor_own", 201),
    ("POST", "/api/v1/partners", "advisor_other", 201),
    ("POST", "/api/v1/partners", "sme_self", 403),
    ("POST", "/api/v1/partners", "sme_other", 403),
    ("GET", "/api/v1/partners/{p}", "none", 401),
    ("GET", "/api/v1/partners/{p}", "bad", 401),
    ("GET", "/api/v1/partners/{p}", "revoked", 401),
    ("GET", "/api/v1/partners/{p}", "admin", 200),
    ("GET", "/api/v1/partners/{p}", "advisor_own", 200),
    ("GET", "/api/v1/partners/{p}", "advisor_other", 200),
    ("GET", "/api/v1/partners/{p}", "sme_self", 200),
    ("GET", "/api/v1/partners/{p}", "sme_other", 200),
    ("PATCH", "/api/v1/partners/{p}", "none", 401),
    ("PATCH", "/api/v1/partners/{p}", "bad", 401),
    ("PATCH", "/api/v1/partners/{p}", "revoked", 401),
    ("PATCH", "/api/v1/partners/{p}", "admin", 200),
    ("PATCH", "/api/v1/partners/{p}", "advisor_own", 200),
    ("PATCH", "/api/v1/partners/{p}", "advisor_other", 200),
    ("PATCH", "/api/v1/partners/{p}", "sme_self", 403),
    ("PATCH", "/api/v1/partners/{p}", "sme_other", 403),
    ("DELETE", "/api/v1/partners/{victim_p}", "none", 401),
    ("DELETE", "/api/v1/partners/{victim_p}", "bad", 401),
    ("DELETE", "/api/v1/partners/{victim_p}", "revoked", 401),
    ("DELETE", "/api/v1/partners/{victim_p}", "admin", 204),
    ("DELETE", "/api/v1/partners/{victim_p}", "advisor_own", 403),  # partners are shared
    ("DELETE", "/api/v1/partners/{victim_p}", "advisor_other", 403),
    ("DELETE", "/api/v1/partners/{victim_p}", "sme_self", 403),
    ("DELETE", "/api/v1/partners/{victim_p}", "sme_other", 403),
    ("POST", "/api/v1/partners/import", "none", 401),
    ("POST", "/api/v1/partners/import", "bad", 401),
    ("POST", "/api/v1/partners/import", "revoked", 401),
    ("POST", "/api/v1/partners/import", "admin", 200),
    ("POST", "/api/v1/partners/import", "advisor_own", 200),
    ("POST", "/api/v1/partners/import", "advisor_other", 200),
    ("POST", "/api/v1/partners/import", "sme_self", 403),
    ("POST", "/api/v1/partners/import", "sme_other", 403),
    # --- leads, reverse leads, search -----------------------------------------------------
    ("GET", "/api/v1/smes/{x}/leads", "none", 401),
    ("GET", "/api/v1/smes/{x}/leads", "bad", 401),
    ("GET", "/api/v1/smes/{x}/leads", "revoked", 401),
    ("GET", "/api/v1/smes/{x}/leads", "admin", 200),
    ("GET", "/api/v1/smes/{x}/leads", "advisor_own", 200),
    ("GET", "/api/v1/smes/{x}/leads", "advisor_other", 404),
    ("GET", "/api/v1/smes/{x}/leads", "sme_self", 200),
    ("GET", "/api/v1/smes/{x}/leads", "sme_other", 404),
    ("GET", "/api/v1/smes/{b}/leads", "advisor_own", 404),
    ("GET", "/api/v1/smes/{b}/leads", "advisor_other", 200),
    ("GET", "/api/v1/smes/{b}/leads", "sme_self", 404),
    ("GET", "/api/v1/smes/{c}/leads", "advisor_other", 404),
    ("GET", "/api/v1/smes/{x}/leads/export", "none", 401),
    ("GET", "/api/v1/smes/{x}/leads/export", "bad", 401),
    ("GET", "/api/v1/smes/{x}/leads/export", "revoked", 401),
    ("GET", "/api/v1/smes/{x}/leads/export", "admin", 200),
    ("GET", "/api/v1/smes/{x}/leads/export", "advisor_own", 200),
    ("GET", "/api/v1/smes/{x}/leads/export", "advisor_other", 404),
    ("GET", "/api/v1/smes/{x}/leads/export", "sme_self", 200),
    ("GET", "/api/v1/smes/{x}/leads/export", "sme_other", 404),
    ("GET", "/api/v1/smes/{b}/leads/export", "sme_self", 404),
    ("GET", "/api/v1/partners/{p}/smes", "none", 401),
    ("GET", "/api/v1/partners/{p}/smes", "bad", 401),
    ("GET", "/api/v1/partners/{p}/smes", "revoked", 401),
    ("GET", "/api/v1/partners/{p}/smes", "admin", 200),
    ("GET", "/api/v1/partners/{p}/smes", "advisor_own", 200),  # its cluster's SMEs only
    ("GET", "/api/v1/partners/{p}/smes", "advisor_other", 200),
    ("GET", "/api/v1/partners/{p}/smes", "sme_self", 403),
    ("GET", "/api/v1/partners/{p}/smes", "sme_other", 403),
    ("GET", "/api/v1/search?q=parking+sensors", "none", 401),
    ("GET", "/api/v1/search?q=parking+sensors", "bad", 401),
    ("GET", "/api/v1/search?q=parking+sensors", "revoked", 401),
    ("GET", "/api/v1/search?q=parking+sensors", "admin", 200),
    ("GET", "/api/v1/search?q=parking+sensors", "advisor_own", 200),
    ("GET", "/api/v1/search?q=parking+sensors", "advisor_other", 200),
    ("GET", "/api/v1/search?q=parking+sensors", "sme_self", 200),
    ("GET", "/api/v1/search?q=parking+sensors", "sme_other", 200),
    # --- the lead pipeline ----------------------------------------------------------------
    ("GET", "/api/v1/leads", "none", 401),
    ("GET", "/api/v1/leads", "bad", 401),
    ("GET", "/api/v1/leads", "revoked", 401),
    ("GET", "/api/v1/leads", "admin", 200),
    ("GET", "/api/v1/leads", "advisor_own", 200),  # visible SMEs' leads only
    ("GET", "/api/v1/leads", "advisor_other", 200),
    ("GET", "/api/v1/leads", "sme_self", 200),
    ("GET", "/api/v1/leads", "sme_other", 200),
    ("GET", "/api/v1/leads?sme_id={y}", "sme_self", 200),  # empty, not Y's leads
    ("GET", "/api/v1/leads?cluster=bwcon", "advisor_own", 200),  # empty
    ("GET", "/api/v1/leads/export", "none", 401),
    ("GET", "/api/v1/leads/export", "bad", 401),
    ("GET", "/api/v1/leads/export", "revoked", 401),
    ("GET", "/api/v1/leads/export", "admin", 200),
    ("GET", "/api/v1/leads/export", "advisor_own", 200),
    ("GET", "/api/v1/leads/export", "advisor_other", 200),
    ("GET", "/api/v1/leads/export", "sme_self", 200),
    ("GET", "/api/v1/leads/export", "sme_other", 200),
    ("GET", "/api/v1/leads/export?format=xlsx", "sme_self", 200),
    ("GET", "/api/v1/leads/{x}/{p}", "none", 401),
    ("GET", "/api/v1/leads/{x}/{p}", "bad", 401),
    ("GET", "/api/v1/leads/{x}/{p}", "revoked", 401),
    ("GET", "/api/v1/leads/{x}/{p}", "admin", 200),
    ("GET", "/api/v1/leads/{x}/{p}", "advisor_own", 200),
    ("GET", "/api/v1/leads/{x}/{p}", "advisor_other", 404),
    ("GET", "/api/v1/leads/{x}/{p}", "sme_self", 200),
    ("GET", "/api/v1/leads/{x}/{p}", "sme_other", 404),
    ("GET", "/api/v1/leads/{y}/{p}", "sme_self", 404),  # Y's notes are not X's business
    ("GET", "/api/v1/leads/{b}/{p}", "advisor_own", 404),
    ("POST", "/api/v1/leads/{x}/{p}/status", "none", 401),
    ("POST", "/api/v1/leads/{x}/{p}/status", "bad", 401),
    ("POST", "/api/v1/leads/{x}/{p}/status", "revoked", 401),
    ("POST", "/api/v1/leads/{x}/{p}/status", "admin", 200),
    ("POST", "/api/v1/leads/{x}/{p}/status", "advisor_own", 200),
    ("POST", "/api/v1/leads/{x}/{p}/status", "advisor_other", 404),
    ("POST", "/api/v1/leads/{x}/{p}/status", "sme_self", 403),  # advisors run the pipeline
    ("POST", "/api/v1/leads/{x}/{p}/status", "sme_other", 404),
    ("POST", "/api/v1/leads/{b}/{p}/status", "advisor_own", 404),
    ("POST", "/api/v1/leads/{x}/{p}/notes", "none", 401),
    ("POST", "/api/v1/leads/{x}/{p}/notes", "bad", 401),
    ("POST", "/api/v1/leads/{x}/{p}/notes", "revoked", 401),
    ("POST", "/api/v1/leads/{x}/{p}/notes", "admin", 201),
    ("POST", "/api/v1/leads/{x}/{p}/notes", "advisor_own", 201),
    ("POST", "/api/v1/leads/{x}/{p}/notes", "advisor_other", 404),
    ("POST", "/api/v1/leads/{x}/{p}/notes", "sme_self", 403),
    ("POST", "/api/v1/leads/{x}/{p}/notes", "sme_other", 404),
    ("POST", "/api/v1/leads/{b}/{p}/notes", "advisor_own", 404),
    # --- SME feedback ---------------------------------------------------------------------
    ("PUT", "/api/v1/smes/{x}/feedback/{p}", "none", 401),
    ("PUT", "/api/v1/smes/{x}/feedback/{p}", "bad", 401),
    ("PUT", "/api/v1/smes/{x}/feedback/{p}", "revoked", 401),
    ("PUT", "/api/v1/smes/{x}/feedback/{p}", "admin", 200),
    ("PUT", "/api/v1/smes/{x}/feedback/{p}", "advisor_own", 403),  # the SME's own say
    ("PUT", "/api/v1/smes/{x}/feedback/{p}", "advisor_other", 404),
    ("PUT", "/api/v1/smes/{x}/feedback/{p}", "sme_self", 200),
    ("PUT", "/api/v1/smes/{x}/feedback/{p}", "sme_other", 404),
    ("GET", "/api/v1/smes/{x}/feedback", "none", 401),
    ("GET", "/api/v1/smes/{x}/feedback", "bad", 401),
    ("GET", "/api/v1/smes/{x}/feedback", "revoked", 401),
    ("GET", "/api/v1/smes/{x}/feedback", "admin", 200),
    ("GET", "/api/v1/smes/{x}/feedback", "advisor_own", 200),
    ("GET", "/api/v1/smes/{x}/feedback", "advisor_other", 404),
    ("GET", "/api/v1/smes/{x}/feedback", "sme_self", 200),
    ("GET", "/api/v1/smes/{x}/feedback", "sme_other", 404),
    ("GET", "/api/v1/smes/{y}/feedback", "sme_self", 404),
    ("GET", "/api/v1/smes/{b}/feedback", "advisor_own", 404),
    # --- mission plans (advisors and admins; an advisor sees its cluster's plans) ---------
    ("GET", "/api/v1/missions", "none", 401),
    ("GET", "/api/v1/missions", "bad", 401),
    ("GET", "/api/v1/missions", "revoked", 401),
    ("GET", "/api/v1/missions", "admin", 200),
    ("GET", "/api/v1/missions", "advisor_own", 200),
    ("GET", "/api/v1/missions", "advisor_other", 200),  # empty: not cluster A's plans
    ("GET", "/api/v1/missions", "sme_self", 403),
    ("GET", "/api/v1/missions", "sme_other", 403),
    ("POST", "/api/v1/missions", "none", 401),
    ("POST", "/api/v1/missions", "bad", 401),
    ("POST", "/api/v1/missions", "revoked", 401),
    ("POST", "/api/v1/missions", "admin", 202),
    ("POST", "/api/v1/missions", "advisor_own", 202),
    ("POST", "/api/v1/missions", "advisor_other", 422),  # X is not one of its SMEs
    ("POST", "/api/v1/missions", "sme_self", 403),
    ("POST", "/api/v1/missions", "sme_other", 403),
    ("GET", "/api/v1/missions/{job}", "none", 401),
    ("GET", "/api/v1/missions/{job}", "bad", 401),
    ("GET", "/api/v1/missions/{job}", "revoked", 401),
    ("GET", "/api/v1/missions/{job}", "admin", 200),
    ("GET", "/api/v1/missions/{job}", "advisor_own", 200),
    ("GET", "/api/v1/missions/{job}", "advisor_other", 404),
    ("GET", "/api/v1/missions/{job}", "sme_self", 403),
    ("GET", "/api/v1/missions/{job}", "sme_other", 403),
    ("GET", "/api/v1/missions/{job}/files/{file}", "none", 401),
    ("GET", "/api/v1/missions/{job}/files/{file}", "bad", 401),
    ("GET", "/api/v1/missions/{job}/files/{file}", "revoked", 401),
    ("GET", "/api/v1/missions/{job}/files/{file}", "admin", 200),
    ("GET", "/api/v1/missions/{job}/files/{file}", "advisor_own", 200),
    ("GET", "/api/v1/missions/{job}/files/{file}", "advisor_other", 404),
    ("GET", "/api/v1/missions/{job}/files/{file}", "sme_self", 403),
    ("GET", "/api/v1/missions/{job}/files/{file}", "sme_other", 403),
]
# fmt: on

# A mission small enough to plan in about a second.
MINI_MISSION: dict[str, Any] = {
    "name": "Matrix mission",
    "markets": ["CA"],
    "cities": ["Laval"],
    "dates": ["2019-09-16", "2019-09-16"],
    "smes": [SME_X],
    "slots": {"days": 1, "per_day": 2},
    "partner_capacity": 1,
    "time_limit": 2,
}

# Request bodies, by (method, path template); placeholders are filled as in the paths.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/smes"): {"json": sme_body("{new}", cluster=CLUSTER_A)},
    ("PATCH", "/api/v1/smes/{x}"): {"json": {"name": "Atsukè"}},  # its current name
    ("PATCH", "/api/v1/smes/{b}"): {"json": {"name": "Hijacked"}},
    ("POST", "/api/v1/smes/import"): {"csv_of": ("sme", "{x}")},  # X's row, unchanged
    ("POST", "/api/v1/partners"): {"json": partner_body("{new}")},
    ("PATCH", "/api/v1/partners/{p}"): {"json": {"city": "Laval"}},  # its current city
    ("POST", "/api/v1/partners/import"): {"csv_of": ("partner", "{p}")},
    ("POST", "/api/v1/leads/{x}/{p}/status"): {"json": {"status": "shortlisted"}},  # as it is
    ("POST", "/api/v1/leads/{b}/{p}/status"): {"json": {"status": "declined"}},
    ("POST", "/api/v1/leads/{x}/{p}/notes"): {"json": {"text": "matrix note"}},
    ("POST", "/api/v1/leads/{b}/{p}/notes"): {"json": {"text": "matrix note"}},
    ("PUT", "/api/v1/smes/{x}/feedback/{p}"): {
        "json": {"interesting": True, "reason": "SECRET-FEEDBACK-X"}
    },
    ("POST", "/api/v1/missions"): {"json": {**MINI_MISSION, "smes": ["{x}"]}},
}

# Notes and feedback reasons written for each company; only those who see it may read them.
SECRETS = {
    SME_X: ("SECRET-NOTE-X", "SECRET-FEEDBACK-X"),
    SME_Y: ("SECRET-NOTE-Y", "SECRET-FEEDBACK-Y"),
    SME_B: ("SECRET-NOTE-B", "SECRET-FEEDBACK-B"),
    SME_C: ("SECRET-NOTE-C", "SECRET-FEEDBACK-C"),
}


def _case_id(case: tuple[str, str, str, int]) -> str:
    method, template, role, expected = case
    return f"{method} {template} as {role} -> {expected}"


@pytest.fixture(scope="module")
def seeded(world: World) -> World:
    """Tracked leads with notes, and feedback, for X, Y, B and C on partner P."""
    pipeline = world.workspace.pipeline
    for sme_id, (note, reason) in SECRETS.items():
        pipeline.set_status(sme_id, P, "shortlisted", "admin#seed")
        pipeline.add_note(sme_id, P, note, "admin#seed")
        pipeline.give_feedback(sme_id, P, True, reason, f"sme:{sme_id}#seed")
    job = world.post(f"{V1}/missions", "advisor_own", json=MINI_MISSION)
    assert job.status_code == 202, job.text
    world.mission = _finished(world, job.json()["id"])
    return world


def _finished(world: World, job_id: str) -> dict[str, Any]:
    """A mission plan once it is done (plans run in the background)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = world.get(f"{V1}/missions/{job_id}").json()
        if job["status"] in ("done", "failed"):
            assert job["status"] == "done", job
            return dict(job)
        time.sleep(0.05)
    raise AssertionError(f"mission {job_id} did not finish")


def _visible(world: World, role: str) -> set[str]:
    """Ids of the SMEs a caller may see, as the store holds them now."""
    smes = world.workspace.store.all("sme")
    if role == "admin":
        return {s.id for s in smes}
    if role == "advisor_own":
        return {s.id for s in smes if s.cluster == CLUSTER_A}
    if role == "advisor_other":
        return {s.id for s in smes if s.cluster == CLUSTER_B}
    if role == "sme_self":
        return {SME_X}
    if role == "sme_other":
        return {SME_Y}
    return set()


def _strings(response: httpx.Response, skip_detail: bool) -> Iterator[str]:
    """Every text value of a JSON, CSV or XLSX body (404 details echo the asked id: skippable)."""
    kind = response.headers.get("content-type", "")
    if not response.content:
        return
    if "json" in kind:

        def walk(value: Any, key: str = "") -> Iterator[str]:
            if isinstance(value, dict):
                for k, v in value.items():
                    yield from walk(v, k)
            elif isinstance(value, list):
                for v in value:
                    yield from walk(v, key)
            elif isinstance(value, str) and not (skip_detail and key == "detail"):
                yield value

        yield from walk(response.json())
    elif "csv" in kind:
        for row in csv.reader(io.StringIO(response.text)):
            yield from row
    elif "spreadsheet" in kind:
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                yield from (str(v) for v in row if v is not None)
    elif response.content:
        yield response.text


def assert_no_leak(world: World, role: str, response: httpx.Response) -> None:
    """No hidden SME (id or name) and no other company's note or feedback in the response."""
    visible = _visible(world, role)
    hidden = [s for s in world.workspace.store.all("sme") if s.id not in visible]
    hidden_values = {s.id for s in hidden} | {s.name for s in hidden}
    secrets = [m for sme_id, marks in SECRETS.items() if sme_id not in visible for m in marks]
    for text in _strings(response, skip_detail=False):
        for mark in secrets:
            assert mark not in text, f"{role} received {mark!r}: {response.text[:500]}"
    for text in _strings(response, skip_detail=True):
        assert text not in hidden_values, f"{role} received hidden SME {text!r}"


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        for key, real in ids.items():
            value = value.replace("{" + key + "}", real)
        return value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_fill(v, ids) for v in value)
    return value


def _csv_of(world: World, side: str, record_id: str) -> dict[str, Any]:
    record = world.workspace.store.get(side, record_id)
    row = {k: ";".join(v) if isinstance(v, tuple) else v for k, v in vars(record).items()}
    row.pop("extra")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    return {"files": {"file": (f"{side}s.csv", buffer.getvalue().encode(), "text/csv")}}


def _send(
    world: World, method: str, template: str, role: str, ids: dict[str, str], body_of: str = ""
) -> httpx.Response:
    spec = _fill(BODIES.get((method, body_of or template), {}), ids)
    if "csv_of" in spec:
        spec = _csv_of(world, *spec["csv_of"])
    return world.request(method, _fill(template, ids), role, **spec)


def _twin_template(template: str) -> str | None:
    """The same request on an SME that does not exist, if the path names an SME."""
    for key in ("x", "y", "b", "c", "victim", "job"):
        if "{" + key + "}" in template:
            return template.replace("{" + key + "}", MISSING_SME)
    return None


@pytest.mark.parametrize(
    ("method", "template", "role", "expected"), MATRIX, ids=[_case_id(c) for c in MATRIX]
)
def test_access_matrix(seeded: World, method: str, template: str, role: str, expected: int) -> None:
    world = seeded
    ids = {"x": SME_X, "y": SME_Y, "b": SME_B, "c": SME_C, "p": P, "new": unique("matrix")}
    ids |= {"job": world.mission["id"], "file": "agenda.csv"}
    if "{victim}" in template:
        ids["victim"] = unique("sme-victim")
        world.workspace.save_profile("sme", sme_body(ids["victim"], cluster=CLUSTER_A))
    if "{victim_p}" in template:
        ids["victim_p"] = unique("p-victim")
        world.workspace.save_profile("partner", partner_body(ids["victim_p"]))
    try:
        response = _send(world, method, template, role, ids)
        assert response.status_code == expected, (
            f"{method} {_fill(template, ids)} as {role}: expected {expected}, "
            f"got {response.status_code}: {response.text[:500]}"
        )
        assert_no_leak(world, role, response)
        if expected == 401:
            assert response.headers.get("www-authenticate") == "Bearer"
        if expected == 404 and (twin := _twin_template(template)):
            # A forbidden object answers exactly like a missing one.
            missing = _send(world, method, twin, role, ids, body_of=template)
            assert missing.status_code == 404, missing.text
            shown, absent = response.json(), missing.json()
            assert sorted(shown) == sorted(absent)
            asked = next(v for k, v in ids.items() if "{" + k + "}" in template)
            assert shown["detail"].replace(asked, "?") == absent["detail"].replace(MISSING_SME, "?")
        if response.status_code == 202:  # let the plan finish before the next case
            _finished(world, response.json()["id"])
    finally:
        # Throw-away objects go, whichever way the request went.
        for side, key in (
            ("sme", "victim"),
            ("partner", "victim_p"),
            ("sme", "new"),
            ("partner", "new"),
        ):
            if key in ids:
                with contextlib.suppress(NotFoundError):
                    world.workspace.delete_profile(side, ids[key])


def _normalise(template: str) -> str:
    """The OpenAPI path of a template: placeholders back to parameter names, no query."""
    path = template.split("?")[0]
    for key, name in (
        ("victim_p", "partner_id"),
        ("victim", "sme_id"),
        ("x", "sme_id"),
        ("y", "sme_id"),
        ("b", "sme_id"),
        ("c", "sme_id"),
        ("p", "partner_id"),
        ("job", "job_id"),
        ("file", "name"),
    ):
        path = path.replace("{" + key + "}", "{" + name + "}")
    return path


def test_the_matrix_covers_every_endpoint_for_every_caller(world: World) -> None:
    """A new route must come with its rows in MATRIX."""
    paths = world.client.get("/openapi.json").json()["paths"]
    routes = {(method.upper(), path) for path, ops in paths.items() for method in ops}
    for route in sorted(routes):
        callers = {role for m, t, role, _ in MATRIX if (m, _normalise(t)) == route}
        assert callers == set(ROLES), f"{route} lacks rows for {set(ROLES) - callers}"


# --- what each caller's lists hold ------------------------------------------------------------


def test_an_sme_lists_only_itself(seeded: World) -> None:
    for query in ("", "?cluster=bwcon", "?country=DE", "?limit=500"):
        body = seeded.get(f"{V1}/smes{query}", "sme_self").json()
        assert {s["id"] for s in body["items"]} <= {SME_X}
        assert body["total"] == len(body["items"])
    assert [s["id"] for s in seeded.get(f"{V1}/smes", "sme_self").json()["items"]] == [SME_X]


def test_an_advisor_lists_only_its_cluster(seeded: World) -> None:
    body = seeded.get(f"{V1}/smes?limit=500", "advisor_own").json()
    cluster_a = [s.id for s in seeded.workspace.store.all("sme") if s.cluster == CLUSTER_A]
    assert sorted(s["id"] for s in body["items"]) == sorted(cluster_a)
    assert body["total"] == len(cluster_a)
    other = seeded.get(f"{V1}/smes?cluster={CLUSTER_B}", "advisor_own").json()
    assert other["items"] == [] and other["total"] == 0


def test_the_lead_list_holds_only_visible_smes(seeded: World) -> None:
    expected = {
        "admin": {SME_X, SME_Y, SME_B, SME_C},
        "advisor_own": {SME_X, SME_Y},
        "advisor_other": {SME_B},
        "sme_self": {SME_X},
        "sme_other": {SME_Y},
    }
    for role, smes in expected.items():
        body = seeded.get(f"{V1}/leads?status=shortlisted", role).json()
        seen = {row["sme_id"] for row in body["items"] if row["partner_id"] == P}
        assert seen == smes, role
        assert {row["sme_id"] for row in body["items"]} <= _visible(seeded, role), role
        export = seeded.get(f"{V1}/leads/export?format=csv", role)
        exported = {
            row["sme_id"] for row in csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")))
        }
        assert exported <= _visible(seeded, role), role
        assert_no_leak(seeded, role, export)
    assert seeded.get(f"{V1}/leads?sme_id={SME_Y}", "sme_self").json()["items"] == []
    assert seeded.get(f"{V1}/leads?sme_id={SME_B}", "advisor_own").json()["items"] == []


def test_reverse_leads_show_an_advisor_only_its_cluster(seeded: World) -> None:
    # p-ca-007 is in CA: X and Y (cluster A) and B's parksense (cluster B) target CA.
    clusters = {s.id: s.cluster for s in seeded.workspace.store.all("sme")}
    for role, cluster in (("advisor_own", CLUSTER_A), ("advisor_other", CLUSTER_B)):
        body = seeded.get(f"{V1}/partners/{P}/smes?top=200", role).json()
        assert body["results"], f"{role} should get its cluster's SMEs targeting CA"
        assert {clusters[r["id"]] for r in body["results"]} == {cluster}
        assert_no_leak(seeded, role, seeded.get(f"{V1}/partners/{P}/smes?top=200", role))
    every = seeded.get(f"{V1}/partners/{P}/smes?top=200", "admin").json()["results"]
    assert {clusters[r["id"]] for r in every} >= {CLUSTER_A, CLUSTER_B}


def test_feedback_of_one_sme_is_invisible_to_another(seeded: World) -> None:
    leads = seeded.get(f"{V1}/smes/{SME_X}/leads?top=20", "sme_self").json()["results"]
    q = next(lead["id"] for lead in leads if lead["id"] != P)
    said = seeded.put(
        f"{V1}/smes/{SME_Y}/feedback/{q}",
        "sme_other",
        json={"interesting": False, "reason": "SECRET-FEEDBACK-Y (second)"},
    )
    assert said.status_code == 200, said.text
    # X's own list of leads does not carry Y's verdict, and X cannot read Y's feedback.
    again = seeded.get(f"{V1}/smes/{SME_X}/leads?top=20", "sme_self").json()["results"]
    assert next(lead for lead in again if lead["id"] == q)["interesting"] is None
    assert seeded.get(f"{V1}/smes/{SME_Y}/feedback", "sme_self").status_code == 404
    own = seeded.get(f"{V1}/smes/{SME_X}/feedback", "sme_self").json()
    assert q not in {f["partner_id"] for f in own}
    assert all(f["sme_id"] == SME_X for f in own)
    # Y and Y's advisor do see it.
    for role in ("sme_other", "advisor_own", "admin"):
        mine = seeded.get(f"{V1}/smes/{SME_Y}/feedback", role).json()
        assert {f["partner_id"]: f["interesting"] for f in mine}[q] is False, role


def test_notes_of_one_sme_are_invisible_to_another(seeded: World) -> None:
    advisor = seeded.get(f"{V1}/leads/{SME_X}/{P}", "advisor_own").json()
    assert "SECRET-NOTE-X" in {n["new_value"] for n in advisor["notes"]}
    # Notes are the advisors' own: the SME itself reads its lead's status, not them.
    own = seeded.get(f"{V1}/leads/{SME_X}/{P}", "sme_self")
    assert own.status_code == 200
    assert own.json()["notes"] == [] and "SECRET" not in own.text
    for role, sme in (("sme_self", SME_Y), ("sme_other", SME_X), ("advisor_other", SME_X)):
        response = seeded.get(f"{V1}/leads/{sme}/{P}", role)
        assert response.status_code == 404
        assert "SECRET" not in response.text


def test_no_token_variant_is_accepted(seeded: World) -> None:
    token = seeded.tokens["admin"]
    for header in (
        f"Basic {token}",
        token,
        f"Bearer {token}x",
        f"Bearer {token[:-1]}",
        "Bearer ",
        f"Bearer {seeded.tokens['revoked']}",
    ):
        response = seeded.client.get(f"{V1}/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert json.loads(response.text)["detail"]


def test_the_leak_check_catches_a_leak(seeded: World) -> None:
    """The checker itself: what an admin receives holds what an SME must not see."""
    for path in (
        f"{V1}/smes?limit=500",
        f"{V1}/leads/{SME_Y}/{P}",
        f"{V1}/smes/{SME_Y}/feedback",
        f"{V1}/leads/export?format=csv",
        f"{V1}/leads/export?format=xlsx",
    ):
        with pytest.raises(AssertionError):
            assert_no_leak(seeded, "sme_self", seeded.get(path, "admin"))
