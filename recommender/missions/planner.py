"""Plan a mission end to end: scope, reciprocal ranking, explanations, agenda, reports.

Work is cached under ``OUT/.cache``, keyed by a hash of everything it depends on (data
versions, model, vectors, mission parameters): ranking blocks as they finish, the agenda once
solved. An interrupted plan resumes from the last finished block, and re-running an unchanged
mission recomputes nothing but the reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import shutil
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

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
from .spec import MissionSpec

# Bump when a change to the ranking or the agenda would make cached results wrong.
CACHE_VERSION = 1
CACHE_DIR = ".cache"


@dataclass
class MissionScope:
    """Who takes part: the mission's SMEs and partners, and when each partner can meet."""

    smes: list[SME]
    partners: list[Partner]
    eligibility: Eligibility
    exclude: list[tuple[int, int]]  # (sme row, partner row) never to propose
    blocks: list[list[tuple[int, int]]]  # (day, slot) of each block of meeting slots
    block_names: list[str]  # the block's city, or "all cities"
    partner_block: np.ndarray  # (n_partners,) block of each partner


@dataclass
class PlanResult:
    """Everything a plan produced; the reports are written from this."""

    spec: MissionSpec
    out: Path
    scope: MissionScope
    reciprocal: Reciprocal
    agenda: Agenda
    explanations: dict[tuple[str, str], PairExplanation]
    fingerprint: dict[str, str]
    engine: str
    timings: dict[str, float] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    mission_file: Path | None = None

    def leads(self, sme: int, limit: int | None = None) -> list[int]:
        """Positions in the reciprocal arrays of an SME's leads, best first."""
        positions = np.flatnonzero(self.reciprocal.partners[sme] >= 0)
        return [int(k) for k in positions[: limit or self.spec.top]]


def resolve_scope(spec: MissionSpec, workspace: Workspace, source: str = "mission") -> MissionScope:
    """The SMEs and partners a mission file selects in the workspace's data."""
    all_smes = workspace.profiles("sme")
    all_partners = workspace.profiles("partner")
    if not all_smes or not all_partners:
        raise ClusterMatchError(
            "the data folder has no profiles: import them first "
            "(clustermatch import --smes FILE --partners FILE)"
        )
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
    cities = {c.casefold() for c in spec.cities}
    partners = [
        p
        for p in all_partners
        if p.country in markets
        and p.city.casefold() in cities
        and (not spec.partner_types or p.org_type in spec.partner_types)
    ]
    if not smes:
        raise ClusterMatchError(f"no SME targets {', '.join(spec.markets)}: the mission is empty")
    if not partners:
        raise ClusterMatchError(
            f"no partner in {', '.join(spec.cities)} matches the mission's markets and types"
        )

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
    exclude = [
        (sme_row[s], partner_row[p])
        for s, p in spec.exclude
        if s in sme_row and p in partner_row  # pairs outside the mission need no rule
    ]
    market_list = sorted(markets)
    eligibility = Eligibility(
        sme_markets=np.array([[m in s.markets for m in market_list] for s in smes], dtype=bool),
        partner_market=np.array([market_list.index(p.country) for p in partners], np.int64),
        excluded=np.array(exclude, dtype=np.int64).reshape(-1, 2),
    )

    day_cities = spec.day_cities()
    per_day = spec.slots.per_day
    if day_cities[0] is None:
        names = ["all cities"]
        blocks = [[(d + 1, s + 1) for d in range(spec.slots.days) for s in range(per_day)]]
        partner_block = np.zeros(len(partners), dtype=np.int64)
    else:
        names = list(dict.fromkeys(c for c in day_cities if c is not None))
        blocks = [
            [(d + 1, s + 1) for d, c in enumerate(day_cities) if c == name for s in range(per_day)]
            for name in names
        ]
        index = {name.casefold(): b for b, name in enumerate(names)}
        partner_block = np.array([index[p.city.casefold()] for p in partners], dtype=np.int64)
    return MissionScope(smes, partners, eligibility, exclude, blocks, names, partner_block)


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
    from .reports import write_reports

    engine = engine or LocalEngine()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    cache_dir = out / CACHE_DIR
    cache_dir.mkdir(exist_ok=True)
    timings: dict[str, float] = {}
    started = clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now

    source = str(mission_file) if mission_file else "mission"
    scope = resolve_scope(spec, workspace, source)
    fingerprint = workspace_fingerprint(workspace)
    lap("scope")

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
    lap("ranking")

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
    agenda_reused = agenda_file.exists()
    if progress:
        progress("planning the agenda", 0, 1)
    if agenda_reused:
        agenda = Agenda.from_dict(json.loads(agenda_file.read_text("utf-8")))
    else:
        agenda = solve_agenda(problem)
        _write_text(agenda_file, json.dumps(agenda.to_dict()))
    broken = violations(problem, agenda)
    if broken:  # a safety net: the solver and the slot colouring should make this impossible
        raise ClusterMatchError("the agenda breaks its rules: " + "; ".join(broken[:5]))
    if progress:
        progress("planning the agenda", 1, 1)
    lap("agenda")

    pairs = {
        (scope.smes[i].id, scope.partners[int(reciprocal.partners[i, k])].id)
        for i in range(len(scope.smes))
        for k in np.flatnonzero(reciprocal.partners[i] >= 0)[: spec.top]
    }
    pairs |= {(scope.smes[m.sme].id, scope.partners[m.partner].id) for m in agenda.meetings}
    if progress:
        progress("explaining leads", 0, 1)
    explanations = explain_pairs(workspace, sorted(pairs))
    if progress:
        progress("explaining leads", 1, 1)
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
    if progress:
        progress("writing reports", 0, 1)
    write_reports(result)
    lap("reports")
    timings["total"] = round(time.perf_counter() - started, 3)
    result.files.append(write_manifest(result, block_pairs))
    if progress:
        progress("writing reports", 1, 1)
    return result


