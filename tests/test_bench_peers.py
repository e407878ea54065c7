"""The scale benchmark's peers (benchmarks/peers.py) answer exactly the brute-force filtered top-k,
and its hardware floors are plain arithmetic. Small random data; no models."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import hardware
import peers

N, D, K = 2000, 32, 10
COUNTRIES = ["DE", "FR", "IT", "ES", "NL", "PL", "SE", "O'Land"]
ORG_TYPES = ["company", "public_authority", "research", "cluster"]


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((N, D)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    frame = pd.DataFrame(
        {
            "id": [f"p{i}" for i in range(N)],
            "country": rng.choice(COUNTRIES, N),
            "org_type": rng.choice(ORG_TYPES, N),
            "city": rng.choice(["a", "b", "c"], N),
        },
        index=np.arange(N) + 1000,  # not a RangeIndex from 0: peers answer positions
    )
    queries = rng.standard_normal((5, D)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    return vectors, frame, queries


def _txtai() -> peers.Peer:
    pytest.importorskip("txtai")
    # Exact at N <= 5,000 (a flat index); all rows as candidates so that SQL filtering after the
    # index search cannot drop any of the top k (see test_txtai_default_candidates_can_fall_short).
    return peers.Txtai(candidates=N)


FACTORIES: dict[str, Callable[[], peers.Peer]] = {
    "pandas-sklearn": peers.PandasSklearnLoop,
    "semantic-search": peers.SemanticSearch,
    "txtai": _txtai,
}
FILTERS = [
    (["DE", "FR", "IT"], None),
    (["DE", "FR", "IT"], "public_authority"),
    (["O'Land"], "research"),  # a quote in a value must not break txtai's SQL
]


@pytest.mark.parametrize("name", list(FACTORIES))
def test_peer_returns_the_exact_top_k(
    name: str, data: tuple[np.ndarray, pd.DataFrame, np.ndarray]
) -> None:
    vectors, frame, queries = data
    before = vectors.copy()
    peer = FACTORIES[name]()
    peer.build(vectors, frame, [f"text {i}" for i in range(N)])
    try:
        for markets, org_type in FILTERS:
            mask = peers.filter_mask(frame, markets, org_type)
            assert 0 < mask.sum() < N
            for query in queries:
                exact = peers.exact_top_k(vectors, mask, query, K)
                assert len(exact) == K
                assert peer.query(query, markets, org_type, K) == exact
        assert peer.query(queries[0], ["XX"], None, K) == []
    finally:
        peer.close()
    np.testing.assert_array_equal(vectors, before)  # nobody normalised in place


def test_txtai_default_candidates_can_fall_short(
    data: tuple[np.ndarray, pd.DataFrame, np.ndarray],
) -> None:
    """txtai's default asks the index for 10 * limit candidates and filters those in SQL: with a
    narrow filter it returns the best of them that pass, a prefix of the exact answer, short
    of k."""
    pytest.importorskip("txtai")
    vectors, frame, queries = data
    peer = peers.Txtai()
    peer.build(vectors, frame, None)
    try:
        markets, org_type = ["O'Land"], "research"
        exact = peers.exact_top_k(
            vectors, peers.filter_mask(frame, markets, org_type), queries[0], K
        )
        found = peer.query(queries[0], markets, org_type, K)
        assert len(found) < K and found == exact[: len(found)]
    finally:
        peer.close()


def test_txtai_reports_its_index() -> None:
    pytest.importorskip("txtai")
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"id": range(6000), "country": "DE", "org_type": "x", "city": "c"})
    vectors = rng.standard_normal((6000, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    default, forced = peers.Txtai(), peers.Txtai(exact=True)
    for peer in (default, forced):
        peer.build(vectors, frame, None)
        peer.close()
    assert not default.exact and "IVF" in default.description  # txtai's choice above 5,000 rows
    assert forced.exact and "IDMap,Flat" in forced.description


def test_exact_top_k_with_few_rows() -> None:
    vectors = np.eye(4, dtype=np.float32)
    mask = np.array([True, False, True, False])
    assert peers.exact_top_k(vectors, mask, np.array([0, 0, 1, 0], np.float32), 10) == [2, 0]
    assert peers.exact_top_k(vectors, np.zeros(4, bool), vectors[0], 10) == []


def test_recall_at_k() -> None:
    assert peers.recall_at_k([1, 2, 3], [1, 2, 3], 3) == 1.0
    assert peers.recall_at_k([3, 2, 1], [1, 2, 3], 3) == 1.0  # order does not count
    assert peers.recall_at_k([1, 9, 8, 2], [1, 2, 3, 4], 4) == 0.5
    assert peers.recall_at_k([1, 2, 3, 4], [1, 2, 3, 4, 5], 2) == 1.0  # first k of each
    assert peers.recall_at_k([2, 1], [1, 2, 3], 3) == pytest.approx(2 / 3)  # fewer found
    assert peers.recall_at_k([1], [1], 10) == 1.0  # fewer than k pass the filter
    assert peers.recall_at_k([], [], 10) == 1.0


def test_floors() -> None:
    assert hardware.floor_scan_ms(1_000_000, 512, 2.048) == pytest.approx(1000.0)
    assert hardware.floor_batch_s(10, 1000, 500, 1.0) == pytest.approx(0.01)
