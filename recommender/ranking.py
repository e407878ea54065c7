"""Rankers and score fusion: pure functions over score arrays, no I/O.

A ranker sees a pool of candidate rows with their per-signal scores and returns the final
score of each. Retrieval (which rows enter the pool) lives in `retrieval`; the learned fusion
behind `hybrid` in `relevance`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from .relevance import RelevanceModel, default_model

RANKERS = ("hybrid", "dense", "lexical")


@dataclass(frozen=True)
class Signals:
    """Per-candidate evidence, aligned arrays over the pool (or SMEs x partners blocks)."""

    dense: np.ndarray  # cosine of the two embeddings
    lexical: np.ndarray  # BM25 of the SME's terms in the partner
    same_language: np.ndarray  # bool: both texts in the same language
    preferred: np.ndarray  # bool: the org type the SME is seeking (either direction)
    sectors: np.ndarray  # cosine of the two sets of sector words, 0..1
    covered: np.ndarray  # bool: the embedding model knows both texts' languages
    # Cosine minus the SME's mean cosine to the partners: each SME on its own scale.
    dense_centred: np.ndarray | None = None
    segments: np.ndarray | None = None  # overlap of the two segment distributions, 0..1
    off_mobility: np.ndarray | None = None  # the partner's share of look-alike segments

    def __post_init__(self) -> None:
        zero = np.zeros_like(np.asarray(self.dense, np.float32))
        for name in ("dense_centred", "segments", "off_mobility"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, zero)

    def __len__(self) -> int:
        return len(self.dense)


class Ranker(ABC):
    """Scores a pool of candidates from their signals.

    Signals may be 1-D (one query's pool) or 2-D (queries x candidates, as in batch ranking);
    `axis` is the candidate axis.
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


class HybridRanker(Ranker):
    """The calibrated relevance model: P(relevant) from every signal, learned from judgments.

    Each pair's score depends on that pair alone, never on the pool it is ranked in.
    """

    name = "hybrid"

    def __init__(self, model: RelevanceModel):
        self.model = model

    def score(self, signals: Signals, axis: int = -1) -> np.ndarray:
        return self.model.probability(signals)


def make_ranker(name: str, model: RelevanceModel | None = None) -> Ranker:
    """The ranker of that name (`hybrid` with this relevance model, or the default one)."""
    if name == "hybrid":
        return HybridRanker(model or default_model())
    rankers: dict[str, type[Ranker]] = {"dense": DenseRanker, "lexical": LexicalRanker}
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
