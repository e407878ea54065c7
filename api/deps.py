"""Dependencies shared by the routes: the workspace, the caller, and what the caller may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from recommender import SME, NotFoundError, Settings, Workspace
from recommender.storage.tokens import Principal

bearer = HTTPBearer(auto_error=False, description="A token from `clustermatch token create`.")


def get_workspace(request: Request) -> Workspace:
    """The workspace loaded once at start-up."""
    workspace: Workspace = request.app.state.workspace
    return workspace


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_principal(
    workspace: WorkspaceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller behind the bearer token; 401 when it is missing, unknown or revoked."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing bearer token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    principal = workspace.tokens.verify(credentials.credentials)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "invalid or revoked token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(principal: Principal, *roles: str) -> None:
    """403 unless the caller has one of these roles."""
    if principal.role not in roles:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"not allowed for role '{principal.role}'")


def can_see_sme(principal: Principal, sme: SME) -> bool:
    """Admins see every SME, advisors their cluster's, an SME itself."""
    if principal.role == "admin":
        return True
    if principal.role == "advisor":
        return sme.cluster == principal.cluster
    return sme.id == principal.sme_id


def visible_sme(workspace: Workspace, principal: Principal, sme_id: str) -> SME:
    """The SME if the caller may see it; otherwise the same 404 as a missing one."""
    try:
        sme = workspace.sme(sme_id)
    except NotFoundError:
        sme = None
    if sme is None or not can_see_sme(principal, sme):
        # Never confirm that another company's profile exists.
        raise NotFoundError(f"no SME with id '{sme_id}'")
    return sme


def can_manage_leads(principal: Principal) -> None:
    """Pipeline changes and notes belong to advisors and admins."""
    require(principal, "admin", "advisor")
