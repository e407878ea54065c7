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

    def sector_terms(self, texts: list[str]) -> sp.csr_matrix:
        if not len(self.sector_vocabulary):
            return sp.csr_matrix((len(texts), 0), dtype=np.float32)
        return normalize(self.sector_vectorizer.transform(texts).tocsr())


#: The names the rest of the code knew these by.
_Codes = Codes
_SideData = SideCorpus
_State = Corpus
