"""Plan a mission end to end: scope, reciprocal ranking, explanations, agenda, reports.

Work is cached under ``OUT/.cache``, keyed by a hash of everything it depends on (data
versions, model, vectors, mission parameters): ranking blocks as they finish, the agenda once
solved. An interrupted plan resumes from the last finished block, and re-running an unchanged
mission recomputes nothing but the reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import atomic_write
from ..digest import source_digest
from ..errors import ClusterMatchError, Problem, ValidationError
from ..schema import SME, Partner
from ..workspace import Workspace
from .agenda import FIT_SCALE, Agenda, AgendaProblem, solve_agenda, to_points, violations
from .engines import Engine, LocalEngine
from .reciprocal import (
    BLOCK_PAIRS,
    Eligibility,
    PairExplanation,
    Reciprocal,
    StageProgress,
    WorkspaceSource,
    compute_reciprocal,
    explain_pairs,
    workspace_fingerprint,
)
from .reports import shortfalls, write_reports
from .results import MissionScope, PlanResult
from .spec import MissionSpec

# Bump when a change to the ranking or the agenda would make cached results wrong.
CACHE_VERSION = 1
CACHE_DIR = ".cache"


def resolve_scope(spec: MissionSpec, workspace: Workspace, source: str = "mission") -> MissionScope:
    """The SMEs and partners a mission file selects in the workspace's data."""
    all_smes = workspace.profiles("sme")
    all_partners = workspace.profiles("partner")
    if not all_smes or not all_partners:
        raise ClusterMatchError(
            "the data folder has no profiles: import them first "
            "(clustermatch import --smes FILE --partners FILE)"
        )
    smes = _mission_smes(spec, all_smes, source)
    partners = _mission_partners(spec, all_partners)
    exclude = _exclusions(spec, smes, partners, all_smes, all_partners, source)
    market_list = sorted(set(spec.markets))
    eligibility = Eligibility(
        sme_markets=np.array([[m in s.markets for m in market_list] for s in smes], dtype=bool),
        partner_market=np.array([market_list.index(p.country) for p in partners], np.int64),
        excluded=np.array(exclude, dtype=np.int64).reshape(-1, 2),
    )
    blocks, names, partner_block = _slot_blocks(spec, partners)
    return MissionScope(smes, partners, eligibility, exclude, blocks, names, partner_block)


def _mission_smes(spec: MissionSpec, all_smes: list[SME], source: str) -> list[SME]:
    markets = set(spec.markets)
    if spec.smes == "all":
        smes = [s for s in all_smes if markets & set(s.markets)]
    else:
        known = {s.id: s for s in all_smes}
        unknown = [i for i in spec.smes if i not in known]
        if unknown:
            raise ValidationError(
                [Problem(source, None, "smes", f"unknown SME id(s): {', '.join(unknown)}")]
            )
        smes = [known[i] for i in sorted(set(spec.smes))]
    if not smes:
        raise ClusterMatchError(f"no SME targets {', '.join(spec.markets)}: the mission is empty")
    return smes


def _mission_partners(spec: MissionSpec, all_partners: list[Partner]) -> list[Partner]:
    markets = set(spec.markets)
    cities = {c.casefold() for c in spec.cities}
    partners = [
        p
        for p in all_partners
        if p.country in markets
        and p.city.casefold() in cities
        and (not spec.partner_types or p.org_type in spec.partner_types)
    ]
    if not partners:
        raise ClusterMatchError(
            f"no partner in {', '.join(spec.cities)} matches the mission's markets and types"
        )
    return partners


