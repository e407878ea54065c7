"""Reciprocal fit: every mission SME against every mission partner, in both directions.

The *forward* score says how good a lead partner j is for SME i (the ranker's ``axis=1``,
normalised over the mission's partners); the *backward* score says how good a lead SME i is
for partner j (``axis=0``, normalised over the mission's SMEs). Each becomes a percentile among
the counterparts that side may meet, 1.0 for the best, and the reciprocal fit is their harmonic
mean: high only when each side is a good lead for the other.

A ranker standardises its signals along the whole candidate axis, so a block must hold that
axis entire. The backward pass therefore runs over partner chunks holding every SME, the
forward pass over SME blocks holding every partner; each block has at most `block_pairs`
pairs, which bounds memory whatever the mission's size. Backward results wait on disk
(memory-mapped) for the forward pass, and every finished block is a file, so an interrupted
run resumes where it stopped. The core sees only a `PairSource` of signals: a Workspace
(`WorkspaceSource`) or plain arrays (`ArraySource`, for synthetic data and benchmarks).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import scipy.sparse as sp

from ..atomic import atomic_write_with
from ..errors import ConfigurationError
from ..explain import Explanation, closest_sentence, shared_terms, split_sentences
from ..ranking import Signals, make_ranker
from ..schema import SME, Partner, Side, profile_text
from ..signals import block_signals

if TYPE_CHECKING:
    from ..config import Settings
    from ..workspace import Workspace
    from .engines import Engine

BLOCK_PAIRS = 1 << 21  # pairs per block: about 60 MB of signals and scores
FIT_BINS = 20  # histogram of every eligible pair's fit, for the report
PARTNER_TOP = 5  # best SMEs kept per partner (the partner's view in the reports)

StageProgress = Callable[[str, int, int], None]
"""Called as progress(stage, done, total)."""


class PairSource(Protocol):
    """Signals for any block of (SME, partner) pairs, by row number on each side."""

    @property
    def n_smes(self) -> int:
        """SME rows: 0..n_smes-1."""
        ...

    @property
    def n_partners(self) -> int:
        """Partner rows: 0..n_partners-1."""
        ...

    def signals(self, sme_rows: np.ndarray, partner_rows: np.ndarray) -> Signals:
        """Signals as len(sme_rows) x len(partner_rows) arrays."""
        ...


@dataclass(frozen=True)
class Eligibility:
    """Which pairs may be proposed: the partner is in a market the SME targets, not excluded."""

    sme_markets: np.ndarray  # (n_smes, n_markets) bool
    partner_market: np.ndarray  # (n_partners,) index into the market columns
    excluded: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int64))  # rows

    def block(self, sme_rows: np.ndarray, partner_rows: np.ndarray) -> np.ndarray:
        """A len(sme_rows) x len(partner_rows) bool mask."""
        ok = self.sme_markets[sme_rows][:, self.partner_market[partner_rows]]
        if len(self.excluded):
            s_pos = {int(r): i for i, r in enumerate(sme_rows)}
            p_pos = {int(r): j for j, r in enumerate(partner_rows)}
            for s, p in self.excluded:
                if int(s) in s_pos and int(p) in p_pos:
                    ok[s_pos[int(s)], p_pos[int(p)]] = False
        return ok

    def digest(self) -> str:
        """Stable fingerprint, for cache keys."""
        h = hashlib.sha256()
        for array in (self.sme_markets, self.partner_market, self.excluded):
            h.update(np.ascontiguousarray(array).tobytes())
            h.update(str(array.shape).encode())
        return h.hexdigest()


@dataclass
class Reciprocal:
    """The best `keep` partners of every SME by reciprocal fit, and each partner's best SMEs.

    Rows of every (n_smes, keep) array are sorted by fit, best first; `partners` is -1 past
    the SME's eligible partners.
    """

    partners: np.ndarray  # (n_smes, keep) partner rows
    fit: np.ndarray  # harmonic mean of the two percentiles, 0..1
    forward_q: np.ndarray  # percentile of the partner among the SME's eligible partners
    backward_q: np.ndarray  # percentile of the SME among the partner's eligible SMEs
    forward_score: np.ndarray  # the ranker's score for the SME (axis=1)
    sme_eligible: np.ndarray  # (n_smes,) partners each SME may meet
    partner_eligible: np.ndarray  # (n_partners,) SMEs each partner may meet
    partner_top: np.ndarray  # (n_partners, PARTNER_TOP) SME rows by backward score, -1 pad
    partner_top_q: np.ndarray  # their backward percentiles
    fit_histogram: np.ndarray  # (FIT_BINS,) counts of eligible pairs' fit over 0..1
    computed: int = 0  # blocks computed by this call
    reused: int = 0  # blocks found on disk

    def candidates(
        self, limit: int, floor: float, exclude: Sequence[tuple[int, int]]
    ) -> np.ndarray:
        """(n_smes, limit) bool: the kept partners the agenda may book for each SME.

        The best `limit` by fit whose score reaches `floor` (the calibrated relevance, for the
        hybrid ranker) and whose pair is not excluded.
        """
        rows = self.partners[:, :limit]
        ok = (rows >= 0) & (self.forward_score[:, :limit] >= floor)
        for s, p in exclude:
            ok[s] &= rows[s] != p
        return ok

    def backward_rank(self, sme: int, k: int) -> int:
        """1-based rank of the SME among the SMEs partner `partners[sme, k]` may meet."""
        n = int(self.partner_eligible[self.partners[sme, k]])
        return n - round(n * float(self.backward_q[sme, k])) + 1

    def forward_rank(self, sme: int, k: int) -> int:
        """1-based rank of partner `partners[sme, k]` among the SME's eligible partners."""
        n = int(self.sme_eligible[sme])
        return n - round(n * float(self.forward_q[sme, k])) + 1


