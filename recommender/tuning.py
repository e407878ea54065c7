"""Fit and cross-validate the relevance model on judged sets, by SME.

A judged set is a folder with `smes.csv`, `partners.csv` and `judgments.csv`. Each is imported
into a workspace of its own (under the data folder, so a second run re-embeds nothing), every
judged SME's in-market pairs get their features, and the model is fitted on the judged ones.

Sector tags help where profiles carry them and are often missing in real files, so each set
is also seen with its `sectors` emptied: the same SMEs, in the same cross-validation group,
so no fold ever trains on one view of an SME it is scored on. Every number this module
reports is out of fold: GroupKFold over SMEs, the model refitted without the scored SMEs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .config import BUNDLED_DATA, Settings
from .evaluation import RELEVANT, Judgments, QueryRun, load_judgments, score_runs
from .relevance import FEATURES, RelevanceModel, feature_matrix, fit_weights, reliability
from .workspace import Workspace

FOLDS = 5
REGULARISATION = 1.0  # C of the logistic regression; 0.1 and 10 measured no better by CV


@dataclass(frozen=True)
class JudgedSet:
    """Profiles and graded judgments in one folder."""

    name: str
    folder: Path
    drop_sectors: bool = False

    @property
    def group(self) -> str:
        """Cross-validation family: both views of a set share their SMEs."""
        return self.folder.resolve().as_posix()

    def digest(self) -> str:
        h = hashlib.sha256()
        for name in ("smes.csv", "partners.csv", "judgments.csv"):
            h.update((self.folder / name).read_bytes())
        return h.hexdigest()[:16]


def bundled_sets() -> list[JudgedSet]:
    """The project's own judgments and the blind development set."""
    return [JudgedSet("bundled", BUNDLED_DATA), JudgedSet("blind", BUNDLED_DATA / "eval")]


def with_sector_dropout(sets: Sequence[JudgedSet]) -> list[JudgedSet]:
    """Each set, and each set again with its sector tags emptied."""
    return [*sets, *(JudgedSet(f"{s.name} (no sectors)", s.folder, True) for s in sets)]


@dataclass
class PairTable:
    """Every in-market pair of a set's judged SMEs, with features and grades."""

    judged_set: JudgedSet
    sme_ids: np.ndarray
    partner_ids: np.ndarray
    features: np.ndarray
    grades: np.ndarray  # -1 where the pair is not judged
    sme_language: dict[str, str]
    partner_language: dict[str, str]

    @property
    def groups(self) -> np.ndarray:
        return np.char.add(self.judged_set.group + ":", self.sme_ids.astype(str))


def open_set(judged_set: JudgedSet, settings: Settings) -> Workspace:
    """A workspace holding the set's profiles, under the data folder."""
    suffix = "-nosectors" if judged_set.drop_sectors else ""
    home = settings.home / "judged-sets" / (judged_set.digest() + suffix)
    workspace = Workspace(settings.model_copy(update={"home": home, "database_url": ""}))
    files = [judged_set.folder / "smes.csv", judged_set.folder / "partners.csv"]
    if judged_set.drop_sectors:
        files = [_without_sectors(f, home) for f in files]
    workspace.import_files(smes=files[0], partners=files[1])
    return workspace


def _without_sectors(path: Path, folder: Path) -> Path:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["sectors"] = ""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / path.name
    frame.to_csv(out, index=False)
    return out


def pair_table(workspace: Workspace, judged_set: JudgedSet, judgments: Judgments) -> PairTable:
    """Features of every judged SME against every partner of its target markets."""
    smes = [s for s in workspace.profiles("sme") if s.id in judgments]
    partners = workspace.profiles("partner")
    signals = workspace.pair_signals([s.id for s in smes], [p.id for p in partners])
    features = feature_matrix(signals)
    in_market = np.array([[p.country in s.markets for p in partners] for s in smes], bool)
    rows, cols = np.nonzero(in_market)
    grades = np.array(
        [judgments[smes[r].id].get(partners[c].id, -1) for r, c in zip(rows, cols, strict=True)]
    )
    return PairTable(
        judged_set,
        np.array([smes[r].id for r in rows], dtype=object),
        np.array([partners[c].id for c in cols], dtype=object),
        features[rows, cols],
        grades,
        {s.id: s.language for s in smes},
        {p.id: p.language for p in partners},
    )


def load_tables(sets: Sequence[JudgedSet], settings: Settings) -> list[PairTable]:
    """Pair tables of each set (each imported into its own workspace)."""
    tables = []
    for judged_set in sets:
        workspace = open_set(judged_set, settings)
        try:
            judgments = load_judgments(judged_set.folder / "judgments.csv")
            tables.append(pair_table(workspace, judged_set, judgments))
        finally:
            workspace.close()
    return tables


def _training(tables: Sequence[PairTable], exclude: set[str]) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for table in tables:
        keep = (table.grades >= 0) & ~np.isin(table.groups, list(exclude))
        xs.append(table.features[keep])
        ys.append(table.grades[keep] >= RELEVANT)
    return np.concatenate(xs), np.concatenate(ys)


