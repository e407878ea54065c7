"""FAISS vector index with its id map and manifest, saved crash-safely.

Vectors are L2-normalised, so inner product is cosine. Filters are FAISS ID selectors applied
inside the search, so a filtered query returns `k` hits whenever `k` rows pass the filter.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from .errors import ConfigurationError

MANIFEST = "manifest.json"
INDEX_FILE = "vectors.faiss"
IDS_FILE = "ids.json"


@dataclass(frozen=True)
class Manifest:
    """What an index on disk was built from; a mismatch means rebuild."""

    model: str
    dimension: int
    count: int
    data_version: str
    index_type: str
    index_sha256: str
    built_at: float


class VectorIndex:
    """Exact inner-product search over a fixed set of rows, with optional row filters."""

    def __init__(self, ids: list[str], vectors: np.ndarray, model: str, data_version: str):
        if len(ids) != len(vectors):
            raise ValueError("ids and vectors differ in length")
        self.ids = ids
        self.model = model
        self.data_version = data_version
        self.dimension = int(vectors.shape[1]) if vectors.ndim == 2 else 0
        self._index: faiss.Index = faiss.IndexFlatIP(self.dimension)
        if len(vectors):
            self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    @classmethod
    def _wrap(
        cls, index: faiss.Index, ids: list[str], model: str, data_version: str
    ) -> VectorIndex:
        self = cls.__new__(cls)
        self.ids, self.model, self.data_version = ids, model, data_version
        self.dimension = index.d
        self._index = index
        return self

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def vectors(self) -> np.ndarray:
        """All stored vectors, in row order (a flat index keeps them as they were added)."""
        if not len(self):
            return np.zeros((0, self.dimension), dtype=np.float32)
        # downcast_index gives a second, non-owning wrapper: self._index keeps the memory alive.
        flat: Any = faiss.downcast_index(self._index)
        return faiss.rev_swig_ptr(flat.get_xb(), len(self) * self.dimension).reshape(
            len(self), self.dimension
        )

    def search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, rows) for each query; `allowed` is a boolean mask over rows.

        Rows are -1 (score -inf) where fewer than k rows pass the filter.
        """
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        k = max(1, min(k, len(self)))
        params = None
        if allowed is not None:
            if len(allowed) != len(self):
                raise ValueError(f"filter mask has {len(allowed)} rows, the index {len(self)}")
            selected = np.flatnonzero(allowed).astype(np.int64)
            if not len(selected):
                n = len(queries)
                return np.full((n, k), -np.inf, np.float32), np.full((n, k), -1, np.int64)
            # A bitmap selector costs one bit per row and O(1) per test.
            bitmap = np.packbits(np.asarray(allowed, dtype=bool), bitorder="little")
            selector = faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap))  # n in bytes
            params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
            scores, rows = self._index.search(queries, k, params=params)
            del bitmap  # the selector points into it; keep it alive until here
        else:
            scores, rows = self._index.search(queries, k)
        scores = np.where(rows < 0, -np.inf, scores).astype(np.float32)
        return scores, rows

    # --- persistence -------------------------------------------------------------------

    def save(self, folder: Path) -> Manifest:
        """Write index, id map and manifest; each file lands whole or not at all."""
        folder.mkdir(parents=True, exist_ok=True)
        data = faiss.serialize_index(self._index).tobytes()
        manifest = Manifest(
            model=self.model,
            dimension=self.dimension,
            count=len(self),
            data_version=self.data_version,
            index_type="IndexFlatIP",
            index_sha256=hashlib.sha256(data).hexdigest(),
            built_at=time.time(),
        )
        # The manifest goes last and names the index's digest: a crash between the writes
        # leaves a manifest that does not match, and the next load rebuilds.
        _atomic_write(folder / INDEX_FILE, data)
        _atomic_write(folder / IDS_FILE, json.dumps(self.ids).encode("utf-8"))
        _atomic_write(folder / MANIFEST, json.dumps(asdict(manifest), indent=2).encode("utf-8"))
        return manifest

    @classmethod
    def load(
        cls, folder: Path, model: str | None = None, data_version: str | None = None
    ) -> VectorIndex:
        """Load a saved index; ConfigurationError if missing, damaged or built from other data."""
        try:
            manifest = Manifest(**json.loads((folder / MANIFEST).read_text("utf-8")))
            data = (folder / INDEX_FILE).read_bytes()
            ids = json.loads((folder / IDS_FILE).read_text("utf-8"))
        except (OSError, ValueError, TypeError) as exc:
            raise ConfigurationError(f"no usable index in {folder}: {exc}") from exc
        if hashlib.sha256(data).hexdigest() != manifest.index_sha256:
            raise ConfigurationError(f"index in {folder} does not match its manifest")
        if model is not None and manifest.model != model:
            raise ConfigurationError(f"index in {folder} was built with {manifest.model}")
        if data_version is not None and manifest.data_version != data_version:
            raise ConfigurationError(f"index in {folder} is for data {manifest.data_version}")
        try:
            index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        except RuntimeError as exc:  # written by another FAISS version, or damaged
            raise ConfigurationError(f"cannot read the index in {folder}: {exc}") from exc
        if index.ntotal != manifest.count or len(ids) != manifest.count:
            raise ConfigurationError(f"index in {folder} has the wrong number of rows")
        return cls._wrap(index, ids, manifest.model, manifest.data_version)


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of a saved index, or None."""
    try:
        return Manifest(**json.loads((folder / MANIFEST).read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
