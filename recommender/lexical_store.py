"""The lexical model of both sides (BM25 and sector tags), saved so a restart need not refit it.

Fitting BM25 over every profile text is most of a restart (85 s at 1M rows), yet the fitted
model depends only on the profiles. It is saved under the index folder, keyed by both sides'
data versions, and loaded while they match. The manifest goes last and names the key and a
sha256 of each payload file: a crash half-way, a damaged or foreign file, or other data means
"rebuild", never a wrong answer.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import scipy
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from .atomic import atomic_write, set_aside
from .digest import source_digest
from .errors import ConfigurationError
from .lexical import BM25, analyze
from .schema import SME, Partner, Side, profile_text

#: Bump when the files or what they hold change.
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MODELS_FILE = "models.joblib"
MATRIX_FILES = {
    "sme_terms": "sme_terms.npz",
    "partner_terms": "partner_terms.npz",
    "sme_sectors": "sme_sectors.npz",
    "partner_sectors": "partner_sectors.npz",
}


@dataclass
class LexicalModel:
    """Fitted BM25 and sector-tag vectorizers, and both sides' weights (rows ordered by id)."""

    bm25: BM25 | None  # None when there are no profiles at all
    vocabulary: np.ndarray  # BM25 terms, indexed like the columns of the term weights
    sme_terms: sp.csr_matrix
    partner_terms: sp.csr_matrix
    sector_vectorizer: CountVectorizer  # unfitted when no profile has a sector tag
    sector_vocabulary: np.ndarray
    sme_sectors: sp.csr_matrix  # L2-normalised tag presence
    partner_sectors: sp.csr_matrix

    @classmethod
    def fit(cls, smes: Sequence[SME], partners: Sequence[Partner]) -> LexicalModel:
        """Fit BM25 and the sector vocabulary on both sides' profiles together."""
        records: list[SME | Partner] = [*smes, *partners]
        n = len(smes)
        texts = [profile_text(r) for r in records]
        bm25 = BM25() if texts else None
        terms = sp.csr_matrix((len(records), 0), dtype=np.float32)
        vocabulary = np.zeros(0, dtype=object)
        if bm25 is not None:
            terms = bm25.fit_transform(texts)
            vocabulary = bm25.terms()
        vectorizer = CountVectorizer(analyzer=analyze, binary=True, dtype=np.float32)
        sectors = sp.csr_matrix((len(records), 0))
        sector_vocabulary = np.zeros(0, dtype=object)
        try:
            sectors = normalize(vectorizer.fit_transform([" ".join(r.sectors) for r in records]))
            sector_vocabulary = vectorizer.get_feature_names_out()
        except ValueError:  # no sector tags anywhere
            pass
        terms, sectors = terms.tocsr(), sectors.tocsr()
        return cls(
            bm25=bm25,
            vocabulary=vocabulary,
            sme_terms=terms[:n],
            partner_terms=terms[n:],
            sector_vectorizer=vectorizer,
            sector_vocabulary=sector_vocabulary,
            sme_sectors=sectors[:n],
            partner_sectors=sectors[n:],
        )

    def rows(self) -> dict[Side, int]:
        """Profiles per side."""
        return {"sme": self.sme_terms.shape[0], "partner": self.partner_terms.shape[0]}


def load_or_fit(
    folder: Path, smes: Sequence[SME], partners: Sequence[Partner], versions: dict[Side, str]
) -> LexicalModel:
    """The model saved for these data versions, else a freshly fitted one (then saved)."""
    try:
        return load(folder, versions, {"sme": len(smes), "partner": len(partners)})
    except ConfigurationError:
        model = LexicalModel.fit(smes, partners)
        save(folder, model, versions)
        return model


