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
from collections.abc import Callable, Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import pass_context
from markupsafe import Markup

from recommender import MARKETS, ORG_TYPES, NotFoundError, ValidationError, Workspace
from recommender.schema import Side
from recommender.storage.pipeline import TRANSITIONS, TransitionError
from recommender.storage.sessions import SessionStore, csrf_matches, csrf_token
from recommender.storage.tokens import Principal
from recommender.summary import LeadSummary, SMESummary

from ..deps import WorkspaceDep, can_see_sme, visible_sme
from ..errors import PayloadTooLarge
from ..templating import (
    LANGUAGE_COOKIE,
    LANGUAGES,
    N_,
    PIPELINE,
    choose_language,
    label_of,
    render,
    templates,
    translator,
)
from ..uploads import import_upload
from ..views import (
    actor_labels,
    annotate_board,
    annotate_leads,
    forward_step,
    lead_rows,
    lead_story,
    spreadsheet,
    tracked_leads,
)

COOKIE = "cm_session"
CSRF_FIELD = "csrf"


@pass_context
def csrf_input(context: Mapping[str, Any]) -> Markup:
    """The hidden CSRF field every page form carries (the token of the viewer's session)."""
    request = context.get("request")
    token = getattr(request.state, "csrf", "") if request is not None else ""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


templates.env.globals["csrf_input"] = csrf_input
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


class PageNotFound(Exception):
    """A page or object this user may not see: answered like a missing one (404 page)."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


def advisor_principal(user: User) -> Principal:
    """The signed-in user, when an advisor or an admin: the one role check of the pages."""
    if user.role == "sme":
        raise PageNotFound("this page")
    return user


Advisor = Annotated[Principal, Depends(advisor_principal)]


def cookie_user(request: Request) -> Principal | None:
    """The signed-in user if any, without redirecting (error pages show the menu too)."""
    session_id = request.cookies.get(COOKIE, "")
    if not session_id or getattr(request.app.state, "sessions", None) is None:
        return None
    principal = sessions_of(request).principal(session_id)
    if principal is not None:
        request.state.csrf = csrf_token(session_id)  # the page's sign-out form works too
    return principal


def not_found(request: Request, user: Principal | None, what: str) -> HTMLResponse:
    return render(request, "not_found.html", user, status=404, what=what)


def error_page(
    request: Request, status: int, detail: str, problems: list[dict[str, Any]] | None = None
) -> HTMLResponse:
    """Any error a browser meets, as a page of the site (never raw JSON)."""
    user = cookie_user(request)
    if status == 404:
        return not_found(request, user, request.url.path)
    return render(
        request, "error.html", user, status=status, code=status, detail=detail, problems=problems
    )


@router.get("/language")
def switch_language(request: Request, set: str = "", next: str = "/") -> Response:
    """Remember the reader's page language (a cookie) and go back to the page."""
    response = RedirectResponse(_safe(next, "/"), status_code=303)
    if set in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, set, samesite="lax", max_age=60 * 60 * 24 * 365, httponly=True
        )
    return response


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
            request,
            "login.html",
            None,
            status=401,
            error=N_("That token is not valid or was revoked."),
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

HOME_SORTS = ("name", "country", "leads", *PIPELINE)


def _sme_rows(workspace: Workspace, user: Principal) -> list[Any]:
    return [s for s in workspace.profiles("sme") if can_see_sme(user, s)]


def lead_summary(request: Request) -> LeadSummary:
    """The app's overview of leads (rankings cached per data state), made on first use."""
    state = request.app.state
    if getattr(state, "summary", None) is None:
        state.summary = LeadSummary(state.workspace)
    summary: LeadSummary = state.summary
    return summary


Summary = Annotated[LeadSummary, Depends(lead_summary)]


def _matches(sme: Any, q: str) -> bool:
    text = " ".join((sme.id, sme.name, sme.country, sme.cluster, " ".join(sme.markets)))
    return q.casefold() in text.casefold()


