"""Jinja2 templates in five languages (gettext catalogs read with Babel) and the page renderer.

The catalogs are the `.po` files under `api/locales/<lang>/LC_MESSAGES/`; they are compiled in
memory when the service starts, so there is no build step and no binary file to keep in sync.
A page's language is, in order: the reader's own choice (a cookie set by the switch on every
page), the language of the SME whose own view it is, the browser's Accept-Language, English.
"""

from __future__ import annotations

import io
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from recommender import MARKETS, ORG_TYPES
from recommender.explain import highlight
from recommender.storage.pipeline import STATUSES

HERE = Path(__file__).resolve().parent
LOCALES = HERE / "locales"
LANGUAGE_COOKIE = "cm_lang"
#: The page languages, each named in itself (for the switch).
LANGUAGES = {
    "en": "English",
    "it": "Italiano",
    "fr": "Français",
    "de": "Deutsch",
    "sv": "Svenska",
}
PIPELINE = [s for s in STATUSES if s != "declined"] + ["declined"]


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


#: Every coded value a page shows, as words (translated through the catalogs): one vocabulary.
LABELS = {
    "corporate": N_("corporate"),
    "public_authority": N_("public authority"),
    "research": N_("research institute"),
    "association": N_("association"),
    "investor": N_("investor"),
    "distributor": N_("distributor"),
    "accelerator": N_("accelerator"),
    "other": N_("other"),
    "suggested": N_("suggested"),
    "shortlisted": N_("shortlisted"),
    "contacted": N_("contacted"),
    "meeting": N_("meeting"),
    "agreement": N_("agreement"),
    "declined": N_("declined"),
    "admin": N_("admin"),
    "advisor": N_("advisor"),
    "sme": N_("SME"),
}


def _load(language: str) -> NullTranslations:
    path = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


CATALOGS: dict[str, NullTranslations] = {lang: _load(lang) for lang in LANGUAGES}


@pass_context
def _gettext(context: Context, message: str) -> str:
    return str(context["translations"].gettext(message))


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return str(context["translations"].ngettext(singular, plural, n))


def label_of(code: str, language: str) -> str:
    """A coded value (org type, status, role) as a word of a language; unknown codes as given."""
    word = LABELS.get(code)
    return str(translator(language).gettext(word)) if word else code


@pass_context
def _label(context: Context, code: str) -> str:
    return label_of(code, context["lang"])


_environment = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(),
    extensions=["jinja2.ext.i18n"],
)
# Newstyle gettext: placeholders by name, and the catalog of the page's own language (the
# callables read it from the render context, so one environment serves every language).
_environment.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
templates = Jinja2Templates(env=_environment)
templates.env.globals.update(
    markets=MARKETS, org_types=ORG_TYPES, statuses=PIPELINE, languages=LANGUAGES, label=_label
)
templates.env.filters["highlight"] = highlight


def from_accept_language(header: str) -> str | None:
    """The first of our languages in an Accept-Language header, by quality ("de-CH;q=0.8")."""
    wanted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        base = tag.strip().lower().split("-")[0]
        if base in LANGUAGES and quality > 0:
            wanted.append((-quality, position, base))
    return min(wanted)[2] if wanted else None


def choose_language(request: Request, preferred: str = "") -> str:
    """The page language: the reader's choice, then `preferred` (the SME's own), the browser's."""
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    if preferred in LANGUAGES:
        return preferred
    return from_accept_language(request.headers.get("accept-language", "")) or "en"


def translator(language: str) -> NullTranslations:
    return CATALOGS.get(language, CATALOGS["en"])


def render(
    request: Request,
    name: str,
    user: Any,
    status: int = 200,
    language: str = "",
    **context: Any,
) -> HTMLResponse:
    """A page in the reader's language; `language` is a preference the reader's choice beats."""
    lang = choose_language(request, language)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return templates.TemplateResponse(
        request,
        name,
        {"user": user, "lang": lang, "translations": translator(lang), "here": here, **context},
        status_code=status,
    )


def render_text(name: str, accept_language: str = "", **context: Any) -> str:
    """A page's HTML outside a route (the request guard answers before any route runs)."""
    lang = from_accept_language(accept_language) or "en"
    values = {"lang": lang, "translations": translator(lang), "here": "/", **context}
    return templates.get_template(name).render(values)
