"""Rankers, fusion weights, top-k and MMR: pure functions over small arrays."""

from __future__ import annotations

import numpy as np
import pytest

from recommender.ranking import (
    RANKERS,
    DenseRanker,
    HybridRanker,
    LexicalRanker,
    Signals,
    make_ranker,
    mmr,
    top_k,
)
from recommender.relevance import default_model


def signals(**overrides: np.ndarray) -> Signals:
    n = len(next(iter(overrides.values()))) if overrides else 4
    base = {
        "dense": np.zeros(n, np.float32),
        "lexical": np.zeros(n, np.float32),
        "same_language": np.ones(n, bool),
        "preferred": np.zeros(n, bool),
        "sectors": np.zeros(n, np.float32),
        "covered": np.ones(n, bool),
    }
    return Signals(**{**base, **overrides})


def test_dense_and_lexical_rankers_return_their_signal() -> None:
    s = signals(dense=np.array([0.1, 0.9]), lexical=np.array([3.0, 0.0]))
    np.testing.assert_allclose(DenseRanker().score(s), [0.1, 0.9], rtol=1e-6)
    np.testing.assert_allclose(LexicalRanker().score(s), [3.0, 0.0], rtol=1e-6)


def test_hybrid_is_the_relevance_probability_of_each_pair() -> None:
    model = default_model()
    s = signals(dense=np.array([0.1, 0.5, 0.3]), lexical=np.array([0.0, 4.0, 1.0]))
    got = HybridRanker(model).score(s)
    np.testing.assert_allclose(got, model.probability(s), rtol=1e-6)
    assert ((got > 0) & (got < 1)).all()
    assert got[1] > got[2] > got[0]  # more similar and more shared words: more relevant


def test_hybrid_scores_do_not_depend_on_the_pool() -> None:
    ranker = make_ranker("hybrid")
    dense = np.array([0.1, 0.5, 0.3, 0.7], np.float32)
    full = ranker.score(signals(dense=dense, lexical=np.arange(4.0)))
    part = ranker.score(signals(dense=dense[[1, 3]], lexical=np.array([1.0, 3.0])))
    np.testing.assert_allclose(full[[1, 3]], part, rtol=1e-6)


def test_batch_scores_equal_one_query_at_a_time() -> None:
    rng = np.random.default_rng(0)
    batch = signals(
        dense=rng.normal(size=(3, 5)).astype(np.float32),
        lexical=rng.random((3, 5)).astype(np.float32),
        same_language=np.ones((3, 5), bool),
        preferred=np.zeros((3, 5), bool),
        sectors=np.zeros((3, 5), np.float32),
        covered=np.ones((3, 5), bool),
    )
    ranker = make_ranker("hybrid")
    per_row = ranker.score(batch, axis=1)
    for q in range(3):
        one = signals(dense=batch.dense[q], lexical=batch.lexical[q])
        np.testing.assert_allclose(per_row[q], ranker.score(one), rtol=1e-5)


def test_hybrid_prefers_the_sought_type_and_a_shared_segment() -> None:
    base = {"dense": np.full(3, 0.3, np.float32)}
    ranker = make_ranker("hybrid")
    preferred = ranker.score(signals(**base, preferred=np.array([False, True, False])))
    assert preferred[1] > preferred[0]
    shared = ranker.score(signals(**base, segments=np.array([0.0, 0.0, 0.8], np.float32)))
    assert shared[2] > shared[0]
    off = ranker.score(signals(**base, off_mobility=np.array([0.0, 0.9, 0.0], np.float32)))
    assert off[1] < off[0]  # a look-alike outside smart mobility is less of a lead


def test_make_ranker_knows_every_name() -> None:
    assert [make_ranker(name).name for name in RANKERS] == list(RANKERS)
    with pytest.raises(ValueError, match="unknown ranker"):
        make_ranker("random")


def test_top_k_is_best_first_with_stable_ties() -> None:
    scores = np.array([0.3, 0.9, 0.3, 0.1, 0.9])
    assert top_k(scores, 3).tolist() == [1, 4, 0]
    assert top_k(scores, 10).tolist() == [1, 4, 0, 2, 3]
    assert top_k(scores, 0).tolist() == []


@pytest.mark.parametrize("k", [1, 10, 250, 20_000])
def test_top_k_of_a_large_array_is_the_exact_top_k(k: int) -> None:
    rng = np.random.default_rng(k)
    scores = rng.normal(size=300_000).astype(np.float32)
    scores[rng.random(len(scores)) < 0.7] = -np.inf  # a filter, as batch ranking applies it
    assert top_k(scores, k).tolist() == np.argsort(-scores, kind="stable")[:k].tolist()
    # Sorted data is the worst case for a strided sample.
    ordered = np.sort(scores)
    assert top_k(ordered, k).tolist() == np.argsort(-ordered, kind="stable")[:k].tolist()


def test_mmr_without_diversity_keeps_the_score_order() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(8, 5))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = rng.random(8)
    assert mmr(scores, vectors, 5, diversity=0.0).tolist() == top_k(scores, 5).tolist()


def test_mmr_moves_a_near_duplicate_down() -> None:
    # Rows 0 and 1 are the same direction; row 2 is different and a bit less relevant.
    vectors = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    scores = np.array([1.0, 0.95, 0.8, 0.0])

    plain = mmr(scores, vectors, 3, diversity=0.0)
    diverse = mmr(scores, vectors, 3, diversity=0.5)

    assert plain.tolist() == [0, 1, 2]
    # Worked example at diversity 0.5 (relevance rescaled to 0..1, row 3 is 0):
    # second pick: row 1: 0.5*0.95 - 0.5*1 = -0.025; row 2: 0.5*0.8 - 0 = 0.4; row 3: 0.
    # third pick: row 1 still -0.025 (same as row 0), row 3: 0 - 0 = 0: the duplicate is last.
    assert diverse.tolist() == [0, 2, 3]


def test_mmr_returns_k_distinct_rows() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(20, 4))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    picked = mmr(rng.random(20), vectors, 7, diversity=0.7)
    assert len(picked) == len(set(picked.tolist())) == 7
    assert len(mmr(rng.random(3), vectors[:3], 10)) == 3
    assert len(mmr(np.zeros(0), np.zeros((0, 4)), 5)) == 0
