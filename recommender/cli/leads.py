"""`recommend`, `fit`, `search`, `evaluate`: the ranking verbs."""

from __future__ import annotations

import csv
import json
import sys
from typing import Annotated

import typer

from ..filters import check_filters
from ..tabular import safe_row
from ..workspace import Lead
from .common import (
    CityOption,
    Format,
    FormatOption,
    MarketOption,
    OrgTypeOption,
    RankerOption,
    TopOption,
    app,
    errors,
    fail,
    open_workspace,
    out,
    print_leads,
    progress_bar,
)


@app.command()
def recommend(
    sme_id: Annotated[str | None, typer.Argument(help="SME id.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every SME (CSV or JSON).")] = False,
    top: TopOption = None,
    market: MarketOption = None,
    org_type: OrgTypeOption = None,
    city: CityOption = None,
    ranker: RankerOption = None,
    diversity: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="MMR diversity, 0 (off) to 1.")
    ] = 0.0,
    fmt: FormatOption = Format.table,
) -> None:
    """Partner leads for an SME, explained.

    Examples: clustermatch recommend sme-parksmart --market US --top 5;
    clustermatch recommend --all --top 20 --format csv > leads.csv
    """
    ranker_name = ranker.value if ranker else None
    with errors():
        workspace = open_workspace()
        if all_:
            if sme_id:
                fail("give an SME id or --all, not both")
            if fmt is Format.table:
                fail("--all writes csv or json: add --format csv")
            with progress_bar("ranking") as progress:
                every = workspace.recommend_all(
                    top=top or 50, ranker=ranker_name, explain=False, progress=progress
                )
            _print_every(every, fmt)
            return
        if not sme_id:
            fail("give an SME id, or --all")
        assert sme_id is not None
        check_filters(market or (), org_type or ())
        sme = workspace.sme(sme_id)
        leads = workspace.recommend(
            sme_id,
            top=top,
            markets=market or (),
            org_types=org_type or (),
            cities=city or (),
            ranker=ranker_name,
            diversity=diversity,
        )
        print_leads(leads, f"Leads for {sme.name} ({sme.country})", fmt, {"sme_id": sme_id})


def _print_every(every: dict[str, list[Lead]], fmt: Format) -> None:
    """Every SME's leads: JSON by SME id, or one CSV row per lead."""
    if fmt is Format.json:
        payload = {k: [lead.to_dict() for lead in v] for k, v in every.items()}
        out.print_json(json.dumps(payload))
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["sme_id", "partner_id", "rank", "score", "partner_name", "country"])
    for key, leads in every.items():
        for lead in leads:
            p = lead.profile
            key_id, partner_id, name = safe_row([key, p.id, p.name])  # no formula in a cell
            writer.writerow([key_id, partner_id, lead.rank, f"{lead.score:.6f}", name, p.country])


@app.command()
def fit(
    partner_id: Annotated[str, typer.Argument(help="Partner id.")],
    top: TopOption = None,
    ranker: RankerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """SMEs that fit a partner (the reverse direction).

    Example: clustermatch fit p-cn-002 --top 5
    """
    with errors():
        workspace = open_workspace()
        leads = workspace.fit(partner_id, top=top, ranker=ranker.value if ranker else None)
        partner = workspace.partner(partner_id)
        print_leads(
            leads, f"SMEs for {partner.name} ({partner.city})", fmt, {"partner_id": partner_id}
        )


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="What you are looking for, in any language.")],
    top: TopOption = None,
    market: MarketOption = None,
    org_type: OrgTypeOption = None,
    city: CityOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Free-text search over partner profiles.

    Example: clustermatch search "smart parking pilot" --market US --org-type public_authority
    """
    with errors():
        check_filters(market or (), org_type or ())
        leads = open_workspace().search(
            text, top=top, markets=market or (), org_types=org_type or (), cities=city or ()
        )
        print_leads(leads, f"Partners for “{text}”", fmt, {"query": text})