def _home_key(sort: str, counts: dict[str, SMESummary]) -> Callable[[Any], Any]:
    if sort in PIPELINE:
        return lambda s: (-counts[s.id].statuses[sort], s.name.casefold())
    if sort == "leads":
        return lambda s: (-counts[s.id].total, s.name.casefold())
    if sort == "country":
        return lambda s: (s.country, s.name.casefold())
    return lambda s: s.name.casefold()


@router.get("/advisor", response_class=HTMLResponse)
def advisor_home(
    request: Request,
    user: Advisor,
    workspace: WorkspaceDep,
    summary: Summary,
    q: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[str, Query(max_length=20)] = "name",
) -> HTMLResponse:
    smes = _sme_rows(workspace, user)
    counts = summary.summarise([s.id for s in smes])
    totals: Counter[str] = Counter()
    for item in counts.values():
        totals.update(item.statuses)
    shown = [s for s in smes if _matches(s, q.strip())] if q.strip() else smes
    unknown = [] if sort in HOME_SORTS else [f"sort '{sort}'"]
    shown.sort(key=_home_key(sort if not unknown else "name", counts))
    return render(
        request,
        "advisor.html",
        user,
        smes=shown,
        counts=counts,
        totals=totals,
        peak=max(totals.values(), default=1) or 1,
        q=q,
        sort=sort,
        sorts=HOME_SORTS,
        unknown=unknown,
    )


def _suggested_cards(workspace: Workspace, counts: dict[str, SMESummary]) -> list[dict[str, Any]]:
    """The board's "suggested" column: exactly the leads home counts as suggested."""
    cards = []
    for sme_id, item in counts.items():
        sme = workspace.sme(sme_id)
        for partner_id in item.suggested:
            try:
                partner = workspace.partner(partner_id)
            except NotFoundError:
                continue
            cards.append(
                {
                    "sme_id": sme_id,
                    "sme_name": sme.name,
                    "partner_id": partner_id,
                    "partner_name": partner.name,
                    "market": partner.country,
                    "city": partner.city,
                    "org_type": partner.org_type,
                    "status": "suggested",
                    "updated_at": None,
                }
            )
    return cards


