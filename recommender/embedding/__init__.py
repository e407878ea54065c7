"""Text embeddings behind one interface, with an on-disk cache."""

from .backends import create_embedder
from .base import Embedder, Progress, l2_normalise
from .cache import CachedEmbedder, EmbeddingCache, text_hash

__all__ = [
    "CachedEmbedder",
    "Embedder",
    "EmbeddingCache",
    "Progress",
    "create_embedder",
    "l2_normalise",
    "text_hash",
]
