"""Mission plans started from the API: run in the background, status, downloadable files."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Request, status
from fastapi.responses import FileResponse

from recommender import NotFoundError, Problem, ValidationError
from recommender.missions import parse_mission
from recommender.storage.tokens import Principal

from ..deps import PrincipalDep, WorkspaceDep, require
from ..jobs import MissionJob, MissionJobs
from ..schemas import ERROR_RESPONSES, MissionJobPublic

router = APIRouter(prefix="/api/v1", tags=["missions"])
ERRORS = ERROR_RESPONSES
EXAMPLE = {
    "name": "China and Singapore mission, September 2019",
    "markets": ["CN", "SG"],
    "cities": ["Chengdu", "Shanghai", "Singapore"],
    "dates": ["2019-09-16", "2019-09-20"],
    "smes": "all",
    "partner_types": ["public_authority", "research", "corporate", "association"],
    "slots": {"days": 3, "per_day": 6},
    "partner_capacity": 4,
    "exclude": [],
}


def _jobs(request: Request) -> MissionJobs:
    jobs: MissionJobs = request.app.state.missions
    return jobs


def _visible(job: MissionJob | None, principal: Principal) -> MissionJob:
    if job is None or (principal.role == "advisor" and job.owner_cluster != principal.cluster):
        raise NotFoundError("no such mission plan")
    return job


def _public(jobs: MissionJobs, job: MissionJob) -> dict[str, Any]:
    files = jobs.files(job.id) if job.status == "done" else []
    return {
        **asdict(job),
        "files": [{"name": f, "url": f"/api/v1/missions/{job.id}/files/{f}"} for f in files],
    }


@router.post("/missions", response_model=MissionJobPublic, status_code=202, responses=ERRORS)
def start_mission(
    request: Request,
    workspace: WorkspaceDep,
    principal: PrincipalDep,
    mission: Annotated[dict[str, Any], Body(examples=[EXAMPLE])],
) -> dict[str, Any]:
    """Plan a mission in the background (same keys as a mission YAML file)."""
    require(principal, "admin", "advisor")
    spec = parse_mission(mission, "request")
    if principal.role == "advisor":
        # Advisors plan for their own cluster's SMEs only.
        own = {s.id for s in workspace.profiles("sme") if s.cluster == principal.cluster}
        if spec.smes == "all":
            markets = set(spec.markets)
            chosen = [
                s.id for s in workspace.profiles("sme") if s.id in own and markets & set(s.markets)
            ]
            if not chosen:
                raise ValidationError(
                    [Problem("request", None, "smes", "none of your SMEs targets these markets")]
                )
            spec = spec.model_copy(update={"smes": chosen})
        elif unknown := [i for i in spec.smes if i not in own]:
            raise ValidationError(
                [Problem("request", None, "smes", f"unknown SME id(s): {', '.join(unknown)}")]
            )
    job = _jobs(request).submit(spec, principal.role, principal.cluster)
    return _public(_jobs(request), job)


@router.get("/missions", response_model=list[MissionJobPublic], responses=ERRORS)
def list_missions(request: Request, principal: PrincipalDep) -> list[dict[str, Any]]:
    """Mission plans the caller may see, newest first."""
    require(principal, "admin", "advisor")
    jobs = _jobs(request)
    return [
        _public(jobs, job)
        for job in jobs.all()
        if principal.role == "admin" or job.owner_cluster == principal.cluster
    ]


@router.get("/missions/{job_id}", response_model=MissionJobPublic, responses=ERRORS)
def get_mission(job_id: str, request: Request, principal: PrincipalDep) -> dict[str, Any]:
    """Status of a plan and, once done, its files."""
    require(principal, "admin", "advisor")
    jobs = _jobs(request)
    return _public(jobs, _visible(jobs.get(job_id), principal))


@router.get(
    "/missions/{job_id}/files/{name:path}",
    response_class=FileResponse,
    responses={**ERRORS, 200: {"content": {"application/octet-stream": {}}}},
)
def mission_file(job_id: str, name: str, request: Request, principal: PrincipalDep) -> FileResponse:
    """Download one file of a finished plan (agenda.csv, leads.xlsx, report.html...)."""
    require(principal, "admin", "advisor")
    jobs = _jobs(request)
    _visible(jobs.get(job_id), principal)
    path = jobs.file(job_id, name)
    if path is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no file '{name}' in this plan")
    return FileResponse(path, filename=path.name)
