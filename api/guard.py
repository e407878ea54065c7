"""Checks that run before a request body is read: origin, caller, size.

FastAPI reads and parses a body before any dependency runs, so an anonymous 2 GiB upload was
spooled to disk and a 50 MB anonymous JSON body parsed before its 401. This ASGI middleware
answers from the headers alone: a page form from another origin gets 403, an API call
without a live bearer token 401, a page post without a live session goes to the sign-in
page, and a body over the limit 413: from its Content-Length, or, for a chunked body, as
soon as the bytes received pass the limit (the body is then never handed on).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security.utils import get_authorization_scheme_param
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recommender import Settings, Workspace
from recommender.storage.sessions import SessionStore

from .routes.web import COOKIE
from .templating import render_text

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
#: Multipart framing around an upload's bytes (boundaries, part headers, small fields).
MULTIPART_SLACK = 64 * 1024
ANONYMOUS_PAGES = frozenset({"/login"})


class RequestGuard:
    """The ASGI middleware; the app's state holds the settings, workspace and sessions."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = _limit(scope["app"].state.settings, headers)
        refusal = await self._refusal(scope, headers, limit)
        if refusal is None and "content-length" not in headers:
            # A chunked body: counted as it arrives, handed on only if it stays in the limit.
            buffered = await self._buffered(receive, limit[0])
            if buffered is None:
                refusal = _too_large(scope, limit)
            else:
                receive = buffered
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    async def _refusal(scope: Scope, headers: Headers, limit: tuple[int, str]) -> Response | None:
        """The answer that refuses the request from its headers alone, if any."""
        state = scope["app"].state
        path: str = scope["path"]
        api = path.startswith("/api/")
        if not api and not same_origin(headers):
            return _forbidden("This form was sent from another site.", 403)
        if api and not await _bearer_is_live(state.workspace, headers):
            return JSONResponse(
                {"detail": "missing, invalid or revoked token", "problems": []},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not api and path not in ANONYMOUS_PAGES:
            sessions: SessionStore = state.sessions
            if await run_in_threadpool(sessions.principal, _cookie(headers, COOKIE)) is None:
                return RedirectResponse("/login", status_code=303)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit[0]:
            return _too_large(scope, limit)
        return None

    @staticmethod
    async def _buffered(receive: Receive, limit: int) -> Receive | None:
        """The whole chunked body, read up to the limit and replayed; None past the limit."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away: hand the disconnect on
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                return None
            if not message.get("more_body", False):
                break
        replay: list[Message] = [{"type": "http.request", "body": b"".join(chunks)}]

        async def replayed() -> Message:
            return replay.pop() if replay else await receive()

        return replayed


def same_origin(headers: Headers) -> bool:
    """Whether a page post comes from this site: its Origin (or Referer) names our host.

    Browsers send Origin with every cross-origin form post; a request with neither header is
    not a browser's cross-site post, and still needs the form's CSRF token.
    """
    source = headers.get("origin") or headers.get("referer")
    if source is None:
        return True
    return urlsplit(source).netloc.lower() == headers.get("host", "").lower() != ""


async def _bearer_is_live(workspace: Workspace, headers: Headers) -> bool:
    scheme, token = get_authorization_scheme_param(headers.get("authorization"))
    if scheme.lower() != "bearer" or not token:
        return False
    return await run_in_threadpool(workspace.tokens.verify, token) is not None


def _cookie(headers: Headers, name: str) -> str:
    return cookie_parser(headers.get("cookie", "")).get(name, "")


def _limit(settings: Settings, headers: Headers) -> tuple[int, str]:
    """The body limit of a request in bytes, and how to name it in a refusal."""
    if headers.get("content-type", "").startswith("multipart/form-data"):
        limit = settings.max_upload_bytes
        return limit + MULTIPART_SLACK, f"upload larger than the limit of {limit} bytes"
    limit = settings.max_body_bytes
    return limit, f"request body larger than the limit of {limit} bytes"


def _forbidden(reason: str, status: int) -> HTMLResponse:
    # A page, not JSON: a browser never sees raw JSON.
    body = render_text("forbidden.html", user=None, reason=reason)
    return HTMLResponse(body, status_code=status)


def _too_large(scope: Scope, limit: tuple[int, str]) -> Response:
    if scope["path"].startswith("/api/"):
        return JSONResponse({"detail": limit[1], "problems": []}, status_code=413)
    return _forbidden(limit[1].capitalize() + ".", 413)
