"""Leads in both directions, free-text search, the lead pipeline, feedback and exports."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Response, status

from recommender.storage.pipeline import LeadState
from recommender.storage.tokens import Principal

from ..deps import PrincipalDep, WorkspaceDep, can_manage_leads, require, visible_sme
from ..schemas import (
    ERROR_RESPONSES,
    FeedbackCreate,
    FeedbackPublic,
    LeadList,
    LeadStatePublic,
    Market,
    NoteCreate,
    OrgType,
    Status,
    StatusChange,
    TrackedLeadPage,
)
from ..views import (
    TRACKED_COLUMNS,
    XLSX,
    ExportFormat,
    annotate_leads,
    lead_rows,
    spreadsheet,
    tracked_leads,
)

router = APIRouter(prefix="/api/v1", tags=["leads"])
ERRORS = ERROR_RESPONSES
Top = Annotated[int, Query(ge=1, le=200, description="How many leads (capped at 200).")]
Markets = Annotated[list[Market] | None, Query()]
OrgTypes = Annotated[list[OrgType] | None, Query()]
Cities = Annotated[list[Annotated[str, Query(max_length=200)]] | None, Query(max_length=20)]
Ranker = Literal["hybrid", "dense", "lexical"]


@router.get("/smes/{sme_id}/leads", response_model=LeadList, responses=ERRORS)
def sme_leads(
    sme_id: str,
    workspace: WorkspaceDep,
    principal: PrincipalDep,
    top: Top = 10,
    market: Markets = None,
    org_type: OrgTypes = None,
    city: Cities = None,
    ranker: Ranker = "hybrid",
    diversity: Annotated[float, Query(ge=0.0, le=1.0)] = 0.0,
) -> dict[str, Any]:
    """Ranked, explained partner leads for an SME, with their pipeline status."""
    visible_sme(workspace, principal, sme_id)
    leads = workspace.recommend(
        sme_id,
        top=top,
        markets=market or (),
        org_types=org_type or (),
        cities=city or (),
        ranker=ranker,
        diversity=diversity,
    )
    return {"query_id": sme_id, "results": annotate_leads(workspace, sme_id, leads)}


@router.get(
    "/smes/{sme_id}/leads/export",
    responses={**ERRORS, 200: {"content": {"text/csv": {}, XLSX: {}}}},
)
def export_sme_leads(
    sme_id: str,
    workspace: WorkspaceDep,
    principal: PrincipalDep,
    format: ExportFormat = "csv",
    top: Top = 50,
    market: Markets = None,
    org_type: OrgTypes = None,
    city: Cities = None,
) -> Response:
    """The SME's ranked leads as a spreadsheet."""
    visible_sme(workspace, principal, sme_id)
    leads = workspace.recommend(
        sme_id, top=top, markets=market or (), org_types=org_type or (), cities=city or ()
    )
    rows = lead_rows(annotate_leads(workspace, sme_id, leads))
    return spreadsheet(rows, format, f"leads-{sme_id}")


@router.get("/partners/{partner_id}/smes", response_model=LeadList, responses=ERRORS)
def partner_smes(
    partner_id: str,
    workspace: WorkspaceDep,
    principal: PrincipalDep,
    top: Top = 10,
    ranker: Ranker = "hybrid",
) -> dict[str, Any]:
    """SMEs that fit a partner (advisors see their cluster's SMEs only)."""
    require(principal, "admin", "advisor")
    clusters = [principal.cluster] if principal.role == "advisor" else None
    leads = workspace.fit(partner_id, top=top, ranker=ranker, clusters=clusters)
    return {"query_id": partner_id, "results": [lead.to_dict() for lead in leads]}


@router.get("/search", response_model=LeadList, responses=ERRORS)
def search(
    workspace: WorkspaceDep,
    principal: PrincipalDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="Free text, any language.")],
    top: Top = 10,
    market: Markets = None,
    org_type: OrgTypes = None,
    city: Cities = None,
) -> dict[str, Any]:
    """Partners matching a free-text description."""
    if not q.strip():
        raise HTTPException(422, "the search text is empty")
    leads = workspace.search(
        q, top=top, markets=market or (), org_types=org_type or (), cities=city or ()
    )
    return {"query_id": "", "results": [lead.to_dict() for lead in leads]}


# --- pipeline ------------------------------------------------------------------------------