def save(folder: Path, model: LexicalModel, versions: dict[Side, str]) -> None:
    """Write the payload files, then the manifest naming their digests; each lands whole."""
    folder.mkdir(parents=True, exist_ok=True)
    payload = {MODELS_FILE: _dump_models(model)}
    for name, filename in MATRIX_FILES.items():
        buffer = io.BytesIO()
        # Uncompressed: zlib would slow every save and load; these files are a cache.
        sp.save_npz(buffer, getattr(model, name), compressed=False)
        payload[filename] = buffer.getvalue()
    for filename, data in payload.items():
        atomic_write(folder / filename, data)
    manifest = {
        **_key(versions),
        "rows": model.rows(),
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in payload.items()},
        "built_at": time.time(),
    }
    atomic_write(folder / MANIFEST, json.dumps(manifest, indent=2).encode("utf-8"))


def load(folder: Path, versions: dict[Side, str], rows: dict[Side, int]) -> LexicalModel:
    """The saved model; ConfigurationError if missing, damaged or fitted on other data."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
        expected = _key(versions)
        if not isinstance(manifest, dict) or any(manifest.get(k) != v for k, v in expected.items()):
            raise ConfigurationError(f"lexical model in {folder} is for other data or code")
        if manifest.get("rows") != rows:
            raise ConfigurationError(f"lexical model in {folder} has other row counts")
        digests = manifest["sha256"]
        if not isinstance(digests, dict):
            raise TypeError("sha256 is not a table")
        files = (MODELS_FILE, *MATRIX_FILES.values())
        payload = {name: (folder / name).read_bytes() for name in files}
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise ConfigurationError(f"no usable lexical model in {folder}: {exc}") from exc
    for name, data in payload.items():
        # Checked before anything is unpickled: a damaged or half-written file never is.
        if hashlib.sha256(data).hexdigest() != digests.get(name):
            set_aside(folder / name, "lexical model file does not match its manifest")
            raise ConfigurationError(f"{folder / name} does not match its manifest")
    try:
        models = joblib.load(io.BytesIO(payload[MODELS_FILE]))
        matrices = {
            name: sp.load_npz(io.BytesIO(payload[filename]))
            for name, filename in MATRIX_FILES.items()
        }
        model = LexicalModel(**models, **matrices)
    except Exception as exc:  # unpickling fails in many ways; any of them means rebuild
        raise ConfigurationError(f"cannot read the lexical model in {folder}: {exc}") from exc
    _check(model, rows, folder)
    return model


def _dump_models(model: LexicalModel) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(
        {
            "bm25": model.bm25,
            "vocabulary": model.vocabulary,
            "sector_vectorizer": model.sector_vectorizer,
            "sector_vocabulary": model.sector_vocabulary,
        },
        buffer,
    )
    return buffer.getvalue()


def _check(model: LexicalModel, rows: dict[Side, int], folder: Path) -> None:
    """Refuse a payload whose parts do not fit together (say, files from two builds)."""
    fits = (
        (model.bm25 is None or isinstance(model.bm25, BM25))
        and isinstance(model.sector_vectorizer, CountVectorizer)
        and all(isinstance(getattr(model, name), sp.csr_matrix) for name in MATRIX_FILES)
        and model.rows() == rows
        and model.sme_sectors.shape[0] == rows["sme"]
        and model.partner_sectors.shape[0] == rows["partner"]
        and model.sme_terms.shape[1] == model.partner_terms.shape[1] == len(model.vocabulary)
        and model.sme_sectors.shape[1]
        == model.partner_sectors.shape[1]
        == len(model.sector_vocabulary)
    )
    if not fits:
        raise ConfigurationError(f"lexical model in {folder} is inconsistent")


def _key(versions: dict[Side, str]) -> dict[str, Any]:
    """What a saved model must have been fitted with to be reused."""
    return {
        "format": FORMAT_VERSION,
        "data_versions": {"sme": versions["sme"], "partner": versions["partner"]},
        # Pickled estimators are only safe to load into the library versions that wrote them.
        "libraries": {"scikit-learn": sklearn.__version__, "scipy": scipy.__version__},
        "code": _code_digest(),
    }


def _code_digest() -> str:
    """A digest of the code that fits the model: a changed analyser or BM25 means refit."""
    return source_digest(("recommender.lexical", __name__))
