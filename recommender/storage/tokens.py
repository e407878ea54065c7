"""API tokens: random secrets shown once, stored as SHA-256 digests, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from .models import SMERow, TokenRow, utcnow

Role = Literal["admin", "advisor", "sme"]
ROLES: tuple[Role, ...] = ("admin", "advisor", "sme")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a role and, for advisors and SMEs, what they may see."""

    token_id: int
    role: Role
    cluster: str = ""
    sme_id: str = ""
    label: str = ""

    @property
    def actor(self) -> str:
        """How this caller is named in lead histories."""
        scope = (self.cluster or self.sme_id)[:150]  # histories keep at most 200 characters
        return f"{self.role}:{scope}#{self.token_id}" if scope else f"{self.role}#{self.token_id}"


def live_principal(row: TokenRow | None) -> Principal | None:
    """Who a token row stands for, or None when it is missing or revoked (the one check
    shared by API tokens and the page sessions signed in with them)."""
    if row is None or row.revoked_at is not None:
        return None
    return Principal(row.id, row.role, row.cluster, row.sme_id, row.label)  # type: ignore[arg-type]


def _digest(token: str) -> str:
    # Tokens are 256-bit random strings, so a plain hash suffices (no password stretching).
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    """Create, check and revoke API tokens."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def create(self, role: Role, cluster: str = "", sme_id: str = "", label: str = "") -> str:
        """A new token (returned once; only its digest is kept)."""
        if role not in ROLES:
            raise ValueError(f"unknown role '{role}' (one of {', '.join(ROLES)})")
        if role == "advisor" and not cluster:
            raise ValueError("an advisor token needs --cluster")
        if role == "sme" and not sme_id:
            raise ValueError("an SME token needs --sme")
        token = "cm_" + secrets.token_urlsafe(32)
        with Session(self.engine) as session, session.begin():
            # A token for an id nobody holds yet would belong to whoever creates it later.
            if role == "sme" and session.get(SMERow, sme_id) is None:
                raise NotFoundError(f"no SME with id '{sme_id}'")
            session.add(
                TokenRow(
                    digest=_digest(token),
                    role=role,
                    cluster=cluster if role == "advisor" else "",
                    sme_id=sme_id if role == "sme" else "",
                    label=label,
                )
            )
        return token

    def verify(self, token: str) -> Principal | None:
        """The principal a live token belongs to, or None."""
        with Session(self.engine) as session:
            return live_principal(
                session.scalar(select(TokenRow).where(TokenRow.digest == _digest(token)))
            )

    def revoke(self, token_id: int) -> None:
        """Make a token unusable from now on."""
        with Session(self.engine) as session, session.begin():
            row = session.get(TokenRow, token_id)
            if row is None:
                raise NotFoundError(f"no token with id {token_id}")
            row.revoked_at = row.revoked_at or utcnow()

    def list(self) -> list[dict[str, object]]:
        """Every token's metadata (never the secret)."""
        with Session(self.engine) as session:
            return [
                {
                    "id": r.id,
                    "role": r.role,
                    "cluster": r.cluster,
                    "sme_id": r.sme_id,
                    "label": r.label,
                    "created_at": r.created_at,
                    "revoked": r.revoked_at is not None,
                }
                for r in session.scalars(select(TokenRow).order_by(TokenRow.id))
            ]
