"""Presentation helpers shared by the JSON routes and the web pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal

import pandas as pd
from fastapi import Response

from recommender import Lead, NotFoundError, Workspace
from recommender.storage.pipeline import STATUSES, TRANSITIONS
from recommender.storage.tokens import Principal
from recommender.tabular import csv_text, xlsx_bytes

from .deps import can_see_sme

ExportFormat = Literal["csv", "xlsx"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TRACKED_COLUMNS = [
    "sme_id",
    "sme_name",
    "cluster",
    "partner_id",
    "partner_name",
    "market",
    "city",
    "org_type",
    "status",
    "updated_at",
]


def annotate_leads(workspace: Workspace, sme_id: str, leads: list[Lead]) -> list[dict[str, Any]]:
    """Leads as dicts with their pipeline status and the SME's own feedback."""
    statuses = workspace.pipeline.statuses([sme_id])
    feedback = workspace.pipeline.feedback(sme_id)
    out = []
    for lead in leads:
        item = lead.to_dict()
        item["status"] = statuses.get((sme_id, lead.profile.id), "suggested")
        verdict = feedback.get(lead.profile.id)
        item["interesting"] = verdict.interesting if verdict else None
        out.append(item)
    return out


def lead_rows(items: list[dict[str, Any]]) -> pd.DataFrame:
    """Annotated leads as the rows of an export."""
    rows = []
    for item in items:
        explanation = item.get("explanation") or {}
        rows.append(
            {
                "rank": item["rank"],
                "partner_id": item["id"],
                "partner": item["name"],
                "city": item["city"],
                "country": item["country"],
                "org_type": item["org_type"],
                "score": item["score"],
                "status": item["status"],
                "matched_sentence": explanation.get("matched_sentence", ""),
                "reasons": "; ".join(explanation.get("reasons", [])),
                "shared_terms": ", ".join(explanation.get("shared_terms", [])),
            }
        )
    return pd.DataFrame(rows)


def spreadsheet(frame: pd.DataFrame, fmt: ExportFormat, name: str) -> Response:
    """A CSV or XLSX download of a table."""
    # Both through recommender.tabular: text a spreadsheet would run is neutralised.
    if fmt == "csv":
        # The byte-order mark tells Excel on Windows the file is UTF-8 (accents, Chinese).
        return Response(
            "\ufeff" + csv_text(frame),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(
        xlsx_bytes(frame, "leads"),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def visible_sme_ids(workspace: Workspace, principal: Principal) -> list[str] | None:
    """Ids of the SMEs the caller may see (None: all of them)."""
    if principal.role == "admin":
        return None
    return [s.id for s in workspace.profiles("sme") if can_see_sme(principal, s)]


def tracked_leads(
    workspace: Workspace,
    principal: Principal,
    statuses: Sequence[str] | None,
    cluster: str,
    market: str,
    sme_id: str,
) -> list[dict[str, Any]]:
    """Tracked leads the caller may see, newest first, with names for display."""
    ids = visible_sme_ids(workspace, principal)
    if sme_id:
        ids = [sme_id] if ids is None or sme_id in ids else []
    rows = []
    for s_id, p_id, lead_status, at in workspace.pipeline.tracked(ids, statuses or ()):
        try:
            sme, partner = workspace.sme(s_id), workspace.partner(p_id)
        except NotFoundError:
            continue
        if (cluster and sme.cluster != cluster) or (market and partner.country != market):
            continue
        rows.append(
            {
                "sme_id": s_id,
                "sme_name": sme.name,
                "cluster": sme.cluster,
                "partner_id": p_id,
                "partner_name": partner.name,
                "market": partner.country,
                "city": partner.city,
                "org_type": partner.org_type,
                "status": lead_status,
                "updated_at": at,
            }
        )
    return rows


def forward_step(status: str) -> str:
    """The move a lead's form offers first: the next step forward, never a step back."""
    order = [s for s in STATUSES if s != "declined"]
    allowed = TRANSITIONS.get(status, frozenset())
    ahead = [
        s
        for s in order
        if s in allowed and (status not in order or order.index(s) > order.index(status))
    ]
    if ahead:
        return ahead[0]
    return next((s for s in order if s in allowed), "declined")


def actor_labels(workspace: Workspace) -> dict[str, str]:
    """How to show each actor of a history: its token's label (`advisor:Mov'eo#2` -> "Anna")."""
    labels = {}
    for token in workspace.tokens.list():
        label = str(token["label"] or "")
        if label:
            labels[f"#{token['id']}"] = label
    return labels


def who(actor: str, labels: dict[str, str]) -> str:
    """An actor as a person reads it: the token's label when it has one."""
    _, hash_, number = actor.rpartition("#")
    return labels.get(f"#{number}", actor) if hash_ else actor


def lead_story(
    workspace: Workspace, sme_id: str, partner_id: str, labels: dict[str, str]
) -> dict[str, Any]:
    """A lead's notes, status history (who, when) and the SME's feedback, for display."""
    state = workspace.pipeline.get(sme_id, partner_id)
    verdict = workspace.pipeline.feedback(sme_id).get(partner_id)
    return {
        "notes": [replace(e, actor=who(e.actor, labels)) for e in state.notes],
        "history": [
            replace(e, actor=who(e.actor, labels)) for e in state.history if e.kind == "status"
        ],
        "verdict": verdict,
    }


def annotate_board(workspace: Workspace, leads: list[dict[str, Any]]) -> None:
    """Each board card's history and feedback (one query per tracked lead and per SME)."""
    labels = actor_labels(workspace)
    verdicts: dict[str, dict[str, Any]] = {}
    for lead in leads:
        sme_id, partner_id = lead["sme_id"], lead["partner_id"]
        if sme_id not in verdicts:
            verdicts[sme_id] = dict(workspace.pipeline.feedback(sme_id))
        lead["verdict"] = verdicts[sme_id].get(partner_id)
        if lead["updated_at"] is not None:
            state = workspace.pipeline.get(sme_id, partner_id)
            lead["history"] = [
                replace(e, actor=who(e.actor, labels)) for e in state.history if e.kind == "status"
            ]
        else:
            lead["history"] = []
