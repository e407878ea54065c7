"""Text embeddings behind one interface, with an on-disk cache."""

from .base import Embedder, Progress, l2_normalise
from .cache import CachedEmbedder, EmbeddingCache, text_hash
from .factory import create_embedder

__all__ = [
    "CachedEmbedder",
    "Embedder",
    "EmbeddingCache",
    "Progress",
    "create_embedder",
    "l2_normalise",
    "text_hash",
]
