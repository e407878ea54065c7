"""The B2B agenda: who meets whom, in which slot, by OR-Tools CP-SAT.

The model chooses pairs, not (pair, slot) triples, which makes it smaller by the number of
slots without losing anything. Partners meet in a *block* of slots (the days their city is
visited; every slot when the mission has no itinerary). In a block, a set of pairs in which no
SME and no partner has more meetings than the block has slots can always be given slots with
no double booking: a bipartite graph's edges can be coloured with as many colours as its
largest degree (König's theorem), and `edge_colouring` does it. So the constraints are:

- an SME has at most as many meetings in a block as the block has slots;
- a partner has at most ``min(partner_capacity, its block's slots)`` meetings;
- a pair meets at most once, and only if it is a candidate (eligible, not excluded);
- fairness, the rule: every SME gets at least ``min(k, c_i)`` meetings and none more than
  ``k + slack``, where ``c_i`` is the most meetings SME i could have alone (its candidates,
  within the slots of each block) and ``k`` is the fair share. By default ``k`` is the
  water level that shares the partners' total capacity out evenly (the largest k with
  ``sum_i min(k, c_i) <= capacity``), lowered until a max-flow check shows every SME can
  have its share at once; the mission file may set it (``fairness.min_meetings``).

The objective is the total reciprocal fit of the meetings, as integers (`FIT_SCALE` points per
1.0 of fit), so the solver's objective is exactly the sum of the fits written in agenda.csv.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_flow

from ..errors import ClusterMatchError

FIT_SCALE = 10_000  # points per 1.0 of fit: four decimals, as agenda.csv prints them


@dataclass(frozen=True)
class AgendaProblem:
    """Candidates with integer fits, and where and how often each partner can meet."""

    n_smes: int
    n_partners: int
    pairs: np.ndarray  # (E, 2) candidate (sme row, partner row), each pair once
    fit: np.ndarray  # (E,) integer points, >= 0
    partner_block: np.ndarray  # (n_partners,) block of each partner
    blocks: tuple[tuple[tuple[int, int], ...], ...]  # per block, its (day, slot) list
    partner_capacity: int
    min_meetings: int | None = None  # the fair share k; None: computed (see module doc)
    slack: int = 2
    time_limit: float = 30.0
    # CP-SAT's portfolio runs its LP-based workers from 8 up: with 2 it could not prove a
    # 300 SMEs x 3,000 partners agenda optimal in 60 s, with 8 on 2 cores it took 4 s.
    workers: int = 8
    seed: int = 0

    def block_slots(self) -> np.ndarray:
        """Slots in each block."""
        return np.array([len(b) for b in self.blocks], dtype=np.int64)

    def partner_limit(self) -> np.ndarray:
        """Most meetings each partner can take: its capacity, within its block's slots."""
        return np.minimum(self.partner_capacity, self.block_slots()[self.partner_block])


@dataclass(frozen=True)
class Meeting:
    """One (SME, partner) meeting in one slot."""

    sme: int
    partner: int
    day: int  # 1-based
    slot: int  # 1-based within the day
    fit: int  # points (FIT_SCALE per 1.0)


@dataclass
class Agenda:
    """The solver's answer and how good it is."""

    meetings: list[Meeting]
    status: str  # OPTIMAL, FEASIBLE, ...
    objective: int  # total fit points of the meetings
    best_bound: float  # no agenda can score more than this
    gap: float  # (best_bound - objective) / best_bound; 0 when proven optimal
    fair_share: int  # k of the fairness rule, as applied
    fair_share_target: int  # k before the feasibility check lowered it
    max_meetings: int  # k + slack
    min_meetings: list[int]  # min(k, c_i) per SME
    solve_seconds: float
    candidates: int
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Agenda:
        """Inverse of `to_dict`."""
        meetings = [Meeting(**m) for m in data["meetings"]]
        return cls(**{**data, "meetings": meetings})


def problem_from_matrix(
    fit: np.ndarray,
    eligible: np.ndarray,
    partner_block: np.ndarray,
    blocks: Sequence[Sequence[tuple[int, int]]],
    partner_capacity: int,
    exclude: Sequence[tuple[int, int]] = (),
    **options: Any,
) -> AgendaProblem:
    """A problem from an SMEs x partners fit matrix (0..1) and a mask of allowed pairs."""
    allowed = np.asarray(eligible, dtype=bool).copy()
    for s, p in exclude:
        allowed[s, p] = False
    rows, cols = np.nonzero(allowed)
    return AgendaProblem(
        n_smes=fit.shape[0],
        n_partners=fit.shape[1],
        pairs=np.stack([rows, cols], axis=1).astype(np.int64),
        fit=to_points(fit[rows, cols]),
        partner_block=np.asarray(partner_block, dtype=np.int64),
        blocks=tuple(tuple(b) for b in blocks),
        partner_capacity=partner_capacity,
        **options,
    )


