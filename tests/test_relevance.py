"""The calibrated relevance model and the segment taxonomy: pure functions on small arrays."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from recommender.errors import ConfigurationError, ValidationError
from recommender.relevance import (
    BANDS,
    FEATURES,
    RelevanceModel,
    band,
    band_floor,
    feature_matrix,
    fit_weights,
    load_model,
    model_path,
    reliability,
)
from recommender.segments import (
    apply_corrections,
    confidences,
    description_owners,
    load_taxonomy,
    shared_segment,
    similarities,
    top_segments,
)


@dataclass
class Evidence:
    dense: np.ndarray
    lexical: np.ndarray
    same_language: np.ndarray
    preferred: np.ndarray
    sectors: np.ndarray
    covered: np.ndarray
    dense_centred: np.ndarray
    segments: np.ndarray
    off_mobility: np.ndarray


def evidence(n: int = 3, **overrides: np.ndarray) -> Evidence:
    base = {
        "dense": np.linspace(0.1, 0.6, n, dtype=np.float32),
        "lexical": np.arange(n, dtype=np.float32),
        "same_language": np.array([True, False, True][:n]),
        "preferred": np.zeros(n, bool),
        "sectors": np.zeros(n, np.float32),
        "covered": np.ones(n, bool),
        "dense_centred": np.zeros(n, np.float32),
        "segments": np.zeros(n, np.float32),
        "off_mobility": np.zeros(n, np.float32),
    }
    return Evidence(**{**base, **overrides})


def model(**weights: float) -> RelevanceModel:
    return RelevanceModel("test", tuple(weights.get(f, 0.0) for f in FEATURES), -1.0)


def test_features_interact_with_language_and_coverage() -> None:
    x = feature_matrix(evidence(covered=np.array([True, True, False])))
    col = {name: x[:, i] for i, name in enumerate(FEATURES)}
    np.testing.assert_allclose(col["dense_cross_lingual"], [0.0, 0.35, 0.0])
    np.testing.assert_allclose(col["dense_uncovered"], [0.0, 0.0, 0.6])
    np.testing.assert_allclose(col["lexical"], np.log1p([0.0, 1.0, 2.0]), rtol=1e-6)
    np.testing.assert_allclose(col["lexical_same_language"], np.log1p([0.0, 0.0, 2.0]), rtol=1e-6)


def test_features_broadcast_over_two_dimensional_blocks() -> None:
    ev = evidence(
        dense=np.full((2, 3), 0.5, np.float32),
        lexical=np.zeros((2, 3), np.float32),
        same_language=np.ones((2, 3), bool),
        off_mobility=np.array([0.0, 0.5, 1.0], np.float32),  # per partner, broadcast over SMEs
    )
    assert feature_matrix(ev).shape == (2, 3, len(FEATURES))


def test_probability_is_a_logistic_of_the_weighted_features() -> None:
    m = model(dense=4.0, segments=2.0)
    ev = evidence(segments=np.array([0.0, 1.0, 0.5], np.float32))
    expected = 1 / (1 + np.exp(-(4.0 * ev.dense + 2.0 * ev.segments - 1.0)))
    np.testing.assert_allclose(m.probability(ev), expected, rtol=1e-5)
    assert ((m.probability(ev) > 0) & (m.probability(ev) < 1)).all()


def test_a_pair_scores_the_same_in_any_pool() -> None:
    m = model(dense=3.0, lexical=1.0)
    full = evidence(5, same_language=np.ones(5, bool))
    sub = evidence(5, same_language=np.ones(5, bool))
    sub = Evidence(**{k: v[[1, 3]] for k, v in vars(sub).items()})
    np.testing.assert_array_equal(m.probability(full)[[1, 3]], m.probability(sub))


def test_json_round_trip_and_refusals(tmp_path: Path) -> None:
    m = RelevanceModel("use", tuple(range(len(FEATURES))), 0.5, manifest={"cv": {"auc": 0.9}})
    path = model_path("use", tmp_path)
    m.save(path)
    back = load_model("use", tmp_path)
    assert back == m and back.manifest == {"cv": {"auc": 0.9}}
    with pytest.raises(ConfigurationError, match="clustermatch tune"):
        load_model("other model", tmp_path)
    with pytest.raises(ConfigurationError, match="not a relevance model"):
        RelevanceModel.from_json("{}")
    with pytest.raises(ConfigurationError, match="refit"):
        RelevanceModel("use", (1.0,), 0.0, features=("dense",))


def test_bands_cover_the_unit_interval() -> None:
    assert [band(p) for p in (0.95, 0.7, 0.69, 0.5, 0.3, 0.2, 0.19, 0.0)] == [
        "strong",
        "strong",
        "good",
        "good",
        "weak",
        "weak",
        "not a lead",
        "not a lead",
    ]
    assert band_floor("good") == 0.5 and band_floor("not a lead") == 0.0
    assert [floor for _, floor in BANDS] == sorted((f for _, f in BANDS), reverse=True)


def test_fitted_weights_recover_a_separable_signal() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, len(FEATURES))).astype(np.float32)
    y = x[:, 0] + 0.1 * rng.normal(size=400) > 0.5
    coefficients, intercept = fit_weights(x, y)
    assert coefficients[0] == max(coefficients) and coefficients[0] > 3
    m = RelevanceModel("t", coefficients, intercept)
    rows = reliability(m.probability_of(x), y)
    by_band = {r["band"]: r for r in rows}
    assert sum(r["pairs"] for r in rows) == 400
    assert by_band["strong"]["relevant"] > 0.9 and by_band["not a lead"]["relevant"] < 0.1


def test_taxonomy_loads_with_look_alikes() -> None:
    taxonomy = load_taxonomy()
    assert len(set(taxonomy.ids)) == len(taxonomy.ids)
    assert {"ticketing_maas", "event_ticketing", "shared_micromobility"} <= set(taxonomy.ids)
    assert not taxonomy.mobility[taxonomy.ids.index("event_ticketing")]
    assert taxonomy.mobility[taxonomy.ids.index("ticketing_maas")]
    assert all(s.descriptions for s in taxonomy.segments)
    with pytest.raises(ValidationError, match="unknown segment"):
        taxonomy.check(["ticketing_maas", "teleportation"])


def test_similarity_is_the_closest_description_of_each_segment() -> None:
    taxonomy = load_taxonomy()
    texts, owners = description_owners(taxonomy)
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(4, 8)).astype(np.float32)
    descriptions = rng.normal(size=(len(texts), 8)).astype(np.float32)
    out = similarities(vectors, descriptions, owners, len(taxonomy.segments))
    brute = np.stack(
        [(vectors @ descriptions.T)[:, owners == k].max(1) for k in range(len(taxonomy.ids))], 1
    )
    np.testing.assert_allclose(out, brute, rtol=1e-5, atol=1e-6)


def test_confidences_and_corrections() -> None:
    taxonomy = load_taxonomy()
    k = len(taxonomy.ids)
    sim = np.zeros((2, k), np.float32)
    sim[0, 0], sim[1, 1] = 0.5, 0.4
    conf = confidences(sim)
    np.testing.assert_allclose(conf.sum(1), 1.0, rtol=1e-5)
    assert conf[0].argmax() == 0 and conf[1].argmax() == 1
    assert top_segments(conf[0], taxonomy)[0][0] == taxonomy.ids[0]
    fixed = apply_corrections(conf, ["a", "b"], {"b": [taxonomy.ids[0], taxonomy.ids[2]]}, taxonomy)
    assert fixed[1, 0] == fixed[1, 2] == 0.5 and fixed[1].sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(fixed[0], conf[0])
    assert shared_segment(fixed[0], fixed[1], taxonomy) == taxonomy.ids[0]
    off = taxonomy.ids.index("event_ticketing")
    only_off = np.zeros(k, np.float32)
    only_off[off] = 1.0
    assert shared_segment(only_off, only_off, taxonomy) is None
