"""What a mission plan is made of: its scope and its result (the reports are written from these).

Their own module, so the planner that fills them and the reports that read them do not
import each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..schema import SME, Partner
from .agenda import Agenda
from .reciprocal import Eligibility, PairExplanation, Reciprocal
from .spec import MissionSpec


@dataclass
class MissionScope:
    """Who takes part: the mission's SMEs and partners, and when each partner can meet."""

    smes: list[SME]
    partners: list[Partner]
    eligibility: Eligibility
    exclude: list[tuple[int, int]]  # (sme row, partner row) never to propose
    blocks: list[list[tuple[int, int]]]  # (day, slot) of each block of meeting slots
    block_names: list[str]  # the block's city, or "all cities"
    partner_block: np.ndarray  # (n_partners,) block of each partner


@dataclass
class PlanResult:
    """Everything a plan produced; the reports are written from this."""

    spec: MissionSpec
    out: Path
    scope: MissionScope
    reciprocal: Reciprocal
    agenda: Agenda
    explanations: dict[tuple[str, str], PairExplanation]
    fingerprint: dict[str, str]
    engine: str
    timings: dict[str, float] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    mission_file: Path | None = None

    def leads(self, sme: int, limit: int | None = None) -> list[int]:
        """Positions in the reciprocal arrays of an SME's leads, best first."""
        positions = np.flatnonzero(self.reciprocal.partners[sme] >= 0)
        return [int(k) for k in positions[: limit or self.spec.top]]
