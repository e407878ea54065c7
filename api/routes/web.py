"""Server-rendered pages for advisors and SMEs (Jinja2, a few lines of plain JavaScript).

Signing in with an API token starts a server-side session (`recommender.storage.sessions`):
the HttpOnly cookie holds a random session id, never the token, and signing out ends it.
Every form carries the session's CSRF token (`csrf_input()` in the templates), checked by
`page_principal` on every page post; `api.guard` refuses posts from another origin before
their body is read. Every page applies exactly the same visibility rules as the JSON API
(a forbidden SME is a "not found" page).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup

from recommender import MARKETS, ORG_TYPES, NotFoundError, ValidationError, Workspace
from recommender.explain import highlight
from recommender.schema import Side
from recommender.storage.pipeline import STATUSES, TRANSITIONS, TransitionError
from recommender.storage.sessions import SessionStore, csrf_matches, csrf_token
from recommender.storage.tokens import Principal

from ..deps import WorkspaceDep, can_see_sme, visible_sme
from ..errors import PayloadTooLarge
from ..uploads import import_upload
from ..views import annotate_leads, lead_rows, spreadsheet, tracked_leads

COOKIE = "cm_session"
CSRF_FIELD = "csrf"
PIPELINE = [s for s in STATUSES if s != "declined"] + ["declined"]
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
templates.env.globals.update(markets=MARKETS, org_types=ORG_TYPES, statuses=PIPELINE)


@pass_context
def csrf_input(context: Mapping[str, Any]) -> Markup:
    """The hidden CSRF field every page form carries (the token of the viewer's session)."""
    request = context.get("request")
    token = getattr(request.state, "csrf", "") if request is not None else ""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


templates.env.globals["csrf_input"] = csrf_input
templates.env.filters["highlight"] = highlight
router = APIRouter(include_in_schema=False)


class SignInRequired(Exception):
    """No valid session: the page redirects to the sign-in form."""


class CsrfRefused(Exception):
    """A page post without its session's CSRF token: answered with a 403 page."""


def sessions_of(request: Request) -> SessionStore:
    sessions: SessionStore = request.app.state.sessions
    return sessions


async def page_principal(request: Request) -> Principal:
    """The signed-in user, from the session cookie; a post must carry the CSRF token."""
    session_id = request.cookies.get(COOKIE, "")
    principal = await run_in_threadpool(sessions_of(request).principal, session_id)
    if principal is None:
        raise SignInRequired
    if request.method not in ("GET", "HEAD"):
        form = await request.form()  # already parsed for the route: FastAPI keeps it
        if not csrf_matches(session_id, str(form.get(CSRF_FIELD, ""))):
            raise CsrfRefused
    request.state.csrf = csrf_token(session_id)
    return principal


User = Annotated[Principal, Depends(page_principal)]


def render(
    request: Request, name: str, user: Principal | None, status: int = 200, **context: Any
) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"user": user, **context}, status_code=status)


def not_found(request: Request, user: Principal | None, what: str) -> HTMLResponse:
    return render(request, "not_found.html", user, status=404, what=what)


