"""Mission planning: the mission file, reciprocal ranking, the agenda solver, the CLI, resume."""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from openpyxl import load_workbook
from scipy.stats import rankdata
from typer.testing import CliRunner, Result

from recommender import BUNDLED_DATA, Workspace, get_settings
from recommender.cli import app
from recommender.errors import ValidationError
from recommender.missions import (
    Agenda,
    AgendaProblem,
    Eligibility,
    LocalEngine,
    compute_reciprocal,
    load_mission,
    make_engine,
    parse_mission,
    plan_mission,
    solve_agenda,
)
from recommender.missions.agenda import edge_colouring, problem_from_matrix, to_points
from recommender.missions.engines import Engine
from recommender.missions.reciprocal import reciprocal_fit, synthetic_source
from recommender.ranking import make_ranker
from recommender.relevance import band_floor

MISSION = BUNDLED_DATA / "missions" / "china-2019.yaml"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def assert_clean_failure(result: Result) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- the mission file -------------------------------------------------------------------------


def minimal() -> dict[str, Any]:
    return {
        "name": "Test mission",
        "markets": ["CN", "SG"],
        "cities": ["Chengdu", "Singapore"],
        "dates": ["2019-09-16", "2019-09-20"],
        "smes": "all",
        "slots": {"days": 2, "per_day": 4},
        "partner_capacity": 3,
    }


def test_the_bundled_mission_is_valid() -> None:
    spec = load_mission(MISSION)
    assert spec.markets == ["CN", "SG"]
    assert spec.cities == ["Chengdu", "Shanghai", "Singapore"]
    assert (spec.slots.days, spec.slots.per_day, spec.partner_capacity) == (3, 6, 4)
    assert str(spec.dates[0]) == "2019-09-16" and str(spec.dates[1]) == "2019-09-20"
    assert spec.smes == "all"
    assert len(spec.exclude) == 1
    assert spec.day_cities() == ["Chengdu", "Shanghai", "Singapore"]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda d: d.pop("name"), "name"),
        (lambda d: d["slots"].pop("per_day"), "slots.per_day"),
        (lambda d: d.update(markets=["CN", "FR"]), "markets"),
        (lambda d: d.update(partner_capacity=0), "partner_capacity"),
        (lambda d: d.update(partner_capacty=4), "partner_capacty"),
        (lambda d: d.update(dates=["2019-09-20", "2019-09-16"]), "dates"),
        (lambda d: d.update(slots={"days": 9, "per_day": 4}), "slots.days"),
        (lambda d: d.update(itinerary=["Chengdu"]), "itinerary"),
        (lambda d: d.update(itinerary=["Chengdu", "Beijing"]), "itinerary"),
        (lambda d: d.update(exclude=[["sme-a"]]), "exclude.0"),
        (lambda d: d.update(partner_types=["university"]), "partner_types"),
        (lambda d: d.update(smes=[]), "smes"),
        (lambda d: d.update(fairness={"slack": -1}), "fairness.slack"),
    ],
)
def test_an_invalid_mission_names_the_key(
    change: Callable[[dict[str, Any]], Any], key: str
) -> None:
    data = minimal()
    data["slots"] = dict(data["slots"])
    change(data)
    with pytest.raises(ValidationError) as caught:
        parse_mission(data)
    keys = [p.column or "" for p in caught.value.problems]
    assert any(k.startswith(key) for k in keys), keys


