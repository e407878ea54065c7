"""An advisor's overview in one call: per SME, its leads per pipeline status and per market.

Untouched suggestions are not stored, so the "suggested" count comes from the current top
leads. Ranking every SME for each page view would cost one query per SME; here all SMEs are
ranked in one batch (`Workspace.recommend_all`) and kept until the data changes (a new index
state), while the pipeline counts, one SQL query, are read fresh on every call.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .workspace import Workspace


@dataclass
class SMESummary:
    """One SME's counts: per status (suggested = top leads not acted on) and per market."""

    sme_id: str
    statuses: Counter[str] = field(default_factory=Counter)
    markets: Counter[str] = field(default_factory=Counter)
    suggested: list[str] = field(default_factory=list)  # partner ids, best first

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


class LeadSummary:
    """The overview of a workspace, its rankings cached per data state."""

    def __init__(self, workspace: Workspace, top: int = 10):
        self.workspace = workspace
        self.top = top
        self._lock = threading.Lock()
        self._state: Any = None
        self._ranked: dict[str, list[tuple[str, str]]] = {}  # sme -> (partner id, country)

    def _suggestions(self) -> dict[str, list[tuple[str, str]]]:
        state = self.workspace.state()
        with self._lock:
            # The state object is replaced whenever either side's data changes.
            if state is not self._state:
                every = self.workspace.recommend_all(top=self.top, explain=False)
                self._ranked = {
                    sme: [(lead.profile.id, lead.profile.country) for lead in leads]
                    for sme, leads in every.items()
                }
                self._state = state
            return self._ranked

    def summarise(self, sme_ids: Sequence[str]) -> dict[str, SMESummary]:
        """Counts for these SMEs, in the order given (a lead is counted once, in its status)."""
        ranked = self._suggestions()
        out = {sme: SMESummary(sme) for sme in sme_ids}
        pipeline = self.workspace.pipeline
        statuses = pipeline.statuses(list(sme_ids))
        for (sme, partner), status in statuses.items():
            out[sme].statuses[status] += 1
            if status == "suggested":  # tracked (a note, a reopened lead) but not moved on
                out[sme].suggested.append(partner)
        for sme, summary in out.items():
            for partner, country in ranked.get(sme, []):
                summary.markets[country] += 1
                if (sme, partner) not in statuses:
                    summary.statuses["suggested"] += 1
                    summary.suggested.append(partner)
        return out
