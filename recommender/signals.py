"""The signals stage: THE one definition of per-pair evidence.

Every path builds its `Signals` here: a single query's pool (`pool_signals`: recommend, fit,
search, and batch ranking, which reuses it per SME) and blocks of (SME, partner) pairs for
missions (`pair_signals` over a Corpus, `block_signals` over plain arrays). A new signal is
added once, in `block_signals` and `pool_signals`, and the rankers see it on every path.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .corpus import Corpus, SideCorpus
from .ranking import Signals
from .retrieval import Query


def pool_signals(
    target: SideCorpus, query: Query, pool: np.ndarray, query_covered: bool
) -> Signals:
    """Signals of one query against the candidate rows `pool` of `target` (1-D arrays)."""
    sector_sim = (
        np.asarray((target.sectors[pool] @ query.sectors.T).todense()).ravel()
        if target.sectors.shape[1]
        else np.zeros(len(pool), dtype=np.float32)
    )
    dense = target.vectors[pool] @ query.vector
    if query.document is not None:  # a partner's query: the SMEs' terms scored in it
        lexical = (binary_rows(target.terms[pool]) @ query.document.T).toarray().ravel()
        dense_mean = target.dense_mean[pool]
        off_mobility = np.full(len(pool), query.off_mobility, np.float32)
    else:
        lexical = target.lexical.scores(query.terms.indices, pool)
        dense_mean = np.float32(query.dense_mean if query.is_sme else 0.0)
        off_mobility = target.off_mobility[pool]
    return Signals(
        dense=dense,
        lexical=np.asarray(lexical, np.float32),
        same_language=target.language.at(pool) == query.language,
        preferred=query.preferred[pool],
        sectors=sector_sim,
        covered=target.covered[pool] & query_covered,
        dense_centred=(dense - dense_mean).astype(np.float32),
        segments=segment_overlap(target.segments[pool], query.segments),
        off_mobility=off_mobility,
    )


def segment_overlap(rows: np.ndarray, query: np.ndarray | None) -> np.ndarray:
    """Probability that two profiles fall in the same segment (product of confidences)."""
    if query is None:
        return np.zeros(rows.shape[0], dtype=np.float32)
    # In float64 then rounded: the same value whatever block shape the product runs in.
    return (np.asarray(rows, np.float64) @ np.asarray(query, np.float64).T).astype(np.float32)


def binary_rows(rows: sp.csr_matrix) -> sp.csr_matrix:
    out = rows.copy()
    out.data[:] = 1.0
    return out


def block_signals(
    sme_vectors: np.ndarray,
    partner_vectors: np.ndarray,
    sme_terms: sp.csr_matrix,
    partner_terms: sp.csr_matrix,
    sme_sectors: sp.csr_matrix,
    partner_sectors: sp.csr_matrix,
    same_language: np.ndarray,
    preferred: np.ndarray,
    covered: np.ndarray,
    sme_segments: np.ndarray | None = None,
    partner_segments: np.ndarray | None = None,
    sme_dense_mean: np.ndarray | None = None,
    partner_off_mobility: np.ndarray | None = None,
) -> Signals:
    """Signals of every (SME, partner) pair of a block, as n_smes x n_partners arrays.

    `sme_terms` are binary query terms, `partner_terms` BM25 weights: their product is each
    pair's BM25, as a single query scores it.
    """
    sectors = (
        (sme_sectors @ partner_sectors.T).toarray()
        if partner_sectors.shape[1]
        else np.zeros((sme_vectors.shape[0], partner_vectors.shape[0]))
    )
    dense = sme_vectors @ partner_vectors.T
    shape = dense.shape
    return Signals(
        dense=dense,
        lexical=(sme_terms @ partner_terms.T).toarray().astype(np.float32),
        same_language=same_language,
        preferred=preferred,
        sectors=sectors.astype(np.float32),
        covered=covered,
        dense_centred=(
            dense - sme_dense_mean[:, None] if sme_dense_mean is not None else dense
        ).astype(np.float32),
        segments=(
            segment_overlap(sme_segments, partner_segments)
            if sme_segments is not None and partner_segments is not None
            else np.zeros(shape, np.float32)
        ),
        off_mobility=np.broadcast_to(
            partner_off_mobility[None, :] if partner_off_mobility is not None else 0.0, shape
        ).astype(np.float32),
    )


def pair_signals(corpus: Corpus, sme_rows: np.ndarray, partner_rows: np.ndarray) -> Signals:
    """`block_signals` for rows of the corpus's two sides."""
    smes, partners = corpus.smes, corpus.partners
    query_terms = smes.terms[sme_rows].copy()
    query_terms.data[:] = 1.0
    partner_types = partners.org_type.at(partner_rows)
    preferred = np.array(
        [np.isin(partner_types, list(smes.records[r].seeking)) for r in sme_rows], dtype=bool
    ).reshape(len(sme_rows), len(partner_rows))
    return block_signals(
        smes.vectors[sme_rows],
        partners.vectors[partner_rows],
        query_terms,
        partners.terms[partner_rows],
        smes.sectors[sme_rows],
        partners.sectors[partner_rows],
        same_language=smes.language.at(sme_rows)[:, None]
        == partners.language.at(partner_rows)[None, :],
        preferred=preferred,
        covered=smes.covered[sme_rows][:, None] & partners.covered[partner_rows][None, :],
        sme_segments=smes.segments[sme_rows],
        partner_segments=partners.segments[partner_rows],
        sme_dense_mean=smes.dense_mean[sme_rows],
        partner_off_mobility=partners.off_mobility[partner_rows],
    )
