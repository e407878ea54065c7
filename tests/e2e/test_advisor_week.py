"""An advisor's week in Chromium: complete lists, feedback and history in view, forms that do
not surprise, error pages instead of JSON, and five languages."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from recommender.storage.pipeline import STATUSES

from .conftest import CLUSTER, SME_ID, Site, sign_in

pytestmark = pytest.mark.slow  # a browser, like the other page tests


def _lead_names(page: Page) -> list[str]:
    return page.get_by_test_id("lead").locator("h3").all_inner_texts()


def test_leads_are_paged_up_to_the_cap_and_sortable(page: Page, site: Site) -> None:
    sign_in(page, site.tokens["advisor"])
    page.goto(f"/smes/{SME_ID}")
    expect(page.get_by_test_id("lead")).to_have_count(10)
    page.get_by_test_id("more").click()
    expect(page.get_by_test_id("lead")).to_have_count(20)
    expect(page).to_have_url(re.compile(r"top=20"))
    page.goto(f"/smes/{SME_ID}?top={site.workspace.settings.max_top}")
    # Every lead the SME has (its target markets' partners), and no "more" link past them.
    count = page.get_by_test_id("lead").count()
    assert count > 50
    expect(page.get_by_test_id("more")).to_have_count(0)
    page.goto(f"/smes/{SME_ID}")
    page.get_by_label("Sort by").select_option("name")
    page.get_by_role("button", name="Apply").click()
    names = _lead_names(page)
    assert names == sorted(names, key=str.casefold) and len(names) == 10


def test_home_is_searchable_and_sortable_and_agrees_with_the_board(page: Page, site: Site) -> None:
    sign_in(page, site.tokens["advisor"])
    rows = page.get_by_test_id("sme-row")
    visible = [s for s in site.workspace.profiles("sme") if s.cluster == CLUSTER]
    expect(rows).to_have_count(len(visible))
    page.get_by_label("Find an SME").fill("ksh")
    page.get_by_role("button", name="Apply").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-sme", SME_ID)
    page.goto("/advisor?sort=country")
    countries = [r.get_attribute("data-sme") for r in rows.all()]
    by_country = sorted(visible, key=lambda s: (s.country, s.name.casefold()))
    assert countries == [s.id for s in by_country]

    totals = {s: page.get_by_test_id(f"total-{s}").inner_text() for s in STATUSES}
    page.get_by_role("link", name="Pipeline").click()
    for status in STATUSES:
        expect(page.get_by_test_id(f"count-{status}")).to_have_text(totals[status])
    assert int(totals["suggested"]) > 0
    # Filtered by SME and market: every card is that SME's, in that market.
    page.get_by_label("SME", exact=True).select_option(SME_ID)
    page.get_by_label("Market", exact=True).select_option("CN")
    page.get_by_role("button", name="Apply").click()
    cards = page.get_by_test_id("card")
    expect(cards.first).to_be_visible()
    for text in cards.all_inner_texts():
        assert ", CN" in text
    page.goto("/pipeline?status=meeting&market=FR")
    expect(page.get_by_test_id("unknown-filter")).to_contain_text("market 'FR'")
    expect(page.get_by_test_id("column-meeting")).to_be_visible()
    expect(page.get_by_test_id("column-suggested")).to_have_count(0)


def test_moves_go_forward_by_default_and_an_empty_note_is_said_inline(
    page: Page, site: Site
) -> None:
    sign_in(page, site.tokens["advisor"])
    page.goto(f"/smes/{SME_ID}")
    card = page.get_by_test_id("lead").nth(3)
    partner_id = (card.get_attribute("id") or "").removeprefix("lead-")
    card.get_by_role("button", name="Move").click()
    card = page.locator(f"#lead-{partner_id}")
    expect(card.get_by_test_id("status")).to_have_text("shortlisted")
    # Shortlisted: the next step (contacted) is offered first, not the step back.
    expect(card.get_by_label("Move to")).to_have_value("contacted")
    card.get_by_role("button", name="Move").click()
    card = page.locator(f"#lead-{partner_id}")
    expect(card.get_by_test_id("status")).to_have_text("contacted")
    expect(card.get_by_label("Move to")).to_have_value("meeting")

    card.get_by_role("button", name="Add note").click()
    card = page.locator(f"#lead-{partner_id}")
    expect(card.get_by_test_id("note-error")).to_have_text(
        "Write the note first: an empty note is not saved."
    )
    expect(page.get_by_role("alert").filter(has_text="did not work")).to_have_count(0)
    assert site.workspace.pipeline.get(SME_ID, partner_id).notes == []

    # The history, with the token's label as the actor.
    history = card.get_by_test_id("history")
    history.locator("summary").click()
    expect(history).to_contain_text("e2e advisor")
    expect(history).to_contain_text("suggested → shortlisted")
    expect(history).to_contain_text("shortlisted → contacted")
    expect(history).not_to_contain_text("advisor:")


def test_the_smes_feedback_is_in_the_advisors_view(
    new_page: Callable[..., Page], site: Site
) -> None:
    partner_id = site.workspace.recommend(SME_ID, top=5)[4].profile.id
    site.workspace.pipeline.give_feedback(SME_ID, partner_id, False, "Too far from Lyon", "sme")
    site.workspace.pipeline.set_status(SME_ID, partner_id, "shortlisted", "admin#3")
    page = new_page()
    sign_in(page, site.tokens["advisor"])
    page.goto(f"/smes/{SME_ID}")
    seen = page.locator(f"#lead-{partner_id}").get_by_test_id("sme-feedback")
    expect(seen).to_contain_text("not for us")
    expect(seen).to_contain_text("Too far from Lyon")
    page.goto(f"/pipeline?sme={SME_ID}&status=shortlisted")
    card = page.get_by_test_id("card").filter(has=page.locator(f"a[href='/partners/{partner_id}']"))
    expect(card.get_by_test_id("sme-feedback")).to_contain_text("Too far from Lyon")
    expect(card.locator("time")).to_be_visible()


def test_languages_from_the_browser_and_from_the_switch(
    browser_context_factory: Callable[..., Page], site: Site
) -> None:
    for lang, heading in (
        ("it", "Accedi"),
        ("fr", "Se connecter"),
        ("de", "Anmelden"),
        ("sv", "Logga in"),
    ):
        page = browser_context_factory(locale=lang)
        page.goto("/login")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page = browser_context_factory(locale="en-US")
    sign_in(page, site.tokens["advisor"])
    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("link", name="Partner")).to_be_visible()
    page.goto(f"/smes/{SME_ID}")  # remembered on the next page
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_label("Partnertyp")).to_contain_text("Behörde")  # not "public_authority"


def test_a_browser_meets_pages_never_json(page: Page, site: Site) -> None:
    sign_in(page, site.tokens["advisor"])
    for address, status, heading in (
        (f"/smes/{SME_ID}?diversity=5", 422, "That address has a value we cannot use"),
        ("/logout", 405, "This address is for forms"),
        ("/no/such/page", 404, "Not found"),
    ):
        response = page.goto(address)
        assert response is not None and response.status == status
        assert response.headers["content-type"].startswith("text/html")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_test_id("who")).to_be_visible()  # the site's own layout
    page.goto(f"/smes/{SME_ID}?market=FR")
    expect(page.get_by_test_id("unknown-filter")).to_contain_text("market 'FR'")
