"""The web pages in a real browser (headless Debian Chromium driven by Playwright): what an
advisor, an SME user and an importer do, sign-in and sign-out, and the layout at desktop and
phone widths. Each test saves screenshots of the pages it visits into docs/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from recommender import NotFoundError

from .conftest import CLUSTER, OTHER_SME, PHONE, SME_ID, Site, sign_in

pytestmark = pytest.mark.slow

PARTNER_COLUMNS = "id,name,country,city,org_type,description,sectors,language"

# The card ids are "lead-<partner id>".
LEAD_ID = "el => el.id.slice('lead-'.length)"

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth + 1"

# Visible form fields (not hidden inputs, not buttons) without a label: neither a
# <label for=id> nor a wrapping <label>. Returns a description of each, so a failure says which.
UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea")]
  .filter(el => el.type !== "hidden" && !["submit", "button", "reset"].includes(el.type))
  .filter(el => !el.closest("label")
    && !(el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)))
  .map(el => `${el.tagName.toLowerCase()} name=${el.name} id=${el.id}`)"""

# True when the focused element is the "Move" button of the first lead card.
ON_FIRST_MOVE = """() => {
  const card = document.querySelector("[data-testid=lead]");
  const el = document.activeElement;
  return !!card && card.contains(el) && el.tagName === "BUTTON" && el.textContent.trim() === "Move";
}"""


