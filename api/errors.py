"""Library errors translated to HTTP answers, in one place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

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


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""

    @app.exception_handler(ValidationError)
    async def invalid(request: Request, exc: ValidationError) -> JSONResponse:
        # A short answer however bad the file: the first problems and how many in all.
        shown = request.app.state.settings.max_reported_problems
        total = len(exc.problems)
        listed = "" if total <= shown else f" (the first {shown} listed)"
        return JSONResponse(
            {
                "detail": f"{total} problem(s){listed}; nothing was changed",
                "problems": _problems(exc.problems[:shown]),
                "problem_count": total,
            },
            status_code=422,
        )

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
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
        return JSONResponse(
            {"detail": f"invalid request: {summary}", "problems": problems}, status_code=422
        )

    @app.exception_handler(NotFoundError)
    async def not_found(_: Request, exc: NotFoundError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(ConflictError)  # a disallowed lead move, an existing id, a lost race
    async def conflict(_: Request, exc: ConflictError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @app.exception_handler(PayloadTooLarge)
    async def too_large(_: Request, exc: PayloadTooLarge) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=413)

    @app.exception_handler(ConfigurationError)
    async def unavailable(_: Request, exc: ConfigurationError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(ValueError)
    async def bad_value(_: Request, exc: ValueError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)


def refuse_nul(app: FastAPI) -> None:
    """Answer 422 to a URL with a NUL character before any route sees it."""

    @app.middleware("http")
    async def no_nul(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        raw = request.scope.get("query_string", b"") + request.scope.get("raw_path", b"")
        if b"%00" in raw or b"\x00" in raw or "\x00" in request.url.path:
            return JSONResponse(
                {"detail": "the address must not contain NUL characters", "problems": []},
                status_code=422,
            )
        return await call_next(request)
