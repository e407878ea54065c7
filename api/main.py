"""The FastAPI application: a factory, a lifespan that loads model and index once, routers."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from recommender import Settings, Workspace, get_settings
from recommender.storage.sessions import SessionStore

from . import errors
from .guard import RequestGuard
from .jobs import MissionJobs
from .routes import health, leads, me, missions, profiles, web
from .templating import N_


def create_app(settings: Settings | None = None, workspace: Workspace | None = None) -> FastAPI:
    """A ready-to-serve app; tests pass their own settings or workspace."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings or get_settings()
        app.state.workspace = workspace or Workspace(app.state.settings)
        # Load the model and build or load the indexes before the first request.
        app.state.workspace.embedder.encode_one("warm-up")
        app.state.workspace.state()
        app.state.sessions = SessionStore(
            app.state.workspace.store.engine, app.state.settings.session_hours
        )
        app.state.missions = MissionJobs(app.state.workspace, app.state.settings.home / "missions")
        # Sentence vectors for explanations: computed once in the background, then cached.
        stop = threading.Event()
        warmer = threading.Thread(
            target=app.state.workspace.warm_explanations, args=(stop,), name="warm", daemon=True
        )
        warmer.start()
        yield
        stop.set()
        warmer.join(timeout=60)
        app.state.missions.shutdown()
        if workspace is None:
            app.state.workspace.close()

    app = FastAPI(
        title="ClusterMatch",
        version="0.1.0",
        summary="Partnership leads for smart-mobility SMEs going international.",
        lifespan=lifespan,
    )
    errors.install(app, web.error_page)
    errors.refuse_nul(app, web.error_page)
    # Outermost: origin, caller and size are checked before anything reads the body.
    app.add_middleware(RequestGuard)
    for module in (health, me, profiles, leads, missions, web):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.exception_handler(web.SignInRequired)
    async def sign_in(_: Request, __: web.SignInRequired) -> RedirectResponse:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(web.CsrfRefused)
    async def csrf_refused(request: Request, _: web.CsrfRefused) -> HTMLResponse:
        reason = N_("This form is out of date or was not sent from this site.")
        return web.render(request, "forbidden.html", None, status=403, reason=reason)

    @app.exception_handler(web.PageNotFound)
    async def hidden(request: Request, exc: web.PageNotFound) -> Response:
        return web.not_found(request, web.cookie_user(request), exc.what)

    return app
