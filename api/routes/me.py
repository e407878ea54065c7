"""Who the caller is."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..deps import PrincipalDep
from ..schemas import ErrorBody, Me

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.get("/me", response_model=Me, responses={401: {"model": ErrorBody}})
def me(principal: PrincipalDep) -> dict[str, Any]:
    """The role and scope of the token in use."""
    return {
        "role": principal.role,
        "cluster": principal.cluster,
        "sme_id": principal.sme_id,
        "label": principal.label,
    }
