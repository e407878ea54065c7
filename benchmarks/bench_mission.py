"""Mission benchmark: reciprocal ranking of 1,100 SMEs x 100,000 partners, then agenda solves.

Profiles are synthetic (random unit vectors, Zipf-distributed sparse terms, sector tags, org
types): embedding 100,000 texts would measure the model, not the planner. They feed the same
blocked ranking code as `clustermatch mission plan`, through `ArraySource` instead of a
Workspace. Run by hand: `.venv/bin/python benchmarks/bench_mission.py [--partners N]`.
Prints a table; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from recommender.missions.agenda import AgendaProblem, solve_agenda, to_points, violations
from recommender.missions.reciprocal import (
    BLOCK_PAIRS,
    Eligibility,
    Reciprocal,
    compute_reciprocal,
    synthetic_source,
)

MARKETS = 4


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def eligibility(n_smes: int, n_partners: int, seed: int) -> Eligibility:
    rng = np.random.default_rng(seed)
    targets = rng.random((n_smes, MARKETS)) < 0.6
    targets[np.arange(n_smes), rng.integers(0, MARKETS, n_smes)] = True  # at least one market
    return Eligibility(targets, rng.integers(0, MARKETS, n_partners))


def agenda_from(
    reciprocal: Reciprocal,
    n_partners: int,
    candidates: int,
    days: int = 3,
    per_day: int = 6,
    capacity: int = 4,
    itinerary: bool = True,
    time_limit: float = 120.0,
) -> AgendaProblem:
    """A mission agenda over each SME's best `candidates` partners."""
    rows = reciprocal.partners[:, :candidates]
    sme, k = np.nonzero(rows >= 0)
    partner = rows[sme, k]
    if itinerary:  # one city per day; a partner's city is its row modulo the days
        blocks = tuple(tuple((d + 1, s + 1) for s in range(per_day)) for d in range(days))
        partner_block = np.arange(n_partners) % days
    else:
        blocks = (tuple((d + 1, s + 1) for d in range(days) for s in range(per_day)),)
        partner_block = np.zeros(n_partners, dtype=np.int64)
    return AgendaProblem(
        n_smes=len(rows),
        n_partners=n_partners,
        pairs=np.stack([sme, partner], axis=1).astype(np.int64),
        fit=to_points(reciprocal.fit[sme, k]),
        partner_block=partner_block,
        blocks=blocks,
        partner_capacity=capacity,
        time_limit=time_limit,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smes", type=int, default=1_100)
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=20, help="per SME, full mission")
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args()
    rows: list[tuple[str, str, str, str]] = []
    console = Console(width=130)

    start = time.perf_counter()
    source = synthetic_source(args.smes, args.partners, seed=0)
    rows.append(
        ("synthetic profiles", f"{args.smes:,} x {args.partners:,}", _s(start), "512-d, 40 terms")
    )
    allowed = eligibility(args.smes, args.partners, seed=1)

    with tempfile.TemporaryDirectory() as tmp:
        stages: dict[str, float] = {}

        def progress(stage: str, done: int, total: int) -> None:
            stages.setdefault(stage, time.perf_counter())
            if done == total:
                stages[stage + " done"] = time.perf_counter()
                console.log(f"{stage}: {done}/{total}")

        start = time.perf_counter()
        reciprocal = compute_reciprocal(source, allowed, Path(tmp), keep=100, progress=progress)
        total = time.perf_counter() - start
        backward = "ranking SMEs for each partner"
        forward = "ranking partners for each SME"
        pairs = f"{args.smes * args.partners / 1e6:,.0f} M pairs"
        rows.append(
            (
                "backward pass (partner chunks)",
                pairs,
                f"{stages[backward + ' done'] - stages[backward]:.1f}",
                f"block {BLOCK_PAIRS // args.smes:,} partners",
            )
        )
        rows.append(
            (
                "forward pass (SME blocks) + top-100",
                pairs,
                f"{stages[forward + ' done'] - stages[forward]:.1f}",
                f"block {max(1, BLOCK_PAIRS // args.partners)} SMEs",
            )
        )
        disk = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 2**20
        rows.append(
            (
                "reciprocal ranking, total",
                pairs,
                f"{total:.1f}",
                f"peak RSS {peak_rss_mib():,.0f} MiB, {disk:,.0f} MiB on disk",
            )
        )
        start = time.perf_counter()
        again = compute_reciprocal(source, allowed, Path(tmp), keep=100)
        rows.append(
            (
                "re-run, every block cached",
                pairs,
                _s(start),
                f"{again.reused} blocks reused, {again.computed} computed",
            )
        )

    for n_smes, n_partners, candidates in ((40, 60, 60), (150, 600, 50), (300, 3_000, 40)):
        small = synthetic_source(n_smes, n_partners, seed=n_smes)
        with tempfile.TemporaryDirectory() as tmp:
            result = compute_reciprocal(
                small, eligibility(n_smes, n_partners, n_smes), Path(tmp), keep=candidates
            )
        rows.append(_solve(agenda_from(result, n_partners, candidates), n_smes, n_partners))
    rows.append(
        _solve(
            agenda_from(reciprocal, args.partners, args.candidates, time_limit=args.time_limit),
            args.smes,
            args.partners,
        )
    )

    table = Table(
        title=f"Mission benchmark on {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores",
        title_justify="left",
    )
    for column in ("step", "size", "seconds", "notes"):
        table.add_column(column, justify="right" if column == "seconds" else "left")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _solve(problem: AgendaProblem, n_smes: int, n_partners: int) -> tuple[str, str, str, str]:
    start = time.perf_counter()
    agenda = solve_agenda(problem)
    seconds = time.perf_counter() - start
    broken = violations(problem, agenda)
    return (
        "agenda (CP-SAT + slot colouring)",
        f"{n_smes:,} SMEs x {n_partners:,} partners, {len(problem.pairs):,} candidates",
        f"{seconds:.1f}",
        f"{agenda.status}, gap {agenda.gap:.3%}, {len(agenda.meetings):,} meetings, "
        f"fair share {agenda.fair_share}" + (f", {len(broken)} VIOLATIONS" if broken else ""),
    )


def _s(start: float) -> str:
    return f"{time.perf_counter() - start:.1f}"


if __name__ == "__main__":
    main()
