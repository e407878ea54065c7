"""A workspace: the data folder's store, embedding cache and indexes, and the queries on them.

This is the library's front door: the CLI and the HTTP service call it, nothing else.
"""

from __future__ import annotations

import gc
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .config import Settings, get_settings
from .corpus import Corpus, SideCorpus
from .corpus import Corpus as _State  # noqa: F401  (name known to other modules)
from .embedding import CachedEmbedder, Embedder, EmbeddingCache, Progress, create_embedder
from .embedding.parallel import default_processes
from .errors import ConfigurationError, NotFoundError
from .explain import Explanation, closest_sentence, shared_terms, split_sentences
from .index import VectorIndex
from .language import detect_language
from .lexical import analyze
from .profiles import LoadedProfiles, file_note, load_profile_file, validate_rows
from .ranking import Signals, make_ranker, mmr, top_k
from .relevance import RelevanceModel, band, model_for
from .retrieval import Query, binary, filters
from .retrieval import pool as retrieve
from .schema import MARKETS, SME, Partner, Side, profile_text
from .segments import description_owners, load_taxonomy, shared_segment
from .signals import pair_signals, pool_signals
from .storage import ImportCounts, Store
from .storage.pipeline import Pipeline
from .storage.tokens import TokenStore

BATCH_CELLS = 32_000_000  # SME x partner scores per block of batch ranking (128 MB of float32)
LEXICAL_DIR = "lexical"  # under the index folder, beside the per-model vector indexes


