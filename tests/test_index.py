"""The FAISS index: exact search, filters inside the search, crash-safe save and strict load."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from recommender import ConfigurationError, Workspace
from recommender.index import IDS_FILE, INDEX_FILE, MANIFEST, VectorIndex, read_manifest
from recommender.workspace import _slug

N, DIM = 500, 32


def unit_rows(n: int, dim: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture
def vectors() -> np.ndarray:
    return unit_rows(N, DIM, seed=1)


@pytest.fixture
def index(vectors: np.ndarray) -> VectorIndex:
    return VectorIndex([f"row-{i}" for i in range(N)], vectors, "model-a", "data-1")


@pytest.fixture
def queries() -> np.ndarray:
    return unit_rows(5, DIM, seed=2)


def brute_force(vectors: np.ndarray, query: np.ndarray, k: int, allowed: np.ndarray) -> list[int]:
    scores = np.where(allowed, vectors @ query, -np.inf)
    return [int(i) for i in np.argsort(-scores, kind="stable")[:k]]


def test_search_is_exact_inner_product(
    index: VectorIndex, vectors: np.ndarray, queries: np.ndarray
) -> None:
    scores, rows = index.search(queries, 10)
    assert rows.shape == scores.shape == (5, 10)
    for q, query in enumerate(queries):
        everything = np.ones(N, dtype=bool)
        assert rows[q].tolist() == brute_force(vectors, query, 10, everything)
        np.testing.assert_allclose(scores[q], vectors[rows[q]] @ query, rtol=1e-5, atol=1e-6)


def test_vectors_returns_what_was_added(index: VectorIndex, vectors: np.ndarray) -> None:
    np.testing.assert_array_equal(index.vectors(), vectors)
    assert len(index) == N


def test_filtered_search_keeps_only_allowed_rows_and_returns_k(
    index: VectorIndex, vectors: np.ndarray, queries: np.ndarray
) -> None:
    rng = np.random.default_rng(3)
    allowed = rng.random(N) < 0.1  # about 50 rows pass
    assert allowed.sum() >= 20

    scores, rows = index.search(queries, 20, allowed)

    assert (rows >= 0).all()
    assert np.isfinite(scores).all()
    assert allowed[rows].all()
    for q, query in enumerate(queries):
        assert rows[q].tolist() == brute_force(vectors, query, 20, allowed)


def test_filter_that_keeps_only_the_worst_rows_still_returns_k(
    index: VectorIndex, vectors: np.ndarray, queries: np.ndarray
) -> None:
    # The filter is applied inside the search, not to an unfiltered top-k afterwards: even
    # when only the rows ranking last unfiltered pass, k of them come back.
    query = queries[0]
    order = np.argsort(-(vectors @ query))
    worst = order[-15:]
    allowed = np.zeros(N, dtype=bool)
    allowed[worst] = True

    scores, rows = index.search(query, 10, allowed)

    assert rows.shape == (1, 10)
    assert set(rows[0].tolist()) <= set(worst.tolist())
    assert rows[0].tolist() == brute_force(vectors, query, 10, allowed)
    assert np.isfinite(scores).all()
    assert (np.diff(scores[0]) <= 1e-6).all()  # best first


def test_fewer_allowed_rows_than_k_pads_with_minus_one(
    index: VectorIndex, queries: np.ndarray
) -> None:
    allowed = np.zeros(N, dtype=bool)
    allowed[[7, 99, 321]] = True

    scores, rows = index.search(queries[0], 10, allowed)

    assert sorted(rows[0][:3].tolist()) == [7, 99, 321]
    assert (rows[0][3:] == -1).all()
    assert np.isneginf(scores[0][3:]).all()
    assert np.isfinite(scores[0][:3]).all()


def test_filter_that_keeps_nothing(index: VectorIndex, queries: np.ndarray) -> None:
    scores, rows = index.search(queries, 4, np.zeros(N, dtype=bool))
    assert rows.shape == (5, 4)
    assert (rows == -1).all()
    assert np.isneginf(scores).all()


def test_k_larger_than_the_index_is_capped(vectors: np.ndarray) -> None:
    small = VectorIndex(["a", "b", "c"], vectors[:3], "m", "d")
    _, rows = small.search(vectors[0], 50)
    assert sorted(rows[0].tolist()) == [0, 1, 2]


def test_ids_and_vectors_must_align(vectors: np.ndarray) -> None:
    with pytest.raises(ValueError):
        VectorIndex(["only-one"], vectors[:2], "m", "d")


# --- persistence ------------------------------------------------------------------------------


def test_save_load_round_trip_gives_identical_results(
    tmp_path: Path, index: VectorIndex, queries: np.ndarray
) -> None:
    manifest = index.save(tmp_path / "ix")
    loaded = VectorIndex.load(tmp_path / "ix", model="model-a", data_version="data-1")

    allowed = np.arange(N) % 3 == 0
    for mask in (None, allowed):
        expected = index.search(queries, 15, mask)
        got = loaded.search(queries, 15, mask)
        np.testing.assert_array_equal(got[1], expected[1])
        np.testing.assert_array_equal(got[0], expected[0])
    assert loaded.ids == index.ids
    assert (loaded.model, loaded.data_version, loaded.dimension) == ("model-a", "data-1", DIM)
    assert read_manifest(tmp_path / "ix") == manifest
    assert manifest.count == N


def test_save_leaves_no_temporary_files(tmp_path: Path, index: VectorIndex) -> None:
    folder = tmp_path / "ix"
    index.save(folder)
    index.save(folder)  # overwriting goes through temporary files too
    assert sorted(p.name for p in folder.iterdir()) == sorted([MANIFEST, INDEX_FILE, IDS_FILE])


def test_load_refuses_another_model_or_data_version(tmp_path: Path, index: VectorIndex) -> None:
    index.save(tmp_path)
    with pytest.raises(ConfigurationError, match="model-a"):
        VectorIndex.load(tmp_path, model="model-b")
    with pytest.raises(ConfigurationError, match="data-1"):
        VectorIndex.load(tmp_path, data_version="data-2")
    assert len(VectorIndex.load(tmp_path)) == N  # no expectations: accepted


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda f: (f / INDEX_FILE).write_bytes(b"\x00garbage" * 64), id="garbage"),
        pytest.param(
            lambda f: (f / INDEX_FILE).write_bytes((f / INDEX_FILE).read_bytes()[:1000]),
            id="truncated",
        ),
        pytest.param(lambda f: (f / INDEX_FILE).unlink(), id="index-missing"),
        pytest.param(lambda f: (f / MANIFEST).write_text("{not json"), id="manifest-garbage"),
        pytest.param(lambda f: (f / MANIFEST).unlink(), id="manifest-missing"),
        pytest.param(lambda f: (f / IDS_FILE).write_text("[1, 2"), id="ids-garbage"),
        pytest.param(lambda f: (f / IDS_FILE).write_text('["a", "b"]'), id="ids-short"),
        pytest.param(
            lambda f: (f / MANIFEST).write_text(
                json.dumps({**json.loads((f / MANIFEST).read_text()), "index_sha256": "0" * 64})
            ),
            id="sha-mismatch",
        ),
        pytest.param(
            lambda f: (f / MANIFEST).write_text(
                json.dumps({**json.loads((f / MANIFEST).read_text()), "count": N + 1})
            ),
            id="count-mismatch",
        ),
    ],
)
def test_damaged_index_is_a_configuration_error(
    tmp_path: Path, index: VectorIndex, damage: Callable[[Path], object]
) -> None:
    index.save(tmp_path)
    damage(tmp_path)
    with pytest.raises(ConfigurationError):
        VectorIndex.load(tmp_path, model="model-a", data_version="data-1")


def test_empty_index_round_trips(tmp_path: Path) -> None:
    empty = VectorIndex([], np.zeros((0, 8), dtype=np.float32), "m", "d")
    empty.save(tmp_path)
    loaded = VectorIndex.load(tmp_path)
    assert len(loaded) == 0
    assert loaded.vectors().shape == (0, 8)


# --- the workspace rebuilds what it cannot load -----------------------------------------------


def index_folder(ws: Workspace, side: str) -> Path:
    return ws.settings.index_dir / _slug(ws.embedder.name) / side


@pytest.mark.parametrize("side", ["sme", "partner"])
@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_workspace_rebuilds_a_damaged_index(
    new_workspace: Callable[..., Workspace],
    corpus_files: tuple[Path, Path],
    side: str,
    damage: str,
) -> None:
    first = new_workspace()
    first.import_files(*corpus_files)
    expected = [(lead.profile.id, lead.score) for lead in first.recommend("sme-waste")]
    folder = index_folder(first, side)
    data = (folder / INDEX_FILE).read_bytes()
    assert data  # the first query saved the index
    first.close()

    # A crash half-way through a write: the index no longer matches its manifest.
    (folder / INDEX_FILE).write_bytes(b"garbage!" * 100 if damage == "garbage" else data[:-64])

    second = new_workspace()
    got = [(lead.profile.id, lead.score) for lead in second.recommend("sme-waste")]

    assert [i for i, _ in got] == [i for i, _ in expected]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], rtol=1e-5)
    # ... and the rebuilt index was saved whole again.
    assert (folder / INDEX_FILE).read_bytes() == data
    reloaded = VectorIndex.load(
        folder, model=second.embedder.name, data_version=second.store.data_version(side)
    )
    assert reloaded.ids == [r.id for r in second.store.all(side)]


def test_workspace_rebuilds_when_the_data_changed_behind_its_back(
    new_workspace: Callable[..., Workspace], corpus_files: tuple[Path, Path], tmp_path: Path
) -> None:
    first = new_workspace()
    first.import_files(*corpus_files)
    first.state()
    version = read_manifest(index_folder(first, "partner"))
    assert version is not None

    # Another workspace (another process) removes a partner.
    other = new_workspace()
    kept = corpus_files[1].read_text("utf-8").splitlines()
    trimmed = tmp_path / "trimmed.csv"
    trimmed.write_text("\n".join(line for line in kept if "p-us-park" not in line) + "\n")
    other.import_files(partners=trimmed, replace=True)

    fresh = new_workspace()
    ids = [lead.profile.id for lead in fresh.recommend("sme-park", top=20)]
    assert "p-us-park" not in ids
    rebuilt = read_manifest(index_folder(fresh, "partner"))
    assert rebuilt is not None
    assert rebuilt.data_version != version.data_version
    assert rebuilt.count == version.count - 1


# --- approximate index above the size threshold -------------------------------------------


def clustered_rows(n: int, dim: int, seed: int) -> np.ndarray:
    """Vectors in topical clumps, as sentence embeddings are (uniform noise is no test)."""
    centres = np.random.default_rng(0).normal(size=(1_000, dim))  # shared by data and queries
    rng = np.random.default_rng(seed)
    rows = centres[rng.integers(0, len(centres), n)] + 0.5 * rng.normal(size=(n, dim))
    rows = rows.astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def big() -> tuple[np.ndarray, VectorIndex]:
    vectors = clustered_rows(20_000, 48, seed=3)
    index = VectorIndex(
        [f"row-{i}" for i in range(len(vectors))], vectors, "m", "d", exact_max_rows=5_000
    )
    return vectors, index


def recall_at_10(found: np.ndarray, exact: np.ndarray) -> float:
    pairs = zip(found, exact, strict=True)
    return float(np.mean([len(set(f[:10]) & set(e[:10])) / 10 for f, e in pairs]))


def test_above_the_threshold_the_index_is_approximate(
    big: tuple[np.ndarray, VectorIndex],
) -> None:
    vectors, index = big
    assert not index.exact and index.index_type.startswith("IVF")
    assert VectorIndex(["a"], vectors[:1], "m", "d").exact
    np.testing.assert_array_equal(index.vectors(), vectors)  # row order kept for re-ranking


def test_approximate_search_recalls_the_exact_top_10(
    big: tuple[np.ndarray, VectorIndex], monkeypatch: pytest.MonkeyPatch
) -> None:
    vectors, index = big
    monkeypatch.setattr(index, "probe_share", 0.11)  # 16 of 141 lists: the test can fail
    queries = clustered_rows(200, 48, seed=4)
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]

    scores, rows = index.search(queries, 100)

    assert recall_at_10(rows, exact) >= 0.97
    # Scores are the exact cosines of the rows returned (re-ranked with full vectors).
    np.testing.assert_allclose(scores[:, 0], np.sum(queries * vectors[rows[:, 0]], axis=1), 1e-5)


@pytest.mark.parametrize("fraction", [0.01, 0.3])
@pytest.mark.parametrize("scan_rows", [0, 20_000])
def test_filtered_approximate_search_returns_full_correct_lists(
    big: tuple[np.ndarray, VectorIndex],
    fraction: float,
    scan_rows: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # scan_rows=0 forces the probe path with its bitmap; 20,000 lets small filters be scanned.
    vectors, index = big
    monkeypatch.setattr(index, "subset_scan_rows", scan_rows)
    monkeypatch.setattr(index, "probe_share", 0.17)
    allowed = np.random.default_rng(5).random(len(vectors)) < fraction
    queries = clustered_rows(50, 48, seed=6)
    exact = np.argsort(-np.where(allowed, queries @ vectors.T, -np.inf), axis=1)[:, :10]

    _, rows = index.search(queries, 10, allowed)

    assert (rows >= 0).all(), "every list is full"
    assert allowed[rows].all()
    assert recall_at_10(rows, exact) >= 0.97


def test_approximate_index_round_trips_and_rebuilds_when_the_threshold_moves(
    tmp_path: Path, big: tuple[np.ndarray, VectorIndex]
) -> None:
    _, index = big
    index.save(tmp_path)
    loaded = VectorIndex.load(tmp_path, "m", "d", exact_max_rows=5_000)
    assert loaded.index_type == index.index_type
    queries = clustered_rows(5, 48, seed=7)
    np.testing.assert_array_equal(loaded.search(queries, 10)[1], index.search(queries, 10)[1])
    with pytest.raises(ConfigurationError, match="IVF"):
        VectorIndex.load(tmp_path, "m", "d", exact_max_rows=50_000)


# --- lists partitioned by a label (partner country) ----------------------------------------

COUNTRIES = np.array(["US", "CA", "CN", "SG"])


@pytest.fixture(scope="module")
def partitioned() -> tuple[np.ndarray, np.ndarray, VectorIndex]:
    vectors = clustered_rows(20_000, 48, seed=8)
    labels = np.random.default_rng(9).choice(COUNTRIES, len(vectors), p=[0.4, 0.3, 0.2, 0.1])
    labels[:3] = "FR"  # a partition of three rows still gets its own list
    index = VectorIndex(
        [f"row-{i}" for i in range(len(vectors))],
        vectors,
        "m",
        "d",
        exact_max_rows=5_000,
        partition=labels.tolist(),
    )
    return vectors, labels, index


def list_rows(index: VectorIndex, number: int) -> np.ndarray:
    import faiss

    invlists = index._ivf.invlists
    size = invlists.list_size(number)
    return faiss.rev_swig_ptr(invlists.get_ids(number), size).copy() if size else np.zeros(0)


def test_each_list_holds_one_partition(
    partitioned: tuple[np.ndarray, np.ndarray, VectorIndex],
) -> None:
    vectors, labels, index = partitioned
    assert index.list_partitions is not None
    assert len(index.list_partitions) == index._ivf.nlist
    seen = np.zeros(len(vectors), dtype=bool)
    for number, label in enumerate(index.list_partitions):
        rows = list_rows(index, number).astype(int)
        assert (labels[rows] == label).all()
        seen[rows] = True
    assert seen.all()  # every row is in some list, once
    np.testing.assert_array_equal(index.vectors(), vectors)
    assert set(index.list_partitions) == {*COUNTRIES, "FR"}


@pytest.mark.parametrize("markets", [("US",), ("CA", "SG"), ("CN", "US", "CA"), ("FR",)])
def test_search_within_partitions_recalls_the_exact_filtered_top_10(
    partitioned: tuple[np.ndarray, np.ndarray, VectorIndex],
    markets: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vectors, labels, index = partitioned
    # 29 probes of the 141 lists' worth; hard, noisy clusters: the test can fail.
    monkeypatch.setattr(index, "probe_share", 0.2)
    allowed = np.isin(labels, markets)
    queries = clustered_rows(100, 48, seed=10)
    exact = np.argsort(-np.where(allowed, queries @ vectors.T, -np.inf), axis=1)[:, :10]

    _, with_mask = index.search(queries, 10, allowed, partitions=markets)
    _, without_mask = index.search(queries, 10, partitions=markets)

    for rows in (with_mask, without_mask):
        found = rows[rows >= 0]
        assert np.isin(labels[found], markets).all()
        if allowed.sum() >= 10:
            assert (rows >= 0).all()
            assert recall_at_10(rows, exact) >= 0.97
        else:  # FR: three rows, returned in full, then -1
            assert (np.sort(rows[:, :3], axis=1) == [0, 1, 2]).all()
            assert (rows[:, 3:] == -1).all()


@pytest.mark.parametrize("scan_rows", [0, 20_000])
def test_partitions_and_a_narrow_filter_give_full_correct_lists(
    partitioned: tuple[np.ndarray, np.ndarray, VectorIndex],
    scan_rows: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vectors, labels, index = partitioned
    monkeypatch.setattr(index, "subset_scan_rows", scan_rows)
    monkeypatch.setattr(index, "probe_share", 0.17)
    markets = ("US", "CN")
    allowed = np.isin(labels, markets) & (np.random.default_rng(11).random(len(vectors)) < 0.02)
    queries = clustered_rows(50, 48, seed=12)
    exact = np.argsort(-np.where(allowed, queries @ vectors.T, -np.inf), axis=1)[:, :10]

    _, rows = index.search(queries, 10, allowed, partitions=markets)

    assert (rows >= 0).all()
    assert allowed[rows].all()
    assert recall_at_10(rows, exact) >= 0.97


def test_partitioned_index_round_trips_and_is_rebuilt_when_not_expected(
    tmp_path: Path, partitioned: tuple[np.ndarray, np.ndarray, VectorIndex]
) -> None:
    _, _, index = partitioned
    index.save(tmp_path)
    loaded = VectorIndex.load(tmp_path, "m", "d", exact_max_rows=5_000, partitioned=True)
    assert loaded.list_partitions is not None
    assert loaded.list_partitions.tolist() == index.list_partitions.tolist()  # type: ignore[union-attr]
    queries = clustered_rows(5, 48, seed=13)
    np.testing.assert_array_equal(
        loaded.search(queries, 10, partitions=("CA",))[1],
        index.search(queries, 10, partitions=("CA",))[1],
    )
    with pytest.raises(ConfigurationError, match="partitioned"):
        VectorIndex.load(tmp_path, "m", "d", exact_max_rows=5_000, partitioned=False)