# --- pure pieces --------------------------------------------------------------------------


def percentile_ranks(scores: np.ndarray, ok: np.ndarray, axis: int) -> np.ndarray:
    """(n - rank) / n along `axis` among the `ok` entries (1.0 for the best), 0 elsewhere."""
    masked = np.where(ok, scores, -np.inf)
    order = np.argsort(-masked, axis=axis, kind="stable")
    shape = [1, 1]
    shape[axis] = scores.shape[axis]
    positions = np.broadcast_to(np.arange(scores.shape[axis]).reshape(shape), scores.shape)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, positions, axis=axis)
    n = ok.sum(axis=axis, keepdims=True)
    q = (n - rank) / np.maximum(n, 1)
    return np.where(ok, q, 0.0).astype(np.float32)


def reciprocal_fit(forward_q: np.ndarray, backward_q: np.ndarray) -> np.ndarray:
    """Harmonic mean of the two percentiles: a pair is only as good as its weaker side."""
    total = forward_q + backward_q
    return np.divide(
        2 * forward_q * backward_q, total, out=np.zeros_like(total), where=total > 0
    ).astype(np.float32)


@dataclass(frozen=True)
class BackwardChunk:
    """One partner chunk of the backward pass."""

    backward_q: np.ndarray  # (n_smes, chunk)
    eligible: np.ndarray  # (chunk,)
    top: np.ndarray  # (chunk, PARTNER_TOP)
    top_q: np.ndarray


@dataclass(frozen=True)
class ForwardBlock:
    """One SME block of the forward pass, already cut to the best `keep` partners per SME."""

    partners: np.ndarray
    fit: np.ndarray
    forward_q: np.ndarray
    backward_q: np.ndarray
    forward_score: np.ndarray
    eligible: np.ndarray
    histogram: np.ndarray


def backward_chunk(
    source: PairSource, eligibility: Eligibility, ranker: str, start: int, stop: int
) -> BackwardChunk:
    """Score every SME for partners start..stop (a task: runs wherever the engine puts it)."""
    smes = np.arange(source.n_smes)
    partners = np.arange(start, stop)
    scores = make_ranker(ranker, getattr(source, "relevance", None)).score(
        source.signals(smes, partners), axis=0
    )
    ok = eligibility.block(smes, partners)
    q = percentile_ranks(scores, ok, axis=0)
    k = min(PARTNER_TOP, len(smes))
    top = np.argsort(-q, axis=0, kind="stable")[:k].T.astype(np.int32)
    top_q = np.take_along_axis(q.T, top, axis=1)
    top = np.where(top_q > 0, top, -1)
    pad = PARTNER_TOP - k
    return BackwardChunk(
        backward_q=q,
        eligible=ok.sum(axis=0).astype(np.int32),
        top=np.pad(top, ((0, 0), (0, pad)), constant_values=-1),
        top_q=np.pad(top_q, ((0, 0), (0, pad))).astype(np.float32),
    )