@dataclass(frozen=True)
class Lead:
    """One suggested counterpart, best first by `rank`."""

    rank: int
    profile: SME | Partner
    score: float  # what the ranker orders by (for `hybrid`, the relevance itself)
    signals: dict[str, float]
    explanation: Explanation | None
    relevance: float = 0.0  # calibrated P(relevant), whatever the ranker: the same in any pool

    @property
    def band(self) -> str:
        return band(self.relevance)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready fields."""
        p = self.profile
        out: dict[str, Any] = {
            "rank": self.rank,
            "id": p.id,
            "name": p.name,
            "country": p.country,
            "city": getattr(p, "city", ""),
            "org_type": getattr(p, "org_type", ""),
            "cluster": getattr(p, "cluster", ""),
            "language": p.language,
            "score": round(self.score, 4),
            "relevance": round(self.relevance, 4),
            "band": self.band,
            "signals": {k: round(v, 4) for k, v in self.signals.items()},
        }
        if self.explanation:
            e = self.explanation
            out["explanation"] = {
                "matched_sentence": e.matched_sentence,
                "sentence_similarity": round(e.sentence_similarity, 4),
                "shared_terms": list(e.shared_terms),
                "reasons": list(e.reasons),
            }
        return out


@dataclass
class ImportReport:
    """What an import did."""

    counts: dict[Side, ImportCounts]
    warnings: list[str] = field(default_factory=list)
    embedded: int = 0  # texts sent to the model (0 when every text was cached)
    notes: list[str] = field(default_factory=list)  # how each file was read


class Workspace:
    """Profiles, their vectors and indexes in one data folder."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None):
        self.settings = settings or get_settings()
        self.settings.home.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.settings.database)
        self.pipeline = Pipeline(self.store.engine)
        self.tokens = TokenStore(self.store.engine)
        # Queries may come from many threads (the HTTP service); derived state is rebuilt
        # under this lock so no reader sees a half-built index.
        self._lock = threading.RLock()
        self._embedder = embedder
        self._cached: CachedEmbedder | None = None
        self._state: Corpus | None = None
        self._relevance: RelevanceModel | None = None

    # --- components ---------------------------------------------------------------------

    @property
    def embedder(self) -> CachedEmbedder:
        """The embedding model behind the disk cache (loaded on first use)."""
        if self._cached is None:
            model = self._embedder or create_embedder(
                self.settings.embedding_backend,
                self.settings.embedding_model,
                int8=self.settings.embedding_int8,
                processes=self.settings.embedding_processes or default_processes(),
            )
            self._cached = CachedEmbedder(
                model, EmbeddingCache(self.settings.cache_path), self.settings.embedding_batch_size
            )
        return self._cached

    def close(self) -> None:
        """Release the database connections."""
        if self._cached is not None:
            self._cached.cache.close()
        self.store.dispose()

    # --- import -------------------------------------------------------------------------

    def import_files(
        self,
        smes: str | Path | None = None,
        partners: str | Path | None = None,
        replace: bool = False,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Validate both files, then import them together; any problem imports nothing."""
        loaded: list[LoadedProfiles] = []
        if smes is not None:
            loaded.append(load_profile_file(smes, "sme"))
        if partners is not None:
            loaded.append(load_profile_file(partners, "partner"))
        return self.import_loaded(loaded, replace=replace, progress=progress)

    def import_loaded(
        self,
        loaded: Sequence[LoadedProfiles],
        replace: bool = False,
        progress: Progress | None = None,
        create: bool = False,
        cluster: str | None = None,
    ) -> ImportReport:
        """Import already validated profiles: embed first, then write in one transaction
        (`create` and `cluster` as `Store.import_records` takes them)."""
        embedder = self.embedder
        embedded = 0  # this import's own: the background warmer may embed at the same time
        warnings: list[str] = []
        for batch in loaded:
            # Embedding before writing: a crash here leaves the store as it was.
            texts = [profile_text(r) for r in batch.records]
            embedded += embedder.embed_missing(texts, progress=progress)
            warnings.extend(self._coverage_warnings(batch))
        with self._lock:
            counts = self.store.import_records(
                {batch.side: batch.records for batch in loaded},
                replace=replace,
                create=create,
                cluster=cluster,
            )
            self._state = None
        notes = [file_note(batch) for batch in loaded if batch.delimiter]
        return ImportReport(counts, warnings, embedded, notes)

    def save_profile(
        self, side: Side, data: dict[str, Any], create: bool = False
    ) -> tuple[Any, ImportReport]:
        """Create or update one profile from field values (validated like a file row);
        with `create`, ConflictError if the id exists."""
        loaded = validate_rows([data], side, "request")
        report = self.import_loaded([loaded], create=create)
        return loaded.records[0], report

    def update_profile(
        self,
        side: Side,
        record_id: str,
        changes: dict[str, Any],
        guard: Callable[[Any], None] | None = None,
    ) -> Any:
        """Change some fields of one profile; fields not in `changes` keep their stored
        value even if another writer changed them meanwhile (see `Store.update`)."""
        record = self.store.update(
            side,
            record_id,
            changes,
            lambda data: validate_rows([data], side, "request").records[0],
            guard,
        )
        # After the write, which must read the stored row first; the next state would embed it.
        self.embedder.embed_missing([profile_text(record)])
        self.refresh()
        return record

    def delete_profile(self, side: Side, record_id: str) -> None:
        """Delete one profile; it is never returned by a query again."""
        with self._lock:
            self.store.delete(side, record_id)
            self._state = None

    def _coverage_warnings(self, batch: LoadedProfiles) -> list[str]:
        model = self.embedder.embedder
        uncovered: dict[str, list[str]] = defaultdict(list)
        for record in batch.records:
            if not model.covers(record.language):
                uncovered[record.language].append(f"{batch.rows[record.id]} ({record.id})")
        return [
            f"{batch.source}: model {model.name} does not cover language '{language}' in "
            f"row(s) {', '.join(rows)}; their matches rely on shared terms and sectors"
            for language, rows in sorted(uncovered.items())
        ]

    # --- derived state ------------------------------------------------------------------

    def _side(self, side: Side, progress: Progress | None) -> SideCorpus:
        records, version = self.store.snapshot(side)
        folder = self.settings.index_dir / _slug(self.embedder.name) / side
        exact_max_rows = self.settings.exact_search_max_rows
        try:
            index = VectorIndex.load(
                folder,
                self.embedder.name,
                version,
                exact_max_rows=exact_max_rows,
                partitioned=side == "partner",
            )
            if index.ids != [r.id for r in records]:
                raise ConfigurationError("id map differs from the store")
        except ConfigurationError:
            vectors = self.embedder.encode([profile_text(r) for r in records], progress=progress)
            if not len(records):
                vectors = np.zeros((0, self.embedder.dimension), dtype=np.float32)
            ids = [r.id for r in records]
            # Partners are partitioned by country: a lead query probes its markets' lists only.
            partition = [r.country for r in records] if side == "partner" else None
            index = VectorIndex(
                ids, vectors, self.embedder.name, version, exact_max_rows, partition=partition
            )
            index.save(folder)
        return SideCorpus(side, records, index)

    def state(self, progress: Progress | None = None) -> Corpus:
        """Indexes and lexical model for the current data, rebuilt when the data changed."""
        with self._lock:
            if self._state is None:
                gc.unfreeze()  # what an earlier state left behind is collectable again
                # A build makes millions of objects that all live on: the cyclic collector
                # would only rescan them, again and again (a third of a 1M-row restart).
                gc.disable()
                try:
                    self._state = self._build_state(progress)
                finally:
                    gc.enable()
                # Kept out of the collector's sight from now on: with a million records in
                # memory its scans paused queries for 15-20 ms (measured at 1M partners).
                gc.freeze()
            return self._state

    def _build_state(self, progress: Progress | None) -> Corpus:
        # The lexical model does not depend on the embedding model: one for all.
        state = Corpus.load_or_build(
            self._side("sme", progress),
            self._side("partner", progress),
            self.settings.index_dir / LEXICAL_DIR,
        )
        for data in (state.smes, state.partners):
            known = [self._covers(str(v)) for v in data.language.uniques]
            data.covered = np.append(np.array(known, bool), True)[data.language.codes]
        taxonomy = load_taxonomy()
        state.attach_segments(self.embedder.encode(description_owners(taxonomy)[0]), taxonomy)
        return state

    @property
    def relevance(self) -> RelevanceModel:
        """The calibrated relevance model for the embedding model in use."""
        if self._relevance is None:
            self._relevance = model_for(self.embedder.name)
        return self._relevance

    @relevance.setter
    def relevance(self, model: RelevanceModel) -> None:
        self._relevance = model

    def vectors(self, side: Side) -> tuple[list[str], np.ndarray]:
        """Ids and embedding vectors of one side's profiles (a read-only view, never a copy:
        at 1M partners a copy is 2 GB)."""
        data = self.state().smes if side == "sme" else self.state().partners
        view = data.vectors.view()
        view.flags.writeable = False
        return [r.id for r in data.records], view

    def profiles(self, side: Side) -> list[Any]:
        """All SMEs or all partners, ordered by id."""
        data = self.state().smes if side == "sme" else self.state().partners
        return list(data.records)

    def pair_signals(self, sme_ids: Sequence[str], partner_ids: Sequence[str]) -> Signals:
        """Every signal for every (SME, partner) pair, as len(sme_ids) x len(partner_ids) arrays.

        For batch work (missions): score with ``make_ranker(name).score(signals, axis=1)`` to
        rank partners per SME, or ``axis=0`` to rank SMEs per partner. Memory is five float
        matrices of that shape, so callers chunk large partner lists.
        """
        state = self.state()
        s_rows = np.array([state.smes.row[i] for i in sme_ids], dtype=np.int64)
        p_rows = np.array([state.partners.row[i] for i in partner_ids], dtype=np.int64)
        return pair_signals(state, s_rows, p_rows)

    def warm_explanations(self, stop: threading.Event | None = None) -> int:
        """Embed every profile sentence not yet cached, so explanations never wait for it.

        Returns how many sentences were embedded. The service runs this in the background
        and sets `stop` at shutdown; work stops between chunks.
        """
        state = self.state()
        sentences = [
            sentence
            for record in state.smes.records + state.partners.records
            for sentence in split_sentences(record.description)
        ]
        before = self.embedder.embedded_count
        for start in range(0, len(sentences), 256):
            if stop is not None and stop.is_set():
                break
            self.embedder.encode(sentences[start : start + 256])
        return self.embedder.embedded_count - before

    def refresh(self) -> None:
        """Forget derived state so the next query sees the store as it is now."""
        with self._lock:
            self._state = None

    # --- queries ------------------------------------------------------------------------

    def sme(self, sme_id: str) -> SME:
        """One SME; NotFoundError if unknown."""
        state = self.state()
        if sme_id not in state.smes.row:
            raise NotFoundError(f"no SME with id '{sme_id}'")
        return state.smes.records[state.smes.row[sme_id]]

    def partner(self, partner_id: str) -> Partner:
        """One partner; NotFoundError if unknown."""
        state = self.state()
        if partner_id not in state.partners.row:
            raise NotFoundError(f"no partner with id '{partner_id}'")
        return state.partners.records[state.partners.row[partner_id]]

    def recommend(
        self,
        sme_id: str,
        top: int | None = None,
        markets: Sequence[str] = (),
        org_types: Sequence[str] = (),
        cities: Sequence[str] = (),
        ranker: str | None = None,
        diversity: float = 0.0,
        explain: bool = True,
    ) -> list[Lead]:
        """Partners for an SME, best first; outside its target markets unless `markets` says."""
        state = self.state()
        sme = self.sme(sme_id)
        partners = state.partners
        wanted = tuple(m.upper() for m in markets) or sme.markets
        allowed = partners.market_mask(wanted)
        if org_types or cities:
            allowed = allowed & filters(partners, org_types, cities)
        query = self._sme_query(state, sme, allowed, wanted)
        return self._rank(state, partners, query, top, ranker, diversity, explain, sme)

    def _rank_scored(
        self,
        state: Corpus,
        sme: SME,
        allowed: np.ndarray,
        penalty: np.ndarray,
        dense: np.ndarray,
        top: int,
        ranker: str | None,
        explain: bool,
    ) -> list[Lead]:
        """One SME's leads from its dense scores against every partner (batch ranking)."""
        if not allowed.any():
            return []
        dense += penalty  # the caller's block is scratch space
        query = self._sme_query(state, sme, allowed, sme.markets)
        partners = state.partners
        pool = retrieve(
            partners, query, top, ranker or self.settings.default_ranker, 0.0, dense_scores=dense
        )
        return self._score_pool(
            state,
            partners,
            query,
            pool,
            top,
            ranker,
            0.0,
            explain,
            sme,
        )

    def _sme_query(
        self, state: Corpus, sme: SME, allowed: np.ndarray, markets: tuple[str, ...]
    ) -> Query:
        row = state.smes.row[sme.id]
        return Query(
            vector=state.smes.vectors[row],
            terms=binary(state.smes.terms[row]),
            sectors=state.smes.sectors[row],
            language=sme.language,
            preferred=state.partners.org_type.mask(list(sme.seeking)),
            allowed=allowed,
            markets=markets,
            segments=state.smes.segments[row],
            is_sme=True,
            dense_mean=float(state.smes.dense_mean[row]),
        )

    def fit(
        self,
        partner_id: str,
        top: int | None = None,
        ranker: str | None = None,
        diversity: float = 0.0,
        explain: bool = True,
        clusters: Sequence[str] | None = None,
    ) -> list[Lead]:
        """SMEs that fit a partner: those targeting its market (and in `clusters`), best first."""
        state = self.state()
        partner = self.partner(partner_id)
        row = state.partners.row[partner_id]
        smes = state.smes
        targets = np.array([partner.country in s.markets for s in smes.records], dtype=bool)
        if clusters is not None:
            targets &= np.isin(np.array([s.cluster for s in smes.records], dtype=object), clusters)
        seeks = np.array([partner.org_type in s.seeking for s in smes.records], dtype=bool)
        query = Query(
            vector=state.partners.vectors[row],
            terms=binary(state.partners.terms[row]),
            sectors=state.partners.sectors[row],
            language=partner.language,
            preferred=seeks,
            allowed=targets,
            segments=state.partners.segments[row],
            document=state.partners.terms[row],
            off_mobility=float(state.partners.off_mobility[row]),
        )
        return self._rank(state, smes, query, top, ranker, diversity, explain, partner)

    def search(
        self,
        text: str,
        top: int | None = None,
        markets: Sequence[str] = (),
        org_types: Sequence[str] = (),
        cities: Sequence[str] = (),
        ranker: str | None = None,
        explain: bool = True,
    ) -> list[Lead]:
        """Partners matching a free-text description."""
        if not text.strip():
            raise ValueError("the search text is empty")
        state = self.state()
        partners = state.partners
        allowed = filters(partners, org_types, cities)
        wanted = tuple(m.upper() for m in markets) or None
        if wanted:
            allowed &= partners.market_mask(wanted)
        if state.bm25 is None:
            return []
        vector = self.embedder.encode_one(text)
        query = Query(
            vector=vector,
            terms=state.bm25.transform_queries([text]),
            sectors=state.sector_terms([text]),
            language=detect_language(text),
            preferred=np.zeros(len(partners.records), dtype=bool),
            allowed=allowed,
            markets=wanted,
            segments=state.segment_confidences(vector[None, :])[0],
        )
        return self._rank(state, partners, query, top, ranker, 0.0, explain, None)

    def recommend_all(
        self,
        top: int | None = None,
        ranker: str | None = None,
        explain: bool = False,
        progress: Progress | None = None,
    ) -> dict[str, list[Lead]]:
        """Leads for every SME, the same as `recommend` gives with an exact index.

        SMEs are ranked in blocks: one matrix product gives a block's dense scores against
        every partner, so that part runs at BLAS speed instead of one index search per SME.
        """
        state = self.state()
        smes, partners = state.smes, state.partners
        top = self._top(top)
        block = int(np.clip(BATCH_CELLS // max(len(partners.records), 1), 1, 256))
        masks: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}
        out: dict[str, list[Lead]] = {}
        for start in range(0, len(smes.records), block):
            rows = np.arange(start, min(start + block, len(smes.records)))
            dense = smes.vectors[rows] @ partners.vectors.T
            for i, row in enumerate(rows):
                sme = smes.records[row]
                if sme.markets not in masks:
                    allowed = partners.market_mask(sme.markets)
                    # Adding 0 or -inf is a fraction of the cost of a masked assignment.
                    penalty = np.where(allowed, 0.0, -np.inf).astype(np.float32)
                    masks[sme.markets] = allowed, penalty
                allowed, penalty = masks[sme.markets]
                out[sme.id] = self._rank_scored(
                    state, sme, allowed, penalty, dense[i], top, ranker, explain
                )
                if progress:
                    progress(int(row) + 1, len(smes.records))
        return out

    # --- ranking core -------------------------------------------------------------------

    def _covers(self, language: str) -> bool:
        return self.embedder.embedder.covers(language)

    def _rank(
        self,
        state: Corpus,
        target: SideCorpus,
        query: Query,
        top: int | None,
        ranker_name: str | None,
        diversity: float,
        explain: bool,
        source: SME | Partner | None,
    ) -> list[Lead]:
        top = self._top(top)
        allowed = query.allowed.copy()
        if (
            source is not None
            and source.id in target.row
            and type(source) is type(target.records[0])
        ):
            allowed[target.row[source.id]] = False
        if not allowed.any() or not len(target.records):
            return []
        query = replace(query, allowed=allowed)
        pool = retrieve(target, query, top, ranker_name or self.settings.default_ranker, diversity)
        return self._score_pool(
            state,
            target,
            query,
            pool,
            top,
            ranker_name,
            diversity,
            explain,
            source,
        )

    def _top(self, top: int | None) -> int:
        top = min(self.settings.default_top if top is None else top, self.settings.max_top)
        if top < 1:
            raise ValueError("top must be at least 1")
        return top

    def _score_pool(
        self,
        state: Corpus,
        target: SideCorpus,
        query: Query,
        pool: np.ndarray,
        top: int,
        ranker_name: str | None,
        diversity: float,
        explain: bool,
        source: SME | Partner | None,
    ) -> list[Lead]:
        """Score a pool of candidate rows, keep the best `top`, and explain them."""
        ranker = make_ranker(ranker_name or self.settings.default_ranker, self.relevance)
        signals = pool_signals(target, query, pool, self._covers(query.language))
        scores = ranker.score(signals)
        # Hybrid's score is the relevance itself: computed once.
        relevance = scores if ranker.name == "hybrid" else self.relevance.probability(signals)
        if diversity > 0:
            order = mmr(scores, target.vectors[pool], top, diversity)
        else:
            order = top_k(scores, top)
        explanations = (
            self._explain(state, target, query, pool[order], signals, order, source)
            if explain
            else [None] * len(order)
        )
        return [
            Lead(
                rank=rank,
                profile=target.records[pool[i]],
                score=float(scores[i]),
                signals={
                    "dense": float(signals.dense[i]),
                    "lexical": float(signals.lexical[i]),
                    "sectors": float(signals.sectors[i]),
                    "preferred_type": float(signals.preferred[i]),
                    "segments": float(np.asarray(signals.segments)[i]),
                },
                explanation=explanation,
                relevance=float(relevance[i]),
            )
            for rank, (i, explanation) in enumerate(zip(order, explanations, strict=True), 1)
        ]

    def _explain(
        self,
        state: Corpus,
        target: SideCorpus,
        query: Query,
        rows: np.ndarray,
        signals: Signals,
        order: np.ndarray,
        source: SME | Partner | None,
    ) -> list[Explanation]:
        records = [target.records[r] for r in rows]
        sentences = [split_sentences(r.description) for r in records]
        flat = [s for group in sentences for s in group]
        vectors = self.embedder.encode(flat) if flat else np.zeros((0, 1), np.float32)
        query_terms = np.asarray(query.terms.todense()).ravel()
        query_sectors = set(np.asarray(query.sectors.indices))
        out, start = [], 0
        for record, row, group in zip(records, rows, sentences, strict=True):
            sentence, similarity = closest_sentence(
                query.vector, group, vectors[start : start + len(group)]
            )
            start += len(group)
            terms = shared_terms(
                query_terms, np.asarray(target.terms[row].todense()).ravel(), state.vocabulary
            )
            words = {
                str(state.sector_vocabulary[i])
                for i in set(target.sectors[row].indices) & query_sectors
            }
            # Show the partner's own tags ("smart parking"), not the words they share.
            common = [tag for tag in record.sectors if words & set(analyze(tag))]
            segment = (
                shared_segment(query.segments, target.segments[row], state.taxonomy)
                if query.segments is not None
                else None
            )
            out.append(
                Explanation(
                    matched_sentence=sentence,
                    sentence_similarity=similarity,
                    shared_terms=terms,
                    reasons=tuple(
                        _reasons(
                            source,
                            record,
                            query.language,
                            common,
                            state.taxonomy.label(segment) if segment else None,
                        )
                    ),
                )
            )
        return out


def _reasons(
    source: SME | Partner | None,
    record: SME | Partner,
    language: str,
    sectors: list[str],
    segment: str | None = None,
) -> list[str]:
    reasons = []
    if isinstance(source, SME) and isinstance(record, Partner):
        if record.country in source.markets:
            reasons.append(f"in target market {record.country}")
        else:  # only a market filter lets such a partner in: say so, never "target"
            reasons.append(f"in market {record.country} (asked for; not a target market)")
        if record.org_type in source.seeking:
            reasons.append(f"partner type sought: {record.org_type}")
    elif isinstance(source, Partner) and isinstance(record, SME):
        reasons.append(f"targets market {source.country}")
        if source.org_type in record.seeking:
            reasons.append(f"seeks {source.org_type} partners")
    elif isinstance(record, Partner):
        reasons.append(f"in {record.city}, {record.country}")
    if segment:
        reasons.append(f"same market segment: {segment}")
    if sectors:
        reasons.append(f"shared sectors: {', '.join(sectors)}")
    if language and record.language and language != record.language:
        reasons.append(f"cross-lingual match ({language} -> {record.language})")
    return reasons


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


def evaluate_workspace(
    workspace: Workspace, judgments: dict[str, dict[str, int]], rankers: Sequence[str]
) -> Any:
    """Evaluation table (a DataFrame) of each ranker on the workspace's current data."""
    from .evaluation import evaluate_rankings

    state = workspace.state()

    def rank(sme_id: str, ranker: str) -> list[str]:
        leads = workspace.recommend(sme_id, top=100, ranker=ranker, explain=False)
        return [lead.profile.id for lead in leads]

    return evaluate_rankings(
        rank,
        judgments,
        {r.id: r.language for r in state.smes.records},
        {r.id: r.language for r in state.partners.records},
        rankers,
    )


__all__ = ["MARKETS", "ImportReport", "Lead", "Workspace", "evaluate_workspace"]
