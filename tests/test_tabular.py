"""No export holds a live formula: text from uploads that a spreadsheet would run is quoted."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from recommender import BUNDLED_DATA, get_settings
from recommender.cli import app
from recommender.tabular import FORMULA_STARTS, csv_text, safe_cell, xlsx_bytes

HOSTILE_NAME = '=HYPERLINK("http://x","y")'
HOSTILE_CITY = "+cmd|' /C calc'!A0"
MISSION = BUNDLED_DATA / "missions" / "china-2019.yaml"


def live_formulas_in_xlsx(data: bytes | Path) -> list[str]:
    """Every cell of a workbook that is a formula or whose text a spreadsheet would run."""
    book = load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = cell.value if isinstance(cell.value, str) else ""
                if cell.data_type == "f" or text.startswith(FORMULA_STARTS):
                    found.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return found


def live_formulas_in_csv(text: str) -> list[str]:
    """Every CSV field a spreadsheet would run (a plain negative number is a number)."""
    return [
        value for row in csv.reader(io.StringIO(text)) for value in row
        if value.startswith(FORMULA_STARTS) and not _number(value)
    ]  # fmt: skip


def _number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (HOSTILE_NAME, "'" + HOSTILE_NAME),
        (HOSTILE_CITY, "'" + HOSTILE_CITY),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Boston", "Boston"),
        ("a=b", "a=b"),
        ("", ""),
        (-1.5, -1.5),  # numbers are numbers, negative or not
        (3, 3),
        (None, None),
    ],
)
def test_safe_cell(value: Any, expected: Any) -> None:
    assert safe_cell(value) == expected


def test_tables_come_out_quoted_and_as_strings() -> None:
    frame = pd.DataFrame([{"name": HOSTILE_NAME, "city": HOSTILE_CITY, "score": -0.25, "rank": 1}])
    text = csv_text(frame)
    assert live_formulas_in_csv(text) == []
    row = next(csv.DictReader(io.StringIO(text)))
    quoted = {"name": "'" + HOSTILE_NAME, "city": "'" + HOSTILE_CITY}
    assert row == {**quoted, "score": "-0.25", "rank": "1"}

    data = xlsx_bytes(frame, "leads")
    assert live_formulas_in_xlsx(data) == []
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == ["'" + HOSTILE_NAME, "'" + HOSTILE_CITY, -0.25, 1]


def test_the_check_sees_a_live_formula() -> None:
    # The helpers above must be able to fail: a workbook written the naive way is caught.
    buffer = io.BytesIO()
    pd.DataFrame([{"name": HOSTILE_NAME}]).to_excel(buffer, index=False)
    assert live_formulas_in_xlsx(buffer.getvalue()) != []
    assert live_formulas_in_csv(pd.DataFrame([{"c": HOSTILE_CITY}]).to_csv(index=False)) != []


@pytest.fixture
def hostile_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The bundled data with hostile SME and partner names, imported with the hashing model."""
    monkeypatch.setenv("CLUSTERMATCH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLUSTERMATCH_EMBEDDING_BACKEND", "hashing")
    get_settings.cache_clear()
    smes = pd.read_csv(BUNDLED_DATA / "smes.csv", dtype=str, keep_default_na=False)
    partners = pd.read_csv(BUNDLED_DATA / "partners.csv", dtype=str, keep_default_na=False)
    smes["name"] = "@" + smes["name"]
    partners["name"] = HOSTILE_NAME + " " + partners["id"]
    smes.to_csv(tmp_path / "smes.csv", index=False)
    partners.to_csv(tmp_path / "partners.csv", index=False)
    files = ["--smes", str(tmp_path / "smes.csv"), "--partners", str(tmp_path / "partners.csv")]
    result = CliRunner().invoke(app, ["import", *files])
    assert result.exit_code == 0, result.output
    yield tmp_path
    get_settings.cache_clear()


def test_mission_files_hold_no_live_formula(hostile_home: Path) -> None:
    out = hostile_home / "plan"
    result = CliRunner().invoke(app, ["mission", "plan", str(MISSION), "--out", str(out)])
    assert result.exit_code == 0, result.output
    agenda = (out / "agenda.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(agenda)))
    assert rows and all(r["partner_name"].startswith("'" + HOSTILE_NAME) for r in rows)
    assert live_formulas_in_csv(agenda) == []
    for name in ("agenda.xlsx", "leads.xlsx"):
        assert live_formulas_in_xlsx(out / name) == [], name
    summary = load_workbook(out / "leads.xlsx")["summary"]
    assert str(summary["B2"].value).startswith("'@")


def test_cli_csv_holds_no_live_formula(hostile_home: Path) -> None:
    result = CliRunner().invoke(app, ["recommend", "--all", "--top", "3", "--format", "csv"])
    assert result.exit_code == 0, result.output
    names = [r["partner_name"] for r in csv.DictReader(io.StringIO(result.stdout))]
    assert names and all(n.startswith("'" + HOSTILE_NAME) for n in names)
    assert live_formulas_in_csv(result.stdout) == []
    one = CliRunner().invoke(app, ["recommend", "sme-ksh", "--format", "csv"])
    assert one.exit_code == 0, one.output
    names = [r["name"] for r in csv.DictReader(io.StringIO(one.stdout))]
    assert names and all(n.startswith("'" + HOSTILE_NAME) for n in names)
    assert live_formulas_in_csv(one.stdout) == []