def _exclusions(
    spec: MissionSpec,
    smes: list[SME],
    partners: list[Partner],
    all_smes: list[SME],
    all_partners: list[Partner],
    source: str,
) -> list[tuple[int, int]]:
    """(SME row, partner row) of each excluded pair in the mission; unknown ids are problems."""
    sme_row = {s.id: i for i, s in enumerate(smes)}
    partner_row = {p.id: j for j, p in enumerate(partners)}
    known_smes = {s.id for s in all_smes}
    known_partners = {p.id for p in all_partners}
    problems = [
        Problem(source, None, f"exclude.{n}", f"unknown id '{i}'")
        for n, (s, p) in enumerate(spec.exclude)
        for i, known in ((s, known_smes), (p, known_partners))
        if i not in known
    ]
    if problems:
        raise ValidationError(problems)
    return [
        (sme_row[s], partner_row[p])
        for s, p in spec.exclude
        if s in sme_row and p in partner_row  # pairs outside the mission need no rule
    ]


def _slot_blocks(
    spec: MissionSpec, partners: list[Partner]
) -> tuple[list[list[tuple[int, int]]], list[str], np.ndarray]:
    """(day, slot) blocks of meeting slots, their names, and the block of each partner."""
    day_cities = spec.day_cities()
    per_day = spec.slots.per_day
    if day_cities[0] is None:
        blocks = [[(d + 1, s + 1) for d in range(spec.slots.days) for s in range(per_day)]]
        return blocks, ["all cities"], np.zeros(len(partners), dtype=np.int64)
    names = list(dict.fromkeys(c for c in day_cities if c is not None))
    blocks = [
        [(d + 1, s + 1) for d, c in enumerate(day_cities) if c == name for s in range(per_day)]
        for name in names
    ]
    index = {name.casefold(): b for b, name in enumerate(names)}
    partner_block = np.array([index[p.city.casefold()] for p in partners], dtype=np.int64)
    return blocks, names, partner_block


def plan_mission(
    spec: MissionSpec,
    out: str | Path,
    workspace: Workspace,
    engine: Engine | None = None,
    progress: StageProgress | None = None,
    mission_file: str | Path | None = None,
    block_pairs: int = BLOCK_PAIRS,
) -> PlanResult:
    """Rank, explain, schedule and write every file of a mission plan into `out`."""
    engine = engine or LocalEngine()
    out = Path(out)
    cache_dir = out / CACHE_DIR
    cache_dir.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    started = clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now

    scope = resolve_scope(spec, workspace, str(mission_file) if mission_file else "mission")
    fingerprint = workspace_fingerprint(workspace)
    lap("scope")
    reciprocal, ranking_key = _rank(
        spec, scope, workspace, fingerprint, cache_dir, engine, progress, block_pairs
    )
    lap("ranking")
    agenda, agenda_key, agenda_reused = _schedule(
        spec, scope, reciprocal, ranking_key, cache_dir, progress
    )
    lap("agenda")
    explanations = _explain(spec, scope, reciprocal, agenda, workspace, progress)
    lap("explanations")
    result = PlanResult(
        spec=spec,
        out=out,
        scope=scope,
        reciprocal=reciprocal,
        agenda=agenda,
        explanations=explanations,
        fingerprint=fingerprint,
        engine=engine.name,
        timings=timings,
        cache={
            "ranking_key": ranking_key,
            "ranking_blocks_computed": reciprocal.computed,
            "ranking_blocks_reused": reciprocal.reused,
            "agenda_key": agenda_key,
            "agenda_reused": agenda_reused,
        },
        mission_file=Path(mission_file) if mission_file else None,
    )
    _tick(progress, "writing reports", 0)
    write_reports(result)
    lap("reports")
    timings["total"] = round(time.perf_counter() - started, 3)
    result.files.append(write_manifest(result, block_pairs))
    _tick(progress, "writing reports", 1)
    return result


def _tick(progress: StageProgress | None, stage: str, done: int) -> None:
    if progress:
        progress(stage, done, 1)


