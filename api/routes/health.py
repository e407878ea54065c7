"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..deps import WorkspaceDep
from ..schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> dict[str, Any]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
def readyz(workspace: WorkspaceDep) -> Any:
    """The store answers and the index is loaded."""
    try:
        state = workspace.state()
        return {
            "status": "ready",
            "smes": len(state.smes.records),
            "partners": len(state.partners.records),
            "model": workspace.embedder.name,
        }
    except Exception as exc:  # readiness reports any failure instead of raising it
        return JSONResponse({"status": f"not ready: {exc}"}, status_code=503)
