"""The retrieval stage: a query against one side, its filters, and the candidate pool.

Which rows may be returned (`allowed`), and which few of them are scored (the pool): the
dense and the lexical best, so fusion sees every row either signal ranks high.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .corpus import SideCorpus
from .profiles import normalise_org_type
from .ranking import top_k

POOL_MIN = 100  # candidates scored per query: fusion needs more than the `top` it returns


@dataclass
class Query:
    vector: np.ndarray
    terms: sp.csr_matrix  # 1 x vocabulary, binary
    sectors: sp.csr_matrix  # 1 x sector vocabulary, L2-normalised
    language: str
    preferred: np.ndarray  # bool per target row
    allowed: np.ndarray  # bool per target row
    reasons: list[str] = field(default_factory=list)
    markets: tuple[str, ...] | None = None  # partner countries `allowed` is confined to
    segments: np.ndarray | None = None  # the query's segment confidences
    # Pair features are always taken from the SME's side (so a pair scores the same in
    # `recommend` and `fit`): an SME query carries its mean cosine, a partner query its
    # BM25 weights (the SMEs' terms are scored in it) and its look-alike share.
    is_sme: bool = False
    dense_mean: float = 0.0
    document: sp.csr_matrix | None = None
    off_mobility: float = 0.0


def filters(target: SideCorpus, org_types: Sequence[str], cities: Sequence[str]) -> np.ndarray:
    """Rows of the wanted org types and cities (every row when none is asked for)."""
    allowed = np.ones(len(target.records), dtype=bool)
    if org_types:
        allowed &= target.org_type.mask([normalise_org_type(o) for o in org_types])
    if cities:
        allowed &= target.city.mask([c.casefold() for c in cities])
    return allowed


def pool(
    target: SideCorpus,
    query: Query,
    top: int,
    ranker_name: str,
    diversity: float,
    dense_scores: np.ndarray | None = None,
) -> np.ndarray:
    """Candidate rows: the dense and the lexical best `5 * top` (at least POOL_MIN).

    `dense_scores` (every row's, -inf where not allowed) comes from batch ranking; else
    the index is searched. A dense-only or lexical-only ranker without diversity reads one
    list: the other cannot change its top.
    """
    size = max(POOL_MIN, 5 * top)
    parts = []
    if ranker_name != "lexical" or diversity > 0:
        if dense_scores is None:
            _, found = target.index.search(
                query.vector, size, query.allowed, partitions=query.markets
            )
            parts.append(found[0][found[0] >= 0])
        else:
            best = top_k(dense_scores, size)
            parts.append(best[np.isfinite(dense_scores[best])])
    if ranker_name != "dense" or diversity > 0:
        best, _ = target.lexical.top(query.terms.indices, query.allowed, size)
        parts.append(_top_up(best, query.allowed, size))
    return np.unique(np.concatenate(parts))


def _top_up(best: np.ndarray, allowed: np.ndarray, size: int) -> np.ndarray:
    """The lexical pool: the best BM25 rows, then the first unscored allowed rows.

    Filling up in row order when too few rows share a term is what a stable sort of every
    row's score would give.
    """
    if len(best) < size:
        unscored = allowed.copy()
        unscored[best] = False
        best = np.concatenate([best, np.flatnonzero(unscored)[: size - len(best)]])
    return best


def binary(row: sp.csr_matrix) -> sp.csr_matrix:
    out = row.copy()
    out.data[:] = 1.0
    return out