def to_points(fit: np.ndarray) -> np.ndarray:
    """Fits 0..1 as integer points."""
    return np.rint(np.clip(np.asarray(fit, dtype=np.float64), 0.0, 1.0) * FIT_SCALE).astype(
        np.int64
    )


def solve_agenda(problem: AgendaProblem) -> Agenda:
    """The agenda of highest total fit under the module's constraints, with its quality."""
    from ortools.sat.python import cp_model

    _check(problem)
    pairs, fit = problem.pairs, problem.fit
    n_blocks = len(problem.blocks)
    slots = problem.block_slots()
    limit = problem.partner_limit()
    pair_block = problem.partner_block[pairs[:, 1]] if len(pairs) else np.zeros(0, np.int64)

    alone = _most_alone(problem, pair_block)
    capacity = int(np.minimum(limit, np.bincount(pairs[:, 1], minlength=problem.n_partners)).sum())
    target = (
        problem.min_meetings
        if problem.min_meetings is not None
        else _water_level(alone, capacity, int(slots.sum()))
    )
    share = target
    while not _shares_fit(problem, pair_block, np.minimum(share, alone)):
        share -= 1  # a share of 0 always fits, so this ends
    lower = np.minimum(share, alone)
    upper = share + problem.slack
    notes = []
    if share < target:
        notes.append(
            f"fair share lowered from {target} to {share} meetings: with these candidates and "
            "capacities not every SME can have more at once"
        )

    model = cp_model.CpModel()
    x = [model.new_bool_var(f"m{e}") for e in range(len(pairs))]
    by_sme: dict[int, list[int]] = defaultdict(list)
    by_sme_block: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_partner: dict[int, list[int]] = defaultdict(list)
    for e, (s, p) in enumerate(pairs.tolist()):
        by_sme[s].append(e)
        by_sme_block[s, int(pair_block[e])].append(e)
        by_partner[p].append(e)
    for (_, b), edges in by_sme_block.items():
        if len(edges) > slots[b]:
            model.add(sum(x[e] for e in edges) <= int(slots[b]))
    for p, edges in by_partner.items():
        if len(edges) > limit[p]:
            model.add(sum(x[e] for e in edges) <= int(limit[p]))
    for s in range(problem.n_smes):
        edges = by_sme.get(s, [])
        if lower[s] > 0:
            model.add(sum(x[e] for e in edges) >= int(lower[s]))
        if len(edges) > upper:
            model.add(sum(x[e] for e in edges) <= upper)
    # No hint from the max-flow check: a poor hint made the search ten times slower.
    model.maximize(sum(int(w) * x[e] for e, w in enumerate(fit.tolist())))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = problem.time_limit
    solver.parameters.num_workers = problem.workers
    solver.parameters.random_seed = problem.seed
    start = time.perf_counter()
    status = _solve_interruptibly(solver, model)
    seconds = time.perf_counter() - start
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ClusterMatchError(f"the agenda solver found no agenda (status {name})")
    chosen = np.array([solver.boolean_value(v) for v in x], dtype=bool)
    objective = round(solver.objective_value)
    bound = float(solver.best_objective_bound)
    meetings = _schedule(problem, pairs[chosen], fit[chosen], pair_block[chosen], n_blocks)
    return Agenda(
        meetings=meetings,
        status=name,
        objective=objective,
        best_bound=bound,
        gap=0.0 if status == cp_model.OPTIMAL else max(0.0, bound - objective) / max(bound, 1.0),
        fair_share=share,
        fair_share_target=target,
        max_meetings=upper,
        min_meetings=[int(v) for v in lower],
        solve_seconds=round(seconds, 3),
        candidates=len(pairs),
        notes=notes,
    )