def forward_block(
    source: PairSource,
    eligibility: Eligibility,
    ranker: str,
    start: int,
    stop: int,
    backward_q: np.ndarray,
    keep: int,
) -> ForwardBlock:
    """Score every partner for SMEs start..stop and keep each SME's best `keep` by fit."""
    smes = np.arange(start, stop)
    partners = np.arange(source.n_partners)
    scores = make_ranker(ranker, getattr(source, "relevance", None)).score(
        source.signals(smes, partners), axis=1
    )
    ok = eligibility.block(smes, partners)
    forward_q = percentile_ranks(scores, ok, axis=1)
    fit = np.where(ok, reciprocal_fit(forward_q, backward_q), 0.0).astype(np.float32)
    keep = min(keep, len(partners))
    if keep < len(partners):
        best = np.argpartition(-fit, keep - 1, axis=1)[:, :keep]
    else:
        best = np.broadcast_to(partners, fit.shape)
    # Ties in fit go to the partner that suits the SME better, then to the lower row.
    order = np.empty_like(best)
    for i in range(len(smes)):
        row = best[i]
        order[i] = row[np.lexsort((row, -forward_q[i, row], -fit[i, row]))]
    picked = np.take_along_axis(ok, order, axis=1)
    return ForwardBlock(
        partners=np.where(picked, order, -1).astype(np.int32),
        fit=np.take_along_axis(fit, order, axis=1),
        forward_q=np.take_along_axis(forward_q, order, axis=1),
        backward_q=np.take_along_axis(backward_q, order, axis=1),
        forward_score=np.take_along_axis(scores, order, axis=1).astype(np.float32),
        eligible=ok.sum(axis=1).astype(np.int32),
        histogram=np.histogram(fit[ok], bins=FIT_BINS, range=(0.0, 1.0))[0],
    )


def spans(total: int, size: int) -> list[tuple[int, int]]:
    """Consecutive (start, stop) ranges of at most `size` covering 0..total."""
    size = max(1, size)
    return [(s, min(s + size, total)) for s in range(0, total, size)]


# --- the two passes, with their files ---------------------------------------------------