def _back(url: str, **params: Any) -> RedirectResponse:
    """Redirect to a page (keeping its own query, e.g. the lead filters) with a message."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    if query:
        url += ("&" if "?" in url else "?") + query
    return RedirectResponse(url, status_code=303)


# --- session -------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, error: str = "") -> HTMLResponse:
    return render(request, "login.html", None, error=error)


@router.post("/login")
def login(
    request: Request, workspace: WorkspaceDep, token: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    principal = workspace.tokens.verify(token.strip()) if token.strip() else None
    if principal is None:
        return render(
            request, "login.html", None, status=401, error="That token is not valid or was revoked."
        )
    sessions = sessions_of(request)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        COOKIE,
        sessions.start(principal),
        httponly=True,
        samesite="strict",
        max_age=int(sessions.lifetime.total_seconds()),
    )
    return response


@router.post("/logout")
def logout(request: Request, user: User) -> Response:
    # Ended on the server: a copy of the cookie is dead too, not only this browser's.
    sessions_of(request).end(request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/")
def home(user: User) -> Response:
    if user.role == "sme":
        return RedirectResponse(f"/smes/{user.sme_id}", status_code=303)
    return RedirectResponse("/advisor", status_code=303)


# --- advisor home and pipeline -------------------------------------------------------------


def _sme_rows(workspace: Workspace, user: Principal) -> list[Any]:
    return [s for s in workspace.profiles("sme") if can_see_sme(user, s)]


@router.get("/advisor", response_class=HTMLResponse)
def advisor_home(request: Request, user: User, workspace: WorkspaceDep) -> HTMLResponse:
    if user.role == "sme":
        return not_found(request, user, "this page")
    smes = _sme_rows(workspace, user)
    tracked = tracked_leads(workspace, user, None, "", "", "")
    per_sme: dict[str, Counter[str]] = {s.id: Counter() for s in smes}
    per_market: dict[str, Counter[str]] = {s.id: Counter() for s in smes}
    for row in tracked:
        per_sme[row["sme_id"]][row["status"]] += 1
    statuses = workspace.pipeline.statuses([s.id for s in smes])
    for sme in smes:
        for suggestion in workspace.recommend(sme.id, top=10, explain=False):
            per_market[sme.id][suggestion.profile.country] += 1
            # Untouched suggestions are not stored, so count them from the current top 10.
            if statuses.get((sme.id, suggestion.profile.id), "suggested") == "suggested":
                per_sme[sme.id]["suggested"] += 1
    totals: Counter[str] = Counter()
    for counts in per_sme.values():
        totals.update(counts)
    return render(
        request,
        "advisor.html",
        user,
        smes=smes,
        per_sme=per_sme,
        per_market=per_market,
        totals=totals,
        peak=max(totals.values(), default=1) or 1,
    )


@router.get("/pipeline", response_class=HTMLResponse)
def pipeline_board(request: Request, user: User, workspace: WorkspaceDep) -> HTMLResponse:
    if user.role == "sme":
        return not_found(request, user, "this page")
    tracked = tracked_leads(workspace, user, None, "", "", "")
    columns = {
        status: [lead for lead in tracked if lead["status"] == status] for status in PIPELINE
    }
    return render(request, "pipeline.html", user, columns=columns)


# --- SME page ------------------------------------------------------------------------------


def _filters(market: list[str], org_type: list[str], city: str) -> dict[str, Any]:
    return {
        "markets": [m for m in market if m in MARKETS],
        "org_types": [o for o in org_type if o in ORG_TYPES],
        "cities": [city] if city.strip() else [],
    }


@router.get("/smes/{sme_id}", response_class=HTMLResponse)
def sme_page(
    request: Request,
    sme_id: str,
    user: User,
    workspace: WorkspaceDep,
    market: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies defaults
    org_type: Annotated[list[str], Query()] = [],  # noqa: B006
    city: Annotated[str, Query(max_length=200)] = "",
    diversity: bool = False,
    top: Annotated[int, Query(ge=1, le=50)] = 10,
) -> HTMLResponse:
    try:
        sme = visible_sme(workspace, user, sme_id)
    except NotFoundError:
        return not_found(request, user, f"SME '{sme_id}'")
    filters = _filters(market, org_type, city)
    leads = workspace.recommend(sme_id, top=top, diversity=0.3 if diversity else 0.0, **filters)
    items = annotate_leads(workspace, sme_id, leads)
    if user.role != "sme":
        for item in items:
            item["notes"] = workspace.pipeline.get(sme_id, item["id"]).notes
    feedback = workspace.pipeline.feedback(sme_id)
    # Forms on the page come back here with the same filters, minus the last message.
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "message"]
    back = f"/smes/{sme_id}" + (f"?{urlencode(kept)}" if kept else "")
    query = urlencode(
        [("market", m) for m in filters["markets"]]
        + [("org_type", o) for o in filters["org_types"]]
        + ([("city", city)] if city else []),
        doseq=True,
    )
    return render(
        request,
        "sme.html",
        user,
        sme=sme,
        leads=items,
        feedback=feedback,
        transitions=TRANSITIONS,
        selected={
            "market": filters["markets"],
            "org_type": filters["org_types"],
            "city": city,
            "diversity": diversity,
        },
        export_query=query,
        back=back,
        message=request.query_params.get("message", ""),
    )


@router.get("/smes/{sme_id}/export.{fmt}")
def sme_export(
    sme_id: str,
    fmt: str,
    user: User,
    workspace: WorkspaceDep,
    request: Request,
    market: Annotated[list[str], Query()] = [],  # noqa: B006
    org_type: Annotated[list[str], Query()] = [],  # noqa: B006
    city: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    try:
        visible_sme(workspace, user, sme_id)
    except NotFoundError:
        return not_found(request, user, f"SME '{sme_id}'")
    if fmt not in ("csv", "xlsx"):
        return not_found(request, user, "that export format")
    leads = workspace.recommend(sme_id, top=50, **_filters(market, org_type, city))
    rows = lead_rows(annotate_leads(workspace, sme_id, leads))
    return spreadsheet(rows, fmt, f"leads-{sme_id}")  # type: ignore[arg-type]


def _refuse_lead_action(
    request: Request,
    user: Principal,
    workspace: Workspace,
    sme_id: str,
    partner_id: str,
    barred_role: str,
) -> HTMLResponse | None:
    """A not-found page when the lead is invisible or the action is not for this role."""
    try:
        visible_sme(workspace, user, sme_id)
        workspace.partner(partner_id)
    except NotFoundError:
        return not_found(request, user, "that lead")
    if user.role == barred_role:
        return not_found(request, user, "that action")
    return None


@router.post("/smes/{sme_id}/leads/{partner_id}/status")
def move_lead(
    request: Request,
    sme_id: str,
    partner_id: str,
    user: User,
    workspace: WorkspaceDep,
    status: Annotated[str, Form(max_length=20)],
    back: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if refused := _refuse_lead_action(request, user, workspace, sme_id, partner_id, "sme"):
        return refused
    try:
        workspace.pipeline.set_status(sme_id, partner_id, status, user.actor)
        message = f"Moved to {status}."
    except TransitionError as exc:
        message = str(exc)
    return _back(_safe(back, f"/smes/{sme_id}"), message=message)


@router.post("/smes/{sme_id}/leads/{partner_id}/notes")
def add_note(
    request: Request,
    sme_id: str,
    partner_id: str,
    user: User,
    workspace: WorkspaceDep,
    text: Annotated[str, Form(max_length=5000)],
    back: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if refused := _refuse_lead_action(request, user, workspace, sme_id, partner_id, "sme"):
        return refused
    if text.strip():
        workspace.pipeline.add_note(sme_id, partner_id, text.strip(), user.actor)
    return _back(
        _safe(back, f"/smes/{sme_id}"),
        message="Note added." if text.strip() else "Empty note ignored.",
    )


@router.post("/smes/{sme_id}/leads/{partner_id}/feedback")
def give_feedback(
    request: Request,
    sme_id: str,
    partner_id: str,
    user: User,
    workspace: WorkspaceDep,
    interesting: Annotated[str, Form(pattern="^(yes|no)$")],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if refused := _refuse_lead_action(request, user, workspace, sme_id, partner_id, "advisor"):
        return refused
    workspace.pipeline.give_feedback(
        sme_id, partner_id, interesting == "yes", reason.strip(), user.actor
    )
    return _back(f"/smes/{sme_id}", message="Thank you, noted.")


def _safe(url: str, default: str) -> str:
    # Only same-site paths: a form must not bounce the user to another site.
    return url if url.startswith("/") and not url.startswith("//") else default


# --- partners ------------------------------------------------------------------------------


@router.get("/partners", response_class=HTMLResponse)
def partner_search(
    request: Request,
    user: User,
    workspace: WorkspaceDep,
    q: Annotated[str, Query(max_length=2000)] = "",
    market: Annotated[list[str], Query()] = [],  # noqa: B006
    org_type: Annotated[list[str], Query()] = [],  # noqa: B006
    city: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    filters = _filters(market, org_type, city)
    results = workspace.search(q, top=20, **filters) if q.strip() else []
    return render(
        request,
        "partners.html",
        user,
        q=q,
        results=[lead.to_dict() for lead in results],
        selected={"market": filters["markets"], "org_type": filters["org_types"], "city": city},
    )


@router.get("/partners/{partner_id}", response_class=HTMLResponse)
def partner_page(
    request: Request, partner_id: str, user: User, workspace: WorkspaceDep
) -> HTMLResponse:
    try:
        partner = workspace.partner(partner_id)
    except NotFoundError:
        return not_found(request, user, f"partner '{partner_id}'")
    fits = []
    if user.role != "sme":
        clusters = [user.cluster] if user.role == "advisor" else None
        fits = [lead.to_dict() for lead in workspace.fit(partner_id, top=10, clusters=clusters)]
    return render(request, "partner.html", user, partner=partner, fits=fits)


# --- import --------------------------------------------------------------------------------


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, user: User) -> HTMLResponse:
    if user.role == "sme":
        return not_found(request, user, "this page")
    return render(request, "import.html", user, problems=[], result=None, kind="partners")


@router.post("/import", response_class=HTMLResponse)
async def import_page_upload(
    request: Request,
    user: User,
    workspace: WorkspaceDep,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form(pattern="^(smes|partners)$")] = "partners",
) -> HTMLResponse:
    if user.role == "sme":
        return not_found(request, user, "this page")
    side: Side = "sme" if kind == "smes" else "partner"
    try:
        limit = request.app.state.settings.max_upload_bytes
        report = await import_upload(workspace, user, file, side, False, limit)
    except ValidationError as exc:
        shown = request.app.state.settings.max_reported_problems
        more = len(exc.problems) - shown
        return render(
            request,
            "import.html",
            user,
            status=422,
            problems=exc.problems[:shown],
            result=None,
            kind=kind,
            error=f"{len(exc.problems)} problems in all; the first {shown} are listed."
            if more > 0
            else "",
        )
    except PayloadTooLarge as exc:
        return render(
            request,
            "import.html",
            user,
            status=413,
            problems=[],
            result=None,
            kind=kind,
            error=str(exc),
        )
    return render(
        request,
        "import.html",
        user,
        problems=[],
        result=report.counts[side],
        warnings=report.warnings,
        notes=report.notes,
        kind=kind,
    )