def _rank(
    spec: MissionSpec,
    scope: MissionScope,
    workspace: Workspace,
    fingerprint: dict[str, str],
    cache_dir: Path,
    engine: Engine,
    progress: StageProgress | None,
    block_pairs: int,
) -> tuple[Reciprocal, str]:
    """Both directions' rankings, from the blocks cached under the inputs' key where present."""
    n_partners = len(scope.partners)
    keep = min(n_partners, max(spec.top, spec.candidates or n_partners))
    ranking_key = _digest(
        {
            "version": CACHE_VERSION,
            "code": code_digest(),
            "fingerprint": fingerprint,
            "ranker": spec.ranker,
            "smes": [s.id for s in scope.smes],
            "partners": [p.id for p in scope.partners],
            "eligibility": scope.eligibility.digest(),
            "keep": keep,
            "block_pairs": block_pairs,
        }
    )
    reciprocal = compute_reciprocal(
        WorkspaceSource(workspace, [s.id for s in scope.smes], [p.id for p in scope.partners]),
        scope.eligibility,
        cache_dir / f"ranking-{ranking_key}",
        engine=engine,
        ranker=spec.ranker,
        keep=keep,
        block_pairs=block_pairs,
        progress=progress,
    )
    for stale in cache_dir.glob("ranking-*"):
        # Blocks of other inputs can be hundreds of MB for a large mission; agendas are small.
        if stale.name != f"ranking-{ranking_key}":
            shutil.rmtree(stale, ignore_errors=True)
    return reciprocal, ranking_key


def _schedule(
    spec: MissionSpec,
    scope: MissionScope,
    reciprocal: Reciprocal,
    ranking_key: str,
    cache_dir: Path,
    progress: StageProgress | None,
) -> tuple[Agenda, str, bool]:
    """The agenda (solved, or read back when these inputs were solved before), its key."""
    problem = agenda_problem(spec, scope, reciprocal)
    agenda_key = _digest(
        {
            "version": CACHE_VERSION,
            "ranking": ranking_key,
            "pairs": hashlib.sha256(problem.pairs.tobytes() + problem.fit.tobytes()).hexdigest(),
            "blocks": problem.blocks,
            "partner_block": problem.partner_block.tolist(),
            "capacity": problem.partner_capacity,
            "fairness": [problem.min_meetings, problem.slack],
            "time_limit": problem.time_limit,
        }
    )
    agenda_file = cache_dir / f"agenda-{agenda_key}.json"
    reused = agenda_file.exists()
    _tick(progress, "planning the agenda", 0)
    if reused:
        agenda = Agenda.from_dict(json.loads(agenda_file.read_text("utf-8")))
    else:
        agenda = solve_agenda(problem)
        _write_text(agenda_file, json.dumps(agenda.to_dict()))
    broken = violations(problem, agenda)
    if broken:  # a safety net: the solver and the slot colouring should make this impossible
        raise ClusterMatchError("the agenda breaks its rules: " + "; ".join(broken[:5]))
    _tick(progress, "planning the agenda", 1)
    return agenda, agenda_key, reused


def _explain(
    spec: MissionSpec,
    scope: MissionScope,
    reciprocal: Reciprocal,
    agenda: Agenda,
    workspace: Workspace,
    progress: StageProgress | None,
) -> dict[tuple[str, str], PairExplanation]:
    """Both ways' explanations of every SME's top leads and of every meeting."""
    pairs = {
        (scope.smes[i].id, scope.partners[int(reciprocal.partners[i, k])].id)
        for i in range(len(scope.smes))
        for k in np.flatnonzero(reciprocal.partners[i] >= 0)[: spec.top]
    }
    pairs |= {(scope.smes[m.sme].id, scope.partners[m.partner].id) for m in agenda.meetings}
    _tick(progress, "explaining leads", 0)
    explanations = explain_pairs(workspace, sorted(pairs))
    _tick(progress, "explaining leads", 1)
    return explanations


