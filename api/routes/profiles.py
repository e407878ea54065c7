"""SME and partner profiles: list, get, create, update, delete, bulk import."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, HTTPException, Query, UploadFile, status

from recommender import SME, NotFoundError, Problem, Settings, ValidationError, Workspace
from recommender.schema import Side
from recommender.storage.tokens import Principal

from ..deps import PrincipalDep, SettingsDep, WorkspaceDep, can_see_sme, require, visible_sme
from ..schemas import (
    ERROR_RESPONSES,
    ErrorBody,
    ImportResult,
    PartnerCreate,
    PartnerPage,
    PartnerPublic,
    PartnerUpdate,
    SMECreate,
    SMEPage,
    SMEPublic,
    SMEUpdate,
)
from ..uploads import import_upload

router = APIRouter(prefix="/api/v1", tags=["profiles"])
ERRORS = ERROR_RESPONSES
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=500)]


def _public(record: Any) -> dict[str, Any]:
    data = asdict(record)
    data.pop("extra", None)
    return data


# --- SMEs ----------------------------------------------------------------------------------


@router.get("/smes", response_model=SMEPage, responses=ERRORS)
def list_smes(
    workspace: WorkspaceDep,
    principal: PrincipalDep,
    offset: Offset = 0,
    limit: Limit = 50,
    country: Annotated[str, Query(max_length=2)] = "",
    cluster: Annotated[str, Query(max_length=500)] = "",
) -> dict[str, Any]:
    """SMEs the caller may see, paged and filterable."""
    ids = None
    if principal.role == "advisor":
        if cluster and cluster != principal.cluster:
            return {"items": [], "total": 0, "offset": offset, "limit": limit}
        cluster = principal.cluster
    elif principal.role == "sme":
        ids = [principal.sme_id]
    items, total = workspace.store.page(
        "sme", offset, limit, country=country, cluster=cluster, ids=ids
    )
    return {"items": [_public(r) for r in items], "total": total, "offset": offset, "limit": limit}


@router.get("/smes/{sme_id}", response_model=SMEPublic, responses=ERRORS)
def get_sme(sme_id: str, workspace: WorkspaceDep, principal: PrincipalDep) -> dict[str, Any]:
    """One SME profile."""
    return _public(visible_sme(workspace, principal, sme_id))


@router.post("/smes", response_model=SMEPublic, status_code=201, responses=ERRORS)
def create_sme(body: SMECreate, workspace: WorkspaceDep, principal: PrincipalDep) -> dict[str, Any]:
    """Add an SME (advisors: in their own cluster)."""
    require(principal, "admin", "advisor")
    if principal.role == "advisor" and body.cluster != principal.cluster:
        raise HTTPException(422, f"cluster must be '{principal.cluster}' (your cluster)")
    try:
        existing = workspace.store.get("sme", body.id)
    except NotFoundError:
        existing = None
    if (
        existing is not None
        and principal.role == "advisor"
        and existing.cluster != principal.cluster
    ):
        # Same neutral answer as the import: do not confirm another cluster's SME.
        raise ValidationError([Problem("request", None, "id", "id not available")])
    # The store checks the id again in the transaction that inserts it: of racing creates
    # of one id, one answers 201 and the others 409.
    record, _ = workspace.save_profile("sme", body.model_dump(), create=True)
    return _public(record)


@router.patch("/smes/{sme_id}", response_model=SMEPublic, responses=ERRORS)
def update_sme(
    sme_id: str, body: SMEUpdate, workspace: WorkspaceDep, principal: PrincipalDep
) -> dict[str, Any]:
    """Change some fields of an SME (an SME may edit its own profile, not its cluster)."""
    visible_sme(workspace, principal, sme_id)
    changes = body.model_dump(exclude_unset=True)

    def allowed(current: SME) -> None:
        # Checked on the row as stored, inside the transaction that writes the change.
        if not can_see_sme(principal, current):
            raise NotFoundError(f"no SME with id '{sme_id}'")
        moved = "cluster" in changes and changes["cluster"] != current.cluster
        if moved and principal.role != "admin":
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, "only an admin can move an SME to another cluster"
            )

    return _public(workspace.update_profile("sme", sme_id, changes, allowed))


@router.delete("/smes/{sme_id}", status_code=204, responses=ERRORS)
def delete_sme(sme_id: str, workspace: WorkspaceDep, principal: PrincipalDep) -> None:
    """Remove an SME with its leads and feedback."""
    require(principal, "admin", "advisor")
    visible_sme(workspace, principal, sme_id)
    workspace.delete_profile("sme", sme_id)


@router.post(
    "/smes/import", response_model=ImportResult, responses={**ERRORS, 413: {"model": ErrorBody}}
)
async def import_smes(
    workspace: WorkspaceDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    file: Annotated[UploadFile, File(description="CSV or XLSX with the SME columns.")],
    background: BackgroundTasks,
    replace: bool = False,
) -> dict[str, Any]:
    """Bulk import, all or nothing: 422 lists every row-level problem."""
    return await _bulk_import(workspace, settings, principal, file, background, "sme", replace)


# --- partners ------------------------------------------------------------------------------


@router.get("/partners", response_model=PartnerPage, responses=ERRORS)
def list_partners(
    workspace: WorkspaceDep,
    principal: PrincipalDep,
    offset: Offset = 0,
    limit: Limit = 50,
    country: Annotated[str, Query(max_length=2)] = "",
    org_type: Annotated[str, Query(max_length=32)] = "",
    city: Annotated[str, Query(max_length=500)] = "",
) -> dict[str, Any]:
    """Partner organisations, paged and filterable (visible to every role)."""
    items, total = workspace.store.page(
        "partner", offset, limit, country=country, org_type=org_type, city=city
    )
    return {"items": [_public(r) for r in items], "total": total, "offset": offset, "limit": limit}


@router.get("/partners/{partner_id}", response_model=PartnerPublic, responses=ERRORS)
def get_partner(
    partner_id: str, workspace: WorkspaceDep, principal: PrincipalDep
) -> dict[str, Any]:
    """One partner profile."""
    return _public(workspace.partner(partner_id))


@router.post("/partners", response_model=PartnerPublic, status_code=201, responses=ERRORS)
def create_partner(
    body: PartnerCreate, workspace: WorkspaceDep, principal: PrincipalDep
) -> dict[str, Any]:
    """Add a partner organisation."""
    require(principal, "admin", "advisor")
    # Checked in the inserting transaction: of racing creates one answers 201, the rest 409.
    record, _ = workspace.save_profile("partner", body.model_dump(), create=True)
    return _public(record)


@router.patch("/partners/{partner_id}", response_model=PartnerPublic, responses=ERRORS)
def update_partner(
    partner_id: str, body: PartnerUpdate, workspace: WorkspaceDep, principal: PrincipalDep
) -> dict[str, Any]:
    """Change some fields of a partner."""
    require(principal, "admin", "advisor")
    workspace.partner(partner_id)
    changes = body.model_dump(exclude_unset=True)
    return _public(workspace.update_profile("partner", partner_id, changes))


@router.delete("/partners/{partner_id}", status_code=204, responses=ERRORS)
def delete_partner(partner_id: str, workspace: WorkspaceDep, principal: PrincipalDep) -> None:
    """Remove a partner (admins only: partners are shared by every cluster)."""
    require(principal, "admin")
    workspace.delete_profile("partner", partner_id)


@router.post(
    "/partners/import", response_model=ImportResult, responses={**ERRORS, 413: {"model": ErrorBody}}
)
async def import_partners(
    workspace: WorkspaceDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    file: Annotated[UploadFile, File(description="CSV or XLSX with the partner columns.")],
    background: BackgroundTasks,
    replace: bool = False,
) -> dict[str, Any]:
    """Bulk import, all or nothing: 422 lists every row-level problem."""
    return await _bulk_import(workspace, settings, principal, file, background, "partner", replace)


async def _bulk_import(
    workspace: Workspace,
    settings: Settings,
    principal: Principal,
    file: UploadFile,
    background: BackgroundTasks,
    side: Side,
    replace: bool,
) -> dict[str, Any]:
    require(principal, "admin", "advisor")
    if replace and principal.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only an admin can import with replace")
    report = await import_upload(
        workspace, principal, file, side, replace, settings.max_upload_bytes
    )
    background.add_task(workspace.warm_explanations)
    counts = report.counts[side]
    return {
        **asdict(counts),
        "embedded": report.embedded,
        "warnings": report.warnings,
        "notes": report.notes,
    }
