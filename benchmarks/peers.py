"""What a user would otherwise write for "one SME's leads", on the same vectors ClusterMatch uses.

Imported by the scale benchmark. Every peer answers the same query: one SME's vector, a filter
(partner country in the SME's target markets, optionally also org_type == X) and k; it returns
the top-k partner row indices by cosine, best first. Vectors are float32 and L2-normalised,
shape (N, d); `frame` has one row per vector, in the same order, with columns id, country,
org_type, city.

- `PandasSklearnLoop`: a data scientist's DataFrame + sklearn `cosine_similarity` + pandas top-k.
- `SemanticSearch`: sentence-transformers' `util.semantic_search` over torch tensors.
- `Txtai`: a txtai `Embeddings` index on external vectors (faiss backend, content storage) filtered
  with txtai SQL. txtai's faiss backend is exact up to 5,000 rows and an IVF index above that; see
  `Txtai.exact` and `Txtai.description`. Optional: `pip install '.[bench]'`.

`exact_top_k` is the brute-force reference and `recall_at_k` scores a peer against it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd

FRAME_COLUMNS = ("id", "country", "org_type", "city")


class Peer(Protocol):
    name: str

    def build(self, vectors: np.ndarray, frame: pd.DataFrame, texts: list[str] | None) -> None: ...

    def query(
        self, vector: np.ndarray, markets: Sequence[str], org_type: str | None, k: int
    ) -> list[int]: ...

    def close(self) -> None: ...


# --- reference --------------------------------------------------------------------------------


def filter_mask(frame: pd.DataFrame, markets: Sequence[str], org_type: str | None) -> np.ndarray:
    """Boolean mask over the frame's rows: country in markets, and org_type == org_type if given."""
    mask = frame["country"].isin(list(markets)).to_numpy()
    if org_type is not None:
        mask = mask & (frame["org_type"] == org_type).to_numpy()
    return mask


def exact_top_k(vectors: np.ndarray, mask: np.ndarray, vector: np.ndarray, k: int) -> list[int]:
    """Brute-force top-k row indices by inner product (= cosine on normalised vectors) among the
    rows where mask is true, best first; ties go to the lower row index."""
    rows = np.flatnonzero(mask)
    if rows.size == 0 or k <= 0:
        return []
    scores = vectors[rows] @ np.asarray(vector, dtype=vectors.dtype).reshape(-1)
    part = np.argpartition(-scores, k - 1)[:k] if k < rows.size else np.arange(rows.size)
    order = part[np.lexsort((rows[part], -scores[part]))]
    return [int(r) for r in rows[order]]


def recall_at_k(found: Sequence[int], exact: Sequence[int], k: int) -> float:
    """Share of the exact top-k (its first k entries) that appear in the first k found rows.

    When fewer than k rows pass the filter, the denominator is the size of the exact answer; an
    empty exact answer gives 1.0 (nothing to find).
    """
    truth = set(list(exact)[:k])
    if not truth:
        return 1.0
    return len(truth & set(list(found)[:k])) / len(truth)