def agenda_problem(spec: MissionSpec, scope: MissionScope, reciprocal: Reciprocal) -> AgendaProblem:
    """The solver's input: each SME's best `candidates` partners by reciprocal fit."""
    limit = spec.candidates or reciprocal.partners.shape[1]
    excluded = set(scope.exclude)
    sme_rows, partner_rows, fits = [], [], []
    for i in range(len(scope.smes)):
        row = reciprocal.partners[i, :limit]
        for k in np.flatnonzero(row >= 0):
            if (i, int(row[k])) not in excluded:
                sme_rows.append(i)
                partner_rows.append(int(row[k]))
                fits.append(float(reciprocal.fit[i, k]))
    return AgendaProblem(
        n_smes=len(scope.smes),
        n_partners=len(scope.partners),
        pairs=np.array([sme_rows, partner_rows], dtype=np.int64).T.reshape(-1, 2),
        fit=to_points(np.array(fits, dtype=np.float64)),
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
        },
        "cache": result.cache,
        "timings_s": result.timings,
        "files": files,
    }
    path = result.out / "manifest.json"
    _write_text(path, json.dumps(manifest, indent=2, ensure_ascii=False))
    return path


RANKING_MODULES = ("lexical", "ranking", "workspace", "missions.reciprocal", "missions.agenda")


def code_digest() -> str:
    """A digest of the code that computes signals, scores and agendas.

    Part of every cache key: a change to the tokenizer or the fusion weights changes rankings
    while data, model and vectors stay the same.
    """
    digest = hashlib.sha256()
    for name in RANKING_MODULES:
        module = importlib.import_module(f"recommender.{name}")
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:16]


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
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


__all__ = [
    "CACHE_DIR",
    "MissionScope",
    "PlanResult",
    "agenda_problem",
    "plan_mission",
    "resolve_scope",
    "write_manifest",
]
