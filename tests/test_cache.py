"""The embedding cache at scale: many keys a statement, repeats embedded once, order kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from corpus import CountingEmbedder

from recommender.embedding import CachedEmbedder, EmbeddingCache, l2_normalise, text_hash
from recommender.embedding.cache import CHUNK


def selects(cache: EmbeddingCache) -> list[str]:
    """Records the SELECT statements the cache's connection runs from now on."""
    seen: list[str] = []
    cache._db.set_trace_callback(lambda sql: seen.append(sql) if sql.startswith("SELECT") else None)
    return seen


def test_lookup_fills_a_matrix_across_chunks(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    keys = [text_hash(str(i)) for i in range(2 * CHUNK + 10)]
    cache.put_rows("m", keys[::2], [np.full(3, i, np.float32) for i in range(0, len(keys), 2)])
    statements = selects(cache)

    found, vectors = cache.lookup("m", keys, 3)

    assert len(statements) == 3  # ceil(1810 / 900): never one query a key
    np.testing.assert_array_equal(found, np.arange(len(keys)) % 2 == 0)
    np.testing.assert_array_equal(vectors[:, 0], np.where(found, np.arange(len(keys)), 0))
    np.testing.assert_array_equal(cache.contains("m", keys), found)
    cache.close()


def test_a_vector_of_another_dimension_counts_as_missing(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    cache.put("m", {text_hash("a"): np.ones(4, np.float32), text_hash("b"): np.ones(3, np.float32)})
    found, _ = cache.lookup("m", [text_hash("a"), text_hash("b")], 3)
    assert found.tolist() == [False, True]
    cache.close()


def test_encode_embeds_each_distinct_text_once_and_keeps_order(tmp_path: Path) -> None:
    model = CountingEmbedder(dimension=32)
    cached = CachedEmbedder(model, EmbeddingCache(tmp_path / "c.sqlite"), batch_size=64)
    texts = [f"text {i % 1500}" for i in range(2500)]  # 1000 repeats

    vectors = cached.encode(texts)

    assert cached.embedded_count == 1500
    assert sorted(model.texts) == sorted(set(texts))
    np.testing.assert_allclose(vectors, model.encode(texts), atol=1e-6)

    again = cached.encode(list(reversed(texts)))
    assert cached.embedded_count == 1500
    np.testing.assert_array_equal(again, vectors[::-1])


def test_a_warm_encode_reads_the_cache_a_chunk_at_a_time(tmp_path: Path) -> None:
    cached = CachedEmbedder(CountingEmbedder(dimension=16), EmbeddingCache(tmp_path / "c.sqlite"))
    texts = [f"profile {i}" for i in range(3 * CHUNK)]
    cached.encode(texts)
    statements = selects(cached.cache)

    cached.encode(texts)

    assert cached.embedded_count == len(texts)  # nothing new
    assert len(statements) == 3


def test_embed_missing_embeds_only_new_texts_without_reading_vectors(tmp_path: Path) -> None:
    model = CountingEmbedder(dimension=16)
    cached = CachedEmbedder(model, EmbeddingCache(tmp_path / "c.sqlite"))
    cached.encode(["a", "b"])
    statements = selects(cached.cache)

    assert cached.embed_missing(["a", "b", "c", "c", "d"]) == 2
    assert cached.embed_missing([]) == 0

    assert model.texts == ["a", "b", "c", "d"]
    assert all("vector" not in sql.split("FROM")[0] for sql in statements)
    np.testing.assert_allclose(cached.encode(["d", "c"]), model.encode(["d", "c"]), atol=1e-6)
    assert cached.embedded_count == 4


def test_l2_normalise_in_place_only_when_asked() -> None:
    vectors = np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32)
    copy = l2_normalise(vectors)
    assert copy is not vectors and vectors[0, 0] == 3.0
    assert l2_normalise(vectors, in_place=True) is vectors
    np.testing.assert_array_equal(vectors, copy)
    np.testing.assert_allclose(vectors, [[0.6, 0.8], [0.0, 0.0]])
