"""Term analysis for any language, and BM25 weights checked against the formula."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from recommender.lexical import BM25, TermIndex, analyze


def test_analyze_lowercases_and_drops_stop_words_digits_and_single_letters() -> None:
    assert analyze("The Parking OF a City, in 2024: X") == ["parking", "city"]


def test_analyze_drops_french_german_italian_swedish_function_words() -> None:
    assert analyze("les capteurs pour la ville") == ["capteur", "ville"]
    assert analyze("die Sensoren für das Parken") == ["sensoren", "parken"]
    assert analyze("sensori per il parcheggio") == ["sensori", "parcheggio"]
    assert analyze("sensorer för att parkera") == ["sensorer", "parkera"]


@pytest.mark.parametrize(
    ("word", "term"),
    [
        ("sensors", "sensor"),
        ("batteries", "battery"),
        ("bus", "bus"),  # -us is not a plural
        ("buses", "bus"),
        ("boxes", "box"),
        ("switches", "switch"),
        ("addresses", "address"),
        ("warehouses", "warehouse"),
        ("access", "access"),  # nor is -ss
        ("analysis", "analysis"),  # nor -is
        ("cars", "cars"),  # too short to strip safely
        ("cities", "city"),
        ("ties", "ties"),  # short words are left alone
    ],
)
def test_analyze_strips_plural_s(word: str, term: str) -> None:
    assert analyze(word) == [term]


def test_analyze_splits_cjk_runs_into_bigrams() -> None:
    assert analyze("停车位") == ["停车", "车位"]
    assert analyze("车") == ["车"]
    # Latin words between CJK runs stay words.
    assert analyze("智能 parking 传感器") == ["智能", "parking", "传感", "感器"]


def test_analyze_splits_cjk_glued_to_latin() -> None:
    # Chinese text often glues Latin words (brands, acronyms) to characters without spaces.
    assert analyze("基于camera的停车") == ["基于", "camera", "的停", "停车"]
    assert analyze("v2x设备") == ["v2x", "设备"]


def test_analyze_keeps_accented_letters() -> None:
    assert analyze("Véhicules électriques") == ["véhicule", "électrique"]


DOCS = ["parking sensor", "parking parking camera", "waste bin"]


def expected_weight(term: str, doc: int, k1: float = 1.2, b: float = 0.75) -> float:
    terms = [analyze(d) for d in DOCS]
    n = len(DOCS)
    avgdl = sum(len(t) for t in terms) / n
    df = sum(term in t for t in terms)
    idf = math.log1p((n - df + 0.5) / (df + 0.5))
    tf = terms[doc].count(term)
    norm = k1 * (1 - b + b * len(terms[doc]) / avgdl)
    return tf * (k1 + 1) / (tf + norm) * idf


def test_bm25_weights_follow_the_formula() -> None:
    bm25 = BM25().fit(DOCS)
    weights = bm25.transform(DOCS).toarray()
    vocabulary = bm25.terms().tolist()

    assert sorted(vocabulary) == ["bin", "camera", "parking", "sensor", "waste"]
    for doc in range(len(DOCS)):
        for column, term in enumerate(vocabulary):
            assert weights[doc, column] == pytest.approx(expected_weight(term, doc), rel=1e-5)


def test_bm25_rare_terms_weigh_more_and_frequency_saturates() -> None:
    bm25 = BM25().fit(DOCS)
    vocabulary = bm25.terms().tolist()
    weights = bm25.transform(DOCS).toarray()
    parking, sensor = vocabulary.index("parking"), vocabulary.index("sensor")
    # "sensor" is in one document, "parking" in two: same tf and length, higher weight.
    assert weights[0, sensor] > weights[0, parking]

    same_length = BM25().fit(["parking camera", "parking parking", "waste bin"])
    w = same_length.transform(["parking camera", "parking parking"]).toarray()
    column = same_length.terms().tolist().index("parking")
    # Twice the occurrences: more weight, but less than twice as much.
    assert w[0, column] < w[1, column] < 2 * w[0, column]


def test_bm25_queries_are_binary_and_score_by_a_sparse_product() -> None:
    bm25 = BM25().fit(DOCS)
    query = bm25.transform_queries(["parking parking sensors, and unknown words"])
    assert set(query.data.tolist()) == {1.0}
    assert query.nnz == 2  # parking and sensor; unknown words have no column

    scores = np.asarray((bm25.transform(DOCS) @ query.T).todense()).ravel()
    assert scores[0] > scores[1] > scores[2] == 0


def test_bm25_must_be_fitted_first() -> None:
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        BM25().transform(["x"])


@pytest.mark.parametrize("kernel", [True, False])  # scipy's C kernel; the public fallback
def test_term_index_top_is_the_exact_filtered_top_k_with_ties_in_row_order(
    kernel: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not kernel:
        monkeypatch.setattr("recommender.lexical._add_column", None)
    rng = np.random.default_rng(0)
    for _ in range(150):
        n, vocabulary = int(rng.integers(1, 2_000)), int(rng.integers(1, 300))
        # Zipf-like term frequencies and a few distinct weights, so long lists and ties occur.
        density = np.minimum(1, 2.0 / np.arange(1, vocabulary + 1) ** rng.uniform(0.3, 1.2))
        present = rng.random((n, vocabulary)) < density
        weights = present * rng.choice([0.5, 1.0, 2.0], size=(n, vocabulary))
        index = TermIndex(sp.csr_matrix(weights.astype(np.float32)))
        size = int(rng.integers(0, min(vocabulary, 40) + 1))
        terms = rng.choice(vocabulary, size=size, replace=False)
        allowed = rng.random(n) < rng.uniform(0.01, 1)
        k = int(rng.integers(1, 300))
        query = np.zeros(vocabulary, np.float32)
        query[terms] = 1
        full = weights.astype(np.float32) @ query
        scored = np.flatnonzero((full > 0) & allowed)
        expected = scored[np.argsort(-full[scored], kind="stable")[:k]]

        rows, scores = index.top(terms, allowed, k)

        assert rows.tolist() == expected.tolist()
        np.testing.assert_allclose(scores, full[expected], rtol=1e-5)
        np.testing.assert_allclose(index.scores(terms, expected), full[expected], rtol=1e-5)