def test_a_yaml_syntax_error_gives_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nmarkets: [CN\ncities: [a]\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_mission(path)
    problem = caught.value.problems[0]
    assert problem.row is not None and problem.row >= 2
    assert "YAML" in problem.reason


# --- the agenda -----------------------------------------------------------------------------------


def random_problem(rng: np.random.Generator, **options: Any) -> tuple[AgendaProblem, list]:
    n, m = int(rng.integers(1, 14)), int(rng.integers(1, 22))
    days, per_day = int(rng.integers(1, 4)), int(rng.integers(1, 5))
    if rng.random() < 0.5:  # an itinerary: each partner meets on its city's day only
        blocks = [[(d + 1, s + 1) for s in range(per_day)] for d in range(days)]
        partner_block = rng.integers(0, days, m)
    else:
        blocks = [[(d + 1, s + 1) for d in range(days) for s in range(per_day)]]
        partner_block = np.zeros(m, dtype=np.int64)
    eligible = rng.random((n, m)) < rng.uniform(0.2, 1.0)
    exclude = [
        (int(s), int(p)) for s, p in zip(rng.integers(0, n, 4), rng.integers(0, m, 4), strict=True)
    ]
    problem = problem_from_matrix(
        rng.random((n, m)),
        eligible,
        partner_block,
        blocks,
        partner_capacity=int(rng.integers(1, 5)),
        exclude=exclude,
        slack=int(rng.integers(0, 3)),
        time_limit=10,
        **options,
    )
    return problem, exclude


def most_alone(problem: AgendaProblem) -> np.ndarray:
    """Meetings each SME could have if no other SME competed: candidates within block slots."""
    out = np.zeros(problem.n_smes, dtype=np.int64)
    for s in range(problem.n_smes):
        partners = problem.pairs[problem.pairs[:, 0] == s, 1]
        for b, slots in enumerate(problem.blocks):
            out[s] += min(len(slots), int((problem.partner_block[partners] == b).sum()))
    return out


def assert_valid(
    problem: AgendaProblem, agenda: Agenda, exclude: Iterable[tuple[int, int]]
) -> None:
    meetings = agenda.meetings
    sme_slots = Counter((m.sme, m.day, m.slot) for m in meetings)
    partner_slots = Counter((m.partner, m.day, m.slot) for m in meetings)
    assert max(sme_slots.values(), default=0) <= 1, "an SME is double booked"
    assert max(partner_slots.values(), default=0) <= 1, "a partner is double booked"
    pairs = Counter((m.sme, m.partner) for m in meetings)
    assert max(pairs.values(), default=0) <= 1, "a pair meets twice"
    assert not set(pairs) & set(exclude), "an excluded pair meets"
    candidates = {(int(s), int(p)) for s, p in problem.pairs}
    assert set(pairs) <= candidates
    per_partner = Counter(m.partner for m in meetings)
    assert max(per_partner.values(), default=0) <= problem.partner_capacity
    for m in meetings:
        assert (m.day, m.slot) in problem.blocks[problem.partner_block[m.partner]]
    # Fairness: min(k, c_i) <= meetings <= k + slack, and k is what the module promises.
    per_sme = Counter(m.sme for m in meetings)
    alone = most_alone(problem)
    k = agenda.fair_share
    assert agenda.max_meetings == k + problem.slack
    for s in range(problem.n_smes):
        assert min(k, alone[s]) <= per_sme[s] <= k + problem.slack
    limit = np.minimum(
        problem.partner_capacity, [len(problem.blocks[b]) for b in problem.partner_block]
    )
    degree = np.bincount(problem.pairs[:, 1], minlength=problem.n_partners)
    capacity = int(np.minimum(limit, degree).sum())
    assert k <= agenda.fair_share_target
    assert int(np.minimum(agenda.fair_share_target, alone).sum()) <= capacity
    # The objective is the total fit of what was scheduled.
    fit = {(int(s), int(p)): int(w) for (s, p), w in zip(problem.pairs, problem.fit, strict=True)}
    assert all(m.fit == fit[m.sme, m.partner] for m in meetings)
    assert agenda.objective == sum(m.fit for m in meetings)


@pytest.mark.parametrize("seed", range(40))
def test_random_agendas_keep_every_rule(seed: int) -> None:
    problem, exclude = random_problem(np.random.default_rng(seed))
    agenda = solve_agenda(problem)
    assert agenda.status == "OPTIMAL"
    assert agenda.gap == 0.0
    assert agenda.best_bound == pytest.approx(agenda.objective)
    assert_valid(problem, agenda, exclude)


def time_indexed_optimum(problem: AgendaProblem, lower: list[int], upper: int) -> int:
    """The same problem as one boolean per (pair, slot): the textbook model, as an oracle."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    groups: dict[tuple[Any, ...], list[Any]] = {}
    objective = []
    for e, (s, p) in enumerate(problem.pairs.tolist()):
        for day, slot in problem.blocks[problem.partner_block[p]]:
            var = model.new_bool_var(f"y{e}_{day}_{slot}")
            objective.append(int(problem.fit[e]) * var)
            for key in (("sme", s, day, slot), ("partner", p, day, slot), ("pair", e)):
                groups.setdefault(key, []).append(var)
            groups.setdefault(("capacity", p), []).append(var)
            groups.setdefault(("meetings", s), []).append(var)
    for key, group in groups.items():
        if key[0] == "capacity":
            model.add(sum(group) <= problem.partner_capacity)
        elif key[0] != "meetings":
            model.add(sum(group) <= 1)
    for s in range(problem.n_smes):
        group = groups.get(("meetings", s), [])
        model.add(sum(group) >= lower[s])
        model.add(sum(group) <= upper)
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 20
    assert solver.solve(model) == cp_model.OPTIMAL
    return round(solver.objective_value)


@pytest.mark.parametrize("seed", range(8))
def test_choosing_pairs_then_slots_loses_nothing(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    problem, _ = random_problem(rng)
    agenda = solve_agenda(problem)
    assert agenda.objective == time_indexed_optimum(
        problem, agenda.min_meetings, agenda.max_meetings
    )


def test_fairness_gives_the_weak_sme_its_share() -> None:
    # Two partners, one meeting each; SME 0 fits both best and has the slots to take both.
    fit = np.array([[0.9, 0.9], [0.1, 0.1]])
    problem = problem_from_matrix(
        fit, np.ones_like(fit, dtype=bool), np.zeros(2, np.int64), [[(1, 1), (1, 2)]], 1
    )
    agenda = solve_agenda(problem)
    assert agenda.fair_share == 1
    assert Counter(m.sme for m in agenda.meetings) == {0: 1, 1: 1}
    rule_off = AgendaProblem(**{**problem.__dict__, "min_meetings": 0, "slack": 2})
    assert Counter(m.sme for m in solve_agenda(rule_off).meetings) == {0: 2}


def test_an_impossible_share_is_lowered_with_a_note() -> None:
    # Three SMEs all want the single partner; asking for 2 meetings each cannot be met.
    fit = np.full((3, 1), 0.5)
    problem = problem_from_matrix(
        fit,
        np.ones_like(fit, dtype=bool),
        np.zeros(1, np.int64),
        [[(1, 1), (1, 2)]],
        partner_capacity=2,
        min_meetings=2,
    )
    agenda = solve_agenda(problem)
    assert agenda.fair_share < 2 and agenda.notes
    assert len(agenda.meetings) == 2


@pytest.mark.parametrize("seed", range(10))
def test_edge_colouring_needs_no_more_colours_than_the_largest_degree(seed: int) -> None:
    rng = np.random.default_rng(seed)
    edges = sorted({(int(u), int(v)) for u, v in rng.integers(0, 12, (60, 2))})
    left, right = Counter(u for u, _ in edges), Counter(v for _, v in edges)
    degree = max(*left.values(), *right.values())
    colours = edge_colouring(edges, degree)
    assert all(0 <= c < degree for c in colours)
    assert len({(u, c) for (u, _), c in zip(edges, colours, strict=True)}) == len(edges)
    assert len({(v, c) for (_, v), c in zip(edges, colours, strict=True)}) == len(edges)


def test_fits_become_integer_points() -> None:
    assert to_points(np.array([0.0, 0.12345, 1.0, 1.5])).tolist() == [0, 1234, 10000, 10000]


# --- reciprocal fit -------------------------------------------------------------------------------


def test_reciprocal_fit_needs_both_sides() -> None:
    one_sided = reciprocal_fit(np.array([1.0]), np.array([0.1]))
    mutual = reciprocal_fit(np.array([0.6]), np.array([0.6]))
    assert one_sided[0] < mutual[0]
    assert reciprocal_fit(np.array([1.0]), np.array([1.0]))[0] == pytest.approx(1.0)


def oracle(source: Any, eligibility: Eligibility) -> np.ndarray:
    """Reciprocal fit of every pair from one full-matrix computation."""
    n_s, n_p = source.n_smes, source.n_partners
    signals = source.signals(np.arange(n_s), np.arange(n_p))
    ranker = make_ranker("hybrid")
    ok = eligibility.block(np.arange(n_s), np.arange(n_p))

    def percentile(scores: np.ndarray, axis: int) -> np.ndarray:
        masked = np.where(ok, scores, -np.inf)
        # rank 1 = best; ties share the worst rank, which random data never has
        rank = rankdata(-masked, axis=axis, method="ordinal")
        n = ok.sum(axis=axis, keepdims=True)
        return np.where(ok, (n - rank + 1) / np.maximum(n, 1), 0.0)

    forward = percentile(ranker.score(signals, axis=1), axis=1)
    backward = percentile(ranker.score(signals, axis=0), axis=0)
    return np.where(ok, 2 * forward * backward / (forward + backward + 1e-30), 0.0)


@pytest.mark.parametrize("block_pairs", [40, 333, 10_000])
def test_blocks_give_the_full_matrix_answer(tmp_path: Path, block_pairs: int) -> None:
    source = synthetic_source(23, 57, dimension=32, vocabulary=300, seed=3)
    rng = np.random.default_rng(3)
    eligibility = Eligibility(
        rng.random((23, 2)) < 0.8, rng.integers(0, 2, 57), np.array([[0, 1], [5, 9]])
    )
    result = compute_reciprocal(source, eligibility, tmp_path, keep=10, block_pairs=block_pairs)
    expected = oracle(source, eligibility)
    for i in range(23):
        valid = result.partners[i] >= 0
        rows = result.partners[i][valid]
        np.testing.assert_allclose(result.fit[i][valid], expected[i, rows], rtol=1e-5)
        best = np.sort(expected[i])[::-1][: valid.sum()]
        np.testing.assert_allclose(result.fit[i][valid], best, rtol=1e-5)
    assert not any(
        (s, p) in {(0, 1), (5, 9)} for s in range(23) for p in result.partners[s].tolist()
    )


class InterruptAfter(Engine):
    """A local engine that stops (as Ctrl-C would) after `n` tasks."""

    name = "local"

    def __init__(self, n: int):
        self.n = n

    def map(self, fn: Any, shared: Any, tasks: Iterable[tuple[Any, Any]]) -> Iterator[Any]:
        for key, args in tasks:
            if self.n == 0:
                raise KeyboardInterrupt
            self.n -= 1
            yield key, fn(*shared, *args)


def test_an_interrupted_ranking_resumes_where_it_stopped(tmp_path: Path) -> None:
    source = synthetic_source(10, 40, dimension=16, vocabulary=100, seed=1)
    eligibility = Eligibility(np.ones((10, 1), bool), np.zeros(40, np.int64))
    with pytest.raises(KeyboardInterrupt):
        compute_reciprocal(source, eligibility, tmp_path, InterruptAfter(3), block_pairs=50)
    resumed = compute_reciprocal(source, eligibility, tmp_path, LocalEngine(), block_pairs=50)
    # 8 partner chunks of 5 and 10 SME blocks of 1: three were done before the interruption.
    assert (resumed.reused, resumed.computed) == (3, 15)
    fresh = compute_reciprocal(source, eligibility, tmp_path / "fresh", block_pairs=50)
    np.testing.assert_array_equal(resumed.partners, fresh.partners)
    np.testing.assert_array_equal(resumed.fit, fresh.fit)


# --- engines --------------------------------------------------------------------------------------


def test_engines_by_name() -> None:
    assert make_engine("local").name == "local"
    with pytest.raises(ValueError, match="--engine ray"):
        make_engine("local", "127.0.0.1:6379")
    with pytest.raises(ValueError, match="unknown engine"):
        make_engine("spark")


# --- the command line, end to end on the bundled data --------------------------------------------


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """CLUSTERMATCH_HOME in tmp_path with the hashing backend, holding the bundled data."""
    home = tmp_path / "home"
    monkeypatch.setenv("CLUSTERMATCH_HOME", str(home))
    monkeypatch.setenv("CLUSTERMATCH_EMBEDDING_BACKEND", "hashing")
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    result = run(
        "import",
        "--smes",
        str(BUNDLED_DATA / "smes.csv"),
        "--partners",
        str(BUNDLED_DATA / "partners.csv"),
    )
    assert result.exit_code == 0, result.output
    yield home
    get_settings.cache_clear()


def read_agenda(folder: Path) -> list[dict[str, str]]:
    with (folder / "agenda.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_plan_the_bundled_mission(cli_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    result = run("mission", "plan", str(MISSION), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "OPTIMAL" in ANSI.sub("", result.stdout)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    for key in ("model", "data_version", "index_hash", "parameters", "timings_s"):
        assert manifest[key]
    assert manifest["model"].startswith("hashing")
    assert manifest["parameters"]["partner_capacity"] == 4

    rows = read_agenda(out)
    assert {"sme_id", "partner_id", "day", "slot", "fit"} <= set(rows[0])
    assert sum(int(r["fit_points"]) for r in rows) == manifest["agenda"]["objective"]
    assert sum(round(float(r["fit"]) * 10_000) for r in rows) == manifest["agenda"]["objective"]
    assert manifest["agenda"]["status"] == "OPTIMAL" and manifest["agenda"]["gap"] == 0.0
    assert len(rows) == manifest["agenda"]["meetings"] > 0
    assert ("sme-parksmart", "p-cn-013") not in {(r["sme_id"], r["partner_id"]) for r in rows}
    assert max(Counter((r["sme_id"], r["day"], r["slot"]) for r in rows).values()) == 1
    assert max(Counter((r["partner_id"], r["day"], r["slot"]) for r in rows).values()) == 1
    assert max(Counter(r["partner_id"] for r in rows).values()) <= 4
    itinerary = {"Chengdu": "1", "Shanghai": "2", "Singapore": "3"}
    assert all(itinerary[r["city"]] == r["day"] for r in rows)
    per_sme = Counter(r["sme_id"] for r in rows)
    assert min(per_sme.values()) >= min(manifest["agenda"]["fair_share"], 1)
    # The relevance floor can leave an SME without a meeting: only one with no lead above it.
    short = {s["sme_id"]: s for s in manifest["agenda"]["below_fair_share"]}
    for sme in manifest_smes(out) - set(per_sme):
        assert short[sme]["leads"] == 0

    leads = load_workbook(out / "leads.xlsx", read_only=True)
    assert leads.sheetnames[0] == "summary"
    assert len(leads.sheetnames) == manifest["scope"]["smes"] + 2  # + summary, partners
    sheet = leads["sme-parksmart"]
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0] is not None]
    assert values[1][:3] == ("rank", "partner_id", "partner")
    assert values[1][5:8] == ("fit", "relevance", "band")
    assert values[2][11] and values[2][12]  # explained from both sides
    assert "p-cn-013" not in {row[1] for row in values[2:]}
    agenda_book = load_workbook(out / "agenda.xlsx", read_only=True)
    assert agenda_book.sheetnames == ["agenda", "by SME"]

    briefings = sorted((out / "briefings").glob("*.html"))
    assert len(briefings) == manifest["scope"]["smes"]
    assert "Your meetings" in (out / "briefings" / "sme-parksmart.html").read_text("utf-8")
    report = (out / "report.html").read_text("utf-8")
    assert report.count("data:image/png;base64,") == 4
    for title in ("Fit distribution", "Meetings per SME", "Meetings per partner", "Coverage"):
        assert title in report


def manifest_smes(out: Path) -> set[str]:
    book = load_workbook(out / "leads.xlsx", read_only=True)
    return {row[0] for row in list(book["summary"].iter_rows(values_only=True))[1:] if row[0]}


def plan_with(tmp_path: Path, name: str, **keys: Any) -> tuple[dict[str, Any], list[dict]]:
    data = yaml.safe_load(MISSION.read_text("utf-8"))
    data.update(keys)
    mission = tmp_path / f"{name}.yaml"
    mission.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / name
    result = run("mission", "plan", str(mission), "--out", str(out))
    assert result.exit_code == 0, result.output
    return json.loads((out / "manifest.json").read_text("utf-8")), read_agenda(out)


def test_the_default_floor_is_the_good_band() -> None:
    assert parse_mission(minimal()).min_relevance == band_floor("good") == 0.5
    assert parse_mission({**minimal(), "min_relevance": "strong"}).min_relevance == 0.7
    assert parse_mission({**minimal(), "min_relevance": 0.35}).min_relevance == 0.35
    for bad in ("great", 1.5):
        with pytest.raises(ValidationError) as caught:
            parse_mission({**minimal(), "min_relevance": bad})
        assert [p.column for p in caught.value.problems] == ["min_relevance"]
    with pytest.raises(ValidationError):  # dense gives no calibrated score to compare
        parse_mission({**minimal(), "ranker": "dense", "min_relevance": 0.5})


def test_no_meeting_is_below_the_floor(cli_home: Path, tmp_path: Path) -> None:
    manifest, rows = plan_with(tmp_path, "default")
    assert manifest["agenda"]["min_relevance"] == 0.5
    assert rows and min(float(r["relevance"]) for r in rows) >= 0.5
    assert {r["band"] for r in rows} <= {"good", "strong"}
    _, unfloored = plan_with(tmp_path, "none", min_relevance=0.0)
    # Without the floor the agenda books pairs that are no good lead: the floor is what stops it.
    assert min(float(r["relevance"]) for r in unfloored) < 0.5


def test_raising_the_floor_removes_meetings(cli_home: Path, tmp_path: Path) -> None:
    good, good_rows = plan_with(tmp_path, "good", min_relevance="good")
    strong, strong_rows = plan_with(tmp_path, "strong", min_relevance=0.7)
    assert 0 < len(strong_rows) < len(good_rows)
    assert min(float(r["relevance"]) for r in strong_rows) >= 0.7
    assert strong["scope"]["candidate_pairs"] < good["scope"]["candidate_pairs"]


def test_smes_short_of_good_leads_get_fewer_meetings_and_are_reported(
    cli_home: Path, tmp_path: Path
) -> None:
    manifest, rows = plan_with(tmp_path, "short")
    share = manifest["agenda"]["fair_share"]
    per_sme = Counter(r["sme_id"] for r in rows)
    short = manifest["agenda"]["below_fair_share"]
    assert short, "the bundled mission has SMEs with few good leads"
    assert {s["sme_id"] for s in short} == {
        sme for sme in manifest_smes(tmp_path / "short") if per_sme[sme] < share
    }
    report = (tmp_path / "short" / "report.html").read_text("utf-8")
    for s in short:
        # Fewer good leads than the share: the SME meets each of them at most once, no more.
        assert per_sme[s["sme_id"]] == s["meetings"] <= s["leads"] < share
        assert re.fullmatch(
            r"only \d+ partners? in Chengdu, \d+ in Shanghai, \d+ in Singapore scored at "
            r"least 0\.50",
            s["reason"],
        )
        assert s["reason"] in report
    assert any(per_sme[sme] >= share for sme in per_sme)


def test_an_unchanged_mission_reuses_its_work(cli_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    assert run("mission", "plan", str(MISSION), "--out", str(out)).exit_code == 0
    cached = {p: p.stat().st_mtime_ns for p in (out / ".cache").rglob("*") if p.is_file()}
    first = read_agenda(out)
    assert run("mission", "plan", str(MISSION), "--out", str(out)).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["cache"]["ranking_blocks_computed"] == 0
    assert manifest["cache"]["ranking_blocks_reused"] > 0
    assert manifest["cache"]["agenda_reused"] is True
    assert {p: p.stat().st_mtime_ns for p in cached} == cached  # nothing rewritten
    assert read_agenda(out) == first

    # Another capacity: the ranking is reused, the agenda is solved again.
    changed = tmp_path / "changed.yaml"
    data = yaml.safe_load(MISSION.read_text("utf-8"))
    data["partner_capacity"] = 2
    changed.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert run("mission", "plan", str(changed), "--out", str(out)).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["cache"]["ranking_blocks_computed"] == 0
    assert manifest["cache"]["agenda_reused"] is False
    assert max(Counter(r["partner_id"] for r in read_agenda(out)).values()) <= 2


def test_the_planner_resumes_an_interrupted_plan(cli_home: Path, tmp_path: Path) -> None:
    spec = load_mission(MISSION)
    workspace = Workspace(get_settings())
    try:
        out = tmp_path / "plan"
        with pytest.raises(KeyboardInterrupt):
            plan_mission(spec, out, workspace, engine=InterruptAfter(4), block_pairs=200)
        resumed = plan_mission(spec, out, workspace, block_pairs=200)
        assert resumed.cache["ranking_blocks_reused"] == 4
        assert resumed.cache["ranking_blocks_computed"] > 0
        again = plan_mission(spec, tmp_path / "fresh", workspace, block_pairs=200)
        assert resumed.agenda.meetings == again.agenda.meetings
    finally:
        workspace.close()


def test_an_invalid_mission_file_fails_cleanly(cli_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    data = yaml.safe_load(MISSION.read_text("utf-8"))
    data["slots"] = {"days": 3}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = run("mission", "plan", str(path), "--out", str(tmp_path / "out"))
    assert_clean_failure(result)
    assert "slots.per_day" in result.stderr


def test_unknown_ids_in_the_mission_fail_cleanly(cli_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "unknown.yaml"
    data = yaml.safe_load(MISSION.read_text("utf-8"))
    data["exclude"] = [["sme-nobody", "p-cn-013"]]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = run("mission", "plan", str(path), "--out", str(tmp_path / "out"))
    assert_clean_failure(result)
    assert "sme-nobody" in result.stderr


def test_planning_without_data_says_to_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLUSTERMATCH_HOME", str(tmp_path / "empty"))
    monkeypatch.setenv("CLUSTERMATCH_EMBEDDING_BACKEND", "hashing")
    get_settings.cache_clear()
    result = run("mission", "plan", str(MISSION), "--out", str(tmp_path / "out"))
    assert_clean_failure(result)
    assert "import" in result.stderr


def test_mission_plan_has_help() -> None:
    result = run("mission", "plan", "--help")
    assert result.exit_code == 0
    for option in ("--out", "--engine", "--ray-address"):
        assert option in ANSI.sub("", result.stdout)


def test_a_copied_plan_folder_is_reused(cli_home: Path, tmp_path: Path) -> None:
    # The cache lives in the output folder: moving the folder keeps the work.
    out = tmp_path / "plan"
    assert run("mission", "plan", str(MISSION), "--out", str(out)).exit_code == 0
    moved = tmp_path / "moved"
    shutil.copytree(out, moved)
    assert run("mission", "plan", str(MISSION), "--out", str(moved)).exit_code == 0
    manifest = json.loads((moved / "manifest.json").read_text("utf-8"))
    assert manifest["cache"]["ranking_blocks_computed"] == 0


def test_ctrl_c_says_how_to_resume(
    cli_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import recommender.cli.mission

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(recommender.cli.mission, "plan_mission", interrupted)
    result = run("mission", "plan", str(MISSION), "--out", str(tmp_path / "out"))
    assert result.exit_code == 130
    assert "resume" in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_mission_file_fails_cleanly(tmp_path: Path) -> None:
    result = run("mission", "plan", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "out"))
    assert_clean_failure(result)
    assert "nope.yaml" in result.stderr