def compute_reciprocal(
    source: PairSource,
    eligibility: Eligibility,
    workdir: Path,
    engine: Engine | None = None,
    ranker: str = "hybrid",
    keep: int = 100,
    block_pairs: int = BLOCK_PAIRS,
    progress: StageProgress | None = None,
) -> Reciprocal:
    """Both passes over the mission, reusing the blocks already in `workdir`.

    `workdir` must be specific to the inputs (the planner names it after their hash): a block
    file found there is trusted.
    """
    from .engines import LocalEngine

    engine = engine or LocalEngine()
    n_s, n_p = source.n_smes, source.n_partners
    if not n_s or not n_p:
        raise ValueError("a mission needs at least one SME and one partner")
    workdir.mkdir(parents=True, exist_ok=True)
    computed = reused = 0

    chunks = spans(n_p, block_pairs // n_s)
    pending = [i for i in range(len(chunks)) if not _backward_done(workdir, i)]
    reused += len(chunks) - len(pending)
    done = len(chunks) - len(pending)
    _tick(progress, "ranking SMEs for each partner", done, len(chunks))
    results = engine.map(
        backward_chunk,
        (source, eligibility, ranker),
        ((i, chunks[i]) for i in pending),
    )
    for i, chunk in results:
        _save_backward(workdir, i, chunk)
        computed += 1
        done += 1
        _tick(progress, "ranking SMEs for each partner", done, len(chunks))
    backward = [
        np.load(workdir / f"backward-{i:05d}.npy", mmap_mode="r") for i in range(len(chunks))
    ]

    blocks = spans(n_s, block_pairs // n_p)
    pending = [i for i in range(len(blocks)) if not (workdir / f"forward-{i:05d}.npz").exists()]
    reused += len(blocks) - len(pending)
    done = len(blocks) - len(pending)
    _tick(progress, "ranking partners for each SME", done, len(blocks))

    def tasks() -> Iterator[tuple[int, tuple[Any, ...]]]:
        for i in pending:
            start, stop = blocks[i]
            rows = np.concatenate([np.asarray(b[start:stop]) for b in backward], axis=1)
            yield i, (start, stop, rows, keep)

    for i, block in engine.map(forward_block, (source, eligibility, ranker), tasks()):
        _atomic_savez(workdir / f"forward-{i:05d}.npz", **block.__dict__)
        computed += 1
        done += 1
        _tick(progress, "ranking partners for each SME", done, len(blocks))

    parts = [dict(np.load(workdir / f"forward-{i:05d}.npz")) for i in range(len(blocks))]
    metas = [dict(np.load(workdir / f"backward-{i:05d}.meta.npz")) for i in range(len(chunks))]
    return Reciprocal(
        partners=np.concatenate([p["partners"] for p in parts]),
        fit=np.concatenate([p["fit"] for p in parts]),
        forward_q=np.concatenate([p["forward_q"] for p in parts]),
        backward_q=np.concatenate([p["backward_q"] for p in parts]),
        forward_score=np.concatenate([p["forward_score"] for p in parts]),
        sme_eligible=np.concatenate([p["eligible"] for p in parts]),
        partner_eligible=np.concatenate([m["eligible"] for m in metas]),
        partner_top=np.concatenate([m["top"] for m in metas]),
        partner_top_q=np.concatenate([m["top_q"] for m in metas]),
        fit_histogram=np.sum([p["histogram"] for p in parts], axis=0),
        computed=computed,
        reused=reused,
    )


def _tick(progress: StageProgress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


def _backward_done(workdir: Path, i: int) -> bool:
    # The meta file is written last: it marks the chunk as complete.
    return (workdir / f"backward-{i:05d}.meta.npz").exists() and (
        workdir / f"backward-{i:05d}.npy"
    ).exists()


def _save_backward(workdir: Path, i: int, chunk: BackwardChunk) -> None:
    _atomic(workdir / f"backward-{i:05d}.npy", lambda f: np.save(f, chunk.backward_q))
    _atomic_savez(
        workdir / f"backward-{i:05d}.meta.npz",
        eligible=chunk.eligible,
        top=chunk.top,
        top_q=chunk.top_q,
    )


def _atomic_savez(path: Path, **arrays: np.ndarray) -> None:
    savez: Callable[..., None] = np.savez  # its stubs mistake **arrays for allow_pickle
    _atomic(path, lambda f: savez(f, **arrays))


def _atomic(path: Path, write: Callable[[Any], None]) -> None:
    # A block file lands whole or not at all, so an interrupted run never trusts half a file.
    atomic_write_with(path, write)


# --- sources ------------------------------------------------------------------------------

_OPEN: dict[str, Workspace] = {}


class WorkspaceSource:
    """Pair signals of a Workspace's profiles, by mission row.

    Picklable: a copy sent to another process (a Ray worker) opens the workspace named by the
    same settings there, and refuses to run if that one holds other data or another model.
    """

    def __init__(self, workspace: Workspace, sme_ids: Sequence[str], partner_ids: Sequence[str]):
        self.settings: Settings = workspace.settings
        self.sme_ids = list(sme_ids)
        self.partner_ids = list(partner_ids)
        self.fingerprint = workspace_fingerprint(workspace)
        self.relevance = workspace.relevance  # a small frozen record: travels to Ray workers
        self._workspace: Workspace | None = workspace

    @property
    def n_smes(self) -> int:
        return len(self.sme_ids)

    @property
    def n_partners(self) -> int:
        return len(self.partner_ids)

    def signals(self, sme_rows: np.ndarray, partner_rows: np.ndarray) -> Signals:
        """Signals from `Workspace.pair_signals`."""
        workspace = self._workspace or self._open()
        return workspace.pair_signals(
            [self.sme_ids[i] for i in sme_rows], [self.partner_ids[j] for j in partner_rows]
        )

    def _open(self) -> Workspace:
        from ..workspace import Workspace

        key = self.settings.model_dump_json()
        if key not in _OPEN:
            _OPEN[key] = Workspace(self.settings)
        workspace = _OPEN[key]
        seen = workspace_fingerprint(workspace)
        if seen != self.fingerprint:  # maybe data imported since this worker opened it
            workspace.refresh()
            seen = workspace_fingerprint(workspace)
        if seen != self.fingerprint:
            raise ConfigurationError(
                f"this worker sees other data than the planner ({seen} vs {self.fingerprint}): "
                "Ray workers need the same CLUSTERMATCH_HOME or database"
            )
        self._workspace = workspace
        return workspace

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_workspace"] = None
        return state


def workspace_fingerprint(workspace: Workspace) -> dict[str, str]:
    """Model, data versions and a digest of the vectors: what a ranking depends on."""
    digest = hashlib.sha256()
    for side in ("sme", "partner"):
        ids, vectors = workspace.vectors(side)
        digest.update(json.dumps(ids).encode())
        digest.update(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
    return {
        "model": workspace.embedder.name,
        "sme_data_version": workspace.store.data_version("sme"),
        "partner_data_version": workspace.store.data_version("partner"),
        "index_sha256": digest.hexdigest(),
    }


@dataclass
class ArraySource:
    """Pair signals from plain arrays, with the Workspace's definitions; no store, no model.

    For synthetic missions (benchmarks, tests). Terms are sparse: SMEs' binary query terms
    against partners' BM25 weights; sectors are L2-normalised sparse tags.
    """

    sme_vectors: np.ndarray  # (n_smes, d) unit rows
    partner_vectors: np.ndarray  # (n_partners, d) unit rows
    sme_terms: sp.csr_matrix  # (n_smes, vocabulary) binary
    partner_terms: sp.csr_matrix  # (n_partners, vocabulary) BM25 weights
    sme_sectors: sp.csr_matrix  # (n_smes, sectors) L2-normalised
    partner_sectors: sp.csr_matrix
    sme_language: np.ndarray  # (n_smes,) any comparable codes
    partner_language: np.ndarray
    sme_seeking: np.ndarray  # (n_smes, org types) bool
    partner_type: np.ndarray  # (n_partners,) column of sme_seeking
    sme_covered: np.ndarray  # (n_smes,) bool: the model knows the text's language
    partner_covered: np.ndarray

    @property
    def n_smes(self) -> int:
        return len(self.sme_vectors)

    @property
    def n_partners(self) -> int:
        return len(self.partner_vectors)

    def signals(self, sme_rows: np.ndarray, partner_rows: np.ndarray) -> Signals:
        """The same five signals as `Workspace.pair_signals`."""
        s, p = _as_index(sme_rows), _as_index(partner_rows)
        return block_signals(
            self.sme_vectors[s],
            self.partner_vectors[p],
            self.sme_terms[s],
            self.partner_terms[p],
            self.sme_sectors[s],
            self.partner_sectors[p],
            same_language=self.sme_language[s][:, None] == self.partner_language[p][None, :],
            preferred=self.sme_seeking[s][:, self.partner_type[p]],
            covered=self.sme_covered[s][:, None] & self.partner_covered[p][None, :],
        )


def _as_index(rows: np.ndarray) -> slice | np.ndarray:
    # A contiguous range as a slice lets NumPy and SciPy take views instead of copies.
    rows = np.asarray(rows)
    if len(rows) and rows[-1] - rows[0] == len(rows) - 1 and np.all(np.diff(rows) == 1):
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows


def synthetic_source(
    n_smes: int,
    n_partners: int,
    dimension: int = 512,
    vocabulary: int = 20_000,
    terms_per_profile: int = 40,
    n_sectors: int = 60,
    n_types: int = 8,
    seed: int = 0,
) -> ArraySource:
    """Random profiles shaped like real ones: unit vectors, sparse terms, tags and types."""
    rng = np.random.default_rng(seed)

    def unit(n: int) -> np.ndarray:
        v = rng.standard_normal((n, dimension), dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def sparse(n: int, width: int, per_row: int, weights: bool) -> sp.csr_matrix:
        # Zipf-like column choice: a few terms are common, most are rare, as in text.
        cols = np.minimum(rng.zipf(1.3, size=n * per_row) - 1, width - 1)
        rows = np.repeat(np.arange(n), per_row)
        data = rng.uniform(0.5, 3.0, len(cols)) if weights else np.ones(len(cols))
        m = sp.csr_matrix((data.astype(np.float32), (rows, cols)), shape=(n, width))
        m.sum_duplicates()
        if not weights:
            m.data[:] = 1.0
        return m

    def normalised(m: sp.csr_matrix) -> sp.csr_matrix:
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ m, dtype=np.float32)

    languages = np.array(["en", "fr", "de", "it", "sv", "zh"])
    return ArraySource(
        sme_vectors=unit(n_smes),
        partner_vectors=unit(n_partners),
        sme_terms=sparse(n_smes, vocabulary, terms_per_profile, weights=False),
        partner_terms=sparse(n_partners, vocabulary, terms_per_profile, weights=True),
        sme_sectors=normalised(sparse(n_smes, n_sectors, 3, weights=False)),
        partner_sectors=normalised(sparse(n_partners, n_sectors, 3, weights=False)),
        sme_language=rng.choice(languages, n_smes, p=[0.6, 0.1, 0.1, 0.1, 0.1, 0.0]),
        partner_language=rng.choice(languages, n_partners, p=[0.6, 0.1, 0.05, 0.0, 0.0, 0.25]),
        sme_seeking=rng.random((n_smes, n_types)) < 0.3,
        partner_type=rng.integers(0, n_types, n_partners),
        sme_covered=np.ones(n_smes, dtype=bool),
        partner_covered=np.ones(n_partners, dtype=bool),
    )


# --- explanations, both ways ----------------------------------------------------------------


@dataclass(frozen=True)
class PairExplanation:
    """Why a pair fits, from each side."""

    for_sme: Explanation  # why the partner is a lead for the SME
    for_partner: Explanation  # why the SME is a lead for the partner


def explain_pairs(
    workspace: Workspace, pairs: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], PairExplanation]:
    """Closest sentence, shared terms and reasons for each (SME id, partner id), both ways."""
    if not pairs:
        return {}
    state = workspace.state()
    # Keyed by (side, id): an SME and a partner may share an id.
    records: dict[tuple[Side, str], SME | Partner] = {}
    for s, p in pairs:
        records["sme", s] = records.get(("sme", s)) or workspace.sme(s)
        records["partner", p] = records.get(("partner", p)) or workspace.partner(p)
    vectors: dict[tuple[Side, str], np.ndarray] = {}
    for side in ("sme", "partner"):
        ids, matrix = workspace.vectors(side)
        vectors.update(
            {(side, i): matrix[row] for row, i in enumerate(ids) if (side, i) in records}
        )
    sentences = {key: split_sentences(r.description) for key, r in records.items()}
    encoded = workspace.embedder.encode([s for group in sentences.values() for s in group])
    sentence_vectors, start = {}, 0
    for key, group in sentences.items():
        sentence_vectors[key] = encoded[start : start + len(group)]
        start += len(group)
    terms: dict[tuple[Side, str], np.ndarray] = {}
    if state.bm25 is not None:
        keys = list(records)
        weights = state.bm25.transform([profile_text(records[k]) for k in keys]).toarray()
        terms = dict(zip(keys, weights, strict=True))

    def one_way(source: tuple[Side, str], target: tuple[Side, str]) -> Explanation:
        sentence, similarity = closest_sentence(
            vectors[source], sentences[target], sentence_vectors[target]
        )
        shared: tuple[str, ...] = ()
        if terms:
            shared = shared_terms(
                (terms[source] > 0).astype(np.float32), terms[target], state.vocabulary
            )
        reasons = pair_reasons(records[source], records[target])
        return Explanation(sentence, similarity, shared, tuple(reasons))

    return {
        (s, p): PairExplanation(
            one_way(("sme", s), ("partner", p)), one_way(("partner", p), ("sme", s))
        )
        for s, p in pairs
    }


def pair_reasons(source: SME | Partner, target: SME | Partner) -> list[str]:
    """Structured reasons why `target` is a lead for `source`."""
    reasons: list[str] = []
    if isinstance(source, SME) and isinstance(target, Partner):
        reasons.append(f"in target market {target.country} ({target.city})")
        if target.org_type in source.seeking:
            reasons.append(f"partner type sought: {target.org_type}")
    elif isinstance(source, Partner) and isinstance(target, SME):
        reasons.append(f"targets {source.country}")
        if source.org_type in target.seeking:
            reasons.append(f"seeks {source.org_type} partners like you")
    common = sorted({t.casefold() for t in source.sectors} & {t.casefold() for t in target.sectors})
    if common:
        reasons.append(f"shared sectors: {', '.join(common)}")
    if source.language and target.language and source.language != target.language:
        reasons.append(f"cross-lingual match ({source.language} -> {target.language})")
    return reasons


__all__ = [
    "BLOCK_PAIRS",
    "ArraySource",
    "Eligibility",
    "PairExplanation",
    "PairSource",
    "Reciprocal",
    "WorkspaceSource",
    "compute_reciprocal",
    "explain_pairs",
    "pair_reasons",
    "percentile_ranks",
    "reciprocal_fit",
    "synthetic_source",
    "workspace_fingerprint",
]