def violations(problem: AgendaProblem, agenda: Agenda) -> list[str]:
    """Every broken rule of an agenda, in words (empty: the agenda is valid)."""
    out: list[str] = []
    candidates = {(int(s), int(p)) for s, p in problem.pairs}
    day_slots = [set(b) for b in problem.blocks]
    seen_sme: set[tuple[int, int, int]] = set()
    seen_partner: set[tuple[int, int, int]] = set()
    seen_pair: set[tuple[int, int]] = set()
    per_sme = np.zeros(problem.n_smes, dtype=np.int64)
    per_partner = np.zeros(problem.n_partners, dtype=np.int64)
    for m in agenda.meetings:
        if (m.sme, m.partner) not in candidates:
            out.append(f"pair {m.sme}-{m.partner} is not a candidate")
        if (m.day, m.slot) not in day_slots[problem.partner_block[m.partner]]:
            out.append(f"partner {m.partner} meets outside its days at {m.day}/{m.slot}")
        for seen, who in ((seen_sme, m.sme), (seen_partner, m.partner)):
            if (who, m.day, m.slot) in seen:
                out.append(f"{who} is booked twice at day {m.day} slot {m.slot}")
            seen.add((who, m.day, m.slot))
        if (m.sme, m.partner) in seen_pair:
            out.append(f"pair {m.sme}-{m.partner} meets twice")
        seen_pair.add((m.sme, m.partner))
        per_sme[m.sme] += 1
        per_partner[m.partner] += 1
    for p in np.flatnonzero(per_partner > problem.partner_capacity):
        out.append(
            f"partner {p} has {per_partner[p]} meetings, capacity {problem.partner_capacity}"
        )
    for s in range(problem.n_smes):
        if not agenda.min_meetings[s] <= per_sme[s] <= agenda.max_meetings:
            out.append(
                f"SME {s} has {per_sme[s]} meetings, outside "
                f"{agenda.min_meetings[s]}..{agenda.max_meetings}"
            )
    if sum(m.fit for m in agenda.meetings) != agenda.objective:
        out.append("the objective is not the total fit of the meetings")
    return out


# --- pieces -------------------------------------------------------------------------------


def _check(problem: AgendaProblem) -> None:
    pairs = problem.pairs
    if len(pairs) != len(problem.fit):
        raise ValueError("pairs and fit differ in length")
    if len({(int(s), int(p)) for s, p in pairs}) != len(pairs):
        raise ValueError("a candidate pair is listed twice")
    if len(problem.fit) and int(problem.fit.min()) < 0:
        raise ValueError("fits must be >= 0")
    if problem.partner_capacity < 1:
        raise ValueError("partner_capacity must be at least 1")
    if not problem.blocks or any(not b for b in problem.blocks):
        raise ValueError("every block needs at least one slot")


def _most_alone(problem: AgendaProblem, pair_block: np.ndarray) -> np.ndarray:
    """c_i: meetings SME i could have with no one else competing for its candidates."""
    slots = problem.block_slots()
    counts = np.zeros((problem.n_smes, len(problem.blocks)), dtype=np.int64)
    if len(problem.pairs):
        np.add.at(counts, (problem.pairs[:, 0], pair_block), 1)
    return np.minimum(counts, slots[None, :]).sum(axis=1)


def _water_level(alone: np.ndarray, capacity: int, most: int) -> int:
    """The largest k with sum(min(k, c_i)) <= capacity: an even split of what partners offer."""
    k = 0
    while k < most and int(np.minimum(k + 1, alone).sum()) <= capacity:
        k += 1
    return k


def _shares_fit(problem: AgendaProblem, pair_block: np.ndarray, lower: np.ndarray) -> bool:
    """Whether every SME can have its `lower` meetings at once, within all limits.

    Max flow: source -> SME (lower) -> SME's day block (slots) -> partner (1 per pair) ->
    sink (partner limit); the shares fit when the flow carries them all.
    """
    need = int(lower.sum())
    pairs = problem.pairs
    if need == 0:
        return True
    n, m, nb = problem.n_smes, problem.n_partners, len(problem.blocks)
    sme_node = 1 + np.arange(n)
    block_node = 1 + n + np.arange(n * nb).reshape(n, nb)
    partner_node = 1 + n + n * nb + np.arange(m)
    sink = 1 + n + n * nb + m
    slots = problem.block_slots()
    heads = [np.zeros(n, np.int64), sme_node.repeat(nb), block_node[pairs[:, 0], pair_block]]
    tails = [sme_node, block_node.ravel(), partner_node[pairs[:, 1]]]
    caps = [lower, np.tile(slots, n), np.ones(len(pairs), np.int64)]
    heads.append(partner_node)
    tails.append(np.full(m, sink))
    caps.append(problem.partner_limit())
    u, v, c = np.concatenate(heads), np.concatenate(tails), np.concatenate(caps)
    keep = c > 0
    graph = sp.csr_matrix(
        (c[keep].astype(np.int32), (u[keep], v[keep])), shape=(sink + 1, sink + 1)
    )
    return int(maximum_flow(graph, 0, sink).flow_value) >= need


