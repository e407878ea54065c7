"""Sessions of the web pages, kept on the server.

The page cookie is a random session id, never the API token it was signed in with: only its
SHA-256 digest is stored, it expires, and signing out deletes it, so a copied cookie is dead
after logout. Each session's CSRF token is derived from its id (an HMAC), so it needs no
storage and cannot be computed without the cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from .models import TokenRow, WebSessionRow, utcnow
from .tokens import Principal, live_principal


def _digest(session_id: str) -> str:
    # 256-bit random ids: a plain hash suffices, as for tokens.
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def csrf_token(session_id: str) -> str:
    """The CSRF token of a session: forms carry it, a cross-site page cannot know it."""
    return hmac.new(session_id.encode("utf-8"), b"clustermatch-csrf", hashlib.sha256).hexdigest()


def csrf_matches(session_id: str, token: str) -> bool:
    return bool(session_id) and hmac.compare_digest(csrf_token(session_id), token)


class SessionStore:
    """Start, check and end page sessions."""

    def __init__(self, engine: Engine, hours: float):
        self.engine = engine
        self.lifetime = timedelta(hours=hours)

    def start(self, principal: Principal) -> str:
        """A new session for a signed-in token; the id is returned once (for the cookie)."""
        session_id = "cms_" + secrets.token_urlsafe(32)
        now = utcnow()
        with Session(self.engine) as session, session.begin():
            # Sign-ins are when expired sessions are swept: no background job is needed.
            session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
            session.add(
                WebSessionRow(
                    digest=_digest(session_id),
                    token_id=principal.token_id,
                    created_at=now,
                    expires_at=now + self.lifetime,
                )
            )
        return session_id

    def principal(self, session_id: str) -> Principal | None:
        """Who a live session belongs to; None if unknown, expired, ended or its token revoked."""
        if not session_id:
            return None
        with Session(self.engine) as session:
            found = session.execute(
                select(TokenRow, WebSessionRow.expires_at)
                .join(WebSessionRow, WebSessionRow.token_id == TokenRow.id)
                .where(WebSessionRow.digest == _digest(session_id))
            ).first()
            if found is None or found[1] <= utcnow():
                return None
            return live_principal(found[0])

    def end(self, session_id: str) -> None:
        """Sign out: the session id answers as unknown from now on."""
        with Session(self.engine) as session, session.begin():
            session.execute(
                delete(WebSessionRow).where(WebSessionRow.digest == _digest(session_id))
            )