@router.get("/pipeline", response_class=HTMLResponse)
def pipeline_board(
    request: Request,
    user: Advisor,
    workspace: WorkspaceDep,
    summary: Summary,
    status: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies defaults
    market: Annotated[str, Query(max_length=10)] = "",
    sme: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    smes = _sme_rows(workspace, user)
    unknown = [f"status '{s}'" for s in status if s not in PIPELINE]
    unknown += [f"market '{market}'"] if market and market not in MARKETS else []
    unknown += [f"SME '{sme}'"] if sme and sme not in {s.id for s in smes} else []
    wanted = [s for s in PIPELINE if s in status] or PIPELINE
    counts = summary.summarise([s.id for s in smes if not sme or s.id == sme])
    leads = [
        r for r in tracked_leads(workspace, user, None, "", "", sme) if r["status"] != "suggested"
    ]
    leads = _suggested_cards(workspace, counts) + leads
    if market:
        leads = [r for r in leads if r["market"] == market]
    annotate_board(workspace, leads)
    columns = {s: [r for r in leads if r["status"] == s] for s in wanted}
    return render(
        request,
        "pipeline.html",
        user,
        columns=columns,
        smes=smes,
        selected={"status": status, "market": market, "sme": sme},
        unknown=unknown,
        transitions=TRANSITIONS,
        forward=forward_step,
        back=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    )


# --- SME page ------------------------------------------------------------------------------

LEAD_SORTS = ("rank", "name", "market", "status")
PAGE_STEP = 10


def _filters(market: list[str], org_type: list[str], city: str) -> dict[str, Any]:
    return {
        "markets": [m for m in market if m in MARKETS],
        "org_types": [o for o in org_type if o in ORG_TYPES],
        "cities": [city] if city.strip() else [],
    }


def _unknown(market: list[str], org_type: list[str]) -> list[str]:
    """Filter values a page ignores, to be said on the page (a hand-edited address)."""
    return [f"market '{m}'" for m in market if m and m not in MARKETS] + [
        f"partner type '{o}'" for o in org_type if o and o not in ORG_TYPES
    ]


def _sort_leads(items: list[dict[str, Any]], sort: str) -> None:
    keys: dict[str, Callable[[dict[str, Any]], Any]] = {
        "name": lambda i: i["name"].casefold(),
        "market": lambda i: (i["country"], i["rank"]),
        "status": lambda i: (PIPELINE.index(i["status"]), i["rank"]),
    }
    items.sort(key=keys.get(sort, lambda i: i["rank"]))


def _story(workspace: Workspace, sme_id: str, items: list[dict[str, Any]], role: str) -> None:
    labels = actor_labels(workspace)
    for item in items:
        item.update(lead_story(workspace, sme_id, item["id"], labels))
        item["forward"] = forward_step(item["status"])
        if role == "sme":
            item["notes"] = item["history"] = []  # the advisors' working notes stay theirs


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
    top: Annotated[int, Query(ge=1)] = PAGE_STEP,
    sort: Annotated[str, Query(max_length=20)] = "rank",
) -> HTMLResponse:
    try:
        sme = visible_sme(workspace, user, sme_id)
    except NotFoundError:
        return not_found(request, user, f"SME '{sme_id}'")
    cap = workspace.settings.max_top
    top = min(top, cap)
    filters = _filters(market, org_type, city)
    leads = workspace.recommend(sme_id, top=top, diversity=0.3 if diversity else 0.0, **filters)
    items = annotate_leads(workspace, sme_id, leads)
    _story(workspace, sme_id, items, user.role)
    _sort_leads(items, sort)
    # Forms on the page come back here with the same filters, minus the last message.
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("message", "empty")]
    back = f"/smes/{sme_id}" + (f"?{urlencode(kept)}" if kept else "")
    query = [("market", m) for m in filters["markets"]] + [
        ("org_type", o) for o in filters["org_types"]
    ]
    query += [("city", city)] if city else []
    query += [("diversity", "true")] if diversity else []
    unknown = _unknown(market, org_type) + ([] if sort in LEAD_SORTS else [f"sort '{sort}'"])
    return render(
        request,
        "sme.html",
        user,
        language=sme.language if user.role == "sme" else "",
        sme=sme,
        leads=items,
        feedback=workspace.pipeline.feedback(sme_id),
        transitions=TRANSITIONS,
        selected={
            "market": filters["markets"],
            "org_type": filters["org_types"],
            "city": city,
            "diversity": diversity,
            "sort": sort,
        },
        export_query=urlencode(query),
        page_query=urlencode([*query, ("sort", sort)]),
        more=min(top + PAGE_STEP, cap) if len(leads) >= top and top < cap else None,
        top=top,
        sorts=LEAD_SORTS,
        unknown=unknown,
        back=back,
        message=request.query_params.get("message", ""),
        empty_note=request.query_params.get("empty", ""),
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
        message = translator(choose_language(request)).gettext("Moved to %(status)s.") % {
            "status": label_of(status, choose_language(request))
        }
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
    text: Annotated[str, Form(max_length=5000)] = "",
    back: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if refused := _refuse_lead_action(request, user, workspace, sme_id, partner_id, "sme"):
        return refused
    target = _safe(back, f"/smes/{sme_id}")
    if not text.strip():
        # Said next to the note field of that lead, not as an error page.
        response = _back(target, empty=partner_id)
        response.headers["location"] += f"#lead-{partner_id}"
        return response
    workspace.pipeline.add_note(sme_id, partner_id, text.strip(), user.actor)
    gettext = translator(choose_language(request)).gettext
    return _back(target, message=gettext("Note added."))


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
    # The SME's own view is in its language: so is the message shown on it.
    own = workspace.sme(sme_id).language if user.role == "sme" else ""
    gettext = translator(choose_language(request, own)).gettext
    return _back(f"/smes/{sme_id}", message=gettext("Thank you, noted."))


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
        unknown=_unknown(market, org_type),
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
def import_form(request: Request, user: Advisor) -> HTMLResponse:
    return render(request, "import.html", user, problems=[], result=None, kind="partners")


@router.post("/import", response_class=HTMLResponse)
async def import_page_upload(
    request: Request,
    user: Advisor,
    workspace: WorkspaceDep,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form(pattern="^(smes|partners)$")] = "partners",
) -> HTMLResponse:
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
