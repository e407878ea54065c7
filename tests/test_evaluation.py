"""Evaluation metrics on hand-computed examples, judgment files, and the per-segment table."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from corpus import write_csv

from recommender import ValidationError, Workspace, evaluate_workspace, load_judgments
from recommender.evaluation import (
    QueryRun,
    dcg,
    evaluate_rankings,
    ndcg_at,
    precision_at,
    recall_at,
    reciprocal_rank,
    score_runs,
)

GRADES = {"a": 3, "b": 2, "c": 0, "d": 1, "e": 2}


def test_dcg_uses_exponential_gain_and_log2_discount() -> None:
    expected = (2**3 - 1) / math.log2(2) + (2**0 - 1) / math.log2(3) + (2**2 - 1) / math.log2(4)
    assert dcg([3, 0, 2]) == pytest.approx(expected)
    assert dcg([]) == 0.0


def test_ndcg_by_hand() -> None:
    ranked = ["c", "a", "x", "b"]  # x is unjudged: grade 0
    got = ndcg_at(ranked, GRADES, k=3)
    dcg_3 = 0 / math.log2(2) + 7 / math.log2(3) + 0 / math.log2(4)
    ideal_3 = 7 / math.log2(2) + 3 / math.log2(3) + 3 / math.log2(4)  # grades 3, 2, 2
    assert got == pytest.approx(dcg_3 / ideal_3)


def test_ndcg_of_the_ideal_ranking_is_one_and_of_nothing_relevant_zero() -> None:
    ideal = sorted(GRADES, key=lambda i: -GRADES[i])
    assert ndcg_at(ideal, GRADES, k=10) == pytest.approx(1.0)
    assert ndcg_at(["c", "x", "y"], GRADES) == 0.0
    assert ndcg_at(["a"], {"a": 0}) == 0.0  # no gain possible at all


def test_ndcg_cuts_at_k() -> None:
    ranked = ["c", "x", "a"]
    assert ndcg_at(ranked, GRADES, k=2) == 0.0
    assert ndcg_at(ranked, GRADES, k=3) > 0.0


def test_precision_counts_grades_two_and_up_over_k() -> None:
    ranked = ["a", "d", "b", "c", "x"]  # relevant: a (3), b (2); d (1) is not
    assert precision_at(ranked, GRADES, k=5) == pytest.approx(2 / 5)
    assert precision_at(ranked, GRADES, k=1) == pytest.approx(1.0)
    assert precision_at(ranked[:2], GRADES, k=5) == pytest.approx(1 / 5)  # short list: still /k


def test_recall_is_the_share_of_relevant_found() -> None:
    # Relevant: a, b, e.
    assert recall_at(["b", "x", "a"], GRADES, k=20) == pytest.approx(2 / 3)
    assert recall_at(["b", "x", "a"], GRADES, k=2) == pytest.approx(1 / 3)
    assert recall_at(["a"], {"a": 1}) == 0.0  # nothing relevant to find


def test_reciprocal_rank_of_the_first_relevant() -> None:
    assert reciprocal_rank(["c", "d", "e", "a"], GRADES) == pytest.approx(1 / 3)
    assert reciprocal_rank(["a"], GRADES) == 1.0
    assert reciprocal_rank(["c", "d"], GRADES) == 0.0


def test_score_runs_averages_over_queries_with_a_relevant_partner() -> None:
    runs = [
        QueryRun(["a", "c"], {"a": 3, "c": 0}),  # mrr 1
        QueryRun(["c", "a"], {"a": 2, "c": 0}),  # mrr 1/2
        QueryRun(["c"], {"c": 1}),  # nothing relevant: left out
    ]
    scores = score_runs(runs)
    assert scores["queries"] == 2
    assert scores["mrr"] == pytest.approx(0.75)
    assert scores["p@5"] == pytest.approx(1 / 5)
    assert scores["recall@20"] == pytest.approx(1.0)
    assert score_runs(runs[2:])["queries"] == 0


def test_evaluate_rankings_segments() -> None:
    judgments = {
        "sme-en": {"p-en": 3, "p-fr": 2},
        "sme-fr": {"p-en": 2, "p-fr": 0},
        "sme-unknown": {"p-en": 3},  # not in the data: ignored
    }
    sme_language = {"sme-en": "en", "sme-fr": "fr"}
    partner_language = {"p-en": "en", "p-fr": "fr"}
    rankings = {
        ("sme-en", "good"): ["p-en", "p-fr"],
        ("sme-fr", "good"): ["p-en", "p-fr"],
        ("sme-en", "bad"): ["p-x", "p-fr", "p-en"],
        ("sme-fr", "bad"): ["p-fr", "p-x", "p-en"],
    }

    table = evaluate_rankings(
        lambda sme, ranker: rankings[(sme, ranker)],
        judgments,
        sme_language,
        partner_language,
        ["good", "bad"],
    )
    rows = {(r["ranker"], r["segment"]): r for r in table.to_dict("records")}

    assert set(rows) == {
        (ranker, segment)
        for ranker in ("good", "bad")
        for segment in ("all", "non-English SMEs", "cross-lingual")
    }
    assert rows[("good", "all")]["queries"] == 2
    assert rows[("good", "all")]["mrr"] == pytest.approx(1.0)
    assert rows[("bad", "all")]["mrr"] == pytest.approx((1 / 2 + 1 / 3) / 2)
    # Only sme-fr is non-English.
    assert rows[("bad", "non-English SMEs")]["queries"] == 1
    assert rows[("bad", "non-English SMEs")]["mrr"] == pytest.approx(1 / 3)
    # Cross-lingual keeps the partners in another language: p-fr for sme-en, p-en for
    # sme-fr; in "bad" each is then first among the other-language partners.
    assert rows[("bad", "cross-lingual")]["queries"] == 2
    assert rows[("bad", "cross-lingual")]["mrr"] == pytest.approx(1.0)


def judgments_file(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    return write_csv(tmp_path / "judgments.csv", rows, ["sme_id", "partner_id", "relevance"])


def test_load_judgments(tmp_path: Path) -> None:
    path = judgments_file(
        tmp_path,
        [
            {"sme_id": "s1", "partner_id": "p1", "relevance": "3"},
            {"sme_id": "s1", "partner_id": "p2", "relevance": "0"},
            {"sme_id": "s2", "partner_id": "p1", "relevance": "2"},
        ],
    )
    assert load_judgments(path) == {"s1": {"p1": 3, "p2": 0}, "s2": {"p1": 2}}


def test_load_judgments_reports_every_bad_grade_with_row_and_column(tmp_path: Path) -> None:
    path = judgments_file(
        tmp_path,
        [
            {"sme_id": "s1", "partner_id": "p1", "relevance": "3"},
            {"sme_id": "s1", "partner_id": "p2", "relevance": "high"},
            {"sme_id": "s1", "partner_id": "p3", "relevance": "2"},
            {"sme_id": "s2", "partner_id": "p1", "relevance": "4"},
            {"sme_id": "", "partner_id": "p1", "relevance": "1"},
        ],
    )
    with pytest.raises(ValidationError) as info:
        load_judgments(path)
    problems = info.value.problems
    assert [(p.file, p.row, p.column) for p in problems] == [
        (str(path), 3, "relevance"),
        (str(path), 5, "relevance"),
        (str(path), 6, "sme_id"),
    ]
    assert "'high'" in problems[0].reason
    assert "'4'" in problems[1].reason


def test_load_judgments_missing_column_and_missing_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "j.csv", [{"sme_id": "s", "partner_id": "p"}])
    with pytest.raises(ValidationError) as info:
        load_judgments(path)
    assert [(p.row, p.column) for p in info.value.problems] == [(1, "relevance")]

    with pytest.raises(ValidationError, match="cannot read"):
        load_judgments(tmp_path / "absent.csv")


def test_load_judgments_names_the_empty_partner_column(tmp_path: Path) -> None:
    path = judgments_file(tmp_path, [{"sme_id": "s1", "partner_id": "", "relevance": "2"}])
    with pytest.raises(ValidationError) as info:
        load_judgments(path)
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "partner_id")]


def test_evaluate_workspace_rewards_the_known_right_answers(
    loaded: Workspace, tmp_path: Path
) -> None:
    judgments = {
        "sme-park": {"p-us-park": 3, "p-cn-park": 2, "p-us-waste": 0},
        "sme-waste": {"p-ca-waste": 3, "p-sg-waste": 3},
        "sme-charge": {"p-ca-charge": 3},
    }
    table = evaluate_workspace(loaded, judgments, ["hybrid", "dense", "lexical"])

    assert len(table) == 9
    overall = table[table.segment == "all"].set_index("ranker")
    assert set(overall.index) == {"hybrid", "dense", "lexical"}
    # The corpus is built so that every ranker finds the obvious partners first.
    assert (overall["mrr"] == 1.0).all()
    assert (overall["ndcg@10"] > 0.99).all()
    assert (overall["queries"] == 3).all()
    # Every SME of the corpus writes in English: no non-English queries to score.
    assert (table[table.segment == "non-English SMEs"]["queries"] == 0).all()
