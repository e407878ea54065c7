"""The embedder interface: one abstract batch method, float32 L2-normalised output."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

import numpy as np

Progress = Callable[[int, int], None]
"""Called as progress(done, total) while a long batch is embedded."""


def l2_normalise(vectors: np.ndarray, in_place: bool = False) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as contiguous float32; in place
    when asked and the array already is contiguous float32 (no second copy of a big batch)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    if in_place and vectors.flags.c_contiguous and vectors.flags.writeable:
        vectors /= norms
        return vectors
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


class Embedder(ABC):
    """Turns texts into unit vectors, so inner product equals cosine."""

    #: Stable identifier used as the cache key and in index manifests.
    name: str
    dimension: int
    #: ISO 639-1 codes the model understands; None means "any".
    languages: frozenset[str] | None = None

    @abstractmethod
    def _encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Embed one batch (the backend's own call)."""

    def encode(
        self, texts: Sequence[str], batch_size: int = 32, progress: Progress | None = None
    ) -> np.ndarray:
        """Embed texts in batches; returns an (n, dimension) float32 L2-normalised array."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Sorting by length keeps padding (and so wasted work) small inside each batch.
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = self._encode_batch([texts[i] for i in chunk])
            if progress:
                progress(min(start + batch_size, len(texts)), len(texts))
        return l2_normalise(out, in_place=True)

    def encode_one(self, text: str) -> np.ndarray:
        """Embed a single text; a (dimension,) vector."""
        return self.encode([text])[0]

    def covers(self, language: str) -> bool:
        """Whether the model was trained on this language (unknown language: assume yes)."""
        return self.languages is None or not language or language in self.languages
