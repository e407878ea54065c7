"""Offline evaluation against graded judgments: nDCG@10, P@5, Recall@20 and MRR.

Judgments grade (sme_id, partner_id) pairs 0-3; unjudged partners count as 0. For the binary
metrics a partner is relevant at grade 2 or more ("worth a meeting").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import Problem, ValidationError
from .profiles import read_table

RELEVANT = 2
Judgments = dict[str, dict[str, int]]


def load_judgments(path: str | Path) -> Judgments:
    """Read `sme_id,partner_id,relevance` rows; every bad row is reported at once."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError([Problem(source, None, None, f"cannot read: {exc}")]) from None
    frame, problems = read_table(data, source)
    if frame is None:
        raise ValidationError(problems)
    for column in ("sme_id", "partner_id", "relevance"):
        if column not in frame.columns:
            problems.append(Problem(source, 1, column, "missing column"))
    if problems:
        raise ValidationError(problems)
    judgments: Judgments = defaultdict(dict)
    for index, row in enumerate(frame.itertuples(index=False), start=2):
        grade = str(row.relevance)
        if grade not in {"0", "1", "2", "3"}:
            problems.append(Problem(source, index, "relevance", f"'{grade}' is not 0, 1, 2 or 3"))
            continue
        empty = [c for c in ("sme_id", "partner_id") if not getattr(row, c)]
        for column in empty:
            problems.append(Problem(source, index, column, "empty id"))
        if empty:
            continue
        judgments[str(row.sme_id)][str(row.partner_id)] = int(grade)
    if problems:
        raise ValidationError(problems)
    return dict(judgments)


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain with exponential gain (2^rel - 1)."""
    gains_arr = np.asarray(gains, dtype=np.float64)
    if not len(gains_arr):
        return 0.0
    discounts = np.log2(np.arange(2, len(gains_arr) + 2))
    return float(np.sum((2**gains_arr - 1) / discounts))


def ndcg_at(ranked: Sequence[str], grades: dict[str, int], k: int = 10) -> float:
    """nDCG@k of a ranked id list against graded judgments."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([grades.get(i, 0) for i in ranked[:k]]) / ideal


def precision_at(ranked: Sequence[str], grades: dict[str, int], k: int = 5) -> float:
    """Share of the first k that are relevant."""
    return sum(grades.get(i, 0) >= RELEVANT for i in ranked[:k]) / k


def recall_at(ranked: Sequence[str], grades: dict[str, int], k: int = 20) -> float:
    """Share of the relevant partners found in the first k."""
    relevant = {i for i, g in grades.items() if g >= RELEVANT}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], grades: dict[str, int]) -> float:
    """1 / position of the first relevant partner (0 if none)."""
    for position, item in enumerate(ranked, start=1):
        if grades.get(item, 0) >= RELEVANT:
            return 1.0 / position
    return 0.0


@dataclass(frozen=True)
class QueryRun:
    """One SME's ranking and its judgments, already restricted to one segment."""

    ranked: list[str]
    grades: dict[str, int]


def score_runs(runs: Sequence[QueryRun]) -> dict[str, float]:
    """Mean metrics over the queries that have at least one relevant judgment."""
    usable = [r for r in runs if any(g >= RELEVANT for g in r.grades.values())]
    if not usable:
        return {"ndcg@10": 0.0, "p@5": 0.0, "recall@20": 0.0, "mrr": 0.0, "queries": 0}
    return {
        "ndcg@10": float(np.mean([ndcg_at(r.ranked, r.grades) for r in usable])),
        "p@5": float(np.mean([precision_at(r.ranked, r.grades) for r in usable])),
        "recall@20": float(np.mean([recall_at(r.ranked, r.grades) for r in usable])),
        "mrr": float(np.mean([reciprocal_rank(r.ranked, r.grades) for r in usable])),
        "queries": len(usable),
    }


def evaluate_rankings(
    rank: Callable[[str, str], list[str]],
    judgments: Judgments,
    sme_language: dict[str, str],
    partner_language: dict[str, str],
    rankers: Sequence[str],
) -> pd.DataFrame:
    """Metrics per ranker and segment: all SMEs, non-English SMEs, cross-lingual pairs.

    `rank(sme_id, ranker)` returns partner ids best first (deep enough for Recall@20).
    Cross-lingual keeps, for each SME, only partners written in another language, both in
    the ranking and in the judgments.
    """
    rows = []
    known = [s for s in judgments if s in sme_language]
    for ranker in rankers:
        rankings = {s: rank(s, ranker) for s in known}
        segments: dict[str, list[QueryRun]] = {
            "all": [],
            "non-English SMEs": [],
            "cross-lingual": [],
        }
        for sme_id in known:
            ranked, grades = rankings[sme_id], judgments[sme_id]
            segments["all"].append(QueryRun(ranked, grades))
            language = sme_language[sme_id]
            if language != "en":
                segments["non-English SMEs"].append(QueryRun(ranked, grades))

            def other(partner_id: str, language: str = language) -> bool:
                return partner_language.get(partner_id, language) != language

            segments["cross-lingual"].append(
                QueryRun(
                    [p for p in ranked if other(p)],
                    {p: g for p, g in grades.items() if other(p)},
                )
            )
        for segment, runs in segments.items():
            rows.append({"ranker": ranker, "segment": segment, **score_runs(runs)})
    return pd.DataFrame(rows)
