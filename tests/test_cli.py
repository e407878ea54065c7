"""The command line, driven through Typer's test runner on a temporary data folder."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer.main
from corpus import PARTNERS, SMES, partner_row, write_csv, write_partners
from typer.testing import CliRunner, Result

from recommender import BUNDLED_DATA, get_settings
from recommender.cli import app

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def plain(text: str) -> str:
    return ANSI.sub("", text)


def stdout_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(plain(result.stdout))


def assert_clean_failure(result: Result) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """CLUSTERMATCH_HOME in tmp_path with the hashing backend; settings re-read around it."""
    home = tmp_path / "home"
    monkeypatch.setenv("CLUSTERMATCH_HOME", str(home))
    monkeypatch.setenv("CLUSTERMATCH_EMBEDDING_BACKEND", "hashing")
    monkeypatch.setenv("COLUMNS", "200")  # wide tables: names are not wrapped
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture
def imported(cli_home: Path, corpus_files: tuple[Path, Path]) -> Path:
    result = run("import", "--smes", str(corpus_files[0]), "--partners", str(corpus_files[1]))
    assert result.exit_code == 0, result.output
    return cli_home


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)


def test_the_commands_are_all_there() -> None:
    assert {"import", "recommend", "fit", "search", "evaluate", "demo"} <= set(command_names())


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help(name: str) -> None:
    result = run(name, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage" in result.stdout
    assert name in result.stdout


def test_no_arguments_shows_help() -> None:
    result = run()
    assert "Usage" in result.output
    for name in ("import", "recommend", "search"):
        assert name in result.output


def test_settings_come_from_the_environment(cli_home: Path) -> None:
    settings = get_settings()
    assert settings.home == cli_home
    assert settings.embedding_backend == "hashing"


# --- import -----------------------------------------------------------------------------------


def test_import_prints_counts(cli_home: Path, corpus_files: tuple[Path, Path]) -> None:
    args = ("import", "--smes", str(corpus_files[0]), "--partners", str(corpus_files[1]))
    first = run(*args)

    assert first.exit_code == 0, first.output
    out = plain(first.stdout)
    assert f"smes: {len(SMES)} added, 0 updated, 0 unchanged, 0 removed" in out
    assert f"partners: {len(PARTNERS)} added, 0 updated, 0 unchanged, 0 removed" in out
    assert f"texts embedded: {len(SMES) + len(PARTNERS)}" in out
    assert (cli_home / "clustermatch.sqlite").exists()

    second = run(*args)
    assert second.exit_code == 0
    assert f"smes: 0 added, 0 updated, {len(SMES)} unchanged" in plain(second.stdout)
    assert "texts embedded: 0" in plain(second.stdout)


def test_import_replace(imported: Path, tmp_path: Path) -> None:
    partners = write_partners(tmp_path / "fewer.csv", PARTNERS[1:])
    result = run("import", "--partners", str(partners), "--replace")
    assert result.exit_code == 0, result.output
    assert f"partners: 0 added, 0 updated, {len(PARTNERS) - 1} unchanged, 1 removed" in plain(
        result.stdout
    )


def test_import_of_an_invalid_file_fails_cleanly(imported: Path, tmp_path: Path) -> None:
    bad = write_partners(
        tmp_path / "bad.csv",
        [partner_row(id="p-1", country="FR"), partner_row(id="p-2", org_type="wizard")],
    )

    result = run("import", "--partners", str(bad))

    assert_clean_failure(result)
    err = plain(result.stderr)
    assert "2 problem(s)" in err
    assert f"{bad}, row 2, column 'country'" in err
    assert f"{bad}, row 3, column 'org_type'" in err
    assert "nothing was imported" in err
    # The store still answers with the old partners.
    after = stdout_json(run("recommend", "sme-park", "--format", "json"))
    assert "p-us-park" in [r["id"] for r in after["results"]]


def test_import_of_a_missing_file_fails_cleanly(cli_home: Path, tmp_path: Path) -> None:
    result = run("import", "--smes", str(tmp_path / "absent.csv"))
    assert_clean_failure(result)
    assert "absent.csv" in plain(result.stderr)


def test_import_needs_a_file(cli_home: Path) -> None:
    result = run("import")
    assert_clean_failure(result)
    assert "--smes" in plain(result.stderr)


# --- recommend --------------------------------------------------------------------------------


def test_recommend_table(imported: Path) -> None:
    result = run("recommend", "sme-park", "--market", "US")
    assert result.exit_code == 0, result.output
    out = plain(result.stdout)
    assert "Leads for ParkEye (IT)" in out
    assert "Boston Parking Office" in out
    assert "in target market US" in out
    # The best lead comes first.
    assert out.index("Boston Parking Office") < out.index("Chicago Waste Distributors")


def test_recommend_json(imported: Path) -> None:
    data = stdout_json(run("recommend", "sme-park", "--format", "json", "--top", "3"))
    assert isinstance(data, dict)
    assert data["sme_id"] == "sme-park"
    results = data["results"]
    assert [r["rank"] for r in results] == [1, 2, 3]
    assert results[0]["id"] == "p-us-park"
    assert {r["country"] for r in results} <= {"US", "CN"}
    for r in results:
        assert r["explanation"]["matched_sentence"]
        assert f"in target market {r['country']}" in r["explanation"]["reasons"]


def test_recommend_csv(imported: Path) -> None:
    result = run("recommend", "sme-waste", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["sme_id", "id", "name", "country", "city", "org_type", "rank", "score"]
    assert {r["sme_id"] for r in rows} == {"sme-waste"}
    assert {r["country"] for r in rows} <= {"SG", "CA"}
    assert rows[0]["id"] in {"p-ca-waste", "p-sg-waste"}
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))


def test_recommend_filters_and_ranker(imported: Path) -> None:
    data = stdout_json(
        run(
            "recommend",
            "sme-park",
            "-m",
            "US",
            "-m",
            "SG",
            "--org-type",
            "public_authority",
            "--ranker",
            "lexical",
            "-f",
            "json",
        )
    )
    results = data["results"]
    assert {r["id"] for r in results} == {"p-us-park", "p-sg-park"}
    assert results[0]["id"] == "p-us-park"

    by_city = stdout_json(run("recommend", "sme-waste", "--city", "toronto", "-f", "json"))
    assert [r["id"] for r in by_city["results"]] == ["p-ca-waste"]


def test_recommend_rejects_a_bad_diversity_and_ranker(imported: Path) -> None:
    assert_clean_failure(run("recommend", "sme-park", "--diversity", "1.5"))
    assert_clean_failure(run("recommend", "sme-park", "--ranker", "magic"))


def test_recommend_all_csv(imported: Path) -> None:
    result = run("recommend", "--all", "--format", "csv")
    assert result.exit_code == 0, result.output

    reader = csv.DictReader(io.StringIO(result.stdout))
    assert {"sme_id", "partner_id", "rank", "score"} <= set(reader.fieldnames or [])
    rows = list(reader)
    assert {r["sme_id"] for r in rows} == {s["id"] for s in SMES}
    markets = {s["id"]: s["target_markets"] for s in SMES}
    for sme_id, group in groupby(rows, key=lambda r: r["sme_id"]):
        leads = list(group)
        assert [int(r["rank"]) for r in leads] == list(range(1, len(leads) + 1))
        scores = [float(r["score"]) for r in leads]
        assert scores == sorted(scores, reverse=True)
        if markets[sme_id]:
            assert {r["country"] for r in leads} <= set(markets[sme_id].split(";"))
    best = {r["sme_id"]: r["partner_id"] for r in rows if r["rank"] == "1"}
    assert best["sme-park"] == "p-us-park"
    assert best["sme-charge"] == "p-ca-charge"


def test_recommend_all_json(imported: Path) -> None:
    data = stdout_json(run("recommend", "--all", "--format", "json", "--top", "2"))
    assert isinstance(data, dict)
    assert set(data) == {s["id"] for s in SMES}
    assert all(len(leads) <= 2 for leads in data.values())


def test_recommend_all_refuses_a_table_and_an_id(imported: Path) -> None:
    table = run("recommend", "--all")
    assert_clean_failure(table)
    assert "--format csv" in plain(table.stderr)
    assert_clean_failure(run("recommend", "sme-park", "--all", "--format", "csv"))


def test_recommend_needs_an_id(imported: Path) -> None:
    result = run("recommend")
    assert_clean_failure(result)
    assert "SME id" in plain(result.stderr)


def test_unknown_sme_is_a_clear_error(imported: Path) -> None:
    result = run("recommend", "sme-nowhere")
    assert_clean_failure(result)
    assert "no SME with id 'sme-nowhere'" in plain(result.stderr)
    assert result.stdout == ""


# --- fit, search, evaluate --------------------------------------------------------------------


def test_fit(imported: Path) -> None:
    data = stdout_json(run("fit", "p-ca-waste", "--format", "json"))
    results = data["results"]
    assert data["partner_id"] == "p-ca-waste"
    assert results[0]["id"] == "sme-waste"
    assert {r["id"] for r in results} == {"sme-waste", "sme-charge", "sme-any"}  # target CA

    table = run("fit", "p-ca-waste")
    assert table.exit_code == 0
    assert "SMEs for Toronto Solid Waste Services (Toronto)" in plain(table.stdout)


def test_fit_unknown_partner(imported: Path) -> None:
    result = run("fit", "p-nowhere")
    assert_clean_failure(result)
    assert "p-nowhere" in plain(result.stderr)


def test_search(imported: Path) -> None:
    data = stdout_json(run("search", "parking sensors", "--market", "CN", "--format", "json"))
    assert data["query"] == "parking sensors"
    results = data["results"]
    assert [r["id"] for r in results] == ["p-cn-park", "p-cn-charge"]

    result = run("search", "charging stations", "--org-type", "investor", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == ["p-ca-charge"]
    assert rows[0]["query"] == "charging stations"


def test_search_of_nothing_fails_cleanly(imported: Path) -> None:
    result = run("search", "  ")
    assert_clean_failure(result)
    assert "empty" in plain(result.stderr)


@pytest.fixture
def judgments(tmp_path: Path) -> Path:
    rows = [
        ("sme-park", "p-us-park", "3"),
        ("sme-park", "p-cn-park", "2"),
        ("sme-park", "p-us-waste", "0"),
        ("sme-waste", "p-ca-waste", "3"),
        ("sme-charge", "p-ca-charge", "2"),
    ]
    return write_csv(
        tmp_path / "judgments.csv",
        [dict(zip(("sme_id", "partner_id", "relevance"), r, strict=True)) for r in rows],
    )


def test_evaluate_json(imported: Path, judgments: Path) -> None:
    data = stdout_json(run("evaluate", "--judgments", str(judgments), "--format", "json"))
    assert isinstance(data, list)
    pairs = {(row["ranker"], row["segment"]) for row in data}
    assert pairs == {
        (ranker, segment)
        for ranker in ("hybrid", "dense", "lexical")
        for segment in ("all", "non-English SMEs", "cross-lingual")
    }
    for row in data:
        assert {"ndcg@10", "p@5", "recall@20", "mrr", "queries"} <= set(row)
        if row["segment"] == "all":
            assert row["queries"] == 3
            assert row["mrr"] == pytest.approx(1.0)


def test_evaluate_table_and_csv(imported: Path, judgments: Path) -> None:
    table = run("evaluate", "--judgments", str(judgments))
    assert table.exit_code == 0, table.output
    assert "ndcg@10" in plain(table.stdout)
    as_csv = run("evaluate", "--judgments", str(judgments), "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(rows) == 9


def test_evaluate_with_a_bad_judgments_file(imported: Path, tmp_path: Path) -> None:
    bad = write_csv(
        tmp_path / "bad.csv", [{"sme_id": "sme-park", "partner_id": "p-us-park", "relevance": "9"}]
    )
    result = run("evaluate", "--judgments", str(bad))
    assert_clean_failure(result)
    assert f"{bad}, row 2, column 'relevance'" in plain(result.stderr)


def test_demo_on_the_bundled_data(cli_home: Path) -> None:
    from recommender.cli import PRESS_RELEASE_SMES

    result = run("demo", "--top", "2")

    assert result.exit_code == 0, result.output
    out = plain(result.stdout)
    smes = {row["id"]: row for row in csv.DictReader((BUNDLED_DATA / "smes.csv").open())}
    for sme_id in PRESS_RELEASE_SMES:
        assert smes[sme_id]["name"] in out
    assert out.count("in target market") >= 2 * len(PRESS_RELEASE_SMES)


def test_a_market_outside_the_four_is_refused(imported: Path) -> None:
    for args in (("--market", "FR"), ("--org-type", "government")):
        result = run("recommend", SMES[0]["id"], *args)
        assert_clean_failure(result)
        assert "unknown" in plain(result.stderr) and args[1] in plain(result.stderr)
    assert run("recommend", SMES[0]["id"], "--market", "us").exit_code == 0


def test_an_advisor_token_needs_a_stored_cluster(imported: Path) -> None:
    cluster = "Mov'eo"
    assert cluster in {s["cluster"] for s in SMES}
    for typed in ("Mov’eo", "Moveo", "MOV'EO", "Mov'oe"):
        result = run("token", "create", "--role", "advisor", "--cluster", typed)
        assert_clean_failure(result)
        assert f"did you mean '{cluster}'?" in plain(result.stderr)
        assert result.stdout == ""
    assert run("token", "create", "--role", "advisor", "--cluster", cluster).exit_code == 0


def test_a_semicolon_file_imports_and_the_delimiter_is_said(cli_home: Path, tmp_path: Path) -> None:
    smes = tmp_path / "smes.csv"
    frame = pd.read_csv(BUNDLED_DATA / "smes.csv", dtype=str, keep_default_na=False)
    frame.to_csv(smes, index=False, sep=";")
    result = run("import", "--smes", str(smes))
    assert result.exit_code == 0, result.output
    assert f"{smes}: read as semicolon-separated values" in plain(result.stdout)
    assert f"smes: {len(frame)} added" in plain(result.stdout)


def test_recommend_all_into_a_closed_pipe_ends_quietly(imported: Path) -> None:
    # `clustermatch recommend --all --format csv | head -1`: no traceback, no error line.
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    command = f"{sys.executable} -m recommender recommend --all --format csv | head -1"
    done = subprocess.run(command, shell=True, capture_output=True, text=True, env=env, check=False)
    assert done.stdout.startswith("sme_id,partner_id,rank")
    assert "Traceback" not in done.stderr and "error" not in done.stderr