def fit(tables: Sequence[PairTable], embedding_model: str) -> RelevanceModel:
    """The model fitted on every judged pair, with a manifest saying on what."""
    x, y = _training(tables, set())
    coefficients, intercept = fit_weights(x, y, regularisation=REGULARISATION)
    manifest = {
        "fitted": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_sets": [
            {
                "name": t.judged_set.name,
                "digest": t.judged_set.digest(),
                "judged_pairs": int((t.grades >= 0).sum()),
                "smes": len(t.sme_language),
            }
            for t in tables
        ],
        "regularisation": REGULARISATION,
        "relevant": f"grade >= {RELEVANT}",
    }
    return RelevanceModel(embedding_model, coefficients, intercept, FEATURES, manifest)


@dataclass
class CrossValidation:
    """Out-of-fold scores for every pair of every table."""

    tables: list[PairTable]
    scores: list[np.ndarray]

    def runs(self, table: int, ranker: str = "hybrid") -> dict[str, list[QueryRun]]:
        """Rankings per segment (all, non-English, cross-lingual) of one table's SMEs."""
        t = self.tables[table]
        by_ranker = {
            "hybrid": self.scores[table],
            "dense": t.features[:, FEATURES.index("dense")],
            "lexical": t.features[:, FEATURES.index("lexical")],
        }
        return _segment_runs(t, by_ranker[ranker])

    def metrics(self, rankers: Sequence[str] = ("hybrid", "dense", "lexical")) -> pd.DataFrame:
        """nDCG@10, P@5, Recall@20, MRR per set, ranker and segment (hybrid out of fold)."""
        rows = []
        for i, table in enumerate(self.tables):
            for ranker in rankers:
                for segment, runs in self.runs(i, ranker).items():
                    rows.append(
                        {
                            "set": table.judged_set.name,
                            "ranker": ranker + (" (cv)" if ranker == "hybrid" else ""),
                            "segment": segment,
                            **score_runs(runs),
                        }
                    )
        return pd.DataFrame(rows)

    def reliability(self) -> pd.DataFrame:
        """Share of relevant judged pairs per score band, per set, out of fold."""
        rows = []
        for table, scores in zip(self.tables, self.scores, strict=True):
            judged = table.grades >= 0
            for row in reliability(scores[judged], table.grades[judged] >= RELEVANT):
                rows.append({"set": table.judged_set.name, **row})
        return pd.DataFrame(rows)


def cross_validate(
    tables: Sequence[PairTable], embedding_model: str, folds: int = FOLDS
) -> CrossValidation:
    """Score every pair with a model fitted without its SME (GroupKFold over SMEs)."""
    from sklearn.model_selection import GroupKFold

    groups = np.unique(np.concatenate([t.groups for t in tables]))
    scores = [np.zeros(len(t.grades), np.float32) for t in tables]
    for _, held_out in GroupKFold(n_splits=min(folds, len(groups))).split(groups, groups=groups):
        held = set(groups[held_out])
        x, y = _training(tables, held)
        coefficients, intercept = fit_weights(x, y, regularisation=REGULARISATION)
        model = RelevanceModel(embedding_model, coefficients, intercept)
        for table, out in zip(tables, scores, strict=True):
            rows = np.isin(table.groups, list(held))
            out[rows] = model.probability_of(table.features[rows])
    return CrossValidation(list(tables), scores)


def _segment_runs(table: PairTable, scores: np.ndarray) -> dict[str, list[QueryRun]]:
    out: dict[str, list[QueryRun]] = {"all": [], "non-English SMEs": [], "cross-lingual": []}
    for sme_id, language in table.sme_language.items():
        rows = np.flatnonzero(table.sme_ids == sme_id)
        order = rows[np.argsort(-scores[rows], kind="stable")]
        ranked = [str(p) for p in table.partner_ids[order]]
        grades = {
            str(table.partner_ids[r]): int(table.grades[r]) for r in rows if table.grades[r] >= 0
        }
        out["all"].append(QueryRun(ranked, grades))
        if language != "en":
            out["non-English SMEs"].append(QueryRun(ranked, grades))
        other = {p for p in ranked if table.partner_language.get(p, language) != language}
        out["cross-lingual"].append(
            QueryRun(
                [p for p in ranked if p in other], {p: g for p, g in grades.items() if p in other}
            )
        )
    return out


def summary(cv: CrossValidation) -> dict[str, Any]:
    """The cross-validated numbers a model's manifest records."""
    frame = cv.metrics(("hybrid",))
    return {
        "method": f"GroupKFold({FOLDS}) over SMEs, out-of-fold scores",
        "ndcg@10": {
            f"{row['set']} / {row['segment']}": round(float(row["ndcg@10"]), 3)
            for row in frame.to_dict("records")
        },
        "reliability": cv.reliability().round(3).to_dict("records"),
    }
