"""FAISS vector index with its id map and manifest, saved crash-safely.

Vectors are L2-normalised, so inner product is cosine. Filters are applied inside the search,
so a filtered query returns `k` hits whenever `k` rows pass the filter.

Up to `exact_max_rows` rows the index is an exact flat scan. Above it, an inverted file of
8-bit codes finds candidates and the full vectors re-rank them exactly (FAISS
``IVF{n},SQ8,RFlat``): a query reads a few percent of the codes instead of every vector.
A filter's bitmap is tested inside the scan; the number of lists probed grows as the filter
narrows, and a filter small enough to scan outright is searched exactly over its rows.
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
from .ranking import top_k

MANIFEST = "manifest.json"
INDEX_FILE = "vectors.faiss"
IDS_FILE = "ids.json"
EXACT = "IndexFlatIP"


def approximate_factory(rows: int) -> str:
    """FAISS factory string of the approximate index for that many rows."""
    # sqrt(n) lists keeps training and assignment at seconds for a million rows on 2 cores;
    # k-means wants at least 39 training rows per list.
    return f"IVF{max(1, min(int(np.sqrt(rows)), rows // 39))},SQ8,RFlat"


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


def index_type_for(rows: int, exact_max_rows: int) -> str:
    """The index kind a corpus of that size gets."""
    return EXACT if rows <= exact_max_rows else approximate_factory(rows)


class VectorIndex:
    """Inner-product search over a fixed set of rows, with optional row filters."""

    #: Share of the lists probed per query (at least 8), before widening for a filter:
    #: 4% kept recall@10 at 0.995 on clustered 512-d data at 300k rows, in 4 ms a query.
    probe_share = 0.04
    #: A filtered query never gathers more rows than this for an exact scan of them.
    subset_scan_rows = 250_000

    def __init__(
        self,
        ids: list[str],
        vectors: np.ndarray,
        model: str,
        data_version: str,
        exact_max_rows: int = 20_000,
    ):
        if len(ids) != len(vectors):
            raise ValueError("ids and vectors differ in length")
        self.ids = ids
        self.model = model
        self.data_version = data_version
        self.dimension = int(vectors.shape[1]) if vectors.ndim == 2 else 0
        self.index_type = index_type_for(len(ids), exact_max_rows)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if self.index_type == EXACT:
            self._index: faiss.Index = faiss.IndexFlatIP(self.dimension)
        else:
            self._index = faiss.index_factory(
                self.dimension, self.index_type, faiss.METRIC_INNER_PRODUCT
            )
            self._index.train(_training_sample(vectors, self.index_type))
        if len(vectors):
            self._index.add(vectors)
        self._bind()

    @classmethod
    def _wrap(
        cls, index: faiss.Index, ids: list[str], model: str, data_version: str, index_type: str
    ) -> VectorIndex:
        self = cls.__new__(cls)
        self.ids, self.model, self.data_version = ids, model, data_version
        self.dimension = index.d
        self.index_type = index_type
        self._index = index
        self._bind()
        return self

    def _bind(self) -> None:
        # downcast_index gives second, non-owning wrappers: self._index keeps the memory alive.
        outer: Any = faiss.downcast_index(self._index)
        self._flat: Any = (
            outer if self.index_type == EXACT else faiss.downcast_index(outer.refine_index)
        )
        self._ivf: Any = (
            None if self.index_type == EXACT else faiss.downcast_index(outer.base_index)
        )

    @property
    def exact(self) -> bool:
        """True when every search scans all vectors."""
        return self.index_type == EXACT

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def vectors(self) -> np.ndarray:
        """All stored vectors, in row order (a read-only view, no copy)."""
        if not len(self):
            return np.zeros((0, self.dimension), dtype=np.float32)
        return faiss.rev_swig_ptr(self._flat.get_xb(), len(self) * self.dimension).reshape(
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
        passing = len(self)
        bitmap = None
        if allowed is not None:
            if len(allowed) != len(self):
                raise ValueError(f"filter mask has {len(allowed)} rows, the index {len(self)}")
            selected = np.flatnonzero(allowed)
            passing = len(selected)
            if not passing:
                n = len(queries)
                return np.full((n, k), -np.inf, np.float32), np.full((n, k), -1, np.int64)
            if not self.exact and self._scan_is_cheaper(passing):
                return self._scan_rows(queries, k, selected)
            # A bitmap selector costs one bit per row and O(1) per test.
            bitmap = np.packbits(np.asarray(allowed, dtype=bool), bitorder="little")
        params = self._params(bitmap, passing)
        scores, rows = self._index.search(queries, k, params=params)
        del bitmap  # the selector points into it; keep it alive until here
        scores = np.where(rows < 0, -np.inf, scores).astype(np.float32)
        return scores, rows

    def _probes(self, passing: int) -> int:
        # A filter passing a fraction f of the rows leaves about f of each list: probe 1/f as
        # many lists so as many passing candidates are compared as without a filter.
        nlist = int(self._ivf.nlist)
        nprobe = max(8, self.probe_share * nlist)
        return min(nlist, int(np.ceil(nprobe * len(self) / max(passing, 1))))

    def _scan_is_cheaper(self, passing: int) -> bool:
        """Whether reading the passing rows' float vectors beats probing the 8-bit lists."""
        if passing > self.subset_scan_rows:
            return False
        probed_codes = self._probes(passing) * len(self) / int(self._ivf.nlist) * self.dimension
        return passing * self.dimension * 4 <= probed_codes

    def _params(self, bitmap: np.ndarray | None, passing: int) -> Any:
        selector = (
            None if bitmap is None else faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap))
        )
        if self.exact:
            return None if selector is None else faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
        base = faiss.SearchParametersIVF(nprobe=self._probes(passing))  # type: ignore[call-arg]
        if selector is not None:
            base.sel = selector
        return faiss.IndexRefineSearchParameters(k_factor=2, base_index_params=base)  # type: ignore[call-arg]

    def _scan_rows(
        self, queries: np.ndarray, k: int, rows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact search over a few rows, by one matrix product."""
        scores = queries @ self.vectors()[rows].T
        k_rows = min(k, len(rows))
        out_scores = np.full((len(queries), k), -np.inf, np.float32)
        out_rows = np.full((len(queries), k), -1, np.int64)
        for i, row_scores in enumerate(scores):
            best = top_k(row_scores, k_rows)
            out_scores[i, :k_rows] = row_scores[best]
            out_rows[i, :k_rows] = rows[best]
        return out_scores, out_rows

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
            index_type=self.index_type,
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
        cls,
        folder: Path,
        model: str | None = None,
        data_version: str | None = None,
        exact_max_rows: int | None = None,
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
        if (
            exact_max_rows is not None
            and index_type_for(manifest.count, exact_max_rows) != manifest.index_type
        ):
            raise ConfigurationError(f"index in {folder} is a {manifest.index_type}")
        try:
            index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        except RuntimeError as exc:  # written by another FAISS version, or damaged
            raise ConfigurationError(f"cannot read the index in {folder}: {exc}") from exc
        if index.ntotal != manifest.count or len(ids) != manifest.count:
            raise ConfigurationError(f"index in {folder} has the wrong number of rows")
        return cls._wrap(index, ids, manifest.model, manifest.data_version, manifest.index_type)


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of a saved index, or None."""
    try:
        return Manifest(**json.loads((folder / MANIFEST).read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _training_sample(vectors: np.ndarray, factory: str) -> np.ndarray:
    """Rows to train the coarse quantiser on: 50 per list is plenty for k-means."""
    nlist = int(factory.split(",")[0].removeprefix("IVF"))
    size = min(len(vectors), 50 * nlist)
    if size == len(vectors):
        return vectors
    rows = np.sort(np.random.default_rng(0).choice(len(vectors), size, replace=False))
    return vectors[rows]


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
