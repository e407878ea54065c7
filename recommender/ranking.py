"""Rankers and score fusion: pure functions over score arrays, no I/O.

A ranker sees a pool of candidate rows with their per-signal scores and returns the final
score of each. Retrieval (which rows enter the pool) lives in the workspace.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

RANKERS = ("hybrid", "dense", "lexical")


@dataclass(frozen=True)
class Signals:
    """Per-candidate evidence, aligned arrays over the pool."""

    dense: np.ndarray  # cosine of the two embeddings
    lexical: np.ndarray  # BM25 of the query's terms in the candidate
    same_language: np.ndarray  # bool: both texts in the same language
    preferred: np.ndarray  # bool: the org type the SME is seeking (either direction)
    sectors: np.ndarray  # cosine of the two sets of sector words, 0..1
    covered: np.ndarray  # bool: the embedding model knows both texts' languages

    def __len__(self) -> int:
        return len(self.dense)


def zscore(values: np.ndarray, axis: int = -1) -> np.ndarray:
    """Standardise within the pool (along `axis`), so weights mean the same for any model."""
    values = np.asarray(values, dtype=np.float32)
    if values.shape[axis] < 2:
        return np.zeros_like(values)
    std = values.std(axis=axis, keepdims=True)
    centred = values - values.mean(axis=axis, keepdims=True)
    return np.divide(centred, std, out=np.zeros_like(centred), where=std > 1e-9)


class Ranker(ABC):
    """Scores a pool of candidates from their signals.

    Signals may be 1-D (one query's pool) or 2-D (queries x candidates, as in batch ranking);
    `axis` is the candidate axis, along which scores are normalised.
    """

    name: str

    @abstractmethod
    def score(self, signals: Signals, axis: int = -1) -> np.ndarray:
        """Final score per candidate; higher is better."""


class DenseRanker(Ranker):
    """Cosine of the embeddings alone."""

    name = "dense"

    def score(self, signals: Signals, axis: int = -1) -> np.ndarray:
        return signals.dense.astype(np.float32)


class LexicalRanker(Ranker):
    """BM25 alone."""

    name = "lexical"

    def score(self, signals: Signals, axis: int = -1) -> np.ndarray:
        return signals.lexical.astype(np.float32)


@dataclass(frozen=True)
class HybridWeights:
    """Weights in units of the dense score's standard deviation within the pool."""

    lexical_same_language: float = 0.5
    # Words rarely cross languages; what does (names, acronyms, English tags) is weak evidence.
    lexical_cross_language: float = 0.15
    preferred_type: float = 0.5
    sectors: float = 0.5
    # An embedding of a language the model never saw is mostly noise (Swedish in USE scored
    # near chance), so there the dense score counts less and words count as much as they can.
    dense_uncovered: float = 0.35


class HybridRanker(Ranker):
    """Dense similarity, plus lexical evidence where languages match, plus structured fit."""

    name = "hybrid"

    def __init__(self, weights: HybridWeights | None = None):
        self.weights = weights or HybridWeights()

    def score(self, signals: Signals, axis: int = -1) -> np.ndarray:
        w = self.weights
        lexical_weight = np.where(
            signals.same_language | ~signals.covered,
            w.lexical_same_language,
            w.lexical_cross_language,
        )
        dense_weight = np.where(signals.covered, 1.0, w.dense_uncovered)
        return (
            dense_weight * zscore(signals.dense, axis)
            + lexical_weight * zscore(signals.lexical, axis)
            + w.preferred_type * signals.preferred
            + w.sectors * signals.sectors
        ).astype(np.float32)


def make_ranker(name: str) -> Ranker:
    """The ranker of that name."""
    rankers: dict[str, type[Ranker]] = {
        "hybrid": HybridRanker,
        "dense": DenseRanker,
        "lexical": LexicalRanker,
    }
    if name not in rankers:
        raise ValueError(f"unknown ranker '{name}' (one of {', '.join(RANKERS)})")
    return rankers[name]()


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best scores, best first (ties keep input order)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if len(scores) > 8 * k and len(scores) > 4_096:
        # A full sort of a large corpus costs more than the search itself; partition first.
        # (Among scores tied exactly at the cut, which ones make it is then unspecified.)
        rows = _above_sample_cut(scores, k)
        head = rows[np.argpartition(-scores[rows], k - 1)[:k]]
        return head[np.lexsort((head, -scores[head]))]
    return np.argsort(-scores, kind="stable")[:k]


def _above_sample_cut(scores: np.ndarray, k: int, step: int = 16) -> np.ndarray:
    """Rows that surely hold the k best: those at or above the k-th best of every step-th row.

    That many sampled rows reach the cut, so at least k rows pass it; about k * step do,
    which a partition sorts out far faster than it would the whole array.
    """
    sample = scores[::step]
    if len(sample) <= k:
        return np.arange(len(scores))
    cut = np.partition(sample, len(sample) - k)[len(sample) - k]
    rows = np.flatnonzero(scores >= cut)
    return rows if len(rows) < len(scores) // 4 else np.arange(len(scores))


def mmr(scores: np.ndarray, vectors: np.ndarray, k: int, diversity: float = 0.3) -> np.ndarray:
    """Maximal marginal relevance: trade score for novelty against what is already chosen.

    `diversity` 0 keeps the score order; 1 ignores scores. Scores are rescaled to 0..1 first
    so the trade-off does not depend on the ranker's scale.
    """
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    span = float(scores.max() - scores.min()) or 1.0
    relevance = (scores - scores.min()) / span
    similarity = vectors @ vectors.T
    chosen = [int(np.argmax(relevance))]
    closest = similarity[chosen[0]].copy()
    available = np.ones(len(scores), dtype=bool)
    available[chosen[0]] = False
    while len(chosen) < k:
        value = (1 - diversity) * relevance - diversity * closest
        value[~available] = -np.inf
        pick = int(np.argmax(value))
        chosen.append(pick)
        available[pick] = False
        closest = np.maximum(closest, similarity[pick])
    return np.asarray(chosen, dtype=np.int64)
