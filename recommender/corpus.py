"""The corpus stage: one side's records and the arrays every query reads, built once per data
version (records, vectors, lexical weights, filter codes), and both sides together as `Corpus`.

Read-only by contract: queries never write into these arrays (vectors are a read-only view).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from .index import VectorIndex
from .lexical import TermIndex
from .lexical_store import LexicalModel, load_or_fit
from .schema import Side
from .segments import Taxonomy, confidences, description_owners, similarities

#: Rows of the other side a profile's mean cosine is estimated from: the mean of 4,096
#: sampled cosines is within about 0.002 of the exact one, at a fixed cost per profile.
MEAN_SAMPLE = 4096


class Codes:
    """A text column as integer codes: a filter is one table lookup per row, not string tests."""

    #: Masks remembered per column. Every lead query asks for its SME's market set and sought
    #: org types, and there are only a few dozen of each: at 1M rows a lookup costs 3.5 ms.
    cached_masks = 64

    def __init__(self, values: Sequence[str]):
        codes, uniques = pd.factorize(pd.Series(values, dtype=object))
        self.codes = codes.astype(np.int32)
        self.uniques = np.asarray(uniques, dtype=object)
        self._code = {value: code for code, value in enumerate(self.uniques)}
        self._masks: dict[frozenset[int], np.ndarray] = {}

    def mask(self, wanted: Sequence[str]) -> np.ndarray:
        """True for rows whose value is one of `wanted` (a read-only array)."""
        key = frozenset(self._code[v] for v in wanted if v in self._code)
        found = self._masks.get(key)
        if found is None:
            table = np.zeros(len(self.uniques) + 1, dtype=bool)  # never empty: indexable
            table[list(key)] = True
            found = table[self.codes]
            found.setflags(write=False)
            if len(self._masks) >= self.cached_masks:
                self._masks.clear()  # rare: a side with many distinct filter values
            self._masks[key] = found
        return found

    def at(self, rows: np.ndarray) -> np.ndarray:
        """The values of some rows."""
        return self.uniques[self.codes[rows]] if len(self.uniques) else np.zeros(0, object)


class SideCorpus:
    """One side's records with the arrays every query reads."""

    def __init__(self, side: Side, records: list[Any], index: VectorIndex):
        self.side = side
        self.records = records
        self.index = index
        self.vectors = index.vectors()
        self.row = {r.id: i for i, r in enumerate(records)}
        self.country = Codes([r.country for r in records])
        self.language = Codes([r.language for r in records])
        self.org_type = Codes([getattr(r, "org_type", "") for r in records])
        self.city = Codes([getattr(r, "city", "").casefold() for r in records])
        self.covered = np.ones(len(records), dtype=bool)
        self.terms: sp.csr_matrix = sp.csr_matrix((len(records), 0))
        self.lexical = TermIndex(self.terms)
        self.sectors: sp.csr_matrix = sp.csr_matrix((len(records), 0))
        # Segment confidences (rows sum to 1) and the look-alike share: see attach_segments.
        self.segments = np.zeros((len(records), 0), dtype=np.float16)
        self.off_mobility = np.zeros(len(records), dtype=np.float32)
        # Mean cosine to a sample of the other side: each profile's own scale.
        self.dense_mean = np.zeros(len(records), dtype=np.float32)

    def market_mask(self, markets: Sequence[str]) -> np.ndarray:
        return self.country.mask(markets)


class Corpus:
    """Both sides and the lexical model: everything derived from the store, per data version."""

    def __init__(self, smes: SideCorpus, partners: SideCorpus, lexical: LexicalModel):
        self.smes = smes
        self.partners = partners
        self.bm25 = lexical.bm25
        self.vocabulary = lexical.vocabulary
        self.sector_vectorizer = lexical.sector_vectorizer
        self.sector_vocabulary = lexical.sector_vocabulary
        smes.terms, partners.terms = lexical.sme_terms, lexical.partner_terms
        smes.sectors, partners.sectors = lexical.sme_sectors, lexical.partner_sectors
        for data in (smes, partners):
            data.lexical = TermIndex(data.terms)

    @classmethod
    def load_or_build(cls, smes: SideCorpus, partners: SideCorpus, folder: Path) -> Corpus:
        """The state with the lexical model saved in `folder` for this data, else a new one."""
        versions: dict[Side, str] = {
            "sme": smes.index.data_version,
            "partner": partners.index.data_version,
        }
        return cls(smes, partners, load_or_fit(folder, smes.records, partners.records, versions))

    def attach_segments(self, description_vectors: np.ndarray, taxonomy: Taxonomy) -> None:
        """Segments of every profile (zero-shot), and each side's mean cosine to the other."""
        self.taxonomy = taxonomy
        self.segment_vectors = description_vectors
        _, self.segment_owners = description_owners(taxonomy)
        for side, other in ((self.smes, self.partners), (self.partners, self.smes)):
            confidence = self.segment_confidences(side.vectors)
            # float16: 34 segments cost 68 bytes a profile, which matters at a million.
            side.segments = confidence.astype(np.float16)
            side.off_mobility = confidence[:, ~taxonomy.mobility].sum(axis=1).astype(np.float32)
            side.dense_mean = mean_cosine(side.vectors, other.vectors)

    def segment_confidences(self, vectors: np.ndarray) -> np.ndarray:
        """Segment confidences of any vectors (profiles or a search text)."""
        # In chunks: the float64 similarities of a million profiles would take 700 MB at once.
        parts = [
            confidences(
                similarities(
                    vectors[start : start + 65_536],
                    self.segment_vectors,
                    self.segment_owners,
                    len(self.taxonomy.ids),
                )
            )
            for start in range(0, len(vectors), 65_536)
        ]
        return np.concatenate(parts) if parts else np.zeros((0, len(self.taxonomy.ids)), np.float32)

    def sector_terms(self, texts: list[str]) -> sp.csr_matrix:
        if not len(self.sector_vocabulary):
            return sp.csr_matrix((len(texts), 0), dtype=np.float32)
        return normalize(self.sector_vectorizer.transform(texts).tocsr())


def mean_cosine(vectors: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Each row's mean cosine to (a fixed sample of) the other side's rows."""
    if not len(others) or not len(vectors):
        return np.zeros(len(vectors), dtype=np.float32)
    rows = np.random.default_rng(0).permutation(len(others))[:MEAN_SAMPLE]
    sample_mean = np.asarray(others[np.sort(rows)], np.float64).mean(axis=0)
    # The mean of dot products is the dot product with the mean: one matrix-vector product,
    # in float64 so that every process (Ray workers too) rounds it to the same float32.
    return (np.asarray(vectors, np.float64) @ sample_mean).astype(np.float32)


#: The names the rest of the code knew these by.
_Codes = Codes
_SideData = SideCorpus
_State = Corpus
