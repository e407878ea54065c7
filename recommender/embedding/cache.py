"""A disk cache of vectors keyed by model name and text hash.

Re-importing unchanged profiles must not call the model, and rebuilding an index must not
re-embed: vectors are content-addressed in one SQLite file beside the profile store.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .base import Embedder, Progress


def text_hash(text: str) -> str:
    """The cache key of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors on disk, one table row per (model, text hash)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by the service's threads: calls are serialised by a lock.
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors ("
            " model TEXT NOT NULL, hash TEXT NOT NULL, vector BLOB NOT NULL,"
            " PRIMARY KEY (model, hash))"
        )
        self._db.commit()

    def get(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors among these hashes."""
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        with self._lock:
            found.update(self._get(model, unique))
        return found

    def _get(self, model: str, unique: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(unique), 900):  # SQLite's bound-parameter limit
            chunk = unique[start : start + 900]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT hash, vector FROM vectors WHERE model = ? AND hash IN ({marks})",
                [model, *chunk],
            )
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, model: str, items: dict[str, np.ndarray]) -> None:
        """Store vectors (float32)."""
        rows = [(model, key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items.items()]
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (model, hash, vector) VALUES (?, ?, ?)", rows
            )
            self._db.commit()

    def count(self, model: str) -> int:
        """How many vectors are cached for a model."""
        with self._lock:
            row = self._db.execute("SELECT COUNT(*) FROM vectors WHERE model = ?", [model])
            return int(row.fetchone()[0])

    def close(self) -> None:
        with self._lock:  # never while another thread is inside a query
            self._db.close()


class CachedEmbedder:
    """An embedder in front of the cache: only texts never seen by this model are embedded."""

    def __init__(self, embedder: Embedder, cache: EmbeddingCache, batch_size: int = 32):
        self.embedder = embedder
        self.cache = cache
        self.batch_size = batch_size
        #: Texts sent to the model since creation (tests and benchmarks read it).
        self.embedded_count = 0

    @property
    def name(self) -> str:
        return self.embedder.name

    @property
    def dimension(self) -> int:
        return self.embedder.dimension

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Vectors for texts, from the cache where possible."""
        hashes = [text_hash(t) for t in texts]
        found = self.cache.get(self.name, hashes)
        missing: dict[str, str] = {}
        for key, text in zip(hashes, texts, strict=True):
            if key not in found:
                missing.setdefault(key, text)
        if missing:
            vectors = self.embedder.encode(
                list(missing.values()), batch_size=self.batch_size, progress=progress
            )
            new = dict(zip(missing.keys(), vectors, strict=True))
            self.cache.put(self.name, new)
            found.update(new)
            self.embedded_count += len(missing)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([found[k] for k in hashes]).astype(np.float32, copy=False)

    def encode_one(self, text: str) -> np.ndarray:
        """One text's vector (queries are cached too: advisors repeat searches)."""
        return self.encode([text])[0]
