"""Rankers, fusion weights, top-k and MMR: pure functions over small arrays."""

from __future__ import annotations

import numpy as np
import pytest

from recommender.ranking import (
    RANKERS,
    DenseRanker,
    HybridRanker,
    HybridWeights,
    LexicalRanker,
    Signals,
    make_ranker,
    mmr,
    top_k,
    zscore,
)


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


def test_zscore_standardises() -> None:
    values = np.array([1.0, 2.0, 3.0, 6.0])
    out = zscore(values)
    np.testing.assert_allclose(out, (values - 3.0) / np.std(values), rtol=1e-6)
    assert out.mean() == pytest.approx(0.0, abs=1e-6)
    assert out.std() == pytest.approx(1.0, rel=1e-5)


@pytest.mark.parametrize("values", [[5.0, 5.0, 5.0], [2.0], []])
def test_zscore_of_constant_or_tiny_pools_is_zero(values: list[float]) -> None:
    out = zscore(np.array(values))
    assert out.shape == (len(values),)
    assert not out.any()


def test_dense_and_lexical_rankers_return_their_signal() -> None:
    s = signals(dense=np.array([0.1, 0.9, 0.5]), lexical=np.array([3.0, 0.0, 7.0]))
    np.testing.assert_allclose(DenseRanker().score(s), [0.1, 0.9, 0.5], rtol=1e-6)
    np.testing.assert_allclose(LexicalRanker().score(s), [3.0, 0.0, 7.0])


def test_hybrid_score_is_the_documented_sum() -> None:
    dense = np.array([0.2, 0.4, 0.9, 0.5])
    lexical = np.array([0.0, 5.0, 1.0, 2.0])
    same = np.array([True, False, True, True])
    preferred = np.array([False, True, False, False])
    sectors = np.array([0.0, 0.5, 1.0, 0.0])
    w = HybridWeights()
    dz = (dense - dense.mean()) / dense.std()
    lz = (lexical - lexical.mean()) / lexical.std()
    lexical_weight = np.where(same, w.lexical_same_language, w.lexical_cross_language)
    expected = dz + lexical_weight * lz + w.preferred_type * preferred + w.sectors * sectors

    got = HybridRanker().score(
        signals(
            dense=dense, lexical=lexical, same_language=same, preferred=preferred, sectors=sectors
        )
    )

    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_hybrid_trusts_words_more_where_the_model_does_not_know_the_language() -> None:
    dense = np.array([0.2, 0.4, 0.9, 0.5])
    lexical = np.array([0.0, 5.0, 1.0, 2.0])
    same = np.array([False, False, True, False])
    covered = np.array([True, False, True, False])
    w = HybridWeights()
    dz = (dense - dense.mean()) / dense.std()
    lz = (lexical - lexical.mean()) / lexical.std()
    dense_weight = np.where(covered, 1.0, w.dense_uncovered)
    lexical_weight = np.where(same | ~covered, w.lexical_same_language, w.lexical_cross_language)

    got = HybridRanker().score(
        signals(dense=dense, lexical=lexical, same_language=same, covered=covered)
    )

    np.testing.assert_allclose(got, dense_weight * dz + lexical_weight * lz, rtol=1e-5, atol=1e-6)
    assert w.dense_uncovered < 1.0


def test_batch_scores_normalise_along_the_candidate_axis() -> None:
    rng = np.random.default_rng(4)
    shape = (3, 6)  # queries x candidates
    batch = signals(
        dense=rng.random(shape).astype(np.float32),
        lexical=rng.random(shape).astype(np.float32) * 5,
        same_language=rng.random(shape) < 0.5,
        preferred=rng.random(shape) < 0.3,
        sectors=rng.random(shape).astype(np.float32),
        covered=rng.random(shape) < 0.7,
    )
    per_row = HybridRanker().score(batch, axis=1)
    per_column = HybridRanker().score(batch, axis=0)

    for q in range(shape[0]):
        one = Signals(*(getattr(batch, f)[q] for f in batch.__dataclass_fields__))
        np.testing.assert_allclose(per_row[q], HybridRanker().score(one), rtol=1e-5, atol=1e-5)
    for c in range(shape[1]):
        one = Signals(*(getattr(batch, f)[:, c] for f in batch.__dataclass_fields__))
        np.testing.assert_allclose(
            per_column[:, c], HybridRanker().score(one), rtol=1e-5, atol=1e-5
        )


def test_zscore_along_an_axis() -> None:
    values = np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]])
    out = zscore(values, axis=1)
    np.testing.assert_allclose(out[0], [-1.2247449, 0.0, 1.2247449], rtol=1e-5)
    assert not out[1].any()


def test_hybrid_counts_lexical_evidence_less_across_languages() -> None:
    dense = np.array([0.5, 0.5, 0.1])
    lexical = np.array([4.0, 4.0, 0.0])
    score = HybridRanker().score(
        signals(dense=dense, lexical=lexical, same_language=np.array([True, False, True]))
    )
    assert score[0] > score[1]


def test_hybrid_prefers_the_sought_type_and_shared_sectors() -> None:
    base = {"dense": np.array([0.5, 0.5, 0.5]), "lexical": np.array([1.0, 1.0, 1.0])}
    preferred = HybridRanker().score(signals(**base, preferred=np.array([False, True, False])))
    assert preferred[1] > preferred[0] == preferred[2]
    sectors = HybridRanker().score(signals(**base, sectors=np.array([0.0, 0.0, 0.8])))
    assert sectors[2] > sectors[0] == sectors[1]


def test_hybrid_weights_can_be_changed() -> None:
    s = signals(dense=np.array([0.9, 0.1]), preferred=np.array([False, True]))
    assert HybridRanker().score(s)[0] > HybridRanker().score(s)[1]
    boosted = HybridRanker(HybridWeights(preferred_type=5.0)).score(s)
    assert boosted[1] > boosted[0]


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