def agenda_problem(spec: MissionSpec, scope: MissionScope, reciprocal: Reciprocal) -> AgendaProblem:
    """The solver's input: each SME's best `candidates` partners by reciprocal fit.

    Only pairs whose calibrated relevance reaches the mission's floor are candidates: fit is a
    percentile within the mission, so without the floor the fair share filled agendas with
    partners that are no lead at all. The fairness rule then counts only such meetings.
    """
    limit = spec.candidates or reciprocal.partners.shape[1]
    ok = reciprocal.candidates(limit, spec.relevance_floor(), scope.exclude)
    sme_rows, ks = np.nonzero(ok)
    partner_rows = reciprocal.partners[sme_rows, ks]
    fits = reciprocal.fit[sme_rows, ks].astype(np.float64)
    return AgendaProblem(
        n_smes=len(scope.smes),
        n_partners=len(scope.partners),
        pairs=np.stack([sme_rows, partner_rows], axis=1).astype(np.int64).reshape(-1, 2),
        fit=to_points(fits),
        partner_block=scope.partner_block,
        blocks=tuple(tuple(b) for b in scope.blocks),
        partner_capacity=spec.partner_capacity,
        min_meetings=spec.fairness.min_meetings,
        slack=spec.fairness.slack,
        time_limit=spec.time_limit,
    )


def write_manifest(result: PlanResult, block_pairs: int) -> Path:
    """manifest.json: what the plan was made from and with, so it can be reproduced."""
    spec, agenda = result.spec, result.agenda
    files = {
        str(path.relative_to(result.out)): _file_sha256(path)
        for path in result.files
        if path.exists()
    }
    mission: dict[str, Any] = {"name": spec.name}
    if result.mission_file is not None:
        mission["file"] = str(result.mission_file)
        mission["sha256"] = _file_sha256(result.mission_file)
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mission": mission,
        "model": result.fingerprint["model"],
        "data_version": {
            "sme": result.fingerprint["sme_data_version"],
            "partner": result.fingerprint["partner_data_version"],
        },
        "index_hash": result.fingerprint["index_sha256"],
        "software": {
            **{name: _version(name) for name in ("clustermatch", "ortools", "numpy")},
            "ranking_code": code_digest(),
        },
        "engine": result.engine,
        "parameters": {
            **spec.model_dump(mode="json"),
            "block_pairs": block_pairs,
            "fit_scale": FIT_SCALE,
            "reciprocal_fit": "harmonic mean of the two directions' percentiles",
        },
        "scope": {
            "smes": len(result.scope.smes),
            "partners": len(result.scope.partners),
            "eligible_pairs": int(result.reciprocal.sme_eligible.sum()),
            "candidate_pairs": agenda.candidates,
            "excluded_pairs": len(result.scope.exclude),
        },
        "agenda": {
            "status": agenda.status,
            "objective": agenda.objective,
            "best_bound": agenda.best_bound,
            "gap": agenda.gap,
            "meetings": len(agenda.meetings),
            "fair_share": agenda.fair_share,
            "fair_share_target": agenda.fair_share_target,
            "max_meetings": agenda.max_meetings,
            "solve_seconds": agenda.solve_seconds,
            "notes": agenda.notes,
            "min_relevance": spec.relevance_floor(),
            "below_fair_share": shortfalls(result),
        },
        "cache": result.cache,
        "timings_s": result.timings,
        "files": files,
    }
    path = result.out / "manifest.json"
    _write_text(path, json.dumps(manifest, indent=2, ensure_ascii=False))
    return path


#: The modules whose code decides a mission's rankings and agenda (part of every cache key).
RANKING_MODULES = (
    "recommender.lexical",
    "recommender.corpus",
    "recommender.retrieval",
    "recommender.signals",
    "recommender.ranking",
    "recommender.missions.reciprocal",
    "recommender.missions.agenda",
)


def code_digest() -> str:
    """A digest of the code that computes signals, scores and agendas.

    Part of every cache key: a change to the tokenizer or the fusion weights changes rankings
    while data, model and vectors stay the same.
    """
    return source_digest(RANKING_MODULES)


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def _write_text(path: Path, text: str) -> None:
    atomic_write(path, text.encode("utf-8"))


__all__ = [
    "CACHE_DIR",
    "MissionScope",
    "PlanResult",
    "agenda_problem",
    "plan_mission",
    "resolve_scope",
    "write_manifest",
]