@router.get("/leads", response_model=TrackedLeadPage, responses=ERRORS)
def list_leads(
    workspace: WorkspaceDep,
    principal: PrincipalDep,
    status_: Annotated[list[Status] | None, Query(alias="status")] = None,
    cluster: Annotated[str, Query(max_length=500)] = "",
    market: Market | Literal[""] = "",
    sme_id: Annotated[str, Query(max_length=100)] = "",
) -> dict[str, Any]:
    """Tracked leads (anything past a bare suggestion) the caller may see."""
    rows = tracked_leads(workspace, principal, status_, cluster, market, sme_id)
    return {"items": rows, "total": len(rows)}


@router.get("/leads/export", responses={**ERRORS, 200: {"content": {"text/csv": {}, XLSX: {}}}})
def export_leads(
    workspace: WorkspaceDep,
    principal: PrincipalDep,
    format: ExportFormat = "csv",
    status_: Annotated[list[Status] | None, Query(alias="status")] = None,
    cluster: Annotated[str, Query(max_length=500)] = "",
    market: Market | Literal[""] = "",
) -> Response:
    """Tracked leads as CSV or XLSX."""
    rows = tracked_leads(workspace, principal, status_, cluster, market, "")
    frame = pd.DataFrame(rows, columns=TRACKED_COLUMNS)
    if len(frame):
        frame["updated_at"] = frame["updated_at"].astype(str)
    return spreadsheet(frame, format, "leads")


@router.get("/leads/{sme_id}/{partner_id}", response_model=LeadStatePublic, responses=ERRORS)
def get_lead(sme_id: str, partner_id: str, workspace: WorkspaceDep, principal: PrincipalDep) -> Any:
    """A lead's status, notes and history."""
    visible_sme(workspace, principal, sme_id)
    workspace.partner(partner_id)
    return _for_role(workspace.pipeline.get(sme_id, partner_id), principal)


def _for_role(state: LeadState, principal: Principal) -> dict[str, Any]:
    """A lead's state as this caller may read it: an SME sees how its lead moved, not the
    advisors' notes about it nor who (which advisor token) moved it."""
    data = asdict(state)
    if principal.role == "sme":
        data["notes"] = []
        data["history"] = [
            {**event, "actor": None} for event in data["history"] if event["kind"] == "status"
        ]
    return data


@router.post(
    "/leads/{sme_id}/{partner_id}/status", response_model=LeadStatePublic, responses=ERRORS
)
def change_status(
    sme_id: str,
    partner_id: str,
    body: StatusChange,
    workspace: WorkspaceDep,
    principal: PrincipalDep,
) -> Any:
    """Move a lead through the pipeline: 409 for a move that is not allowed, or when the lead
    is no longer at `from_status` (another change came first)."""
    visible_sme(workspace, principal, sme_id)
    can_manage_leads(principal)
    workspace.partner(partner_id)
    return workspace.pipeline.set_status(
        sme_id, partner_id, body.status, principal.actor, expected=body.from_status
    )


@router.post(
    "/leads/{sme_id}/{partner_id}/notes",
    response_model=LeadStatePublic,
    status_code=201,
    responses=ERRORS,
)
def add_note(
    sme_id: str, partner_id: str, body: NoteCreate, workspace: WorkspaceDep, principal: PrincipalDep
) -> Any:
    """Add a note to a lead."""
    visible_sme(workspace, principal, sme_id)
    can_manage_leads(principal)
    workspace.partner(partner_id)
    return workspace.pipeline.add_note(sme_id, partner_id, body.text, principal.actor)


# --- SME feedback --------------------------------------------------------------------------


@router.put("/smes/{sme_id}/feedback/{partner_id}", response_model=FeedbackPublic, responses=ERRORS)
def give_feedback(
    sme_id: str,
    partner_id: str,
    body: FeedbackCreate,
    workspace: WorkspaceDep,
    principal: PrincipalDep,
) -> Any:
    """The SME says whether a suggested partner interests it, and why."""
    visible_sme(workspace, principal, sme_id)
    if principal.role == "advisor":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "feedback is the SME's own")
    workspace.partner(partner_id)
    return workspace.pipeline.give_feedback(
        sme_id, partner_id, body.interesting, body.reason, principal.actor
    )


@router.get("/smes/{sme_id}/feedback", response_model=list[FeedbackPublic], responses=ERRORS)
def list_feedback(sme_id: str, workspace: WorkspaceDep, principal: PrincipalDep) -> Any:
    """Everything the SME said about its suggested partners."""
    visible_sme(workspace, principal, sme_id)
    return list(workspace.pipeline.feedback(sme_id).values())
