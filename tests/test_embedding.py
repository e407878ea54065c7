"""The embedder interface, the hashing backend and the on-disk embedding cache."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from corpus import PARTNERS, SMES, CountingEmbedder
from pydantic import ValidationError as PydanticValidationError

from recommender import ConfigurationError, Settings, Workspace
from recommender.embedding import (
    CachedEmbedder,
    Embedder,
    EmbeddingCache,
    create_embedder,
    l2_normalise,
    text_hash,
)
from recommender.embedding.backends import HashingEmbedder
from recommender.embedding.parallel import ParallelEmbedder, default_processes

TEXTS = [
    "Parking sensors detect free spaces.",
    "Waste bins with fill-level sensors.",
    "A much longer text about charging stations for electric vehicles and fast chargers.",
    "ok",
    "Parking sensors detect free spaces.",  # a repeat
]


class ScaledEmbedder(Embedder):
    """Deterministic raw vectors of varying length, to check normalisation and batching."""

    name = "scaled-test"
    dimension = 4
    languages = frozenset({"en", "fr"})

    def __init__(self) -> None:
        self.batches: list[int] = []

    def _encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.batches.append(len(texts))
        return np.array(
            [[len(t), len(t) % 3, 1.0, 0.0] if t else [0, 0, 0, 0] for t in texts],
            dtype=np.float64,
        )


def test_hashing_embedder_is_deterministic_float32_unit_norm() -> None:
    embedder = HashingEmbedder(dimension=128)
    first = embedder.encode(TEXTS)
    second = HashingEmbedder(dimension=128).encode(TEXTS)

    assert first.shape == (len(TEXTS), 128)
    assert first.dtype == np.float32
    assert first.flags["C_CONTIGUOUS"]
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first[0], first[4])
    assert embedder.name == "hashing-char-3-5@128"


def test_hashing_embedder_similarity_follows_shared_words() -> None:
    v = HashingEmbedder().encode(
        [
            "parking sensors for free parking spaces",
            "sensors that find free parking spaces",
            "hydrogen buses for regional transit",
        ]
    )
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_encode_keeps_input_order_across_batches() -> None:
    embedder = ScaledEmbedder()
    texts = [f"text number {'x' * n}" for n in (9, 1, 5, 7, 3, 8, 2)]

    batched = embedder.encode(texts, batch_size=3)
    one_by_one = np.stack([embedder.encode_one(t) for t in texts])

    np.testing.assert_allclose(batched, one_by_one, rtol=1e-6)
    assert embedder.batches[:3] == [3, 3, 1]
    np.testing.assert_allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-6)


def test_encode_reports_progress_up_to_the_total() -> None:
    calls: list[tuple[int, int]] = []
    ScaledEmbedder().encode(["a"] * 7, batch_size=3, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(3, 7), (6, 7), (7, 7)]


def test_encode_of_nothing_is_an_empty_matrix() -> None:
    out = ScaledEmbedder().encode([])
    assert out.shape == (0, 4)
    assert out.dtype == np.float32


def test_l2_normalise_scales_rows_and_keeps_zero_rows() -> None:
    out = l2_normalise(np.array([[3.0, 4.0], [0.0, 0.0], [0.0, -2.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0], [0.0, -1.0]])
    assert out.dtype == np.float32


def test_covers_known_languages_and_assumes_yes_for_unknown() -> None:
    embedder = ScaledEmbedder()
    assert embedder.covers("fr")
    assert not embedder.covers("sv")
    assert embedder.covers("")  # language unknown: no warning
    assert HashingEmbedder().covers("sv")  # languages None: any


def test_create_embedder_by_name() -> None:
    assert isinstance(create_embedder("hashing"), HashingEmbedder)
    with pytest.raises(ConfigurationError, match="unknown embedding backend"):
        create_embedder("word2vec")


@pytest.mark.parametrize("backend", ["hashing", "use-multilingual"])
def test_int8_on_a_backend_without_an_int8_path_is_a_configuration_error(backend: str) -> None:
    # Raised before any model is loaded, so this is fast for USE too.
    with pytest.raises(ConfigurationError) as error:
        create_embedder(backend, int8=True)
    message = str(error.value)
    assert f"'{backend}' embedding backend has no int8 path" in message
    assert "sentence-transformers" in message  # the backend that has one
    assert "CLUSTERMATCH_EMBEDDING_INT8" in message


def test_an_unknown_backend_is_named_before_int8_is_checked() -> None:
    with pytest.raises(ConfigurationError, match="unknown embedding backend 'word2vec'"):
        create_embedder("word2vec", int8=True)


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("0", False)])
def test_embedding_int8_setting_reads_its_environment_variable(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    assert Settings.model_fields["embedding_int8"].default is False
    assert Settings.model_fields["embedding_int8"].description
    monkeypatch.setenv("CLUSTERMATCH_EMBEDDING_INT8", value)
    assert Settings().embedding_int8 is expected


def test_embedding_int8_setting_rejects_a_non_boolean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLUSTERMATCH_EMBEDDING_INT8", "maybe")
    with pytest.raises(PydanticValidationError, match="embedding_int8"):
        Settings()


# --- the cache ------------------------------------------------------------------------------


def test_cache_round_trip_is_per_model(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "sub" / "cache.sqlite")
    vector = np.array([0.6, 0.8], dtype=np.float32)
    cache.put("model-a", {text_hash("hello"): vector})

    found = cache.get("model-a", [text_hash("hello"), text_hash("other")])

    assert list(found) == [text_hash("hello")]
    np.testing.assert_array_equal(found[text_hash("hello")], vector)
    assert cache.get("model-b", [text_hash("hello")]) == {}
    assert (cache.count("model-a"), cache.count("model-b")) == (1, 0)
    cache.close()


def test_cache_get_handles_more_keys_than_sqlite_parameters(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    items = {text_hash(str(i)): np.full(3, i, dtype=np.float32) for i in range(2000)}
    cache.put("m", items)
    found = cache.get("m", list(items))
    assert len(found) == 2000
    np.testing.assert_array_equal(found[text_hash("1999")], np.full(3, 1999, np.float32))
    cache.close()


def test_cached_embedder_embeds_each_new_text_once(tmp_path: Path) -> None:
    model = CountingEmbedder(dimension=64)
    cached = CachedEmbedder(model, EmbeddingCache(tmp_path / "c.sqlite"), batch_size=2)

    first = cached.encode(TEXTS)
    assert cached.embedded_count == len(set(TEXTS))  # the repeat is embedded once
    assert sorted(model.texts) == sorted(set(TEXTS))

    second = cached.encode(list(reversed(TEXTS)))
    assert cached.embedded_count == len(set(TEXTS))
    np.testing.assert_array_equal(second, first[::-1])
    np.testing.assert_allclose(first, model.encode(TEXTS), atol=1e-6)

    cached.encode_one("something new")
    assert cached.embedded_count == len(set(TEXTS)) + 1


def test_cache_is_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    first = CachedEmbedder(CountingEmbedder(64), EmbeddingCache(path))
    vectors = first.encode(TEXTS)
    first.cache.close()

    model = CountingEmbedder(64)
    second = CachedEmbedder(model, EmbeddingCache(path))
    np.testing.assert_array_equal(second.encode(TEXTS), vectors)
    assert second.embedded_count == 0
    assert model.calls == 0
    second.cache.close()


def test_cached_embedder_of_nothing(tmp_path: Path) -> None:
    cached = CachedEmbedder(CountingEmbedder(64), EmbeddingCache(tmp_path / "c.sqlite"))
    assert cached.encode([]).shape == (0, 64)


# --- the cache through the workspace ----------------------------------------------------------


def test_second_import_of_the_same_files_embeds_nothing(
    workspace: Workspace, corpus_files: tuple[Path, Path]
) -> None:
    first = workspace.import_files(*corpus_files)
    assert first.embedded == len(SMES) + len(PARTNERS)
    count = workspace.embedder.embedded_count

    second = workspace.import_files(*corpus_files)

    assert second.embedded == 0
    assert workspace.embedder.embedded_count == count


def test_a_new_workspace_on_the_same_home_reuses_the_disk_cache(
    new_workspace: Callable[..., Workspace], corpus_files: tuple[Path, Path]
) -> None:
    first = new_workspace()
    first.import_files(*corpus_files)
    expected = [lead.profile.id for lead in first.recommend("sme-park")]
    first.close()

    model = CountingEmbedder()
    second = new_workspace(embedder=model)
    report = second.import_files(*corpus_files)

    assert report.embedded == 0
    assert second.embedder.embedded_count == 0
    # The saved index is reused too: answering needs no profile embedding at all.
    assert [lead.profile.id for lead in second.recommend("sme-park", explain=False)] == expected
    assert model.calls == 0


def test_a_new_model_embeds_again(
    new_workspace: Callable[..., Workspace], corpus_files: tuple[Path, Path]
) -> None:
    new_workspace(embedder=CountingEmbedder(dimension=512)).import_files(*corpus_files)
    other = new_workspace(embedder=CountingEmbedder(dimension=256))
    report = other.import_files(*corpus_files)
    assert report.embedded == len(SMES) + len(PARTNERS)
    leads = other.recommend("sme-park", explain=False)
    assert leads[0].profile.id == "p-us-park"


# --- bulk embedding over worker processes ---------------------------------------------------


def parallel_hashing(processes: int, min_texts: int) -> ParallelEmbedder:
    return ParallelEmbedder(
        HashingEmbedder(), partial(create_embedder, "hashing"), processes, min_texts
    )


def test_parallel_embedder_gives_the_models_vectors_in_input_order() -> None:
    # Spawned workers, each building its own hashing model; texts of mixed lengths so the
    # length-sorted chunks are not in input order.
    texts = [f"{'long ' * (i % 17)}profile number {i} about parking" for i in range(300)]
    seen: list[tuple[int, int]] = []
    parallel = parallel_hashing(processes=2, min_texts=1)

    vectors = parallel.encode(texts, batch_size=8, progress=lambda d, t: seen.append((d, t)))

    np.testing.assert_allclose(vectors, HashingEmbedder().encode(texts), atol=1e-6)
    assert seen[-1] == (300, 300) and all(a[0] < b[0] for a, b in itertools.pairwise(seen))
    assert parallel.name == HashingEmbedder().name  # the cache key does not change


def test_small_batches_stay_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a small batch started worker processes")

    monkeypatch.setattr("recommender.embedding.parallel.ProcessPoolExecutor", no_pool)
    parallel = parallel_hashing(processes=2, min_texts=50)
    np.testing.assert_allclose(parallel.encode(TEXTS), HashingEmbedder().encode(TEXTS))
    np.testing.assert_allclose(parallel.encode_one("x"), HashingEmbedder().encode_one("x"))


def test_workspace_asks_for_one_worker_per_core_by_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asked: list[int] = []

    def fake(backend: str, model: str = "", int8: bool = False, processes: int = 1) -> Embedder:
        asked.append(processes)
        return HashingEmbedder()

    monkeypatch.setattr("recommender.workspace.create_embedder", fake)
    for settings in (
        Settings(home=tmp_path / "a"),
        Settings(home=tmp_path / "b", embedding_processes=1),
    ):
        workspace = Workspace(settings)
        assert workspace.embedder.dimension == HashingEmbedder().dimension  # builds the model
        workspace.close()
    assert asked == [default_processes(), 1]