def _check(vectors: np.ndarray, frame: pd.DataFrame) -> None:
    if vectors.ndim != 2 or vectors.dtype != np.float32:
        raise ValueError(f"expected a float32 (N, d) matrix, got {vectors.dtype} {vectors.shape}")
    if len(frame) != vectors.shape[0]:
        raise ValueError(f"frame has {len(frame)} rows for {vectors.shape[0]} vectors")
    missing = [c for c in ("country", "org_type") if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks columns {missing}")


# --- peers ------------------------------------------------------------------------------------


class PandasSklearnLoop:
    """The partners as a DataFrame with the embeddings as a parallel matrix: filter rows with
    pandas, `sklearn.metrics.pairwise.cosine_similarity` against the filtered rows, top-k with
    pandas `nlargest`. `cosine_similarity` re-normalises both sides on every call, as it would
    for a user who does not know the vectors are already unit length."""

    name = "pandas + sklearn"

    def __init__(self) -> None:
        self.frame = pd.DataFrame()
        self.vectors = np.empty((0, 0), dtype=np.float32)

    def build(self, vectors: np.ndarray, frame: pd.DataFrame, texts: list[str] | None) -> None:
        _check(vectors, frame)
        self.frame = frame.reset_index(drop=True)
        self.vectors = vectors

    def query(
        self, vector: np.ndarray, markets: Sequence[str], org_type: str | None, k: int
    ) -> list[int]:
        from sklearn.metrics.pairwise import cosine_similarity

        frame = self.frame
        selected = frame[frame["country"].isin(list(markets))]
        if org_type is not None:
            selected = selected[selected["org_type"] == org_type]
        if selected.empty:
            return []
        rows = selected.index.to_numpy()
        scores = cosine_similarity(vector.reshape(1, -1), self.vectors[rows])[0]
        top = pd.Series(scores, index=rows).nlargest(k)
        return [int(r) for r in top.index]

    def close(self) -> None:
        pass


class SemanticSearch:
    """sentence-transformers' `util.semantic_search` (cosine, torch.topk) over the rows that pass
    the filter: the corpus tensor is built once (sharing memory with the numpy matrix), each query
    indexes it with the mask's row indices and maps the hits back to original rows."""

    name = "sentence-transformers semantic_search"

    def __init__(self) -> None:
        self.frame = pd.DataFrame()
        self.corpus: Any = None

    def build(self, vectors: np.ndarray, frame: pd.DataFrame, texts: list[str] | None) -> None:
        import torch

        _check(vectors, frame)
        self.frame = frame.reset_index(drop=True)
        self.corpus = torch.from_numpy(np.ascontiguousarray(vectors))

    def query(
        self, vector: np.ndarray, markets: Sequence[str], org_type: str | None, k: int
    ) -> list[int]:
        import torch
        from sentence_transformers import util

        rows = np.flatnonzero(filter_mask(self.frame, markets, org_type))
        if rows.size == 0:
            return []
        subset = self.corpus[torch.from_numpy(rows)]
        query = torch.from_numpy(np.asarray(vector, dtype=np.float32).reshape(1, -1))
        hits = util.semantic_search(query, subset, top_k=k)[0]
        return [int(rows[int(hit["corpus_id"])]) for hit in hits]

    def close(self) -> None:
        self.corpus = None


class Txtai:
    """txtai `Embeddings` on external vectors: the precomputed vectors are indexed as they are
    (`method: external`, no transform, documents carry the vector in their `object` field), with
    content storage (SQLite) for country/org_type/city and txtai SQL for the filter:

        select id, score from txtai where similar(:x) and country in (:m0, :m1, ...)
        [and org_type = :org] limit k

    txtai's defaults are kept unless asked otherwise:
    - faiss index: `IDMap,Flat` (exact) up to 5,000 rows, else `IVF{cells},Flat` with
      cells = min(4*sqrt(N), N/39) and nprobe = cells/16 (approximate). `exact=True` forces
      `IDMap,Flat`; `nprobe` overrides the probe count; `sample` (txtai's faiss setting) trains
      the IVF quantiser on that share of the rows, which is most of the build time at 1M rows.
      `self.exact` and `self.description` say what was built.
    - candidates: txtai asks the index for `limit` rows, or 10*limit when the where clause has
      more than one token (ours always does), then filters them in SQL, so a narrow filter can
      return fewer than k rows. That is left as it is; `candidates=N` passes N to similar(:x, N).
    """

    def __init__(
        self,
        *,
        exact: bool = False,
        nprobe: int | None = None,
        sample: float | None = None,
        candidates: int | None = None,
        batch: int = 1024,
    ) -> None:
        self.force_exact = exact
        self.nprobe = nprobe
        self.sample = sample
        self.candidates = candidates
        self.batch = batch
        self.embeddings: Any = None
        self.exact = True
        self.description = "not built"
        self.name = "txtai"

    def build(self, vectors: np.ndarray, frame: pd.DataFrame, texts: list[str] | None) -> None:
        from txtai import Embeddings

        _check(vectors, frame)
        self.close()
        faiss_config: dict[str, Any] = {}
        if self.force_exact:
            faiss_config["components"] = "IDMap,Flat"
        if self.nprobe is not None:
            faiss_config["nprobe"] = self.nprobe
        if self.sample is not None:
            faiss_config["sample"] = self.sample
        config: dict[str, Any] = {
            "method": "external",
            "backend": "faiss",
            "content": True,
            "batch": self.batch,
        }
        if faiss_config:
            config["faiss"] = faiss_config
        self.embeddings = Embeddings(config)
        self.embeddings.index(self._documents(vectors, frame, texts))
        self._describe()

    @staticmethod
    def _documents(
        vectors: np.ndarray, frame: pd.DataFrame, texts: list[str] | None
    ) -> Iterator[dict[str, Any]]:
        columns = {c: frame[c].tolist() for c in FRAME_COLUMNS if c in frame.columns}
        for row in range(vectors.shape[0]):
            # "id" is the row index so results map straight back; the partner id is kept too.
            doc: dict[str, Any] = {c: values[row] for c, values in columns.items()}
            doc["partner_id"] = doc.pop("id", None)
            doc["id"] = row
            doc["object"] = vectors[row]
            if texts is not None:
                doc["profile"] = texts[row]  # stored, not vectorised ("text" would be)
            yield doc

    def _describe(self) -> None:
        import faiss

        backend = self.embeddings.ann.backend
        components = self.embeddings.config.get("build", {}).get("settings", {}).get("components")
        ivf = faiss.try_extract_index_ivf(backend)
        if ivf is not None:
            nprobe = int(self.embeddings.ann.nprobe())
            self.exact = nprobe >= ivf.nlist
            kind = "exact: nprobe = nlist" if self.exact else "approximate"
            self.description = f"faiss {components}, nprobe={nprobe} of {ivf.nlist} ({kind})"
        else:
            self.exact = True
            self.description = f"faiss {components} (exact)"
        if self.candidates is not None:
            self.description += f", {self.candidates} candidates"
        self.name = f"txtai ({'exact' if self.exact else 'IVF'})"

    def sql(
        self, markets: Sequence[str], org_type: str | None, k: int
    ) -> tuple[str, dict[str, Any]]:
        """The txtai SQL query and its bind parameters (all but the vector :x); values are bound,
        never spliced into the SQL."""
        similar = "similar(:x)" if self.candidates is None else f"similar(:x, {self.candidates})"
        params: dict[str, Any] = {f"m{i}": m for i, m in enumerate(markets)}
        where = f"{similar} and country in ({', '.join(':' + p for p in params)})"
        if org_type is not None:
            params["org"] = org_type
            where += " and org_type = :org"
        return f"select id, score from txtai where {where} limit {int(k)}", params

    def query(
        self, vector: np.ndarray, markets: Sequence[str], org_type: str | None, k: int
    ) -> list[int]:
        if not markets:
            return []
        sql, params = self.sql(markets, org_type, k)
        params["x"] = np.asarray(vector, dtype=np.float32).reshape(-1)
        return [int(r["id"]) for r in self.embeddings.search(sql, parameters=params)]

    def close(self) -> None:
        if self.embeddings is not None:
            self.embeddings.close()
            self.embeddings = None


def txtai_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("txtai") is not None


def all_peers(*, with_txtai: bool = True) -> list[Peer]:
    """One instance of each peer, with txtai's defaults; txtai only when installed and asked for."""
    found: list[Peer] = [PandasSklearnLoop(), SemanticSearch()]
    if with_txtai and txtai_installed():
        found.append(Txtai())
    return found
