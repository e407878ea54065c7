"""Library errors translated to HTTP answers, in one place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from recommender import (
    ClusterMatchError,
    ConfigurationError,
    ConflictError,
    NotFoundError,
    Problem,
    ValidationError,
)


class PayloadTooLarge(ClusterMatchError):
    """An upload over the configured limit."""


def _problems(problems: Sequence[Problem]) -> list[dict[str, object]]:
    return [
        {"file": p.file, "row": p.row, "column": p.column, "reason": p.reason} for p in problems
    ]


class ErrorPage(Protocol):
    """Renders an error as a page of the site (the web routes provide it)."""

    def __call__(
        self, request: Request, status: int, detail: str, problems: list[dict[str, Any]] | None
    ) -> Response: ...


#: Addresses that answer JSON to everyone: the API, its documentation, the probes.
_MACHINE_PREFIXES = ("/api/", "/docs", "/redoc", "/openapi.json", "/healthz", "/readyz", "/static/")


def wants_page(request: Request) -> bool:
    """Whether an error should be a page: a browser (Accept: text/html) outside the API."""
    path = request.url.path
    if path == "/api" or path.startswith(_MACHINE_PREFIXES):
        return False
    return "text/html" in request.headers.get("accept", "")


def answer(
    request: Request,
    status: int,
    body: dict[str, Any],
    page: ErrorPage | None,
    headers: dict[str, str] | None = None,
) -> Response:
    """JSON for programs, the site's error page for a browser on a page address."""
    if page is not None and wants_page(request):
        return page(request, status, str(body.get("detail", "")), body.get("problems"))
    return JSONResponse(body, status_code=status, headers=headers)


def install(app: FastAPI, page: ErrorPage | None = None) -> None:
    """Register the handlers on an app; with `page`, browsers get pages instead of JSON."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # Unknown addresses (404), a GET on a POST-only address (405), refused tokens...
        body = {"detail": exc.detail}
        return answer(request, exc.status_code, body, page, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        # Still logged by the server; the browser gets a page, a program a JSON body.
        return answer(request, 500, {"detail": "internal error"}, page)

    @app.exception_handler(ValidationError)
    async def invalid(request: Request, exc: ValidationError) -> Response:
        # A short answer however bad the file: the first problems and how many in all.
        shown = request.app.state.settings.max_reported_problems
        total = len(exc.problems)
        listed = "" if total <= shown else f" (the first {shown} listed)"
        body = {
            "detail": f"{total} problem(s){listed}; nothing was changed",
            "problems": _problems(exc.problems[:shown]),
            "problem_count": total,
        }
        return answer(request, 422, body, page)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        # One error shape for the whole API: bad parameters read like bad file rows.
        problems = [
            {
                "file": "request",
                "row": None,
                "column": ".".join(str(part) for part in error.get("loc", ())),
                "reason": str(error.get("msg", "invalid")),
            }
            for error in exc.errors()
        ]
        summary = "; ".join(f"{p['column']}: {p['reason']}" for p in problems[:5])
        return answer(
            request, 422, {"detail": f"invalid request: {summary}", "problems": problems}, page
        )

    statuses: list[tuple[type[Exception], int]] = [
        (NotFoundError, 404),
        (ConflictError, 409),  # a disallowed lead move, an existing id, a lost race
        (PayloadTooLarge, 413),
        (ConfigurationError, 503),
        (ValueError, 422),
    ]
    for kind, code in statuses:

        async def handler(request: Request, exc: Exception, code: int = code) -> Response:
            return answer(request, code, {"detail": str(exc)}, page)

        app.add_exception_handler(kind, handler)


def refuse_nul(app: FastAPI, page: ErrorPage | None = None) -> None:
    """Answer 422 to a URL with a NUL character before any route sees it."""

    @app.middleware("http")
    async def no_nul(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        raw = request.scope.get("query_string", b"") + request.scope.get("raw_path", b"")
        if b"%00" in raw or b"\x00" in raw or "\x00" in request.url.path:
            body = {"detail": "the address must not contain NUL characters", "problems": []}
            return answer(request, 422, body, page)
        return await call_next(request)
