"""A disk cache of vectors keyed by model name and text hash.

Re-importing unchanged profiles must not call the model, and rebuilding an index must not
re-embed: vectors are content-addressed in one SQLite file beside the profile store. Lookups
go a chunk of keys per statement, so a million texts cost about a thousand queries.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..atomic import set_aside
from .base import Embedder, Progress

#: Keys per statement: with the model, within SQLite's oldest bound-parameter limit (999).
CHUNK = 900


def text_hash(text: str) -> str:
    """The cache key of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors on disk, one table row per (model, text hash)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # One connection shared by the service's threads: calls are serialised by a lock.
        self._lock = threading.Lock()
        try:
            self._db = _open(path)
        except sqlite3.DatabaseError as exc:
            # Only a cache: a damaged file is set aside and the vectors are embedded again.
            set_aside(path, f"damaged embedding cache ({exc})", SQLITE_COMPANIONS)
            self._db = _open(path)

    def _recover(self, exc: sqlite3.DatabaseError) -> bool:
        """Start a fresh cache file when a query finds this one damaged (lock held)."""
        if not _damaged(exc):
            return False
        self._db.close()
        set_aside(self.path, f"damaged embedding cache ({exc})", SQLITE_COMPANIONS)
        self._db = _open(self.path)
        return True

    def _select(
        self, columns: str, model: str, keys: Sequence[str]
    ) -> Iterator[tuple[dict[str, int], list[Any]]]:
        """One SELECT a chunk of keys; yields each chunk's {key: position in keys} and rows.

        Keys go in sorted order, so that each statement reads one stretch of the index and
        the file's pages are read about once (in file order a million keys took 3x as long).
        The lock is held a statement at a time: a large lookup does not stall the service.
        """
        order = _key_order(keys).tolist()
        for start in range(0, len(order), CHUNK):
            position = {keys[i]: i for i in order[start : start + CHUNK]}
            marks = ",".join("?" * len(position))
            sql = f"SELECT {columns} FROM vectors WHERE model = ? AND hash IN ({marks})"
            with self._lock:
                try:
                    rows = self._db.execute(sql, [model, *position]).fetchall()
                except sqlite3.DatabaseError as exc:
                    if not self._recover(exc):
                        raise
                    return  # the fresh cache holds nothing: every key is a miss
            yield position, rows

    def get(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors among these hashes."""
        found: dict[str, np.ndarray] = {}
        for _, rows in self._select("hash, vector", model, list(dict.fromkeys(hashes))):
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def contains(self, model: str, hashes: Sequence[str]) -> np.ndarray:
        """Which of these distinct hashes are cached (no vector is read)."""
        found = np.zeros(len(hashes), dtype=bool)
        for position, rows in self._select("hash", model, hashes):
            found[[position[key] for (key,) in rows]] = True
        return found

    def lookup(
        self, model: str, hashes: Sequence[str], dimension: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Which of these distinct hashes are cached, and their vectors as rows of one matrix
        (zero rows where not cached, or where a stored vector has another dimension)."""
        found = np.zeros(len(hashes), dtype=bool)
        vectors = np.zeros((len(hashes), dimension), dtype=np.float32)
        size = dimension * np.dtype(np.float32).itemsize
        for position, rows in self._select("hash, vector", model, hashes):
            hits = [(position[key], blob) for key, blob in rows if len(blob) == size]
            if hits:
                where = np.fromiter((i for i, _ in hits), dtype=np.int64, count=len(hits))
                # One buffer a chunk: a million small arrays would cost more than the query.
                blobs = b"".join(blob for _, blob in hits)
                vectors[where] = np.frombuffer(blobs, dtype=np.float32).reshape(-1, dimension)
                found[where] = True
        return found, vectors

    def put(self, model: str, items: dict[str, np.ndarray]) -> None:
        """Store vectors (float32)."""
        self.put_rows(model, list(items), list(items.values()))

    def put_rows(
        self, model: str, hashes: Sequence[str], vectors: np.ndarray | Sequence[np.ndarray]
    ) -> None:
        """Store vectors[i] under hashes[i] (float32), in one transaction."""
        with self._lock:
            try:
                self._insert(model, hashes, vectors)
            except sqlite3.DatabaseError as exc:
                if not self._recover(exc):
                    raise
                self._insert(model, hashes, vectors)  # into the fresh file

    def _insert(
        self, model: str, hashes: Sequence[str], vectors: np.ndarray | Sequence[np.ndarray]
    ) -> None:
        # In key order the index grows at one end: in arrival order, a million rows took 2x.
        rows = (
            (model, hashes[i], np.asarray(vectors[i], dtype=np.float32).tobytes())
            for i in _key_order(hashes).tolist()
        )
        sql = "INSERT OR REPLACE INTO vectors (model, hash, vector) VALUES (?, ?, ?)"
        self._db.executemany(sql, rows)
        self._db.commit()

    def count(self, model: str) -> int:
        """How many vectors are cached for a model."""
        with self._lock:
            try:
                row = self._db.execute("SELECT COUNT(*) FROM vectors WHERE model = ?", [model])
                return int(row.fetchone()[0])
            except sqlite3.DatabaseError as exc:
                if not self._recover(exc):
                    raise
                return 0

    def close(self) -> None:
        with self._lock:  # never while another thread is inside a query
            self._db.close()


SQLITE_COMPANIONS = ("-wal", "-shm")
_MAGIC = b"SQLite format 3\x00"


def _open(path: Path) -> sqlite3.Connection:
    """The cache database, checked enough to find a truncated or overwritten file at once."""
    problem = _file_problem(path)
    if problem:
        raise sqlite3.DatabaseError(problem)
    db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS vectors ("
            " model TEXT NOT NULL, hash TEXT NOT NULL, vector BLOB NOT NULL,"
            " PRIMARY KEY (model, hash))"
        )
        db.commit()
        # The last row lives on the last pages: a cut-off file fails here, not mid-request.
        db.execute("SELECT hash FROM vectors ORDER BY rowid DESC LIMIT 1").fetchall()
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def _file_problem(path: Path) -> str:
    """What is wrong with the file's SQLite header, from its first 100 bytes ('' if fine)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return ""
    if size == 0:
        return ""  # SQLite treats an empty file as a new database
    if len(header) < 100 or not header.startswith(_MAGIC):
        return "not an SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The header's page count is valid when its change counter matches (SQLite's own rule);
    # in WAL mode it is only updated at checkpoints, so the file is never shorter than it.
    if header[24:28] == header[92:96] and size < pages * page_size:
        return f"truncated: {size} bytes, the header says {pages * page_size}"
    return ""


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    # Locks, a full disk and I/O errors are OperationalErrors: they pass, the file is kept.
    return not isinstance(exc, sqlite3.OperationalError)


def _key_order(keys: Sequence[str]) -> np.ndarray:
    """Positions of the keys in sorted order (bytewise, as SQLite compares them)."""
    try:
        return np.argsort(np.array(keys, dtype=np.bytes_), kind="stable")
    except UnicodeEncodeError:  # only text hashes are ASCII, other keys are sorted slowly
        return np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)


@dataclass(frozen=True)
class _Keys:
    """The cache keys of a list of texts, each distinct key once."""

    hashes: list[str]  # distinct, in the order they first appear
    codes: np.ndarray  # each text's index into hashes
    first: np.ndarray  # for each hash, the text it first appears with

    @classmethod
    def of(cls, texts: Sequence[str]) -> _Keys:
        # Every text hashed once; then only the short hashes are compared, not the texts.
        codes, distinct = pd.factorize(np.array([text_hash(t) for t in texts], dtype=object))
        if len(distinct) == len(texts):  # factorize numbers in order: codes are 0..n-1
            first = np.arange(len(texts))
        else:
            first = np.unique(codes, return_index=True)[1]
        return cls(list(distinct), codes, first)

    @property
    def repeats(self) -> bool:
        return len(self.hashes) < len(self.codes)


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
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        keys = _Keys.of(texts)
        found, vectors = self.cache.lookup(self.name, keys.hashes, self.dimension)
        missing = np.flatnonzero(~found)
        if len(missing):
            vectors[missing] = self._embed(texts, keys, missing, progress)
        return vectors[keys.codes] if keys.repeats else vectors

    def embed_missing(self, texts: Sequence[str], progress: Progress | None = None) -> int:
        """Embed and cache the texts the cache lacks, reading no cached vector; how many.
        What an import needs: a million cached vectors take seconds to read back."""
        if not texts:
            return 0
        keys = _Keys.of(texts)
        missing = np.flatnonzero(~self.cache.contains(self.name, keys.hashes))
        if len(missing):
            self._embed(texts, keys, missing, progress)
        return len(missing)

    def _embed(
        self, texts: Sequence[str], keys: _Keys, missing: np.ndarray, progress: Progress | None
    ) -> np.ndarray:
        """Embed the texts of the missing keys, in the order they first appear, and cache them."""
        vectors = self.embedder.encode(
            [texts[i] for i in keys.first[missing]], batch_size=self.batch_size, progress=progress
        )
        self.cache.put_rows(self.name, [keys.hashes[i] for i in missing], vectors)
        self.embedded_count += len(missing)
        return vectors

    def encode_one(self, text: str) -> np.ndarray:
        """One text's vector (queries are cached too: advisors repeat searches)."""
        return self.encode([text])[0]