def shot(page: Page, folder: Path, name: str) -> None:
    """The top of the page, as a visitor first sees it (names are stable: the README uses them)."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(folder / name))


def lead_ids(page: Page) -> list[str]:
    return page.get_by_test_id("lead").evaluate_all(f"cards => cards.map({LEAD_ID})")


def assert_no_overflow(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert page.evaluate(NO_OVERFLOW), f"{page.url}: document {widths[0]}px > window {widths[1]}px"


def assert_labelled(page: Page) -> None:
    assert page.evaluate(UNLABELLED) == [], f"{page.url}: form fields without a label"


# --- advisor ----------------------------------------------------------------------------------


def test_advisor_searches_filters_shortlists_and_exports(
    page: Page, site: Site, screenshots: Path, tmp_path: Path
) -> None:
    sign_in(page, site.tokens["advisor"])
    expect(page).to_have_url(re.compile(r"/advisor$"))
    who = page.get_by_test_id("who")
    expect(who).to_contain_text("advisor")
    expect(who).to_contain_text(CLUSTER)
    expect(page.get_by_role("heading", level=1)).to_have_text(CLUSTER)
    expect(page.get_by_role("link", name="KSH", exact=True)).to_be_visible()
    shot(page, screenshots, "advisor-home.png")

    # Partner search: free text, results with their matched sentence.
    page.get_by_role("link", name="Partners").click()
    page.get_by_label("Looking for").fill("connected motorcycle helmets")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/partners\?q=connected"))
    results = page.get_by_test_id("result")
    expect(results.first).to_be_visible()
    assert results.count() > 1
    expect(page.get_by_role("heading", level=2)).to_have_text(f"{results.count()} partners")
    shot(page, screenshots, "partner-search.png")

    # The SME page, filtered by market, then by market and org type.
    page.goto(f"/smes/{SME_ID}")
    expect(page.get_by_role("heading", level=1)).to_have_text("KSH")
    leads = page.get_by_test_id("lead")
    expect(leads).to_have_count(10)
    unfiltered = lead_ids(page)
    page.get_by_label("CN", exact=True).check()
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"market=CN"))
    metas = leads.locator(".meta").all_inner_texts()
    assert metas, "no lead for market CN"
    assert all(meta.endswith(", CN") for meta in metas), metas

    page.get_by_label("Partner type").select_option("distributor")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"market=CN.*org_type=distributor"))
    metas = leads.locator(".meta").all_inner_texts()
    assert metas, "no CN distributor for KSH"
    assert all(m.startswith("distributor · ") and m.endswith(", CN") for m in metas), metas
    filtered_url = page.url

    # Shortlist a lead that only the filters bring up (it is not in the unfiltered top 10):
    # only its card is replaced, and the page keeps its filters.
    partner_id = next(p for p in lead_ids(page) if p not in unfiltered)
    card = page.locator(f"#lead-{partner_id}")
    partner_name = card.locator("h3").inner_text()
    expect(card.get_by_test_id("status")).to_have_text("suggested")
    page.locator(f"#status-{partner_id}").select_option("shortlisted")
    card.get_by_role("button", name="Move").click()
    expect(card.get_by_test_id("status")).to_have_text("shortlisted")
    expect(page.get_by_test_id("message")).to_have_text("Moved to shortlisted.")
    assert page.url == filtered_url
    assert site.workspace.pipeline.get(SME_ID, partner_id).status == "shortlisted"

    # A note on the same lead.
    page.locator(f"#note-{partner_id}").fill("Met them at the Shanghai roadshow")
    card.get_by_role("button", name="Add note").click()
    expect(page.get_by_test_id("message")).to_have_text("Note added.")
    notes = site.workspace.pipeline.get(SME_ID, partner_id).notes
    assert [n.new_value for n in notes] == ["Met them at the Shanghai roadshow"]
    expect(page.locator(f"#lead-{partner_id}").get_by_test_id("status")).to_have_text("shortlisted")
    shot(page, screenshots, "sme-leads.png")

    # The lead is on the pipeline board, in the shortlisted column.
    page.get_by_role("link", name="Pipeline").click()
    column = page.get_by_test_id("column-shortlisted")
    expect(column.get_by_role("link", name=partner_name)).to_be_visible()
    expect(column).to_contain_text("KSH")
    expect(page.get_by_test_id("column-suggested")).not_to_contain_text(partner_name)
    shot(page, screenshots, "pipeline.png")

    # XLSX export of the CN leads: the ranked rows, in the page's order, with the status.
    page.goto(f"/smes/{SME_ID}?market=CN")
    shown = lead_ids(page)
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    download = info.value
    assert download.suggested_filename == f"leads-{SME_ID}.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    frame = pd.read_excel(path, sheet_name="leads", engine="openpyxl")
    assert len(frame) >= len(shown) > 0
    assert frame["rank"].tolist() == list(range(1, len(frame) + 1))
    assert frame["partner_id"].tolist()[: len(shown)] == shown
    assert set(frame["country"]) == {"CN"}
    assert frame["score"].is_monotonic_decreasing
    statuses = dict(zip(frame["partner_id"], frame["status"], strict=True))
    assert statuses[partner_id] == "shortlisted"


# --- SME user ---------------------------------------------------------------------------------


def test_sme_user_marks_a_lead_not_for_us(page: Page, site: Site, screenshots: Path) -> None:
    sign_in(page, site.tokens["sme"])
    expect(page).to_have_url(re.compile(rf"/smes/{SME_ID}$"))
    expect(page.get_by_test_id("who")).to_contain_text("sme")
    expect(page.get_by_test_id("who")).to_contain_text(SME_ID)
    leads = page.get_by_test_id("lead")
    expect(leads.first).to_be_visible()
    expect(page.get_by_role("button", name="Move")).to_have_count(0)
    expect(page.get_by_role("link", name="Pipeline")).to_have_count(0)
    assert_labelled(page)

    # KSH writes in French: its own view is in French although the browser asks for English.
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    partner_id = lead_ids(page)[1]
    card = page.locator(f"#lead-{partner_id}")
    page.locator(f"#reason-{partner_id}").fill("We already have a distributor in this region")
    card.get_by_role("button", name="Pas pour nous").click()
    expect(card.get_by_test_id("verdict")).to_have_text("Vous avez dit : pas pour nous")
    expect(card.get_by_role("button", name="Pas pour nous")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_test_id("message")).to_have_text("Merci, c’est noté.")
    verdict = site.workspace.pipeline.feedback(SME_ID)[partner_id]
    assert (verdict.interesting, verdict.reason) == (
        False,
        "We already have a distributor in this region",
    )
    page.reload()
    expect(page.locator(f"#lead-{partner_id}").get_by_test_id("verdict")).to_be_visible()
    expect(page.locator(f"#reason-{partner_id}")).to_have_value(
        "We already have a distributor in this region"
    )
    shot(page, screenshots, "sme-user.png")


def test_sme_user_gets_not_found_outside_its_own_page(
    page: Page, site: Site, screenshots: Path
) -> None:
    sign_in(page, site.tokens["sme"])
    expect(page).to_have_url(re.compile(rf"/smes/{SME_ID}$"))
    # Another SME's address, its export and the advisor pages are "not found".
    response = page.goto(f"/smes/{OTHER_SME}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_role("main")).not_to_contain_text("Park Smart")
    shot(page, screenshots, "not-found.png")
    assert page.request.get(f"/smes/{OTHER_SME}/export.xlsx").status == 404
    for path in ("/advisor", "/pipeline", "/import"):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Not found")


# --- import -----------------------------------------------------------------------------------


def test_import_shows_every_row_error_and_changes_nothing(
    page: Page, site: Site, screenshots: Path, tmp_path: Path
) -> None:
    before = len(site.workspace.profiles("partner"))
    good = "p-e2e-001,Prairie Snow Works,CA,Winnipeg,corporate,{},winter roads,en"
    description = '"Prairie Snow Works clears and de-ices municipal roads and bus lanes in winter."'
    bad = tmp_path / "partners-bad.csv"
    bad.write_text(
        "\n".join(
            [
                PARTNER_COLUMNS,
                good.format(description),  # row 2: valid
                "p-e2e-002,Spaceport Inc,US,Houston,spaceship,Rockets for cities.,space,en",
                "p-e2e-003,Empty Words,US,Boston,corporate,,parking,en",
                "p-e2e-001,Twice Ltd,US,Austin,corporate,A duplicate of row two.,parking,en",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    sign_in(page, site.tokens["advisor"])
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Partners").check()
    page.get_by_label("CSV or Excel file").set_input_files(bad)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Check and import").click()
    assert posted.value.status == 422
    problems = page.get_by_test_id("problems")
    expect(problems).to_be_visible()
    rows = problems.locator("tbody tr")
    cells = [r.locator("td").all_inner_texts() for r in rows.all()]
    found = {(row, column) for _, row, column, _ in cells}
    assert found == {("3", "org_type"), ("4", "description"), ("5", "id")}, cells
    assert all(file == "partners-bad.csv" for file, *_ in cells), cells
    expect(problems).to_contain_text("unknown org type 'spaceship'")
    expect(problems).to_contain_text("duplicate id 'p-e2e-001' (first seen in row 2)")
    expect(page.locator("#problems-title")).to_have_text("3 problems found; nothing was imported")
    expect(page.get_by_test_id("import-result")).to_have_count(0)
    shot(page, screenshots, "import-errors.png")
    assert len(site.workspace.profiles("partner")) == before
    with pytest.raises(NotFoundError):
        site.workspace.partner("p-e2e-001")

    # Saved by a European Excel: semicolons between the columns. It imports, and says so.
    clean = tmp_path / "partners-clean.csv"
    row = good.format(description).replace(",", ";")
    clean.write_text(f"{PARTNER_COLUMNS.replace(',', ';')}\n{row}\n", encoding="utf-8")
    page.get_by_label("CSV or Excel file").set_input_files(clean)
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_test_id("import-result")).to_have_text(
        "Imported: 1 added, 0 updated, 0 unchanged."
    )
    expect(page.get_by_test_id("import-note")).to_have_text(
        "partners-clean.csv: read as semicolon-separated values"
    )
    expect(page.get_by_test_id("problems")).to_have_count(0)
    assert len(site.workspace.profiles("partner")) == before + 1
    assert site.workspace.partner("p-e2e-001").city == "Winnipeg"


# --- session ----------------------------------------------------------------------------------


def test_wrong_token_sign_out_and_protected_pages(page: Page, site: Site) -> None:
    response = page.goto("/pipeline")
    assert response is not None and response.ok
    expect(page).to_have_url(re.compile(r"/login$"))

    page.get_by_label("Access token").fill("cm_this-token-was-never-issued")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("That token is not valid or was revoked.")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_test_id("who")).to_have_count(0)

    sign_in(page, site.tokens["admin"])
    expect(page).to_have_url(re.compile(r"/advisor$"))
    expect(page.get_by_test_id("who")).to_contain_text("admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("All clusters")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    assert page.context.cookies() == []
    for path in ("/", "/advisor", "/pipeline", f"/smes/{SME_ID}", "/partners?q=parking", "/import"):
        page.goto(path)
        expect(page).to_have_url(re.compile(r"/login$"))


# --- layout, labels, keyboard -----------------------------------------------------------------


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_layout_labels_and_keyboard(
    new_page: Callable[..., Page], site: Site, screenshots: Path, phone: bool
) -> None:
    page = new_page(PHONE if phone else None)
    sign_in(page, site.tokens["advisor"])
    page.goto(f"/smes/{SME_ID}")
    expect(page.get_by_test_id("lead").first).to_be_visible()
    assert_no_overflow(page)
    assert_labelled(page)
    if phone:
        shot(page, screenshots, "sme-leads-phone.png")

    # From the top of the page, Tab reaches the first lead's "Move" button.
    presses = 0
    while not page.evaluate(ON_FIRST_MOVE):
        presses += 1
        assert presses <= 40, "Tab never reached the first lead's Move button"
        page.keyboard.press("Tab")

    # The other pages fit the window too, and label their fields.
    for path in ("/advisor", "/pipeline", "/partners?q=parking+sensors", "/import", "/login"):
        page.goto(path)
        assert_no_overflow(page)
        assert_labelled(page)
