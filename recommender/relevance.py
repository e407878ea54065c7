"""The calibrated relevance model: the probability that a lead is relevant (grade 2 or more).

Fusion is learned from graded judgments instead of set by hand: a logistic regression over
pair features that mean the same in any pool (raw cosines, BM25 on log scale, language and
coverage interactions, segment overlap). Its output is the score every surface shows, so a
pair scores the same in `recommend`, `fit`, a page or a mission, whatever filter narrows the
pool. The fitted model ships as a small JSON file with a manifest (features, training sets,
cross-validated metrics) per embedding model; `clustermatch tune` refits it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from .atomic import atomic_write
from .errors import ConfigurationError

MODELS_DIR = Path(__file__).with_name("models")
MODEL_FORMAT = 1

#: The bands pages, exports and missions show beside the number. `good` is the default floor
#: of a mission meeting.
Band = Literal["strong", "good", "weak", "not a lead"]
BANDS: tuple[tuple[Band, float], ...] = (("strong", 0.7), ("good", 0.5), ("weak", 0.2))
NOT_A_LEAD: Band = "not a lead"

FEATURES = (
    "dense",  # cosine of the two embeddings
    "dense_cross_lingual",  # the same, only where the languages differ (cosines run lower)
    "dense_uncovered",  # the same, only where the model does not know a language
    "dense_centred",  # cosine minus the SME's mean cosine to every partner (its own scale)
    "lexical",  # log(1 + BM25) of the SME's terms in the partner
    "lexical_same_language",  # the same, only for same-language pairs
    "sectors",  # cosine of the sector tags
    "preferred_type",  # the partner's org type is one the SME seeks
    "segments",  # overlap of the two segment distributions
    "off_mobility",  # the partner's share of look-alike segments outside smart mobility
)


class PairEvidence(Protocol):
    """What the features are computed from (`recommender.ranking.Signals`)."""

    @property
    def dense(self) -> np.ndarray: ...
    @property
    def lexical(self) -> np.ndarray: ...
    @property
    def same_language(self) -> np.ndarray: ...
    @property
    def preferred(self) -> np.ndarray: ...
    @property
    def sectors(self) -> np.ndarray: ...
    @property
    def covered(self) -> np.ndarray: ...
    @property
    def dense_centred(self) -> np.ndarray | None: ...
    @property
    def segments(self) -> np.ndarray | None: ...
    @property
    def off_mobility(self) -> np.ndarray | None: ...


def feature_matrix(evidence: PairEvidence) -> np.ndarray:
    """Features per pair, stacked on a new last axis: (..., len(FEATURES))."""
    dense = np.asarray(evidence.dense, np.float32)
    lexical = np.log1p(np.maximum(np.asarray(evidence.lexical, np.float32), 0.0))
    same = np.asarray(evidence.same_language, bool)
    columns = (
        dense,
        dense * ~same,
        dense * ~np.asarray(evidence.covered, bool),
        _or_zero(evidence.dense_centred, dense),
        lexical,
        lexical * same,
        np.asarray(evidence.sectors, np.float32),
        np.asarray(evidence.preferred, np.float32),
        _or_zero(evidence.segments, dense),
        _or_zero(evidence.off_mobility, dense),
    )
    return np.stack(np.broadcast_arrays(*columns), axis=-1).astype(np.float32)


def _or_zero(values: np.ndarray | None, like: np.ndarray) -> np.ndarray:
    return np.zeros_like(like) if values is None else np.asarray(values, np.float32)


@dataclass(frozen=True)
class RelevanceModel:
    """Logistic regression weights over FEATURES, with what it was fitted on."""

    embedding_model: str
    coefficients: tuple[float, ...]
    intercept: float
    features: tuple[str, ...] = FEATURES
    manifest: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if tuple(self.features) != FEATURES or len(self.coefficients) != len(FEATURES):
            raise ConfigurationError(
                f"relevance model for {self.embedding_model} has features {list(self.features)};"
                f" this version computes {list(FEATURES)}: refit it with `clustermatch tune`"
            )

    def probability(self, evidence: PairEvidence) -> np.ndarray:
        """P(relevant) per pair, same shape as the evidence arrays."""
        return self.probability_of(feature_matrix(evidence))

    def probability_of(self, features: np.ndarray) -> np.ndarray:
        # einsum, not a BLAS product: a pair's score must not depend on the block it is
        # computed in (missions split work differently over engines), and BLAS rounding does.
        weights = np.asarray(self.coefficients, np.float64)
        logits = np.einsum("...f,f->...", features.astype(np.float64), weights) + self.intercept
        return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": MODEL_FORMAT,
                "embedding_model": self.embedding_model,
                "features": list(self.features),
                "coefficients": [round(c, 6) for c in self.coefficients],
                "intercept": round(self.intercept, 6),
                "manifest": self.manifest,
            },
            indent=2,
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str, source: str = "model") -> RelevanceModel:
        try:
            raw = json.loads(text)
            if raw.get("format") != MODEL_FORMAT:
                raise ValueError(f"format {raw.get('format')!r}, expected {MODEL_FORMAT}")
            return cls(
                embedding_model=str(raw["embedding_model"]),
                coefficients=tuple(float(c) for c in raw["coefficients"]),
                intercept=float(raw["intercept"]),
                features=tuple(raw["features"]),
                manifest=dict(raw.get("manifest", {})),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigurationError(f"{source}: not a relevance model ({exc})") from None

    def save(self, path: Path) -> None:
        atomic_write(path, (self.to_json() + "\n").encode("utf-8"))


def model_path(embedding_model: str, folder: Path = MODELS_DIR) -> Path:
    """Where the model fitted for an embedding model lives (package versions aside)."""
    family = embedding_model.split("@")[0]
    return folder / f"relevance-{re.sub(r'[^A-Za-z0-9._-]+', '_', family)}.json"


@lru_cache(maxsize=8)
def _read(path: Path, mtime: float) -> RelevanceModel:
    return RelevanceModel.from_json(path.read_text(encoding="utf-8"), str(path))


#: The model used where none was fitted for the embedding model in use (a custom model
#: folder): the default backend's. `clustermatch tune` fits one for the model in use.
DEFAULT_EMBEDDING_MODEL = "use-multilingual-v3"


def default_model() -> RelevanceModel:
    """The model fitted for the default embedding model."""
    return load_model(DEFAULT_EMBEDDING_MODEL)


def model_for(embedding_model: str, folder: Path = MODELS_DIR) -> RelevanceModel:
    """The model fitted for this embedding model, else the default one."""
    if model_path(embedding_model, folder).exists():
        return load_model(embedding_model, folder)
    return default_model()


def load_model(embedding_model: str, folder: Path = MODELS_DIR) -> RelevanceModel:
    """The shipped (or refitted) model for this embedding model."""
    path = model_path(embedding_model, folder)
    if not path.exists():
        raise ConfigurationError(
            f"no relevance model for embedding model '{embedding_model}' ({path.name}); "
            "fit one with `clustermatch tune`"
        )
    return _read(path, path.stat().st_mtime)


def band(probability: float) -> Band:
    """The band a calibrated score falls in."""
    for name, floor in BANDS:
        if probability >= floor:
            return name
    return NOT_A_LEAD


def band_floor(name: str) -> float:
    """The lowest score of a band (0 for 'not a lead')."""
    return next((floor for band_name, floor in BANDS if band_name == name), 0.0)


def fit_weights(
    features: np.ndarray,
    relevant: np.ndarray,
    sample_weight: np.ndarray | None = None,
    regularisation: float = 1.0,
) -> tuple[tuple[float, ...], float]:
    """Logistic-regression coefficients and intercept for these labelled pairs."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=regularisation, max_iter=5000)
    model.fit(features, relevant, sample_weight=sample_weight)
    return tuple(float(c) for c in model.coef_[0]), float(model.intercept_[0])


def reliability(probability: np.ndarray, relevant: np.ndarray) -> list[dict[str, Any]]:
    """Share of relevant pairs per band: what a calibrated score must get right."""
    rows = []
    edges = [1.01] + [floor for _, floor in BANDS] + [0.0]
    names: Sequence[str] = [name for name, _ in BANDS] + [NOT_A_LEAD]
    for name, high, low in zip(names, edges[:-1], edges[1:], strict=True):
        inside = (probability >= low) & (probability < high)
        rows.append(
            {
                "band": name,
                "pairs": int(inside.sum()),
                "relevant": float(relevant[inside].mean()) if inside.any() else float("nan"),
                "mean score": float(probability[inside].mean()) if inside.any() else float("nan"),
            }
        )
    return rows