def _solve_interruptibly(solver: Any, model: Any) -> Any:
    # The search runs in a thread so Ctrl-C reaches Python at once; it then stops the search.
    result: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(solver.solve(model))
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=run, name="cp-sat", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.1)
    except KeyboardInterrupt:
        solver.stop_search()
        thread.join()
        raise
    if errors:
        raise errors[0]
    return result[0]


def _schedule(
    problem: AgendaProblem,
    pairs: np.ndarray,
    fit: np.ndarray,
    pair_block: np.ndarray,
    n_blocks: int,
) -> list[Meeting]:
    meetings: list[Meeting] = []
    for b in range(n_blocks):
        mine = np.flatnonzero(pair_block == b)
        # Best pairs first, so the greedy colouring gives them the earliest free slots.
        mine = mine[np.lexsort((pairs[mine, 1], pairs[mine, 0], -fit[mine]))]
        edges = [(int(pairs[e, 0]), int(pairs[e, 1])) for e in mine]
        colours = edge_colouring(edges, len(problem.blocks[b]))
        for e, colour in zip(mine, colours, strict=True):
            day, slot = problem.blocks[b][colour]
            meetings.append(Meeting(int(pairs[e, 0]), int(pairs[e, 1]), day, slot, int(fit[e])))
    meetings.sort(key=lambda m: (m.day, m.slot, m.sme, m.partner))
    return meetings


def edge_colouring(edges: Sequence[tuple[int, int]], n_colours: int) -> list[int]:
    """A colour per edge of a bipartite graph, no two edges at a vertex sharing one.

    Needs ``n_colours`` >= the largest degree (König); raises ValueError otherwise. Each edge
    takes a colour free at both ends, or swaps two colours along an alternating path first.
    The least used free colour is preferred, which spreads meetings over the slots.
    """
    at_left: dict[int, dict[int, int]] = defaultdict(dict)  # vertex -> colour -> edge
    at_right: dict[int, dict[int, int]] = defaultdict(dict)
    load = [0] * n_colours
    colour = [-1] * len(edges)

    def free(used: dict[int, int]) -> int:
        options = [c for c in range(n_colours) if c not in used]
        if not options:
            raise ValueError("more edges at a vertex than colours")
        return min(options, key=lambda c: (load[c], c))

    for e, (u, v) in enumerate(edges):
        a, b = free(at_left[u]), free(at_right[v])
        if a in at_right[v]:
            if b not in at_left[u]:
                a = b
            else:
                _swap_path(v, a, b, edges, colour, at_left, at_right, load)
        colour[e] = a
        at_left[u][a] = e
        at_right[v][a] = e
        load[a] += 1
    return colour


def _swap_path(
    start: int,
    a: int,
    b: int,
    edges: Sequence[tuple[int, int]],
    colour: list[int],
    at_left: dict[int, dict[int, int]],
    at_right: dict[int, dict[int, int]],
    load: list[int],
) -> None:
    # The a/b path from `start` never reaches the other end of the new edge (bipartite
    # parity), so after swapping, a is free at both ends.
    path: list[int] = []
    node, on_right, want = start, True, a
    while True:
        table = at_right if on_right else at_left
        e = table[node].get(want)
        if e is None:
            break
        path.append(e)
        u, v = edges[e]
        node, on_right = (u, False) if on_right else (v, True)
        want = b if want == a else a
    for e in path:
        u, v = edges[e]
        del at_left[u][colour[e]]
        del at_right[v][colour[e]]
    for e in path:
        u, v = edges[e]
        load[colour[e]] -= 1
        colour[e] = b if colour[e] == a else a
        load[colour[e]] += 1
        at_left[u][colour[e]] = e
        at_right[v][colour[e]] = e


__all__ = [
    "FIT_SCALE",
    "Agenda",
    "AgendaProblem",
    "Meeting",
    "edge_colouring",
    "problem_from_matrix",
    "solve_agenda",
    "to_points",
    "violations",
]
